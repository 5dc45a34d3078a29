"""Hints for a failing equation: which small change would make it hold, with a stable kind.

First the two sides' values are compared for a pattern (:mod:`.hint_values`: sign, factor n, transpose,
mirrored entries, a missing or extra phi'); then small edits of the written expression (:mod:`.edits`, and
a phi' written out in closed form left out or put in, :mod:`.phi_factors`) are tried one by one and the
edited side is re-evaluated. The first edit that makes the equation hold at the
counterexample is reported, its layer named in the document's own numbering.
"""
from __future__ import annotations

import itertools
import time

from . import syntax as S
from .edits import edits
from .evaluate import ev
from .hint_values import phi_factor_hint, same, value_hint
from .indices import sum_vars
from .phi_factors import phi_factor_edits
from .symbols import strip
from .values import Mat, OutOfRange, as_scalar

__all__ = ["hint_for", "value_hint"]

MAX_EDITS = 200
HINT_SECONDS = 5.0   # a hint is a help, not a verdict: its search is bounded per failing equation
REPORT_HINT_EDITS = 2000   # ... and per check of a whole document (a count: the same hints on any machine)


def hint_for(run, failure) -> tuple[str, str]:
    """(text, kind) for a failure of a chain check (``run`` is the check's Run); when the first instance
    gives no hint, a few other failing instances (index values, points) are tried."""
    deadline = time.monotonic() + HINT_SECONDS
    for instance in [failure] + failure.get("more", []):
        found = _hint(run, instance, deadline, instance is failure)
        if found[0] or time.monotonic() > deadline:
            return found
    return "", ""


def _hint(run, failure, deadline, first=True) -> tuple[str, str]:
    n = run.models[0].n
    values = failure["values"] if failure["error"] is None else None
    if values is not None:
        text, kind = value_hint(values[0], values[1], n)
        if text:
            return text, kind
    if failure["error"] is not None and str(failure["error"]).startswith("the entry after \\dots"):
        return ("the entry after \\dots must name the last sample Sn (or the last node m_N), as the other "
                "rows do", "")
    if values is not None:
        describe = run.notation.describe_layer
        model = run.models[failure["point"]]
        text, kind = phi_factor_hint(values[0], values[1], model, describe)
        if text:
            return text, kind
        text = _bias_hint(run, failure, model, describe)
        if text:
            return text, "bias"
    found = _edit_hint(run, failure, deadline, first)
    if found[0]:
        return found
    shape = _shape_hint(run, failure)
    if shape:
        return shape, ""
    if isinstance(failure["error"], OutOfRange):
        return ("index out of range: the equation names a node, sample or layer that does not exist at the "
                "document's sizes (a row or column too many?)", "")
    return "", ""


def _bias_hint(run, failure, model, describe) -> str:
    """The other side, recomputed with the biases of one layer set to 0, equals the failing side."""
    if model.b is None or not isinstance(failure["where"], tuple):
        return ""
    a, b = failure["where"]
    ctx = run._ctx(failure["point"], failure["bind"])
    for N in range(model.L):
        zero = tuple((("b", N, r, 0), 0) for r in range(model.sizes[N + 1]))
        for keep, other in ((a, b), (b, a)):
            inner = ctx.child(overrides=zero)
            inner.memo = {}
            try:
                if same(ev(run.members[keep], inner), ev(run.members[other], ctx)):
                    return (f"bias: the bias b of layer {describe(N + 1)} is missing (the other side without "
                            "it is equal)")
            except Exception:  # noqa: BLE001 - not this hint
                continue
    return ""


def _shape_hint(run, failure) -> str:
    if failure["error"] is None and failure["diff"] is not None and failure["diff"][3].startswith("shapes"):
        for member in run.members:
            if isinstance(member, S.Matrix) and not any(all(isinstance(c, S.Dots) for c in row)
                                                        for row in member.rows):
                last = member.rows[-1]
                if any(isinstance(x, S.Sym) and x.name == "m" and x.sub for c in last for x in S.walk(c)):
                    return ("shape: the matrix literal's last row is indexed by a size m_.. but no row of "
                            "\\dots precedes it, so it has a fixed number of rows")
    return ""


def _layer_slots(notation):
    def slots(sym):
        found = notation.resolve(sym)
        if found is None or found[0].layer not in found[1]:
            return []
        item = found[1][found[0].layer]
        return [(part, k) for part in ("pre", "sub", "sup") for k, x in enumerate(getattr(sym, part))
                if strip(x) is item or x is item]
    return slots


def _edit_hint(run, failure, deadline, written_out=True) -> tuple[str, str]:
    """The first small edit that makes the equation hold at this failing instance; a phi' written out is
    left out or put in (many candidates) at the first failing instance only."""
    where = failure["where"]
    ctx = run._ctx(failure["point"], failure["bind"])
    pairs = [where] if isinstance(where, tuple) else _neighbours(run, where)
    sides = [(side, other, side == b) for a, b in pairs for side, other in ((b, a), (a, b))]
    if failure.get("target") is not None:  # a definition compared with the truth: edit the definition
        sides = [(where[1] if isinstance(where, tuple) else where, None, True)]
    tried = 0
    letters = {v for v, r in run.free.items() if r in ("node", "node0")}
    sums = sum_vars(run.members)
    samples = [v for v, r in run.free.items() if r == "sample"] + sorted(sums)
    for side, other, right in sides:
        try:
            target = failure["target"] if other is None else ev(run.members[other], ctx)
        except Exception:  # noqa: BLE001
            continue
        member = run.members[side]
        try:
            original = ev(member, ctx)
        except Exception:  # noqa: BLE001
            original = None
        swap = run.notation.counterpart
        slots = _layer_slots(run.notation)
        phi = () if not written_out else phi_factor_edits(
            member, slots, letters | _node_sum_letters(run.members), _activations(run.notation),
            run.models[0].activation, _hadamard(run.notation), _shape(ctx, sums))
        candidates = itertools.chain(edits(member, slots, sums, letters, samples, run.samples, swap), phi)
        for text, pos, edited, kind in candidates:
            tried += 1
            run.defs.hint_edits = getattr(run.defs, "hint_edits", REPORT_HINT_EDITS) - 1
            if tried > MAX_EDITS or run.defs.hint_edits < 0 or time.monotonic() > deadline:
                return "", ""
            try:
                value = ev(edited, ctx)
            except Exception:  # noqa: BLE001 - an edit may break anything; it is just not the hint
                continue
            if original is not None and same(value, original):
                continue
            if same(value, target):
                return _with_col(text, pos, run), kind
            extra, extra_kind = value_hint(target, value, run.models[0].n) if right else ("", "")
            if extra_kind == "sign":
                return _with_col(text, pos, run) + "; and the overall sign is flipped (a factor -1)", kind
            if extra_kind == "factor_n":
                return _with_col(text, pos, run) + "; and " + extra, kind
    return "", ""


def _node_sum_letters(members) -> set:
    """The letters summations run over that name nodes (j in \\sum_j), not samples (Sx in \\sum_{Sx})."""
    return {x.var.name for m in members for x in S.walk(m)
            if isinstance(x, S.Sum) and isinstance(x.var, S.Sym) and len(x.var.name) == 1
            and x.var.name.islower() and not x.var.sub}


def _activations(notation):
    """The symbols of a member naming activations a (the notation's 'a' quantity), in order."""
    def find(member):
        out = []
        for node in S.walk(member):
            if not isinstance(node, S.Sym) or node in out:
                continue
            found = notation.resolve(node)
            if found is not None and found[0].quantity in ("a", "a1"):
                out.append(node)
        return out
    return find


def _shape(ctx, loose):
    """(rows, cols) of a node's value at the counterexample, () for a number, None if it does not evaluate;
    a summation letter (``loose``) outside its sum counts as 1."""
    def shape(node):
        inner = ctx.child()
        inner.bind.update({v: 1 for v in loose if v not in inner.bind})
        try:
            value = as_scalar(ev(node, inner))
        except Exception:  # noqa: BLE001 - not a value alone (an index bound by a sum, a missing layer)
            return None
        return (value.rows, value.cols) if isinstance(value, Mat) else ()
    return shape


def _hadamard(notation) -> str:
    """The notation's element-wise product operator, as its table names it (``*`` by default)."""
    operators = notation.table.operators
    return next((op for op in ("odot", "circ", "*") if operators.get(op) == "hadamard"), "*")


def _neighbours(run, k):
    out = []
    if k > 0:
        out.append((k - 1, k))
    if k + 1 < len(run.members):
        out.append((k, k + 1))
    return out


def _with_col(text, pos, run) -> str:
    if pos is None or pos < 0:
        return text.replace(" at column {col}", "")
    line, col = run.doc.position(run.part.offset + pos)
    return text.replace("{col}", f"{col} (line {line})")
