r"""LaTeX for ``python -m derive --latex``: long expressions broken across lines, well-formed ``align``.

A line is broken only between the terms of a sum (sympy's own order, ``as_ordered_terms``), so every line
is a complete piece of math: a sum inside a product is opened with ``\left(`` ... ``\right.`` and continued
with ``\left.`` ... ``\right)``, the pairs LaTeX needs on every line of an ``align``. Rows are joined by
``\\``, with none after the last row (a trailing ``\\`` before ``\end{align}`` adds an empty numbered row);
continuation lines carry ``\nonumber``.
"""

from __future__ import annotations

import sympy

__all__ = ["WIDTH", "align", "latex_lines"]

WIDTH = 100  # characters of LaTeX source per line before a sum is broken


def _term_lines(term, first: bool, width: int) -> list[str]:
    """One term of a sum with its sign ("+ t", "- t"; no "+" on the first), itself broken if long."""
    negative = term.could_extract_minus_sign()
    lines = latex_lines(-term if negative else term, width)
    sign = ("- " if negative else "") if first else ("- " if negative else "+ ")
    return [sign + lines[0], *lines[1:]]


def _sum_lines(expr, width: int) -> list[str]:
    """The terms of a sum packed greedily into lines of at most ``width`` characters."""
    lines: list[str] = []
    for k, term in enumerate(expr.as_ordered_terms()):
        piece = _term_lines(term, k == 0, width)
        if len(piece) == 1 and lines and len(lines[-1]) + 1 + len(piece[0]) <= width:
            lines[-1] += " " + piece[0]
        else:
            lines += piece
    return lines


def latex_lines(expr, width: int = WIDTH) -> list[str]:
    """``expr`` as LaTeX lines of about ``width`` characters, each balanced on its own."""
    expr = sympy.sympify(expr)
    whole = sympy.latex(expr)
    if len(whole) <= width:
        return [whole]
    if isinstance(expr, sympy.Add):
        return _sum_lines(expr, width)
    if isinstance(expr, sympy.Mul):
        factors = sympy.Mul.make_args(expr)
        sums = [f for f in factors if isinstance(f, sympy.Add)]
        if sums:
            longest = max(sums, key=lambda f: len(sympy.latex(f)))
            rest = sympy.Mul(*[f for f in factors if f is not longest], evaluate=False)
            head = "" if rest == 1 else ("- " if rest == -1 else sympy.latex(rest) + " ")
            inner = _sum_lines(longest, width)
            if len(inner) > 1:
                first, *middle, last = inner
                return ([f"{head}\\left({first} \\right."] + [f"\\left. {m} \\right." for m in middle]
                        + [f"\\left. {last}\\right)"])
    return [whole]


def align(rows: list[tuple[str, list[str]]]) -> list[str]:
    r"""``\begin{align}`` .. ``\end{align}`` for rows (left side, lines of the right side): the first line
    of a row is ``left &= line``, continuations ``&\quad line \nonumber``; ``\\`` between lines only."""
    body = []
    for left, lines in rows:
        body.append(f"{left} &= {lines[0]}")
        body += [f"&\\quad {line} \\nonumber" for line in lines[1:]]
    return [r"\begin{align}", *[line + r" \\" for line in body[:-1]], *body[-1:], r"\end{align}"]
