"""The numeric sections: agreement tables, worst entries, problems, diagnosis and a heat-map per weight
matrix, for a compare Report or a CheckResult (main job, ``sizes``, ``impl``). Presentation only."""

from __future__ import annotations

import math

from .heatmap import error_grid, heatmap_png
from .page import css_class, esc

__all__ = ["check_body", "report_body", "fmt"]

ORACLES = {"complex-step": "complex step", "central-diff": "central diff"}


def fmt(x) -> str:
    """An error value as the terminal tables print it: "0", "1.2e-16", "inf", "-"."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    if isinstance(x, float) and math.isinf(x):
        return "inf"
    return "0" if x == 0 else f"{x:.1e}"


def fmt_ulps(x) -> str:
    """ULPs as the terminal prints them: "5.0", "12", "3e+15", "inf", "-"."""
    if x is None or math.isnan(x):
        return "-"
    if math.isinf(x) or x >= 1e5:
        return "inf" if math.isinf(x) else f"{x:.0e}"
    return f"{x:.0f}" if x >= 10 else f"{x:.1f}"


def _status(ok: bool, kink: bool = False) -> str:
    word = "kink" if ok and kink else ("ok" if ok else "FAIL")
    return f"<td class=\"l {css_class(word)}\">{word}</td>"


def _where(e) -> str:
    return f"b({e.N},{e.j})" if e.param == "b" else f"({e.N},{e.i},{e.j})"


def _table(head: list[str], rows: list[str], cls: str = "grid") -> str:
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    return f"<table class=\"{cls}\"><thead><tr>{th}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def agreement_table(report) -> str:
    """One row per weight matrix: checked/total, max abs/rel error, ULPs, worst (N,i,j), oracles, status."""
    oracles = [o for o in ORACLES if any(o in m.oracle_rel for m in report.matrices)]
    rows = []
    for m in report.matrices:
        cells = [f"{m.param}{m.N} {m.shape[0]}x{m.shape[1]}", f"{m.checked}/{m.total}", fmt(m.max_abs),
                 fmt(m.max_rel), fmt_ulps(m.max_ulps), "-" if m.worst is None else _where(m.worst)]
        cells += [fmt(m.oracle_rel.get(o)) for o in oracles]
        tds = f"<td class=\"l\">{esc(cells[0])}</td>" + "".join(f"<td>{esc(c)}</td>" for c in cells[1:])
        rows.append(f"<tr>{tds}{_status(m.ok, m.kinks > 0)}</tr>")
    head = ["W_N", "checked", "max abs", "max rel", "ULPs", "worst (N,i,j)"] + [ORACLES[o] for o in oracles]
    return _table(head + ["status"], rows)


def worst_table(report, k: int = 5) -> str:
    rows = [f"<tr><td class=\"l\">{esc(e.param)}</td><td>{esc(_where(e))}</td><td>{e.expected:.9e}</td>"
            f"<td>{e.got:.9e}</td><td>{esc(fmt(e.rel_err))}</td>{_status(e.ok, e.kink)}</tr>"
            for e in report.worst(k)]
    return _table(["", "(N,i,j)", "expected", "got", "rel err", "status"], rows)


def heatmaps(report) -> str:
    """A heat-map of log10(error / tolerance) for every matrix with checked entries."""
    figures = []
    for m in report.matrices:
        if not m.checked:
            continue
        grid, kinks = error_grid(m, report.entries, report.tolerance)
        name = f"{m.param}{m.N} ({m.shape[0]}x{m.shape[1]})"
        uri = heatmap_png(grid, f"{name}: error / tolerance", kinks)
        figures.append(f"<figure><img src=\"{uri}\" alt=\"heat-map of {esc(name)}\">"
                       f"<figcaption>{esc(name)}: {m.checked} of {m.total} entries checked"
                       f"{'' if m.checked == m.total else ' (grey: not checked)'}</figcaption></figure>")
    return f"<div class=\"maps\">{''.join(figures)}</div>" if figures else ""


def diagnosis_html(diagnosis) -> str:
    if diagnosis is None:
        return ""
    items = "".join(f"<li>{esc(line)}</li>" for line in diagnosis.evidence[:6])
    return (f"<div class=\"card {css_class('fails')}\" style=\"display:block\"><b>diagnosis:</b> "
            f"<span class=\"hint\">{esc(diagnosis.title)}</span><ul>{items}</ul></div>")


def problems_html(problems) -> str:
    return "".join(f"<div class=\"card {css_class('fails')}\" style=\"display:block\"><b>error:</b> "
                   f"{esc(p.message)}{f'<pre>{esc(p.detail)}</pre>' if p.detail else ''}</div>"
                   for p in problems)


def _title(report) -> str:
    out = report.output_activation
    act = report.activation + (f"+{out} out" if out and out != report.activation else "")
    return (f"{report.label or 'network'}: sizes {'-'.join(map(str, report.sizes))}, n={report.n}, "
            f"{act}/{report.cost}, truth={report.truth}")


def report_body(report, heading: bool = False, maps: bool = True, diagnosis: bool = True) -> str:
    """One network: (title,) agreement table, heat-maps, the worst entries on a failure, problems."""
    word = "ok" if report.ok else "FAIL"
    parts = []
    if heading:
        parts += [f"<h1>verify: {esc(_title(report))}</h1>",
                  f"<div class=\"verdict-line {css_class(word)}\">{'PASS' if report.ok else 'FAIL'} "
                  f"{report.checked} of {report.total} entries checked; "
                  f"tolerance {esc(report.tolerance)}</div>"]
    parts.append(agreement_table(report))
    if maps:
        parts.append(heatmaps(report))
    if not report.ok and report.entries:
        parts.append("<div><b>worst entries</b></div>" + worst_table(report))
    parts.append(problems_html(report.problems))
    if diagnosis:
        parts.append(diagnosis_html(report.diagnosis))
    return "\n".join(p for p in parts if p)


def _summary(result) -> str:
    rows = []
    for r in result.reports:
        rel = max((m.max_rel for m in r.matrices if m.checked), default=float("nan"))
        rows.append(f"<tr><td class=\"l\"><a href=\"#case-{esc(r.label)}\">{esc(r.label)}</a></td>"
                    f"<td class=\"l\">{esc('-'.join(map(str, r.sizes)))}</td><td>{r.n}</td>"
                    f"<td>{r.checked}/{r.total}</td><td>{esc(fmt(rel))}</td>{_status(r.ok)}</tr>")
    return _table(["case", "sizes", "n", "checked", "max rel", "status"], rows)


def _verdict(result) -> str:
    n = len(result.reports)
    checked = sum(r.checked for r in result.reports)
    if result.ok:
        text = f"{result.subject}: {'all ' + str(n) + ' cases agree' if n > 1 else 'the case agrees'}"
    else:
        text = f"{result.subject}: {len(result.failing)} of {n} cases disagree"
        text += f" ({result.diagnosis.short})" if result.diagnosis else ""
    truth = result.reports[0].truth if result.reports else ""
    text += f"; {checked} entries checked against the {truth} truth" if truth else ""
    word = "ok" if result.ok else "FAIL"
    return (f"<div class=\"verdict-line {css_class(word)}\">{'PASS' if result.ok else 'FAIL'} "
            f"{esc(text)}</div>")


def _own(report, result) -> bool:
    """Show a case's diagnosis only where it differs from the combined one shown at the top."""
    mine, top = report.diagnosis, result.diagnosis
    return mine is not None and (top is None or mine.title != top.title)


def check_body(result, all_maps: bool = True) -> str:
    """A CheckResult: verdict, proof, summary, diagnosis, then every case (failing ones first, open).
    all_maps=False (a notebook cell): passing cases folded and without heat-maps (a single case is always
    shown), to keep the output small."""
    parts = [f"<h1>verify: {esc(result.subject)}</h1>", _verdict(result)]
    if result.proof is not None:
        p = result.proof
        word = "ok" if p.ok else "FAIL"
        parts.append(f"<div class=\"verdict-line {css_class(word)}\">proof "
                     f"{'PROVEN' if p.ok else 'NOT PROVEN'}: {esc(p.text)} ({p.seconds:.1f} s)</div>")
    if result.reports:
        parts += [f"<div class=\"meta\">tolerance {esc(result.reports[0].tolerance)}; (N,i,j) = the paper's "
                  "{}_N w_i^j, i source node on L(N), j target node on L(N+1), 1-based</div>",
                  _summary(result)]
    parts.append(diagnosis_html(result.diagnosis))
    for r in sorted(result.reports, key=lambda r: r.ok):
        shown = all_maps or not r.ok or len(result.reports) == 1
        parts.append(f"<details id=\"case-{esc(r.label)}\"{' open' if shown else ''}>"
                     f"<summary>{esc(_title(r))}: {'ok' if r.ok else 'FAIL'}</summary>"
                     f"{report_body(r, maps=shown, diagnosis=_own(r, result))}</details>")
    return "\n".join(p for p in parts if p)
