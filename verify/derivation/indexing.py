"""Index expressions: the letters of ``Sx``/``L3``/``out`` and the integer value of an index (numbers,
bound letters, n, m_N, L, + and -), and the entry of a matrix such indices name (:func:`element`). Used by
the evaluator and by the matrix-literal expansion."""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .values import Mat, OutOfRange, ShapeError, Unsupported

__all__ = ["flat", "index_value", "is_free_index", "element"]


def flat(node) -> str | None:
    """The letters/digits of a juxtaposition such as ``Sx``, ``S1``, ``out``, ``L3``; None otherwise."""
    if isinstance(node, S.Sym) and not node.sub and not node.sup and not node.pre and len(node.name) == 1:
        return node.name
    if isinstance(node, S.Num) and node.value.denominator == 1:
        return str(node.value.numerator)
    if isinstance(node, S.Bin) and node.op == "juxt":
        a, b = flat(node.left), flat(node.right)
        return None if a is None or b is None else a + b
    if isinstance(node, S.Group) and len(node.items) == 1 and node.kind == "{":
        return flat(node.items[0])
    return None


def index_value(node, ctx) -> int:
    """Integer value of an index expression: numbers, bound letters, n, m_N, E/L, + and -."""
    if isinstance(node, S.Num):
        if node.value.denominator != 1:
            raise Unsupported("an index must be an integer", node.pos)
        return node.value.numerator
    if isinstance(node, S.Group) and len(node.items) == 1:
        return index_value(node.items[0], ctx)
    if isinstance(node, S.Bin) and node.op in "+-":
        a, b = index_value(node.left, ctx), index_value(node.right, ctx)
        return a + b if node.op == "+" else a - b
    if isinstance(node, S.Sym) and not node.pre and not node.sup:
        if node.sub and hasattr(ctx.notation, "index_symbol"):
            return ctx.notation.index_symbol(node, ctx)
        if node.name == "m" and node.sub:
            return ctx.notation.layer_size(index_value(node.sub[0], ctx), ctx, node.pos)
        if node.sub:
            raise Unsupported(f"unexpected index {node.name}_{{..}}", node.pos)
        if node.name in ctx.bind:
            return ctx.bind[node.name]
        special = ctx.notation.index_constant(node.name, ctx)
        if special is not None:
            return special
        raise Unsupported(f"index {node.name} has no value here", node.pos)
    raise Unsupported("cannot read this index", getattr(node, "pos", -1))


def is_free_index(node, ctx) -> bool:
    """True when ``node`` is built from free/bound index letters and numbers only (no m_N, no n)."""
    names = [x.name for x in S.walk(node) if isinstance(x, S.Sym)]
    return bool(names) and all(n in ctx.bind and n != "n" for n in names)


def element(value, sub, sup, ctx, pos):
    """[M]_k (component k of a vector) or [M]_c^r (paper: row r = superscript, column c = subscript)."""
    if not isinstance(value, Mat):
        raise ShapeError("an index on a scalar", pos)
    if not sup and (len(sub) == 2 or (flat(sub[0]) and len(flat(sub[0])) == 2)):   # (dS)_{ik}: row, column
        items = sub if len(sub) == 2 else (S.Sym(pos, flat(sub[0])[0]), S.Sym(pos, flat(sub[0])[1]))
        items = [S.Num(pos, Fraction(int(x.name))) if x.name.isdigit() else x for x in items] \
            if len(sub) == 1 else list(items)
        row, col = index_value(items[0], ctx), index_value(items[1], ctx)
        if not (1 <= row <= value.rows and 1 <= col <= value.cols):
            raise OutOfRange(f"element ({row},{col}) of a {value.rows}×{value.cols} matrix", pos,
                             all(is_free_index(x, ctx) for x in items))
        return value.data[row - 1][col - 1]
    col = index_value(sub[0], ctx)
    if sup:
        row = index_value(sup[0], ctx)
    elif value.cols == 1:
        row, col = col, 1
    elif value.rows == 1:
        row = 1
    else:
        raise Unsupported("[M]_k needs a vector; use [M]_c^r for an element", pos)
    if not (1 <= row <= value.rows and 1 <= col <= value.cols):
        raise OutOfRange(f"element ({row},{col}) of a {value.rows}×{value.cols} matrix", pos)
    return value.data[row - 1][col - 1]
