"""Layout-only LaTeX blanked out by spaces of the same length, so every column still points into the author's
text: ``\\left``, ``\\mathbf{..}``, ``aligned``, ``&``/``\\\\`` outside matrices (:func:`preprocess`); and
:class:`ParseError`, the error of reading an equation, with its column.
"""
from __future__ import annotations

import re

__all__ = ["ParseError", "preprocess"]


class ParseError(ValueError):
    """Unparsable input; ``column`` is 1-based within the equation text given to :func:`parse_chain`."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


# ---------------------------------------------------------------- preprocessing -------------------------
_LAYOUT = re.compile(r"\\(left|right)[.]|"
                     r"\\(left|right|bigl|bigr|Bigl|Bigr|big|Big|bigg|Bigg|displaystyle|limits|nonumber)"
                     r"(?![A-Za-z])|(?<!\\)\\[,;!: ]|\\q?quad(?![A-Za-z])")
_WRAPPERS = re.compile(r"\\(mathbf|boldsymbol|mathrm|mathit|mathsf|mathcal|bm|mathbb|operatorname)\{")
_INDICATOR = re.compile(r"\\(mathbb|mathbf|mathds)\s*\{\s*[1I]\s*\}|\\mathbb\s*1")
_TRANSPOSE = re.compile(r"\\(top|intercal|(mathsf|mathrm|rm|sf)\s*\{\s*T\s*\}|(mathsf|mathrm)\s+T)"
                        r"(?![A-Za-z])")
_LONE_SUB = re.compile(r"((?:^|[=(,+\-*&\[])\s*)_(?=[0-9{])")   # _0\nabla: a layer in front, no {}
_SLASHED = re.compile(r"\\partial(\s*[^/=\s][^/=]*?)/(\s*)\\partial")
_OLDFONT = re.compile(r"\\(cal|bf|rm|it)(?![A-Za-z])")
_ENVS = re.compile(r"\\(begin|end)\{(aligned|align\*?|equation\*?|split|gathered)\}")
_ON = re.compile(r"\\text\{\s*on(\s+[A-Za-z0-9]+)?\s*\}")
_MATRIX = re.compile(r"\\(begin|end)\{[pbBvV]?matrix\}")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def preprocess(text: str) -> str:
    """Blank out layout-only LaTeX, keeping every other character at its column."""
    text = text.replace("\t", " ")
    text = _INDICATOR.sub(lambda m: "\\IND".ljust(len(m.group(0))), text)
    text = _TRANSPOSE.sub(lambda m: "T".ljust(len(m.group(0))), text)
    text = _OLDFONT.sub(lambda m: " " * len(m.group(0)), text)
    text = _norms(text)
    text = _LONE_SUB.sub(lambda m: m.group(1) + "⌊", text)
    text = _SLASHED.sub(lambda m: "\\PARTX  " + m.group(1) + "/" + m.group(2) + "\\PARTX  ", text)
    text = _ON.sub(lambda m: ("\\ON " + (m.group(1) or "").strip()).ljust(len(m.group(0))), text)
    text = _LAYOUT.sub(lambda m: " " * len(m.group(0)), text)
    text = _ENVS.sub(lambda m: " " * len(m.group(0)), text)
    while True:
        m = _WRAPPERS.search(text)
        if not m:
            break
        close = _matching_brace(text, m.end() - 1)
        if close is None:
            raise ParseError(f"unbalanced braces after \\{m.group(1)}", m.start() + 1)
        text = _blank(_blank(text, close, close + 1), m.start(), m.end())
    # & and \\ are layout outside matrices (aligned), separators inside
    out, depth, i = list(text), 0, 0
    while i < len(text):
        m = _MATRIX.match(text, i)
        if m:
            depth += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        if depth == 0 and text.startswith("\\\\", i):
            out[i] = out[i + 1] = " "
            i += 2
            continue
        if depth == 0 and text[i] == "&":
            out[i] = " "
        i += 1
    return "".join(out)


def _norms(text: str) -> str:
    """``\\|v\\|`` -> ``⟦ v ⟧`` (same length): distinct open and close tokens for the grammar."""
    out, opened, i = [], False, 0
    while i < len(text):
        if text.startswith("\\|", i):
            out.append("⟦ " if not opened else " ⟧")
            opened = not opened
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _matching_brace(text: str, open_at: int) -> int | None:
    depth = 0
    for k in range(open_at, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return None
