"""Small helpers about symbols (the transpose mark, labels as written, the derivative of a function)."""
from __future__ import annotations

import mpmath

from . import syntax as S
from .evaluate import flat

__all__ = ["show", "strip", "transpose_of", "derivative_of", "label", "is_T"]


def is_T(x) -> bool:
    return isinstance(x, S.Sym) and x.name == "T" and not x.sub and not x.sup and not x.pre


def strip(node):
    while isinstance(node, S.Group) and len(node.items) == 1:
        node = node.items[0]
    return node


def transpose_of(m):
    from .values import transpose

    return transpose(m)


def derivative_of(fn, z):
    with mpmath.workdps(mpmath.mp.dps + 15):
        return +mpmath.diff(fn, z)


def show(sym) -> str:
    """A symbol as the author wrote it, roughly: a_{Sx}^{\\phi}."""
    def items(xs):
        return ",".join(flat(x) or (x.name if isinstance(x, S.Sym) else "..") for x in xs)

    out = (label(sym) if sym.pre else sym.name)
    if sym.sub:
        out += "_{" + items(sym.sub) + "}"
    if sym.sup:
        out += "^{" + items(sym.sup) + "}"
    return out


def label(sym) -> str:
    pre = ""
    if sym.pre:
        text = flat(sym.pre[0])
        pre = "{}_" + (text if text and len(text) == 1 else "{" + (text or "..") + "}")
    return pre + sym.name
