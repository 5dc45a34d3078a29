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

import itertools
import math
from dataclasses import dataclass

import sympy as sp
from sympy import Dummy, Indexed, KroneckerDelta, Mul, Sum, Symbol

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


# ---------------------------------------------------------------------------------------------- fold


def fold(expr, layers):
    """Replace pre-activation sums by their names Z_M[a, b] (eqs 9/13), innermost layer first.

    ``layers`` is a list of ``(M, W_base, A_of, width_bound, Z_base, b_base)``: ``A_of(l, b)`` builds the
    expression of ``A_{M-1}[l, b]`` (after folding of the layers below), ``width_bound`` is ``m_{M-1} - 1``,
    ``b_base`` the bias of the layer or None. With a bias only the whole ``Sum(...) + b_{M-1}[a]`` is folded
    (a sum without its bias is not a pre-activation). Returns ``(expr, applications)``.
    """
    count = 0
    for _M, W, A_of, bound, Z, B in layers:

        def name_of(e, W=W, A_of=A_of, bound=bound, Z=Z, B=B):
            if B is not None:
                return _biased_name(e, W, A_of, bound, Z, B) if isinstance(e, sp.Add) else None
            return _sum_name(e, W, A_of, bound, Z) if isinstance(e, Sum) else None

        new = expr.replace(lambda e, f=name_of: f(e) is not None, lambda e, f=name_of: f(e))
        count += len(expr.atoms(Sum)) - len(new.atoms(Sum))
        expr = new
    return expr, count


def _biased_name(e, W, A_of, bound, Z, B):
    """For an Add containing c * Sum(W[a, l] * A_of(l, b)) + c * B[a] (c a number, as sympy writes -(S + b)):
    the Add with that pair replaced by c * Z[a, b]; else None."""
    parts = [t.as_coeff_Mul() for t in e.args]
    for p, (c, s) in enumerate(parts):
        z = _sum_name(s, W, A_of, bound, Z) if isinstance(s, Sum) else None
        if z is None:
            continue
        for q, (c2, bias) in enumerate(parts):
            if c2 == c and isinstance(bias, Indexed) and bias.base == B and bias.indices == (z.indices[0],):
                rest = [t for r, t in enumerate(e.args) if r not in (p, q)]
                return sp.Add(c * z, *rest)
    return None


def _sum_name(e, W, A_of, bound, Z):
    """Z[a, b] when e is Sum(W[a, l] * A_of(l, b), (l, 0, bound)), else None."""
    if len(e.limits) != 1:
        return None
    k, lo, hi = e.limits[0]
    if lo != 0 or hi != bound:
        return None
    ws = [f for f in Mul.make_args(e.function) if isinstance(f, Indexed) and f.base == W]
    if len(ws) != 1 or ws[0].indices[1] != k or ws[0].indices[0].has(k):
        return None
    rest = e.function / ws[0]
    for b in sorted(_second_indices(rest, k), key=sp.default_sort_key):
        if not b.has(k) and rest == A_of(k, b):
            return Z[ws[0].indices[0], b]
    return None


def _second_indices(e, k):
    """Candidate column indices b of the Indexed objects X[k, b] / Z[k, b] inside e."""
    return {ix.indices[1] for ix in e.atoms(Indexed) if len(ix.indices) == 2 and ix.indices[0] == k}
