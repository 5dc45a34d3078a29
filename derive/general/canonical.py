"""The ``canonical`` rewrite rule: one normal form for sums that are equal up to order and index names.

Interchange of finite sums with constant bounds, alpha-renaming of bound indices after their range, and
symmetrization over indices of equal range (see ``derive.general.rules.RULES["canonical"]``).
"""

from __future__ import annotations

import itertools
import math

import sympy as sp
from sympy import Indexed, Mul, Sum, Symbol

__all__ = ["canonical"]


def _pull_constants_inside(expr):
    """c * Sum(f) -> Sum(c * f) for the top-level product (used by canonical comparison)."""
    if isinstance(expr, Mul):
        sums = [a for a in expr.args if isinstance(a, Sum)]
        if len(sums) == 1:
            others = [a for a in expr.args if a is not sums[0]]
            return Sum(Mul(*others) * sums[0].function, *sums[0].limits)
    return expr


# ----------------------------------------------------------------------------------------- canonical


def canonical(expr, names=None):
    """Normal form of every term c * Sum(f, *limits): constants pulled in, limits sorted by their bounds,
    bound indices renamed after their range, and f symmetrized over indices that share a range.

    ``names`` maps an upper bound (e.g. ``m2 - 1``) to the base name of its index (e.g. ``"k2"``); indices of
    other ranges are called ``u``; repeated ranges get ``k2_2``, ... Sums nested inside a summand (a softmax
    normalizer) get reserved names ``<base>_in<depth>``. Limits with equal bounds keep their relative order;
    a sum whose bounds depend on its own indices is left alone. Symmetrization: for indices k, c over the
    same range, Sum(f(k, c)) = Sum((f(k, c) + f(c, k)) / 2), so that summands equal up to renaming compare
    equal. Returns ``(expr, applications)``.
    """
    names = names or {}
    count = 0

    def base(hi):
        return names.get(hi, "u")

    def fresh_names(limits, pattern, taken):
        used: dict[str, int] = {}
        out = []
        for _k, _lo, hi in limits:
            stem = pattern.format(base(hi))
            used[stem] = used.get(stem, 0) + 1
            text = stem if used[stem] == 1 else f"{stem}_{used[stem]}"
            while Symbol(text, integer=True, nonnegative=True) in taken:
                text += "'"
            out.append(Symbol(text, integer=True, nonnegative=True))
        return out

    def dependent(limits):
        dummies = {lim[0] for lim in limits}
        return any((lo.free_symbols | hi.free_symbols) & dummies for _, lo, hi in limits)

    def inner(e, depth):
        """Rename the bound indices of Sums inside a summand (deepest first) to reserved names."""
        if not e.args or isinstance(e, (Indexed, Symbol)):
            return e
        args = [inner(a, depth + 1 if isinstance(e, Sum) else depth) for a in e.args]
        e = e.func(*args) if args != list(e.args) else e
        if isinstance(e, Sum) and not dependent(e.limits):
            new = fresh_names(e.limits, "{}_in" + str(depth), e.function.free_symbols)
            mapping = {lim[0]: v for lim, v in zip(e.limits, new, strict=True)}
            e = Sum(e.function.xreplace(mapping), *[(v, lo, hi) for v, (_, lo, hi) in zip(new, e.limits,
                                                                                           strict=True)])
        return e

    def term(t):
        nonlocal count
        t = _pull_constants_inside(t)
        if not isinstance(t, Sum):
            return inner(t, 1)
        limits = [tuple(lim) for lim in t.limits]
        if dependent(limits):
            return t  # dependent bounds: neither interchange nor renaming
        order = sorted(range(len(limits)), key=lambda q: sp.default_sort_key(limits[q][2]))
        if order != list(range(len(limits))):
            count += 1
        limits = [limits[q] for q in order]
        f = inner(t.function, 1)
        new = fresh_names(limits, "{}", t.free_symbols)
        f = f.xreplace({lim[0]: v for lim, v in zip(limits, new, strict=True)})
        new_limits = [(v, lo, hi) for v, (_, lo, hi) in zip(new, limits, strict=True)]
        sym = _symmetrize(f, new_limits)
        if sym is not f:
            count += 1
        return Sum(sym, *new_limits)

    return sp.Add(*[term(t) for t in sp.Add.make_args(expr)]), count


def _symmetrize(f, limits, most=24):
    """Average of f over the permutations of bound indices with equal ranges (f itself if there are none)."""
    groups: dict = {}
    for k, lo, hi in limits:
        groups.setdefault((lo, hi), []).append(k)
    perms = [list(itertools.permutations(ks)) for ks in groups.values() if len(ks) > 1]
    total = math.prod(len(p) for p in perms)
    if not perms or total > most:
        return f
    groups_ = [ks for ks in groups.values() if len(ks) > 1]
    terms = []
    for choice in itertools.product(*perms):
        pairs = [zip(ks, perm, strict=True) for ks, perm in zip(groups_, choice, strict=True)]
        mapping = dict(itertools.chain(*pairs))
        terms.append(f.xreplace(mapping))
    return sp.Add(*terms) / total
