"""The AST of a parsed equation: small immutable nodes, with ``walk`` and ``replace``.

Positions (``pos``) are 0-based offsets into the equation text and do not take part in equality, so two
nodes that read the same compare equal wherever they stand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

__all__ = ["Node", "Num", "Sym", "Group", "Scripted", "Frac", "Deriv", "Sum", "Bin", "Neg", "Matrix", "Dots",
           "Text", "Func", "Indicator", "Partial", "walk", "replace", "children"]


@dataclass(frozen=True)
class Node:
    pos: int = field(default=-1, compare=False)


@dataclass(frozen=True)
class Num(Node):
    value: Fraction = Fraction(0)


@dataclass(frozen=True)
class Sym(Node):
    """A letter or Greek name with its scripts: ``{}_pre name_sub^sup'``; sub/sup are tuples of nodes."""

    name: str = ""
    pre: tuple = ()
    sub: tuple = ()
    sup: tuple = ()
    primes: int = 0


@dataclass(frozen=True)
class Group(Node):
    """Parenthesised ``( )``/bracketed ``[ ]``/braced ``{ }`` items (a tuple when more than one)."""

    kind: str = "("
    items: tuple = ()


@dataclass(frozen=True)
class Scripted(Node):
    """Scripts on a non-symbol: ``(x)^2``, ``[M]^T``, ``[M]_2^1`` (element), ``{}_3[...]`` (layer)."""

    base: Node = None
    pre: tuple = ()
    sub: tuple = ()
    sup: tuple = ()


@dataclass(frozen=True)
class Frac(Node):
    num: Node = None
    den: Node = None


@dataclass(frozen=True)
class Deriv(Node):
    """``\\frac{\\partial f}{\\partial v}``; ``f`` None for the operator form; ``componentwise`` for
    ``\\partial^c``."""

    num: Node | None = None
    den: Node = None
    componentwise: bool = False


@dataclass(frozen=True)
class Sum(Node):
    """``\\sum_{lim} body``: ``var`` the bound index node, ``kind`` 'in' | 'on' | 'eq' | '', ``rng`` the
    range node (B_k, L3, lower bound), ``upper`` the upper bound or None."""

    var: Node = None
    kind: str = ""
    rng: Node | None = None
    upper: Node | None = None
    body: Node = None


@dataclass(frozen=True)
class Bin(Node):
    """Binary operation: op in '+', '-', '*', 'odot', 'cdot', 'times', '/', 'juxt', 'circ'."""

    op: str = "+"
    left: Node = None
    right: Node = None


@dataclass(frozen=True)
class Neg(Node):
    arg: Node = None


@dataclass(frozen=True)
class Matrix(Node):
    rows: tuple = ()


@dataclass(frozen=True)
class Dots(Node):
    pass


@dataclass(frozen=True)
class Text(Node):
    text: str = ""


@dataclass(frozen=True)
class Func(Node):
    name: str = ""


@dataclass(frozen=True)
class Indicator(Node):
    """``\\mathbb{1}(left op right)``: 1 where the comparison holds, else 0 (element-wise)."""

    left: Node = None
    op: str = "="
    right: Node = None


@dataclass(frozen=True)
class Partial(Node):
    """``\\partial x`` standing alone (as in ``\\partial L / \\partial W``)."""

    arg: Node = None


# ---------------------------------------------------------------- helpers -------------------------------
def walk(node):
    """Yield every node of the tree (pre-order)."""
    if node is None:
        return
    yield node
    for child in children(node):
        yield from walk(child)


def children(node):
    for name in node.__dataclass_fields__:
        value = getattr(node, name)
        if isinstance(value, Node):
            yield value
        elif isinstance(value, tuple):
            for item in value:
                if isinstance(item, Node):
                    yield item
                elif isinstance(item, tuple):
                    yield from (x for x in item if isinstance(x, Node))


def replace(node, fn):
    """Rebuild the tree bottom-up; ``fn(node)`` returns a replacement or None to keep the node."""
    if node is None:
        return None
    changes = {}
    for name in node.__dataclass_fields__:
        value = getattr(node, name)
        if isinstance(value, Node):
            new = replace(value, fn)
            if new is not value:
                changes[name] = new
        elif isinstance(value, tuple) and value:
            new_items = tuple(_replace_item(item, fn) for item in value)
            if any(a is not b for a, b in zip(new_items, value, strict=False)):
                changes[name] = new_items
    if changes:
        node = type(node)(**{**{k: getattr(node, k) for k in node.__dataclass_fields__}, **changes})
    out = fn(node)
    return node if out is None else out


def _replace_item(item, fn):
    if isinstance(item, Node):
        return replace(item, fn)
    if isinstance(item, tuple):
        new = tuple(replace(x, fn) if isinstance(x, Node) else x for x in item)
        return item if all(a is b for a, b in zip(new, item, strict=False)) else new
    return item
