"""The ``fold`` rewrite rule: pre-activation sums named Z_M[a, b] (eqs 9/13, a definition read right to left).

See ``derive.general.rules.RULES["fold"]``.
"""

from __future__ import annotations

import sympy as sp
from sympy import Indexed, Mul, Sum

__all__ = ["fold"]


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
