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
from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

__all__ = ["ProgressDisplay", "diagnosis_text", "fmt_err", "make_console", "matrix_table", "mismatch_text",
           "problems_text", "render_check", "render_engine", "summary_table", "to_json", "verdict",
           "worst_table"]

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


def _out(report) -> str:
    out = getattr(report, "output_activation", None)
    return f"+{out} out" if out and out != report.activation else ""


def matrix_table(report, oracles=("complex-step", "central-diff")) -> Group:
    """One row per weight matrix: checked/total, max abs/rel error, ULPs, worst entry, oracles, status."""
    title = (f"{report.label}: sizes {'-'.join(map(str, report.sizes))}, n={report.n}, "
             f"{report.activation}{_out(report)}/{report.cost}, truth={report.truth}")
    t = _table(None)
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
        worst = "-" if m.worst is None else _where(m.worst)
        row = [f"{m.param}{m.N} {m.shape[0]}x{m.shape[1]}", f"{m.checked}/{m.total}", fmt_err(m.max_abs),
               fmt_err(m.max_rel), fmt_ulps(m.max_ulps), worst]
        row += [fmt_err(m.oracle_rel.get(o)) for o in shown]
        t.add_row(*row, Text("kink", style="yellow") if m.ok and m.kinks else status_text(m.ok))
    return Group(Text(title, style="bold"), t)


def _where(e) -> str:
    """(N,i,j) of a weight; (N,j) of a bias b_N (target node j on L(N+1))."""
    return f"b({e.N},{e.j})" if e.param == "b" else f"({e.N},{e.i},{e.j})"


def worst_table(report, k: int = 5) -> Group:
    """The k worst entries only (never whole matrices): layer, i, j, expected, got, relative error."""
    sizes = "-".join(map(str, report.sizes))
    heading = Text(f"worst entries of {report.label} (sizes {sizes}, n={report.n}):")
    t = _table(None)
    t.add_column("", no_wrap=True)
    for name in ("N", "i", "j"):
        t.add_column(name, justify="right", no_wrap=True)
    t.add_column("expected", justify="right", no_wrap=True)
    t.add_column("got", justify="right", no_wrap=True)
    t.add_column("rel err", justify="right", no_wrap=True)
    for e in report.worst(k):
        t.add_row(e.param, str(e.N), "-" if e.param == "b" else str(e.i), str(e.j), fmt_val(e.expected),
                  fmt_val(e.got),
                  Text(fmt_err(e.rel_err), style="" if e.ok else "red"))
    return Group(heading, t)


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


NOTATION = ("(N,i,j) = the paper's {}_N w_i^j: i source node on L(N), j target node on L(N+1), 1-based "
            "(numpy W_N[j-1, i-1]). complex step / central diff: those oracles' max rel error against the "
            "same truth. kink: differences only where a ReLU pre-activation is 0 (phi' undefined).")


TRUTH_NAMES = {"symbolic": "sympy.diff", "complex-step": "the complex step (--truth complex-step)"}


def truth_name(result) -> str:
    """What the verdict line names as the truth: sympy.diff, or the complex step when it replaced it."""
    truths = {r.truth for r in result.reports} or {"symbolic"}
    return " and ".join(TRUTH_NAMES.get(t, t) for t in sorted(truths))


def summary_table(result) -> Table:
    """One row per case of a CheckResult: sizes, n, entries checked, max rel error, status."""
    t = _table(f"{result.subject}")
    for name, justify in (("case", "left"), ("sizes", "left"), ("n", "right"), ("checked", "right"),
                          ("max rel", "right"), ("status", "left")):
        t.add_column(name, justify=justify, no_wrap=True)
    for r in result.reports:
        rel = max((m.max_rel for m in r.matrices if m.checked), default=float("nan"))
        bad = "ERROR" if r.problems and not any(m.checked for m in r.matrices) else "FAIL"
        t.add_row(r.label, "-".join(map(str, r.sizes)), str(r.n), f"{r.checked}/{r.total}", fmt_err(rel),
                  status_text(r.ok, "ok", bad))
    return t


def diagnosis_text(diagnosis) -> Text:
    out = Text("diagnosis: ", style="bold")
    out.append(diagnosis.title + "\n", style="yellow")
    for line in diagnosis.evidence[:6]:
        out.append(f"  - {line}\n")
    return out


def _verdict_text(result) -> str:
    n = len(result.reports)
    if result.ok:
        cases = f"all {n} cases agree" if n > 1 else "the case agrees"
        return f"{result.subject}: {cases} with {truth_name(result)}"
    text = f"{result.subject}: {len(result.failing)} of {n} cases disagree"
    return text + (f" ({result.diagnosis.short})" if result.diagnosis else "")


def render_check(console: Console, result) -> None:
    """The ``impl`` view: per-case summary; on failure the worst entries, problems, diagnosis."""
    console.print(summary_table(result))
    focus = result.focus()
    if focus is not None:
        if focus.entries:
            console.print(worst_table(focus))
        if focus.problems:
            console.print(problems_text(focus.problems), end="")
        if result.diagnosis:
            console.print(diagnosis_text(result.diagnosis), end="")
    _impl_extras(console, result)
    tol = result.reports[0].tolerance if result.reports else None
    if tol is not None:
        console.print(Text(f"tolerance {tol}; truth: {result.reports[0].truth}", style="dim"))
    console.print(verdict(result.ok, _verdict_text(result)))


def _impl_extras(console: Console, result) -> None:
    """verify impl: the smallest failing network, how the gradients were read, notes, captured output."""
    shrunk = getattr(result, "shrunk", None)
    if shrunk:
        sizes = "-".join(map(str, shrunk["sizes"]))
        console.print(Text(f"smallest failing network: {sizes}, n={shrunk['n']} "
                           f"(shrunk from {'-'.join(map(str, shrunk['from']['sizes']))}, "
                           f"n={shrunk['from']['n']}, {shrunk['tries']} tries)", style="yellow"))
    for note in getattr(result, "notes", []):
        console.print(Text(f"note: {note}", style="dim"))
    output = getattr(result, "output", None) or {}
    printed = output.get("stdout_bytes", 0) + output.get("stderr_bytes", 0)
    if printed:
        console.print(Text(f"note: your code printed {printed} bytes (kept apart from this report; the "
                           "first 64 KiB of each stream are in --json under user_output)", style="dim"))


def render_engine(console: Console, result, oracles=("complex-step", "central-diff")) -> None:
    """The main job / ``sizes`` view: the proof summary, one agreement table per case, the verdict."""
    if result.proof is not None:
        p = result.proof
        console.print(Text.assemble(("proof ", "bold"), status_text(p.ok, "PROVEN", "NOT PROVEN"),
                                    f": {p.text} ({p.seconds:.1f} s)"))
    for r in result.reports:
        console.print(matrix_table(r, oracles))
        if r.problems:
            console.print(problems_text(r.problems), end="")
    console.print(Text(NOTATION, style="dim"))
    if result.reports:
        console.print(Text(f"tolerance {result.reports[0].tolerance}", style="dim"))
    checked = sum(r.checked for r in result.reports)
    total = sum(r.total for r in result.reports)
    count = len(result.reports)
    what = f"{checked} of {total} entries in {count} network{'s' if count != 1 else ''}"
    text = (f"engine agrees with {truth_name(result)} on {what}" if result.ok
            else f"disagreement: {len(result.failing)} of {len(result.reports)} networks ({what})")
    console.print(verdict(result.ok, text + f" [{result.seconds:.1f} s]"))


def mismatch_text(result, width: int = 100) -> str:
    """Plain text for GradientMismatch: verdict, diagnosis, worst entries, problems, tolerance."""
    import io

    buf = io.StringIO()
    console = make_console(no_color=True, file=buf, width=width)
    console.print(f"{result.subject}: {len(result.failing)} of {len(result.reports)} cases disagree with "
                  "the ground truth")
    focus = result.focus()
    if result.diagnosis:
        console.print(diagnosis_text(result.diagnosis), end="")
    if focus is not None:
        if focus.problems:
            console.print(problems_text(focus.problems), end="")
        if focus.entries:
            console.print(worst_table(focus))
        console.print(f"tolerance {focus.tolerance}; truth: {focus.truth}")
    return buf.getvalue().rstrip()


class ProgressDisplay:
    """A rich progress bar on stderr with counts, elapsed time and ETA; shown only once a check has run
    for ``delay`` seconds (short checks print nothing). ``update(done, total, label)`` is the callback the
    jobs take; ``start``/``stop`` as rich's Progress."""

    def __init__(self, console, delay: float = 2.0):
        from rich import progress as rp

        self.bar = rp.Progress(rp.TextColumn("{task.description}"), rp.BarColumn(), rp.MofNCompleteColumn(),
                               rp.TimeElapsedColumn(), rp.TextColumn("ETA"), rp.TimeRemainingColumn(),
                               console=console, transient=True)
        self.task = self.bar.add_task("checking", total=None)
        self.delay, self.started, self.shown = delay, None, False

    def start(self) -> None:
        import time

        self.started = time.monotonic()

    def update(self, done, total, label) -> None:
        import time

        self.bar.update(self.task, completed=done, total=total, description=f"checking {label}")
        if not self.shown and self.started is not None and time.monotonic() - self.started >= self.delay:
            self.bar.start()
            self.shown = True

    def stop(self) -> None:
        if self.shown:
            self.bar.stop()
