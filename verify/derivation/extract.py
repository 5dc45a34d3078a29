"""Read a derivation file: front matter (notation, sizes, batch, activation, cost) and display equations.

A display equation is ``$$ ... $$`` (or ``\\[ ... \\]``). Its number comes from ``\\tag{N}`` or a trailing
``\\quad (N)`` / ``(N)``; unnumbered displays are kept (they may define symbols) but get no verdict. A display
holding several relations separated by a top-level ``\\quad`` (``X = .., \\quad Y = ..``) is split into parts;
each part keeps its offset in the file so errors point at line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .frontmatter import DEFAULTS, Config, ConfigError, parse_front_matter
from .mathspans import math_spans

__all__ = ["Config", "Display", "Part", "ConfigError", "parse_front_matter", "extract_displays",
           "read_document",
           "Document", "DEFAULTS"]

@dataclass(frozen=True)
class Part:
    text: str
    offset: int  # offset of text[0] in the file


@dataclass(frozen=True)
class Display:
    label: str | None  # "18", "EQ1", or None for an unnumbered display
    offset: int
    line: int
    parts: tuple = ()
    source: str = ""


@dataclass
class Document:
    config: Config
    displays: list = field(default_factory=list)
    text: str = ""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset."""
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, col


_TAG = re.compile(r"\\tag\*?\{\s*([^{}]+?)\s*\}")
_TRAILING = re.compile(r"(\\quad|\\qquad|\s)*\(\s*([0-9]+[a-z]?|EQ\s*[0-9]+)\s*\)\s*$")
_LETTER_LABEL = re.compile(r"(\\quad|\\qquad)\s*\(\s*([A-Za-z][A-Za-z0-9]{0,3}[a-z0-9]?'?)\s*\)\s*[.,;]?\s*$")
_QUAD = re.compile(r"\\q?quad(?![A-Za-z])")
_MATRIX = re.compile(r"\\(begin|end)\{[pbBvV]?matrix\}")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _strip_punct(text: str) -> str:
    stripped = text.rstrip()
    while stripped and stripped[-1] in ".,;":
        stripped = stripped[:-1].rstrip()
    return stripped + " " * (len(text) - len(stripped))


def _balanced(chunk: str) -> bool:
    """True when ( [ and \\left/\\right are balanced in ``chunk`` (so a \\quad there separates relations)."""
    chunk = re.sub(r"\\[{}]", "", chunk)
    lefts, rights = len(re.findall(r"\\left(?![A-Za-z])", chunk)), len(re.findall(r"\\right(?![A-Za-z])",
                                                                                  chunk))
    opened = chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]")
    return lefts == rights and opened == 0


def start_of(cuts: list) -> int:
    return cuts[-1][1] if cuts else 0


def _split_quads(text: str, offset: int) -> list[Part]:
    """Split at top-level ``\\quad`` (outside braces and matrices); drop text-only commentary parts."""
    if "quad" not in text:
        return [Part(_strip_punct(text), offset)] if text.strip() else []
    cuts, depth, menv, i = [], 0, 0, 0
    while i < len(text):
        m = _MATRIX.match(text, i)
        if m:
            menv += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        ch = text[i]
        if ch == "{" and text[i - 1:i] != "\\":
            depth += 1
        elif ch == "}" and text[i - 1:i] != "\\":
            depth -= 1
        elif ch == "\\" and depth == 0 and menv == 0:
            q = _QUAD.match(text, i)
            if q and _balanced(text[start_of(cuts):i]):
                cuts.append((q.start(), q.end()))
                i = q.end()
                continue
        i += 1
    parts, start = [], 0
    for a, b in cuts + [(len(text), len(text))]:
        chunk = text[start:a]
        if chunk.strip():
            parts.append(Part(_strip_punct(chunk), offset + start))
        start = b
    return parts


def extract_displays(text: str, start: int = 0) -> list[Display]:
    """All display equations after ``start``, numbered or not, with their parts; the rows of an
    ``align`` environment are displays of their own (each with its ``\\tag``)."""
    displays = []
    for span in math_spans(text, start):
        if span.env:
            displays.extend(_rows(text, span))
        else:
            displays.append(_display(text, span.start, span.body, span.body_start, text[span.start:span.end]))
    return displays


def _rows(text, span) -> list[Display]:
    out, at = [], span.body_start
    for row in _top_rows(span.body):
        if row.strip():
            out.append(_display(text, at, row.replace("&", " "), at, row))
        at += len(row) + 2
    return out


def _top_rows(body: str) -> list[str]:
    """Rows of an align body: split at ``\\\\`` outside braces and matrix environments."""
    rows, depth, menv, last, i = [], 0, 0, 0, 0
    while i < len(body):
        m = _MATRIX.match(body, i)
        if m:
            menv += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        if body[i] in "{}" and body[i - 1:i] != "\\":
            depth += 1 if body[i] == "{" else -1
        elif body.startswith("\\\\", i) and depth == 0 and menv == 0:
            rows.append(body[last:i])
            last = i + 2
            i += 2
            continue
        i += 1
    rows.append(body[last:])
    return rows


def _display(text, where, body, body_at, source) -> Display:
    label = None
    tag = _TAG.search(body)
    if tag:
        label = re.sub(r"\s+", "", tag.group(1))
        body = _blank(body, tag.start(), tag.end())
    else:
        trail = _TRAILING.search(body) or _LETTER_LABEL.search(body)
        if trail:
            label = re.sub(r"\s+", "", trail.group(2))
            body = _blank(body, trail.start(), len(body))
    body = _strip_punct(body)
    line = text.count("\n", 0, where) + 1
    return Display(label, where, line, tuple(_split_quads(body, body_at)), source)


def read_document(text: str) -> Document:
    text = text.removeprefix("\ufeff")   # a UTF-8 byte order mark is not part of the document
    config, body_start = parse_front_matter(text)
    return Document(config, extract_displays(text, body_start), text)
