"""Expand ``\\dots`` in matrix literals to the document's sizes.

A row ``x_{S1}, x_{S2}, \\dots, x_{Sn}`` runs over the samples 1..n; a row made only of dots between rows
``... ^1`` and ``... ^{m_N}`` runs over the nodes 1..m_N. The entry after the dots fixes the pattern: the
index that differs from the first entry and names a size (``Sn``, ``m_N``, ``m_{N+1}``) is the running
one. The entries before the dots must follow that pattern; a literal that breaks it is a wrong equation
(:class:`ShapeError`), e.g. a row that ends in ``Sx`` instead of ``Sn``.
"""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .indexing import flat, index_value
from .values import ShapeError, Unsupported

__all__ = ["expand"]

_K = "κ"


def _is_dots_row(row) -> bool:
    return all(isinstance(c, S.Dots) for c in row)


def _items(cell):
    out = []
    for node in S.walk(cell):
        if isinstance(node, S.Sym):
            out.extend(node.sub)
            out.extend(node.sup)
    return out


def _sized(item) -> bool:
    if flat(item) in ("Sn", "sn"):
        return True
    return any(isinstance(x, S.Sym) and ((x.name == "m" and x.sub) or x.name == "n") for x in S.walk(item))


def _running(first, last):
    """The script item of ``last`` that runs: sized, and not present in ``first``."""
    first_items = _items(first)
    for item in _items(last):
        if _sized(item) and item not in first_items:
            return item
    return None


def _substitute(cell, item, value):
    replacement = (S.Bin(item.pos, "juxt", S.Sym(item.pos, "S"), value) if flat(item) in ("Sn", "sn")
                   else value)

    def fix(node):
        if isinstance(node, S.Sym) and (item in node.sub or item in node.sup):
            sub = tuple(replacement if x == item else x for x in node.sub)
            sup = tuple(replacement if x == item else x for x in node.sup)
            return S.Sym(node.pos, node.name, node.pre, sub, sup, node.primes)
        return None

    return S.replace(cell, fix)


def _count(item, ctx) -> int:
    if flat(item) in ("Sn", "sn"):
        return ctx.model.n
    return index_value(item, ctx)


def _series(heads, last, first, ctx, what):
    """Expand heads..., dots, last into the full list (cells or rows)."""
    item = _running(first(heads[0]), first(last)) if heads else None
    if item is None:
        raise ShapeError(f"the {what} after \\dots must end the sequence with Sn or m_N", _pos(last))
    count = _count(item, ctx)
    if count < len(heads):
        raise ShapeError(f"{len(heads)} {what}s written before \\dots but only {count} exist", _pos(last))
    out = [_substitute_all(last, item, S.Num(-1, Fraction(k))) for k in range(1, count + 1)]
    for k, head in enumerate(heads):
        if head != out[k]:
            raise ShapeError(f"{what} {k + 1} does not follow the pattern of the {what} after \\dots",
                             _pos(head))
    return out


def _pos(x):
    if isinstance(x, tuple):
        return x[0].pos if x else -1
    return getattr(x, "pos", -1)


def _substitute_all(x, item, value):
    if isinstance(x, tuple):
        return tuple(c if isinstance(c, S.Dots) else _substitute(c, item, value) for c in x)
    return _substitute(x, item, value)


def _expand_row(row, ctx):
    if not any(isinstance(c, S.Dots) for c in row):
        return list(row)
    at = [k for k, c in enumerate(row) if isinstance(c, S.Dots)]
    if len(at) != 1 or at[0] != len(row) - 2:
        raise Unsupported("\\dots in a row must stand just before the last entry", row[at[0]].pos)
    heads, last = list(row[:at[0]]), row[-1]
    return _series(heads, last, lambda c: c, ctx, "entry")


def expand(node: S.Matrix, ctx) -> list[list]:
    """The rows of ``node`` with every \\dots expanded; cells are AST nodes."""
    rows = list(node.rows)
    at = [k for k, r in enumerate(rows) if _is_dots_row(r)]
    if at:
        if len(at) != 1 or at[0] != len(rows) - 2:
            raise Unsupported("a row of \\dots must stand just before the last row", rows[at[0]][0].pos)
        heads, last = rows[:at[0]], rows[-1]
        rows = _series_rows(heads, last, ctx)
    return [_expand_row(r, ctx) for r in rows]


def _series_rows(heads, last, ctx):
    if not heads:
        raise ShapeError("rows are needed before a row of \\dots", _pos(last))
    item = _running(heads[0][0], last[0])
    if item is None:
        raise ShapeError("the row after \\dots must end the sequence with Sn or m_N", _pos(last))
    count = _count(item, ctx)
    if count < len(heads):
        raise ShapeError(f"{len(heads)} rows written before \\dots but only {count} exist", _pos(last))
    out = [_substitute_all(last, item, S.Num(-1, Fraction(k))) for k in range(1, count + 1)]
    for k, head in enumerate(heads):
        if tuple(head) != out[k]:
            raise ShapeError(f"row {k + 1} does not follow the pattern of the row after \\dots", _pos(head))
    return out
