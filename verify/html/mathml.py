"""LaTeX -> MathML (latex2mathml), for the browser's own math layout: no script, no font download.

What latex2mathml cannot read is shown as its LaTeX source, marked "not typeset": never dropped.
"""

from __future__ import annotations

import re

from .page import esc

__all__ = ["to_mathml"]

_TAG = re.compile(r"\\tag\*?\{[^{}]*\}")
_LEADING_AMP = re.compile(r"(\\\\\s*|\\begin\{align\*\}\s*)([&\[])")
_LIMIT = 20_000  # characters of LaTeX typeset per equation; longer ones are shown as source


def _prepare(latex: str) -> str:
    """Small rewrites latex2mathml needs: no \\tag (the number is shown beside); aligned/align -> align*
    (the one alignment environment it lays out as a table)."""
    text = _TAG.sub("", latex).strip()
    return re.sub(r"\\(begin|end)\{(aligned|align)\}", r"\\\1{align*}", text)


def _convert(text: str, display: bool) -> str:
    from latex2mathml.converter import convert

    return convert(text, display="block" if display else "inline")


def to_mathml(latex: str, display: bool = True) -> str:
    """MathML for ``latex``; on a construct latex2mathml cannot read, the escaped source in <code>."""
    text = _prepare(latex)
    if len(text) <= _LIMIT:
        # a row that starts with & or [ trips latex2mathml's alignment parser: an empty group first
        empty_cell = _LEADING_AMP.sub(lambda m: m.group(1) + "{}" + m.group(2), text)
        for attempt in (text, empty_cell, text.replace("&", " ")):  # alignment carries no meaning here
            try:
                return _convert(attempt, display).replace("<mi>&</mi>", "<mi>&amp;</mi>")
            except Exception:  # latex2mathml raises many kinds on what it cannot read
                continue
    title = "not typeset: latex2mathml could not read this LaTeX"
    return f"<code class=\"tex\" title=\"{title}\">{esc(latex)}</code>"
