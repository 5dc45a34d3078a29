"""Notebook and console display of verify's results: HTML for Jupyter, rich renderables, one-line reprs.

Report (verify.compare), CheckResult (verify.check) and the derivation checker's Report delegate their
``_repr_html_``, ``__rich__`` and ``__repr__`` to verify.display, where this module registers its
renderers on import, so the data classes stay data and import no presentation. ``show(result)``
displays any of them: as HTML in a Jupyter kernel, as rich tables elsewhere. Presentation only; heavy
modules (the HTML renderer, matplotlib, rich) are imported when something is shown.
"""

from __future__ import annotations

import math

from .display import register

__all__ = ["MAX_REPR", "one_line", "report_html", "rich_view", "show"]

MAX_REPR = 2000  # characters of repr() at most; a name longer than its share is cut with "..."


def _kind(obj) -> str:
    if hasattr(obj, "verdicts"):
        return "derivation"
    if hasattr(obj, "reports"):
        return "check"
    if hasattr(obj, "matrices"):
        return "report"
    raise TypeError(f"verify cannot display a {type(obj).__name__}")


def _cut(text, limit: int = 200) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _err(x) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return "inf" if isinstance(x, float) and math.isinf(x) else ("0" if x == 0 else f"{x:.1e}")


def _report_line(r) -> str:
    rel = max((m.max_rel for m in r.matrices if m.checked), default=float("nan"))
    state = "PASS" if r.ok else "FAIL"
    extra = f", {len(r.problems)} problem(s)" if r.problems else ""
    diag = f" ({_cut(r.diagnosis.short, 120)})" if getattr(r, "diagnosis", None) else ""
    return (f"<Report {_cut(r.label, 120)!r} {'-'.join(map(str, r.sizes))} n={r.n} {r.activation}/{r.cost} "
            f"truth={r.truth}: {state} {r.checked}/{r.total} entries, max rel {_err(rel)}{extra}{diag}>")


def _check_line(c) -> str:
    n = len(c.reports)
    entries = sum(r.checked for r in c.reports)
    if c.ok:
        what = f"PASS {n} case{'s' if n != 1 else ''} agree"
    else:
        what = f"FAIL {len(c.failing)} of {n} cases disagree"
        what += f" ({_cut(c.diagnosis.short, 120)})" if c.diagnosis else ""
    proof = getattr(c, "proof", None)
    if proof is not None:
        proof = ", proof PROVEN" if getattr(proof, "ok", False) else ", proof NOT PROVEN"
    return f"<CheckResult {_cut(c.subject)!r}: {what}; {entries} entries checked{proof or ''}>"


def _derivation_line(d) -> str:
    numbered = [v for v in d.verdicts if getattr(v, "numbered", True)]
    count = {s: sum(v.status == s for v in numbered) for s in ("holds", "fails", "definition", "not checked")}
    fails = [v.label for v in numbered if v.status == "fails"]
    state = "FAIL" if fails or getattr(d, "error", None) else "PASS"
    shown = ", ".join(f"({_cut(x, 20)})" for x in fails[:12]) + (", ..." if len(fails) > 12 else "")
    return (f"<derivation Report {_cut(d.path)!r}: {state} {len(numbered)} numbered equations: "
            f"{count['holds']} hold, {count['fails']} fail, {count['definition']} definitions, "
            f"{count['not checked']} not checked" + (f"; failing {shown}" if fails else "") + ">")


def one_line(obj) -> str:
    """The repr: one line, the verdict and its counts, never the data (at most MAX_REPR characters)."""
    line = {"derivation": _derivation_line, "check": _check_line, "report": _report_line}[_kind(obj)](obj)
    line = " ".join(line.split())
    return line if len(line) <= MAX_REPR else line[: MAX_REPR - 4] + "...>"


def report_html(obj) -> str:
    """The HTML a notebook shows: the report's sections with their stylesheet (no script, no network)."""
    from .html.render import notebook_html

    return notebook_html(obj)


def _rich_report(r):
    from rich.console import Group

    from . import report as present

    parts = [present.matrix_table(r)]
    if not r.ok and r.entries:
        parts.append(present.worst_table(r))
    if r.problems:
        parts.append(present.problems_text(r.problems))
    if r.diagnosis is not None:
        parts.append(present.diagnosis_text(r.diagnosis))
    parts.append(present.verdict(r.ok, f"{r.label or 'network'}: {r.checked} of {r.total} entries checked"))
    return Group(*parts)


def _rich_check(c):
    from rich.console import Group

    from . import report as present

    parts = []
    if getattr(c, "proof", None) is not None:
        parts.append(present.verdict(c.proof.ok, f"proof: {c.proof.text}"))
    parts.append(present.summary_table(c))
    focus = c.focus()
    if focus is not None:
        if focus.entries:
            parts.append(present.worst_table(focus))
        if focus.problems:
            parts.append(present.problems_text(focus.problems))
    if c.diagnosis is not None:
        parts.append(present.diagnosis_text(c.diagnosis))
    parts.append(present.verdict(c.ok, one_line(c)[len("<CheckResult "):-1]))
    return Group(*parts)


def _rich_derivation(d):
    from .derivation.present import render

    return render(d)


def rich_view(obj):
    """A rich renderable (``__rich__``): the tables the command line prints."""
    return {"derivation": _rich_derivation, "check": _rich_check, "report": _rich_report}[_kind(obj)](obj)


register(line=one_line, html=report_html, rich=rich_view)


def _in_notebook() -> bool:
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    shell = get_ipython()
    return shell is not None and hasattr(shell, "kernel")


def show(result) -> None:
    """Display a Report, CheckResult or derivation Report: HTML in Jupyter, rich tables in a terminal."""
    _kind(result)  # a clear TypeError for anything else
    if _in_notebook():
        from IPython.display import HTML, display

        display(HTML(report_html(result)))
        return
    from rich.console import Console

    Console(highlight=False).print(rich_view(result))
