"""Accumulator updates: ``\\Delta^{(l)} := \\Delta^{(l)} + \\delta^{(l+1)} (a^{(l)})^T``.

An update of a symbol the document already defined is read as one pass over the whole batch (all samples
at once, one column each): the new definition is the old one plus the increment. It is a definition, not
a claim; what it defines is checked where it is used (e.g. D^{(l)} = (1/m) Delta^{(l)} against dJ/dTheta).
"""
from __future__ import annotations

from . import syntax as S
from .context import Rule
from .verdict import DEFINITION, NOT_CHECKED, Verdict

__all__ = ["accumulator_update"]


def accumulator_update(members, rels, defs, base, notation, model):
    """(Verdict, rules) for ``X := X + E`` when X is already defined, else None."""
    if len(members) != 2 or rels != (":=",) and rels != [":="]:
        return None
    head, rhs = members
    if not (isinstance(head, S.Sym) and isinstance(rhs, S.Bin) and rhs.op == "+" and rhs.left == head):
        return None
    old = next((r for r in reversed(defs.rules) if r.kind == "plain" and r.pattern == head), None)
    if old is None:
        return Verdict(status=NOT_CHECKED, reason=f"update of {head.name}, which is not defined before",
                       **base), []
    total = S.Bin(rhs.pos, "+", S.Group(rhs.pos, "(", (old.rhs,)), S.Group(rhs.right.pos, "(", (rhs.right,)))
    binds = {**old.binds, "replaces": old}
    rule = Rule("plain", head, total, old.layers, base["label"], binds)
    note = ("accumulator update, read as one pass over the whole batch (every sample at once, one column "
            f"each): the previous definition ({old.label}) plus the increment; checked where it is used")
    return Verdict(status=DEFINITION, defines=[head.name.lstrip("\\")], notes=[note], **base), [rule]
