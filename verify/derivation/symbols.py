"""Small helpers about symbols shared by both notations (decoding scripts, labels)."""
from __future__ import annotations

import mpmath

from . import syntax as S
from .evaluate import flat, index_value

__all__ = ["Decoded", "show", "letters", "strip", "transpose_of", "index_or_text", "derivative_of",
           "label", "is_T", "is_phi"]


def is_T(x) -> bool:
    return isinstance(x, S.Sym) and x.name == "T" and not x.sub and not x.sup and not x.pre


def is_phi(x) -> bool:
    return isinstance(x, S.Sym) and x.name in ("\\phi", "\\varphi")


class Decoded:
    __slots__ = ("letter", "layer", "node", "node2", "sample", "T", "phi", "sym")

    def __init__(self, sym):
        self.sym, self.letter, self.layer, self.node, self.node2 = sym, sym.name, None, None, None
        self.sample, self.T, self.phi = None, False, False



def letters(item):
    """Index letters in an index expression (not the m of m_N, not n)."""
    out = []
    for node in S.walk(item):
        if (isinstance(node, S.Sym) and len(node.name) == 1 and node.name.isalpha() and not node.sub
                and not node.sup and not node.pre):
            out.append(node.name)
    return out


def strip(node):
    while isinstance(node, S.Group) and len(node.items) == 1:
        node = node.items[0]
    return node


def transpose_of(m):
    from .values import transpose

    return transpose(m)


def index_or_text(x, ctx):
    try:
        return index_value(x, ctx)
    except Exception:
        return flat(x)


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
