"""Which letters of an equation are free indices, over which values they run, and related scans."""
from __future__ import annotations

from . import syntax as S
from .evaluate import flat

__all__ = ["free_indices", "domain", "node_bounds", "sum_vars", "concrete_samples", "mentions", "uses_truth"]

def free_indices(members, notation) -> dict:
    roles: dict[str, str] = {}

    def visit(node, bound):
        if isinstance(node, S.Sum):
            var = flat(node.var) if node.var is not None else None
            name = var[1] if var and len(var) == 2 and var[0] in "Ss" else var
            visit(node.body, bound | {name})
            return
        if isinstance(node, S.Sym) and node.name == "e" and node.sup and not node.sub and not node.pre:
            visit(node.sup[0], bound)
            return
        if isinstance(node, S.Sym):
            for letter, role in notation.index_roles(node):
                if letter not in bound and letter not in roles:
                    roles[letter] = role
            for item in node.sup + node.sub + node.pre:
                if isinstance(item, S.Node) and not isinstance(item, S.Sym):
                    visit(item, bound)
            return
        if isinstance(node, S.Scripted):
            for item in node.sub + node.sup:
                for x in S.walk(item):
                    if (isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha() and x.name not in "nTm"
                            and x.name not in bound):
                        roles.setdefault(x.name, "node")
            for item in node.pre:
                for x in S.walk(item):
                    if (isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha() and x.name != "E"
                            and x.name not in bound):
                        roles.setdefault(x.name, "layer")
            visit(node.base, bound)
            return
        if isinstance(node, S.Indicator):   # 1(j = k): its letters are indices of the equation
            later.extend(x.name for x in S.walk(node) if isinstance(x, S.Sym) and len(x.name) == 1
                         and x.name.isalpha() and not (x.sub or x.sup or x.pre) and x.name not in bound)
        for child in S.children(node):
            visit(child, bound)

    later: list = []
    for member in members:
        visit(member, frozenset())
    for letter in later:
        roles.setdefault(letter, "node")
    return roles


def domain(role, model, notation, bound=None):
    """The values a free index runs over: layers that exist, samples 1..n, nodes 1..(its layer's size)."""
    if role == "layer":
        return list(notation.layer_domain(model))
    if role == "sample":
        return list(range(1, model.n + 1))
    if role == "node0":   # 0 is the bias column / bias unit (theta notation)
        return list(range(0, (bound or max(model.sizes)) + 1))
    return list(range(1, (bound or max(model.sizes)) + 1))


def node_bounds(members, notation, model) -> dict:
    """{letter: size}: the smallest layer size among the places where a node letter indexes a quantity of a
    fixed layer. Values beyond it would only give invalid combinations, so they are not enumerated."""
    out: dict = {}
    for member in members:
        for node in S.walk(member):
            if isinstance(node, S.Sym):
                for letter, size in notation.index_bounds(node, model):
                    out[letter] = min(size, out.get(letter, size))
    return out


def sum_vars(members) -> set:
    out = set()
    for m in members:
        for node in S.walk(m):
            if isinstance(node, S.Sum) and node.var is not None:
                var = flat(node.var) or ""
                out.add(var[1] if len(var) == 2 and var[0] in "Ss" else var)
    return out


def concrete_samples(members) -> set:
    out = set()
    for m in members:
        for node in S.walk(m):
            if isinstance(node, S.Sym):
                for item in node.sub:
                    text = flat(item)
                    if text and text[0] in "Ss" and text[1:].isdigit():
                        out.add(int(text[1:]))
    return out


def mentions(member, head: S.Sym) -> bool:
    """True when ``member`` uses the symbol ``head`` itself (delta^{(l+1)} is not delta^{(l)})."""
    return any(isinstance(x, S.Sym) and x.name == head.name and x.pre == head.pre
               and _no_T(x.sup) == _no_T(head.sup) for x in S.walk(member))


def _no_T(sup):
    return tuple(x for x in sup if not (isinstance(x, S.Sym) and x.name == "T" and not x.sub))


def uses_truth(members, notation) -> bool:
    for m in members:
        for x in S.walk(m):
            if isinstance(x, S.Sym) and x.name == "\\nabla":
                return True
            if isinstance(x, S.Deriv) and x.num is not None and notation.is_cost(x.num):
                return True
    return False
