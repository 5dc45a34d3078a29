"""Rewrite rules for the general (symbolic-width) EBP proof, each one a sound identity of finite sums.

sympy does the calculus of the general proof by itself (``diff`` through ``Sum`` and nested activations,
``d W[k, l] / d W[j, i] = KroneckerDelta(j, k) * KroneckerDelta(i, l)``, indexing of matrix expressions such
as ``(W.T * delta)[j, s]``). It cannot finish the proof alone because of facts about sums whose upper bound is
a symbol (a layer width ``m_N`` or the batch size ``n``):

* ``sift``: ``Sum(KroneckerDelta(a, k) * f(k), (k, 0, m - 1)) = f(a)`` needs ``0 <= a <= m - 1``. sympy's
  ``Sum.doit`` returns ``Piecewise((f(a), a <= m - 1), (0, True))`` (or leaves the sum alone inside nested or
  multi-limit sums): its assumption system holds facts about single symbols only, so the relation
  ``a <= m - 1`` between a generic index and a symbolic width cannot be stated.
* ``flatten``: ``c * Sum(f, k) = Sum(c * f, k)`` (``c`` free of ``k``), ``Sum(Sum(f, l), k) = Sum(f, l, k)``
  and ``Sum(f, k) * Sum(g, l) = Sum(f * g, k, l)``: distributivity; sympy has no canonical form for products
  of sums (``expand`` and ``simplify`` leave them alone or pull factors the other way).
* ``canonical``: interchange of finite sums with constant bounds, then renaming of the bound indices
  (alpha-renaming) to names fixed by their ranges, so that two equal sums become equal syntactically.
* ``fold``: the definition of the pre-activation, ``Sum(W_{M-1}[a, l] * A_{M-1}[l, b], l) -> Z_M[a, b]``
  (eqs 9/13), applied right to left so that the derivative reads in the paper's quantities.

Every rule returns ``(new_expr, applications)``; tests/derive/test_general_rules.py checks each one against
direct evaluation of the sums at many concrete sizes. Indices are 0-based (sympy's matrix-expression indexing
sums from 0 to m - 1); index ``j`` here is node ``j + 1`` of the paper.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from sympy import Dummy, Indexed, KroneckerDelta, Mul, Sum, Symbol

from derive.general.canonical import canonical
from derive.general.fold import fold

__all__ = ["RULES", "Rule", "canonical", "flatten", "fold", "sift"]


@dataclass(frozen=True)
class Rule:
    """A rewrite rule: its name, the identity it applies and why sympy does not apply it by itself."""

    name: str
    identity: str
    why: str


RULES = {
    "sift": Rule(
        "sift",
        "Sum(KroneckerDelta(a, k) * f(k), (k, 0, m - 1)) = f(a)   for 0 <= a <= m - 1",
        "Sum.doit gives Piecewise((f(a), a <= m - 1), (0, True)) or leaves nested/multi-limit sums: sympy's "
        "assumptions cannot state the relation a <= m - 1 between an index and a symbolic width",
    ),
    "flatten": Rule(
        "flatten",
        "c*Sum(f, k) = Sum(c*f, k);  Sum(Sum(f, l), k) = Sum(f, l, k);  Sum(f, k)*Sum(g, l) = Sum(f*g, k, l);"
        "  Sum(f + g, k) = Sum(f, k) + Sum(g, k)",
        "distributivity over a sum with a symbolic number of terms: sympy has no normal form for products "
        "of Sums (expand/simplify do not merge or pull factors in)",
    ),
    "canonical": Rule(
        "canonical",
        "Sum(f, (k, 0, p), (l, 0, q)) = Sum(f, (l, 0, q), (k, 0, p)); bound indices renamed by their range; "
        "Sum(f(k, c), (k, 0, p), (c, 0, p)) = Sum((f(k, c) + f(c, k))/2, (k, 0, p), (c, 0, p))",
        "interchanging finite sums and alpha-renaming bound indices: sympy compares Sums syntactically, so "
        "equal sums written in another order or with other index names do not compare equal",
    ),
    "fold": Rule(
        "fold",
        "Sum(W_{M-1}[a, l] * A_{M-1}[l, b], (l, 0, m_{M-1} - 1)) (+ b_{M-1}[a]) = Z_M[a, b]   (eqs 9/13, a "
        "definition)",
        "a definition read right to left; sympy's diff keeps the nested sums it differentiated through",
    ),
}


# ---------------------------------------------------------------------------------------------- sift


def _sift_one(summand, limits, ranges):
    """Try to sum one KroneckerDelta out of Sum(summand, *limits); return (expr, done)."""
    terms = sp.Add.make_args(summand)
    common = set(Mul.make_args(terms[0])).intersection(*[set(Mul.make_args(t)) for t in terms[1:]])
    for pos, (k, lo, hi) in enumerate(limits):
        if lo != 0:
            continue
        for fac in sorted(common, key=sp.default_sort_key):
            if not isinstance(fac, KroneckerDelta) or k not in fac.args:
                continue
            a = fac.args[0] if fac.args[1] == k else fac.args[1]
            if a.has(k) or ranges.get(a) != hi:
                continue
            if any(a in {lim[0] for lim in inner.limits} for inner in summand.atoms(Sum)):
                continue  # substituting k -> a would be captured by an inner sum over a
            rest = sp.Add(*[t / fac for t in terms]).xreplace({k: a})
            rest_limits = [lim for q, lim in enumerate(limits) if q != pos]
            if any(lim[1].has(k) or lim[2].has(k) for lim in rest_limits):
                continue
            return (Sum(rest, *rest_limits) if rest_limits else rest), True
    return None, False


def sift(expr, ranges):
    """Apply the ``sift`` rule bottom-up everywhere it applies.

    ``ranges`` maps each free (generic) index to its upper bound ``m - 1``; the bound indices of enclosing
    sums are added while descending. A delta is summed out only when the other index provably has the same
    range, which is the rule's side condition. Returns ``(expr, applications)``.
    """
    count = 0

    def walk(e, rng):
        nonlocal count
        if not e.args or isinstance(e, (Indexed, Symbol)):
            return e
        if isinstance(e, Sum):
            limits = [tuple(lim) for lim in e.limits]
            inner = dict(rng)
            for k, lo, hi in limits:
                if lo == 0:
                    inner[k] = hi
            summand = walk(e.function, inner)
            while True:
                new, done = _sift_one(summand, limits, inner)
                if not done:
                    return Sum(summand, *limits)
                count += 1
                if not isinstance(new, Sum):
                    return walk(new, rng)
                summand, limits = new.function, [tuple(lim) for lim in new.limits]
        new_args = [walk(a, rng) for a in e.args]
        return e.func(*new_args) if new_args != list(e.args) else e

    return walk(expr, dict(ranges)), count


# ------------------------------------------------------------------------------------------- flatten


def _fresh(summ, limits, avoid):
    """Rename bound indices of Sum(summ, *limits) that clash with symbols in ``avoid``."""
    mapping = {}
    new_limits = []
    for k, lo, hi in limits:
        if k in avoid:
            d = Dummy(str(k))
            mapping[k] = d
            k = d
        new_limits.append((k, lo, hi))
    return summ.xreplace(mapping), new_limits


def flatten(expr):
    """Bring every product into the form ``c * Sum(product, *limits)`` with one multi-limit Sum.

    Returns ``(expr, applications)`` where applications counts merged sums and factors pulled into a sum.
    The bounds of the merged sums must not depend on one another's indices (true for layer widths).
    """
    count = 0

    def sum_of(inner, limits):
        """Sum(inner, *limits) for an already flattened ``inner``: merge, pull out, split over terms."""
        nonlocal count
        dummies = {lim[0] for lim in limits}
        c, body = _constant_and_sum(inner, dummies)
        if body is not None:
            count += 1
            summ, inner_limits = _fresh(body.function, body.limits, dummies)
            return c * Sum(summ, *inner_limits, *limits)
        terms = sp.Add.make_args(inner)
        if len(terms) > 1 and any(_constant_and_sum(t, dummies)[1] is not None for t in terms):
            count += 1  # Sum(f + g) = Sum(f) + Sum(g)
            parts = [sum_of(t, limits) for t in inner.args]
            merged = _merge_add(parts)
            return merged if merged is not None else sp.Add(*parts)
        return Sum(inner, *limits)

    def walk(e):
        nonlocal count
        if not e.args or isinstance(e, (Indexed, Symbol)):
            return e
        if isinstance(e, Sum):
            return sum_of(walk(e.function), [tuple(lim) for lim in e.limits])
        args = [walk(a) for a in e.args]
        if isinstance(e, sp.Add):
            merged = _merge_add(args)
            if merged is not None:
                count += len(args) - 1
                return merged
        if isinstance(e, Mul):
            args = [f for a in args for f in Mul.make_args(a)]  # a factor may have become c * Sum
            sums = [a for a in args if isinstance(a, Sum)]
            if sums:
                count += len(args) - 1
                others = [a for a in args if not isinstance(a, Sum)]
                summand, limits = sp.S.One, []
                for sm in sums:
                    avoid = {lim[0] for lim in limits} | set().union(*[o.free_symbols for o in others])
                    avoid |= summand.free_symbols
                    f, lims = _fresh(sm.function, sm.limits, avoid)
                    summand, limits = summand * f, limits + lims
                outside = [o for o in others if not o.atoms(Indexed, sp.Function, sp.Derivative)]
                inside = [o for o in others if o not in outside]
                return Mul(*outside) * Sum(Mul(*inside) * summand, *limits)
        return e.func(*args) if args != list(e.args) else e

    out = walk(expr)
    return out, count


def _constant_and_sum(e, dummies):
    """(c, S) when e is c * S with S a Sum and c a constant free of ``dummies``; else (None, None)."""
    if isinstance(e, Sum):
        return sp.S.One, e
    if isinstance(e, Mul):
        sums = [a for a in e.args if isinstance(a, Sum)]
        if len(sums) == 1:
            c = Mul(*[a for a in e.args if a is not sums[0]])
            if not c.atoms(Indexed, sp.Function, sp.Derivative) and not c.free_symbols & dummies:
                return c, sums[0]
    return None, None


def _merge_add(terms):
    """c1*Sum(f1, *lim) + c2*Sum(f2, *lim') = Sum(c1*f1 + c2*f2', *lim) when the bounds agree, else None."""
    parts = []
    for t in terms:
        sums = [a for a in Mul.make_args(t) if isinstance(a, Sum)]
        if len(sums) != 1:
            return None
        c = Mul(*[a for a in Mul.make_args(t) if a is not sums[0]])
        if c.atoms(Indexed, sp.Function, sp.Derivative):
            return None
        parts.append((c, sums[0]))
    first = parts[0][1].limits
    bounds = [(lo, hi) for _, lo, hi in first]
    summand = sp.S.Zero
    names = {lim[0] for lim in first}
    for c, sm in parts:
        if [(lo, hi) for _, lo, hi in sm.limits] != bounds or sm.free_symbols & names:
            return None  # other bounds, or renaming would capture a free index
        summand += c * sm.function.xreplace({lim[0]: f[0] for lim, f in zip(sm.limits, first, strict=True)})
    return Sum(summand, *first)
