"""The derivation section: the document as written (Markdown rendered by markdown-it-py, its math typeset
as MathML), each display equation a card coloured by its verdict, the hint and counterexample beside it.

Input: the derivation checker's Report (verdicts with label, status, line, column, hint, counterexample,
how, reason, notes, source) and, when at hand, the document's text. Without the text (a notebook display)
the cards stand alone, in document order.
"""

from __future__ import annotations

from .mathml import to_mathml
from .page import css_class, esc

__all__ = ["derivation_body", "verdict_card", "summary_counts"]

SYMBOL = {"holds": "✓ holds", "fails": "✗ fails", "definition": "≔ definition",
          "not checked": "– not checked"}
ORDER = ("holds", "fails", "definition", "not checked")
_CE_FIRST = ("message", "error", "indices", "entry", "sample", "left", "right", "shapes", "member", "link",
             "point")


def summary_counts(report) -> dict:
    """Count of each verdict over the numbered equations."""
    counts = dict.fromkeys(ORDER, 0)
    for v in _numbered(report):
        counts[v.status] = counts.get(v.status, 0) + 1
    return counts


def _numbered(report) -> list:
    return [v for v in report.verdicts if getattr(v, "numbered", True)]


def _value(value) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_value(v)}" for k, v in value.items())
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_value(v) for v in value) + ")"
    return str(value)


def counterexample_text(ce) -> str:
    """Every field of the counterexample, the telling ones first (index values, entry, both sides)."""
    if not ce:
        return ""
    if not isinstance(ce, dict):
        return str(ce)
    keys = [k for k in _CE_FIRST if k in ce] + [k for k in ce if k not in _CE_FIRST]
    keys = [k for k in keys if ce[k] not in (None, "", {}, [])]
    return "\n".join(f"{k}: {_value(ce[k])}" for k in keys)


def _where(v) -> str:
    cell = getattr(v, "cell", None)
    col = f", column {v.column}" if getattr(v, "column", None) else ""
    return (f"cell {cell}, " if cell is not None else "") + f"line {v.line}{col}"


def _side(v) -> str:
    label = f"({esc(v.label)})" if getattr(v, "numbered", True) else esc(v.label)
    badge = esc(SYMBOL.get(v.status, v.status))
    parts = [f"<div class=\"head\"><span class=\"badge {css_class(v.status)}\">{badge}</span> {label} "
             f"<span class=\"note\">{esc(_where(v))}</span></div>"]
    if v.status == "fails":
        kind = getattr(v, "hint_kind", "") or ""
        if v.hint:
            kind = esc(f" ({kind})" if kind else "")
            parts.append(f"<div class=\"hint\"><b>hint{kind}:</b> {esc(v.hint)}</div>")
        if v.counterexample:
            parts.append("<div><b>counterexample</b></div>"
                         f"<div class=\"ce\">{esc(counterexample_text(v.counterexample))}</div>")
    elif v.status == "holds" and getattr(v, "how", ""):
        parts.append(f"<div class=\"note\">{esc(v.how)}</div>")
    elif v.status == "not checked" and getattr(v, "reason", ""):
        parts.append(f"<div>{esc(v.reason)}</div>")
    if getattr(v, "defines", None):
        parts.append(f"<div>defines {esc(', '.join(map(str, v.defines)))}</div>")
    notes = [n for n in getattr(v, "notes", []) or [] if not str(n).startswith("notebook cell ")]  # in head
    parts += [f"<div class=\"note\">· {esc(n)}</div>" for n in notes]
    return "".join(parts)


def verdict_card(v, latex: str | None = None) -> str:
    """One equation: typeset on the left, coloured by verdict; verdict, hint, counterexample on the right."""
    source = latex if latex is not None else (getattr(v, "source", "") or "")
    anchor = f" id=\"eq-{esc(v.label)}\"" if getattr(v, "numbered", True) else ""
    return (f"<div class=\"card {css_class(v.status)}\"{anchor} data-status=\"{esc(v.status)}\">"
            f"<div class=\"eq\">{to_mathml(source)}</div><div class=\"side\">{_side(v)}</div></div>")


def _header(report, title: str | None) -> str:
    counts = summary_counts(report)
    total = sum(counts.values())
    failing = [v for v in _numbered(report) if v.status == "fails"]
    ok = not failing and not getattr(report, "error", None)
    what = (f"{total} numbered equations: {counts['holds']} hold, {counts['fails']} fail, "
            f"{counts['definition']} definitions, {counts['not checked']} not checked")
    config = getattr(report, "config", None)
    describe = config.describe() if hasattr(config, "describe") else ""
    parts = [f"<h1>{esc(title or ('Derivation ' + str(report.path or '')))}</h1>",
             f"<div class=\"meta\">{esc(describe)}</div>",
             f"<div class=\"verdict-line {css_class('ok' if ok else 'FAIL')}\">{'PASS' if ok else 'FAIL'} "
             f"{esc(what)}</div>"]
    if getattr(report, "error", None):
        parts.append(f"<div class=\"verdict-line {css_class('FAIL')}\">error: {esc(report.error)}</div>")
    if failing:
        links = ", ".join(f"<a href=\"#eq-{esc(v.label)}\">({esc(v.label)})</a>" for v in failing)
        parts.append(f"<div>failing: {links}</div>")
    parts.append("<div class=\"legend\">" + "".join(
        f"<span class=\"{css_class(s)}\">{esc(SYMBOL[s])}</span>" for s in ORDER) + "</div>")
    return "\n".join(parts)


def _line(v) -> int:
    """The verdict's line in the checked text (a notebook verdict also carries its cell's own line)."""
    return getattr(v, "text_line", None) or v.line


def _markdown():
    from markdown_it import MarkdownIt
    from mdit_py_plugins.amsmath import amsmath_plugin
    from mdit_py_plugins.dollarmath import dollarmath_plugin
    from mdit_py_plugins.front_matter import front_matter_plugin

    md = MarkdownIt("commonmark", {"html": False})  # the user's raw HTML is shown as text
    return md.use(front_matter_plugin).use(dollarmath_plugin, allow_labels=True).use(amsmath_plugin)


def _document(report, text: str) -> str:
    """The whole document rendered; each display equation replaced by the card(s) of its verdict(s)."""
    md = _markdown()
    verdicts = sorted(report.verdicts, key=_line)
    placed: set[int] = set()

    def block(self, tokens, idx, options, env):
        tok = tokens[idx]
        first, last = (tok.map[0] + 1, tok.map[1]) if tok.map else (0, -1)
        mine = [k for k, v in enumerate(verdicts) if first <= _line(v) <= last and k not in placed]
        placed.update(mine)
        if not mine:
            return f"<div class=\"eq plain\">{to_mathml(tok.content)}</div>\n"
        return "".join(verdict_card(verdicts[k]) for k in mine) + "\n"

    def inline(self, tokens, idx, options, env):
        return to_mathml(tokens[idx].content, display=False)

    for name in ("math_block", "math_block_label", "amsmath"):
        md.add_render_rule(name, block)
    for name in ("math_inline", "math_inline_double"):
        md.add_render_rule(name, inline)
    md.add_render_rule("front_matter", lambda self, tokens, idx, options, env: "")
    body = md.render(text)
    rest = [v for k, v in enumerate(verdicts) if k not in placed]
    if rest:  # the checker found displays this reader did not: never drop a verdict
        body += "<h2>Other equations</h2>\n" + "".join(verdict_card(v) for v in rest)
    return body


def derivation_body(report, text: str | None = None, title: str | None = None) -> str:
    """The derivation section: header (verdict, counts, failing links, legend), then the document."""
    head = _header(report, title)
    if text is None:
        return head + "\n" + "".join(verdict_card(v) for v in _numbered(report))
    return head + "\n<h2>The derivation</h2>\n" + _document(report, text)
