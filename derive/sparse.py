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

__all__ = ["Polynomial", "NotPolynomial", "PolyConverter", "FracConverter", "to_expr", "rename", "add"]

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


def _neg(p: dict) -> dict:
    return {m: -c for m, c in p.items()}


def _den_product(d1: dict, d2: dict) -> dict:
    """The product of two denominators {base index: power}."""
    return {b: d1.get(b, 0) + d2.get(b, 0) for b in set(d1) | set(d2)}


def rename(p: dict, perm: dict) -> dict:
    """The polynomial with generator i replaced by generator perm[i] (a renaming of variables)."""
    return {tuple(sorted(perm.get(i, i) for i in m)): c for m, c in p.items()}


def add(p: dict, q: dict) -> dict:
    """p + q."""
    return _add(p, q)


class _Memoized:
    """Conversion memoized per sub-expression, with the atom substitution applied first."""

    memo: dict
    substitute = None  # e -> replacement expression or None (atoms -> symbols)

    def __call__(self, e):
        try:
            return self.memo[e]
        except KeyError:
            pass
        new = self.substitute(e) if self.substitute else None
        out = self(new) if new is not None else self._convert(e)
        self.memo[e] = out
        return out


class PolyConverter(_Memoized):
    """sympy expression (Add/Mul/integer Pow of generators and rationals) -> sparse polynomial, memoized."""

    def __init__(self, gens, substitute=None):
        self.gens = list(gens)
        self.index = {g: i for i, g in enumerate(self.gens)}
        self.memo: dict = {}
        self.substitute = substitute

    def _convert(self, e) -> dict:
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
        return out

    def difference(self, p: dict, q: dict) -> dict:
        """p - q."""
        return _add(p, _neg(q))

    def to_expr(self, p: dict) -> sympy.Expr:
        return to_expr(p, self.gens)


def to_expr(p: dict, gens) -> sympy.Expr:
    """The sympy expression of a sparse polynomial (for reporting residuals)."""
    terms = []
    for m, c in p.items():
        coeff = sympy.Rational(c.numerator, c.denominator) if isinstance(c, Fraction) else sympy.Integer(c)
        terms.append(sympy.Mul(coeff, *[gens[i] for i in m]))
    return sympy.Add(*terms)


class FracConverter(_Memoized):
    """sympy expression -> (numerator, denominator) with a sparse-polynomial numerator and a denominator
    kept as a product of powers of registered base polynomials, never expanded and never reduced by a
    gcd: p1/D1 - p2/D2 is zero iff p1 (D/D1) - p2 (D/D2) is the zero polynomial, D = lcm of the products.
    Exact and complete for rational functions (e.g. 1/a and 1/(1 - a) from the derivative of log)."""

    def __init__(self, gens, substitute=None):
        self.polys = PolyConverter(gens, substitute)
        self.substitute = substitute
        self.bases: list[dict] = []
        self.base_ids: dict = {}
        self.memo: dict = {}

    def _base(self, p: dict) -> int:
        key = frozenset(p.items())
        if key not in self.base_ids:
            self.base_ids[key] = len(self.bases)
            self.bases.append(p)
        return self.base_ids[key]

    def _times_bases(self, p: dict, factors: dict) -> dict:
        for b, k in factors.items():
            for _ in range(k):
                p = _mul(p, self.bases[b])
        return p

    def _add(self, x, y):
        (p1, d1), (p2, d2) = x, y
        den = {b: max(d1.get(b, 0), d2.get(b, 0)) for b in set(d1) | set(d2)}
        p1 = self._times_bases(p1, {b: k - d1.get(b, 0) for b, k in den.items()})
        p2 = self._times_bases(p2, {b: k - d2.get(b, 0) for b, k in den.items()})
        return _add(p1, p2), den

    def _convert(self, e):
        if e.is_Add:
            out = ({}, {})
            for arg in e.args:
                out = self._add(out, self(arg))
        elif e.is_Mul:
            p, d = {(): 1}, {}
            for arg in e.args:
                q, dq = self(arg)
                p, d = _mul(p, q), _den_product(d, dq)
            out = (p, d)
        elif e.is_Pow and e.exp.is_Integer and e.exp < 0:
            base, dbase = self(e.base)
            if dbase or not base:
                raise NotPolynomial(f"nested or zero denominator: {e}")
            out = ({(): 1}, {self._base(base): int(-e.exp)})
        elif e.is_Pow and e.exp.is_Integer:
            base, out = self(e.base), ({(): 1}, {})
            for _ in range(int(e.exp)):
                out = (_mul(out[0], base[0]), _den_product(out[1], base[1]))
        else:
            out = (self.polys(e), {})
        return out

    def rename(self, value, perm: dict):
        """The fraction with generators renamed (bases are renamed and registered too)."""
        p, d = value
        return rename(p, perm), {self._base(rename(self.bases[b], perm)): k for b, k in d.items()}

    def add(self, x, y):
        return self._add(x, y)

    def difference(self, x, y):
        """x - y as (numerator, denominator); zero iff the numerator is empty."""
        p, d = y
        return self._add(x, (_neg(p), d))

    def to_expr(self, value) -> sympy.Expr:
        p, d = value
        den = sympy.Mul(*[self.polys.to_expr(self.bases[b]) ** k for b, k in d.items() if k])
        return self.polys.to_expr(p) / den
