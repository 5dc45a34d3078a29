"""Concrete instantiation of the general (index-form) proof: evaluate its expressions at fixed sizes.

Used to test every rewrite rule of ``derive.general.rules`` and every automatic sympy step for soundness:
an expression with symbolic widths m_N, batch size n and generic indices j, i is evaluated at concrete
integers (the sums are expanded by ``Sum.doit``), with deterministic pseudo-random rational values for the
weights W_N[k, l], biases b_N[k], inputs X and targets Y, the pre-activations Z_M computed by the forward pass
(eqs 9, 13; an output activation or a softmax on the output layer),
and a concrete function in place of the abstract activation phi. ``concrete_gradient`` is an independent
ground truth: a network of explicit sympy Matrices (W_N of shape (m_{N+1}, m_N), eq 9) differentiated by
``sympy.diff``.
"""

from __future__ import annotations

import zlib
from fractions import Fraction

import sympy as sp
from sympy import Indexed, Lambda, Matrix, Symbol
from sympy.core.function import AppliedUndef

from derive.general.table import DPHI, act, lam, normal_dphi, phi

__all__ = ["PHI_CONCRETE", "Instance", "close", "concrete_gradient", "evaluate"]

_z = Symbol("z")
#: stand-in for the abstract phi in concrete checks: smooth, values in (0, 1/2] (valid for log-loss)
PHI_CONCRETE = Lambda(_z, 1 / (2 + _z**2))
DIGITS = 40


def _rational(*key, seed=0):
    """Deterministic pseudo-random rational in [-1, 1] (never 0) keyed by ``key``."""
    h = zlib.crc32(repr((seed, key)).encode())
    return sp.Rational(Fraction((h % 1999) - 999 or 7, 1000))


def _concrete(name):
    """The concrete function of a registry activation (PHI_CONCRETE for the abstract phi)."""
    return PHI_CONCRETE if name == "phi" else (lambda z: act(name, z))


class Instance:
    """Concrete sizes and values for a network of depth L: ``sizes`` = (m_0, ..., m_L), batch ``n``.

    ``output`` is the output activation (None: the hidden one), ``softmax`` a softmax output layer,
    ``bias`` adds b_N[r] to every pre-activation (eq 9).
    """

    def __init__(self, sizes, n, activation="sigmoid", seed=0, *, output=None, softmax=False, bias=False):
        self.sizes, self.n, self.L = tuple(sizes), n, len(sizes) - 1
        self.activation, self.seed, self.bias, self.softmax = activation, seed, bias, softmax
        self.act = _concrete(activation)
        self.out_act = _concrete(output or activation)
        self.Z = {}
        A = Matrix(self.sizes[0], n, lambda r, c: self.value("X", r, c))
        for M in range(1, self.L + 1):
            Zm = self.pre_activation(M - 1, self.weights(M - 1), A).evalf(DIGITS)
            for r in range(Zm.rows):
                for c in range(n):
                    self.Z[(M, r, c)] = Zm[r, c]
            A = self.activate(M, Zm).applyfunc(lambda a: sp.N(a, DIGITS))

    def pre_activation(self, N, W, A):
        """Z_{N+1} = W_N A_N (+ b_N 1^T) (eq 9)."""
        Z = W * A
        if self.bias:
            Z += Matrix(Z.rows, Z.cols, lambda r, c: self.value(f"b{N}", r))
        return Z

    def activate(self, M, Z):
        """A_M = phi(Z_M) (eq 13), the output activation (eq 95) or a column-wise softmax on L(L)."""
        if M < self.L:
            return Z.applyfunc(self.act)
        if not self.softmax:
            return Z.applyfunc(self.out_act)
        E = Z.applyfunc(sp.exp)
        return Matrix(Z.rows, Z.cols, lambda r, c: E[r, c] / sum(E[:, c]))

    def value(self, name, *idx):
        """Value of W_N / X / Y / b_N / delta... entries (pseudo-random) or of Z_M (forward pass)."""
        if name.startswith("Z") and name[1:].isdigit():
            return self.Z[(int(name[1:]), *idx)]
        return sp.Float(_rational(name, *idx, seed=self.seed), DIGITS)

    def weights(self, N):
        """Matrix of the values of W_N, shape (m_{N+1}, m_N)."""
        return Matrix(self.sizes[N + 1], self.sizes[N], lambda r, c: self.value(f"W{N}", r, c))


def _expand_sum(sm):
    """A Sum with integer bounds written out term by term (no simplification, unlike Sum.doit)."""
    terms = [sm.function]
    for k, lo, hi in sm.limits:
        terms = [t.xreplace({k: sp.Integer(v)}) for t in terms for v in range(int(lo), int(hi) + 1)]
    return sp.Add(*terms)


def evaluate(expr, subs, inst, functions=None, x_value=None):
    """Evaluate an index-form expression at concrete sizes/indices ``subs`` (dict Symbol -> int).

    Indexed entries take ``inst.value``; phi becomes the instance's activation and Dphi its derivative;
    other undefined functions (the arbitrary Z_M(k, s, x) of the lemmas) become fixed polynomials in x
    (``functions`` may override); the symbol x is set to ``x_value``. Returns a sympy Float.
    """
    e = normal_dphi(sp.sympify(expr).xreplace({k: sp.Integer(v) for k, v in subs.items()}))
    e = e.replace(lambda u: isinstance(u, sp.Sum), _expand_sum)
    e = e.replace(lambda u: isinstance(u, Indexed),
                  lambda u: inst.value(str(u.base), *[int(i) for i in u.indices]))
    z, a, b, x = Symbol("z"), Symbol("a"), Symbol("b"), Symbol("x")
    funcs = {phi: PHI_CONCRETE, DPHI: Lambda(z, sp.diff(PHI_CONCRETE(z), z))}
    funcs.update(functions or {})
    for f in e.atoms(AppliedUndef):
        if f.func not in funcs:
            c = _rational(str(f.func), seed=inst.seed)
            funcs[f.func] = Lambda((a, b, x), (a + 2) * x**2 + (b + c) * x + a * b + c)
    e = e.replace(lambda u: isinstance(u, (AppliedUndef, phi)) and u.func in funcs,
                  lambda u: funcs[u.func](*u.args))
    e = e.doit().xreplace({x: sp.Rational(1, 3) if x_value is None else x_value})
    return sp.N(e, DIGITS)


def concrete_gradient(inst, N, j, i, cost_name="logloss"):
    """d Lambda / d W_N[j, i] (or d Lambda / d b_N[j] when ``i`` is None) of the concrete network by
    sympy.diff on explicit matrices (ground truth).

    Only that weight or bias stays symbolic; every other one is its value already (as derive.ground_truth_at
    does).
    """
    w = Symbol("w")
    A = Matrix(inst.sizes[0], inst.n, lambda r, c: inst.value("X", r, c))
    for M in range(inst.L):
        W = inst.weights(M)
        if M == N and i is not None:
            W[j, i] = w
        Z = inst.pre_activation(M, W, A)
        if M == N and i is None:
            Z[j, :] += Matrix(1, inst.n, [w - inst.value(f"b{N}", j)] * inst.n)
        A = inst.activate(M + 1, Z)
    Y = Matrix(inst.sizes[-1], inst.n, lambda r, c: inst.value("Y", r, c))
    cost = sum(lam(cost_name, A[r, c], Y[r, c]) for r in range(A.rows) for c in range(inst.n)) / inst.n
    g = sp.diff(cost, w)
    at = inst.value(f"W{N}", j, i) if i is not None else inst.value(f"b{N}", j)
    return sp.N(g.xreplace({w: at}), DIGITS)


def close(a, b, rel=1e-25):
    """True when two evaluated values agree to ~25 significant digits."""
    return abs(a - b) <= rel * (1 + abs(a) + abs(b))

