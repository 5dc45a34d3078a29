"""Exact sparse multivariate polynomials over QQ for the proof (pure Python, no floating point).

A polynomial is a dict {monomial: coefficient}; a monomial is the sorted tuple of the generator indices
of its factors with repetition (x0^2 x5 -> (0, 0, 5)); coefficients are int or fractions.Fraction and
never zero. Unlike a dense-exponent representation the cost of a product does not grow with the number
of generators (a proof of an (8,8,8,4) network has ~300 of them, each monomial only ~10 factors).
Values are never mutated after construction, so they can be shared through a memo.
"""
from __future__ import annotations

from fractions import Fraction

import sympy

__all__ = ["Polynomial", "NotPolynomial", "PolyConverter", "to_expr"]

Polynomial = dict


class NotPolynomial(Exception):
    """The expression has a negative power or a non-polynomial function of the generators."""


def _add(p: dict, q: dict) -> dict:
    if len(p) < len(q):
        p, q = q, p
    out = dict(p)
    for m, c in q.items():
        v = out.get(m, 0) + c
        if v:
            out[m] = v
        else:
            out.pop(m, None)
    return out


def _mul(p: dict, q: dict) -> dict:
    if len(p) == 1 and () in p:
        c = p[()]
        return {m: c * v for m, v in q.items()} if c != 1 else q
    if len(q) == 1 and () in q:
        return _mul(q, p)
    out: dict = {}
    get = out.get
    for m1, c1 in p.items():
        for m2, c2 in q.items():
            m = tuple(sorted(m1 + m2))
            out[m] = get(m, 0) + c1 * c2
    return {m: c for m, c in out.items() if c}


class PolyConverter:
    """sympy expression (Add/Mul/integer Pow of generators and rationals) -> sparse polynomial, memoized."""

    def __init__(self, gens):
        self.gens = list(gens)
        self.index = {g: i for i, g in enumerate(self.gens)}
        self.memo: dict = {}

    def __call__(self, e) -> dict:
        try:
            return self.memo[e]
        except KeyError:
            pass
        if e.is_Symbol:
            if e not in self.index:
                raise NotPolynomial(f"unexpected symbol {e}")
            out = {(self.index[e],): 1}
        elif e.is_Rational:
            value = int(e.p) if e.q == 1 else Fraction(int(e.p), int(e.q))
            out = {(): value} if value else {}
        elif e.is_Add:
            out = {}
            for arg in e.args:
                out = _add(out, self(arg))
        elif e.is_Mul:
            out = {(): 1}
            for arg in e.args:
                out = _mul(out, self(arg))
        elif e.is_Pow and e.exp.is_Integer and e.exp >= 0:
            base, out = self(e.base), {(): 1}
            for _ in range(int(e.exp)):
                out = _mul(out, base)
        else:
            raise NotPolynomial(f"not a polynomial in the symbols: {e}")
        self.memo[e] = out
        return out

    def difference(self, p: dict, q: dict) -> dict:
        """p - q."""
        return _add(p, {m: -c for m, c in q.items()})

    def to_expr(self, p: dict) -> sympy.Expr:
        return to_expr(p, self.gens)


def to_expr(p: dict, gens) -> sympy.Expr:
    """The sympy expression of a sparse polynomial (for reporting residuals)."""
    terms = []
    for m, c in p.items():
        coeff = sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else sympy.Integer(c)
        terms.append(sympy.Mul(coeff, *[gens[i] for i in m]))
    return sympy.Add(*terms)
