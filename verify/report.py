"""Presentation: rich tables and JSON from verify's data (Report, CheckResult, MainResult). No computation.

Tables fit 80 columns. Numbers: errors in compact scientific notation, "0" for exact zero, ULPs as
integers up to 99999. The derivation checker may reuse ``make_console``, ``fmt_err``, ``verdict`` and
``to_json``.
"""

from __future__ import annotations

import json
import math
import sys

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

__all__ = ["fmt_err", "make_console", "matrix_table", "problems_text", "to_json", "verdict", "worst_table"]

ORACLE_HEAD = {"complex-step": "complex\nstep", "central-diff": "central\ndiff"}


def make_console(no_color: bool = False, file=None, width: int | None = None) -> Console:
    """A console for our output; ``no_color`` also drops bold/italics (plain text for logs and pipes)."""
    return Console(file=file or sys.stdout, no_color=no_color, highlight=False, soft_wrap=False,
                   width=width, emoji=False, color_system=None if no_color else "auto")


def fmt_err(x: float | None) -> str:
    """An error value: "0", "1.2e-16", "inf", "-" (not measured)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if math.isinf(x):
        return "inf"
    return "0" if x == 0 else f"{x:.1e}"


def fmt_val(x: float) -> str:
    return f"{x: .9e}" if math.isfinite(x) else str(x)


def fmt_ulps(x: float) -> str:
    if math.isnan(x):
        return "-"
    if math.isinf(x) or x >= 1e5:
        return "inf" if math.isinf(x) else f"{x:.0e}"
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def status_text(ok: bool, label_ok: str = "ok", label_bad: str = "FAIL") -> Text:
    return Text(label_ok, style="green") if ok else Text(label_bad, style="bold red")


def _table(title: str | None, caption: str | None = None) -> Table:
    return Table(title=title, caption=caption, box=box.SIMPLE_HEAD, pad_edge=False, padding=(0, 0),
                 title_justify="left", caption_justify="left", show_edge=False)


def matrix_table(report, oracles=("complex-step", "central-diff")) -> Table:
    """One row per weight matrix: checked/total, max abs/rel error, ULPs, worst entry, oracles, status."""
    title = (f"{report.label}: sizes {'-'.join(map(str, report.sizes))}, n={report.n}, "
             f"{report.activation}/{report.cost}, truth={report.truth}")
    t = _table(title)
    t.add_column("W_N", no_wrap=True)
    t.add_column("checked", justify="right", no_wrap=True)
    t.add_column("max abs", justify="right", no_wrap=True)
    t.add_column("max rel", justify="right", no_wrap=True)
    t.add_column("ULPs", justify="right", no_wrap=True)
    t.add_column("worst\n(N,i,j)", justify="right", no_wrap=True)
    shown = [o for o in oracles if any(o in m.oracle_rel for m in report.matrices)]
    for o in shown:
        t.add_column(ORACLE_HEAD.get(o, o), justify="right", no_wrap=True)
    t.add_column("status", no_wrap=True)
    for m in report.matrices:
        worst = "-" if m.worst is None else f"({m.N},{m.worst.i},{m.worst.j})"
        row = [f"W{m.N} {m.shape[0]}x{m.shape[1]}", f"{m.checked}/{m.total}", fmt_err(m.max_abs),
               fmt_err(m.max_rel), fmt_ulps(m.max_ulps), worst]
        row += [fmt_err(m.oracle_rel.get(o)) for o in shown]
        t.add_row(*row, status_text(m.ok))
    return t


def worst_table(report, k: int = 5) -> Table:
    """The k worst entries only (never whole matrices): layer, i, j, expected, got, relative error."""
    t = _table(f"worst entries - {report.label} (sizes {'-'.join(map(str, report.sizes))}, n={report.n})")
    for name in ("N", "i", "j"):
        t.add_column(name, justify="right", no_wrap=True)
    t.add_column("expected", justify="right", no_wrap=True)
    t.add_column("got", justify="right", no_wrap=True)
    t.add_column("rel err", justify="right", no_wrap=True)
    for e in report.worst(k):
        t.add_row(str(e.N), str(e.i), str(e.j), fmt_val(e.expected), fmt_val(e.got),
                  Text(fmt_err(e.rel_err), style="" if e.ok else "red"))
    return t


def problems_text(problems) -> Text:
    """User-side problems (exceptions with the user's own frames, wrong types/shapes), one block each."""
    out = Text()
    for p in problems:
        out.append("error: ", style="bold red")
        out.append(p.message + "\n")
        if p.detail:
            out.append(p.detail + "\n", style="dim")
    return out


def verdict(ok: bool, text: str) -> Text:
    """The one verdict line: "PASS ..." or "FAIL ..."."""
    line = Text("PASS " if ok else "FAIL ", style="bold green" if ok else "bold red")
    line.append(text)
    return line


def _clean(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):
        return _clean(obj.item())
    return obj


def to_json(data) -> str:
    """Strict JSON (inf/nan as strings) of plain data built by the ``as_dict`` methods."""
    return json.dumps(_clean(data), indent=2, allow_nan=False)
