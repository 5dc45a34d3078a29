"""Presentation of a derivation report: rich tables for people, JSON for programs. No computation here."""
from __future__ import annotations

import json

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ..envelope import envelope
from .check import DEFINITION, FAILS, HOLDS, NOT_CHECKED, Report, Verdict

__all__ = ["render", "summary_line", "verdict_line", "to_json", "describe_counterexample", "render_changes",
           "SYMBOL"]

SYMBOL = {HOLDS: "✓ holds", FAILS: "✗ fails", DEFINITION: "≔ definition", NOT_CHECKED: "– not checked"}
STYLE = {HOLDS: "green", FAILS: "bold red", DEFINITION: "cyan", NOT_CHECKED: "yellow"}


def describe_counterexample(ce: dict | None) -> str:
    """One line: where the equation fails and both sides' values."""
    if not ce:
        return ""
    where = ", ".join(f"{k}=S{v}" if k.startswith("S") else f"{k}={v}" for k, v in ce.get("indices",
                                                                                          {}).items())
    at = f" at {where}" if where else ""
    pt = f" (point {ce['point']})"
    if "error" in ce:
        return f"member {ce['member']} is wrong{at}{pt}: {ce['error']}"
    a, b = ce["link"]
    text = f"= between members {a} and {b} fails{at}{pt}"
    if "entry" in ce:
        r, c = ce["entry"]
        text += f", entry ({r},{c})" + (f" = sample {ce['sample']}" if "sample" in ce else "")
    if "left" in ce and "right" in ce:
        text += f": left {ce['left']}, right {ce['right']}"
    elif "shapes" in ce:
        text += f": {ce.get('message', '')}"
    return text


def _detail(v: Verdict) -> Text:
    out = Text()
    if v.status == FAILS:
        out.append(describe_counterexample(v.counterexample))
        if v.hint:
            out.append("\nhint: ", style="bold")
            out.append(v.hint, style="magenta")
    elif v.status == HOLDS:
        out.append(_short_how(v.how), style="dim")
    elif v.status == NOT_CHECKED:
        out.append(v.reason)
    if v.defines:
        out.append(("\n" if out else "") + "defines " + ", ".join(v.defines), style="cyan")
    for note in v.notes:
        if note.startswith("part ") and v.status != FAILS:
            continue
        out.append("\n· " + note, style="dim")
    return out


def _short_how(how: str) -> str:
    """The per-row part of 'how': what is particular to this equation (the method is in the header)."""
    parts = [p for p in how.split(", ") if "random exact rational" not in p]
    return ", ".join(parts)


def verdict_line(report: Report) -> str:
    """The final line: PASS or FAIL (or ERROR for bad input) and why."""
    code = report.exit_code
    if code == 2:
        return "ERROR: an equation does not parse (exit 2)"
    if code == 1:
        failing = ", ".join(f"({v.label})" for v in report.numbered if v.status == FAILS)
        return f"FAIL: {failing} fail{'s' if failing.count('(') == 1 else ''} (exit 1)"
    return "PASS: every checked equation holds (exit 0)"


def summary_line(report: Report) -> str:
    nums = report.numbered
    return (f"{len(nums)} numbered equations: {report.count(HOLDS)} hold, {report.count(FAILS)} fail, "
            f"{report.count(DEFINITION)} definitions, {report.count(NOT_CHECKED)} not checked\n"
            f"{100 * report.checked_fraction:.1f} % checked (holds or fails) · {report.seconds:.2f} s")


def render(report: Report, changed: list | None = None, title: str | None = None):
    """A rich renderable: header, optional 'changed since last check' table, then every verdict."""
    head = Text()
    head.append(title or f"Checking {report.path}", style="bold")
    head.append(f"\n{report.config.describe()}\n", style="dim")
    if report.error:
        return Group(head, Text(f"error: {report.error}", style="bold red"))
    head.append(f"method: {report.method}\n", style="dim")
    head.append(summary_line(report), style="bold")
    pieces = [head]
    if changed:
        pieces.append(Panel(_table([v for v in report.verdicts if v.label in changed and v.numbered]),
                            title="changed since the last check", border_style="magenta"))
    pieces.append(_table(report.numbered))
    code = report.exit_code
    pieces.append(Text(verdict_line(report), style="bold green" if code == 0 else "bold red"))
    return Group(*pieces)


def render_changes(changed: list) -> Text:
    return Text("changed: " + ", ".join(f"({c})" for c in changed) if changed else "no verdict changed",
                style="magenta")


def _table(verdicts) -> Table:
    table = Table(show_lines=False, expand=True, pad_edge=False)
    table.add_column("eq", justify="right", no_wrap=True)
    table.add_column("verdict", no_wrap=True)
    table.add_column("line", justify="right", no_wrap=True, style="dim")
    table.add_column("details", ratio=1)
    for v in verdicts:
        table.add_row(f"({v.label})", Text(SYMBOL[v.status], style=STYLE[v.status]), str(v.line), _detail(v))
    return table


def to_json(report: Report) -> str:
    nums = report.numbered
    data = {
        "path": report.path,
        "file": report.path,   # the name docs/json.md used before the contract's "path"
        "method": report.method,
        "config": {"notation": report.config.notation, "sizes": list(report.config.sizes),
                   "batch": report.config.batch, "activation": report.config.activation,
                   "output_activation": report.config.output_activation, "cost": report.config.cost,
                   "bias": report.config.bias, "points": report.config.points,
                   "symbols": {k: v for k, v in report.config.symbols}},
        "summary": {"numbered": len(nums), "holds": report.count(HOLDS), "fails": report.count(FAILS),
                    "definitions": report.count(DEFINITION), "not_checked": report.count(NOT_CHECKED),
                    "checked_fraction": round(report.checked_fraction,
                                              4), "seconds": round(report.seconds, 3),
                    "failing": [v.label for v in nums if v.status == FAILS]},
        "error": report.error,
        "verdicts": [v.to_json() for v in nums],
    }
    return json.dumps(envelope("verify derivation", report.exit_code, data), indent=2,
                      ensure_ascii=False)  # the common envelope of docs/json.md
