"""Where the math of a Markdown file is: markdown-it-py with the dollarmath and amsmath plugins decides
(``$$...$$`` in paragraphs and lists, ``\\begin{align}`` environments; nothing inside code), then the exact
delimiters are located in the raw text of those lines so every equation keeps its file offset.
``\\[ ... \\]`` (an escape for CommonMark) is found outside code and outside the other math."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from mdit_py_plugins.amsmath import amsmath_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin

__all__ = ["Span", "math_spans"]

_DOLLARS = re.compile(r"\$\$(.*?)\$\$", re.S)
_BRACKETS = re.compile(r"\\\[(.*?)\\\]", re.S)
_ENV = re.compile(r"\\begin\{(align|equation|gather|multline|alignat|flalign)\*?\}(.*?)\\end\{\1\*?\}", re.S)


@dataclass(frozen=True)
class Span:
    start: int        # offset of the opening delimiter
    end: int          # offset after the closing delimiter
    body_start: int   # offset of the body
    body: str
    env: str = ""     # "align", "equation", ... for an amsmath environment


@lru_cache(maxsize=1)
def _md() -> MarkdownIt:
    return (MarkdownIt("commonmark").use(dollarmath_plugin, allow_space=True, allow_digits=True,
                                         double_inline=True).use(amsmath_plugin))


def _walk(tokens, parent_map=None):
    for tok in tokens:
        yield tok, tok.map or parent_map
        if tok.children:
            yield from _walk(tok.children, tok.map or parent_map)


def math_spans(text: str, start: int = 0) -> list[Span]:
    """Display math after offset ``start`` (the front matter before it is blanked, lines kept)."""
    source = "\n" * text.count("\n", 0, start) + text[start:] if start else text
    line_at = [0] + [k + 1 for k, ch in enumerate(text) if ch == "\n"]
    code, regions = [], []
    for tok, where in _walk(_md().parse(source)):
        if where is None:
            continue
        end = where[1] + (1 if tok.type == "amsmath" else 0)   # the plugin's map stops before \end{..}
        lo, hi = line_at[where[0]], line_at[end] if end < len(line_at) else len(text)
        if tok.type in ("fence", "code_block", "html_block"):
            code.append((lo, hi))
        elif tok.type in ("math_block", "math_inline_double", "math_block_label"):
            regions.append(("$", max(lo, start), hi))
        elif tok.type == "amsmath":
            regions.append(("env", max(lo, start), hi))
    spans: dict[int, Span] = {}
    for kind, lo, hi in regions:
        pattern = _DOLLARS if kind == "$" else _ENV
        for m in pattern.finditer(text, lo, hi):
            body = 1 if kind == "$" else 2
            spans.setdefault(m.start(), Span(m.start(), m.end(), m.start(body), m.group(body),
                                             "" if kind == "$" else m.group(1)))
    taken = code + [(s.start, s.end) for s in spans.values()]
    for m in _BRACKETS.finditer(text, start):
        if not any(lo <= m.start() < hi for lo, hi in taken):
            spans[m.start()] = Span(m.start(), m.end(), m.start(1), m.group(1))
    return [spans[k] for k in sorted(spans)]
