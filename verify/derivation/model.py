"""The document's network at one random exact rational point: forward values and the ground truth.

Weights, inputs and targets are random dyadic rationals (k/64, k/16), so float64 holds them exactly and
``derive.ground_truth_at`` (sympy.diff, the independent truth) evaluates d Lambda / d W_N[r, c] at exactly
that point to ``DPS`` digits. The forward pass (eqs 9, 13, 14) is recomputed here in mpmath at the same
precision, optionally with one quantity overridden: that is how a chain-rule factor such as
d(3z)/d(2a) (eq 52) or d lambda/d(3a) (eq 20) is evaluated, by high-precision numerical differentiation of
the recomputed network.
"""
from __future__ import annotations

from functools import lru_cache

import mpmath
import numpy as np
import sympy

from .values import Mat

__all__ = ["Model", "DPS", "TOL"]

DPS = 50          # working precision (decimal digits)
TOL = mpmath.mpf(10) ** -28   # relative tolerance of an equality


@lru_cache(maxsize=16)
def _mp_activation(name: str):
    from derive.functions import get_activation

    act = get_activation(name)
    if act.definition is None:
        raise ValueError(f"activation {name!r} is abstract; the derivation checker needs a concrete one")
    (var,), expr = act.definition.variables, act.definition.expr
    return sympy.lambdify(var, expr, modules="mpmath")


@lru_cache(maxsize=8)
def _mp_cost(name: str):
    from derive.functions import get_cost

    cost = get_cost(name)
    a, y = cost.pointwise.variables
    return sympy.lambdify((a, y), cost.pointwise.expr, modules="mpmath")


class Model:
    """Network values at point number ``index`` of the document (seeded by ``seed``)."""

    def __init__(self, sizes, n, activation="sigmoid", cost="logloss", output_activation=None, seed=0,
                 index=0, bias=False):
        self.sizes, self.n, self.L = tuple(sizes), int(n), len(sizes) - 1
        self.activation, self.cost_name = activation, cost
        self.output_activation = output_activation
        self.phi = _mp_activation(activation)
        self.phi_out = _mp_activation(output_activation) if output_activation else self.phi
        self.lam = _mp_cost(cost)
        self.softmax = _is_softmax(cost)
        rng = np.random.default_rng([int(seed), int(index), 2024])
        self.Wf = [rng.integers(-64, 65, size=(self.sizes[N + 1],
                                               self.sizes[N])) / 64.0 for N in range(self.L)]
        self.Xf = rng.integers(-16, 17, size=(self.sizes[0], self.n)) / 16.0
        self.Yf = rng.integers(1, 16, size=(self.sizes[-1], self.n)) / 16.0
        if self.softmax:  # categorical targets: one-hot columns (exact, every column sums to 1)
            self.Yf = np.eye(self.sizes[-1])[:, rng.integers(0, self.sizes[-1], size=self.n)]
        # biases are drawn last, so documents without biases keep their points
        self.bf = ([rng.integers(-64, 65, size=(self.sizes[N + 1], 1)) / 64.0 for N in range(self.L)]
                   if bias else None)
        with mpmath.workdps(DPS):
            self.b = [Mat([[mpmath.mpf(x) for x in row] for row in b]) for b in self.bf] if bias else None
            self.W = [Mat([[mpmath.mpf(x) for x in row] for row in w]) for w in self.Wf]
            self.X = Mat([[mpmath.mpf(x) for x in row] for row in self.Xf])
            self.Y = Mat([[mpmath.mpf(x) for x in row] for row in self.Yf])
        self._cache: dict = {}
        self._truth: dict = {}

    # -------------------------------------------------------------- forward pass with an override
    def forward(self, overrides: tuple = ()) -> tuple[list, list, list]:
        """(Z, A, W): Z[N], A[N], W[N] as Mat (Z[0] None), with ``overrides`` ((kind, N, r, c), value)
        applied: kind 'w' replaces W_N[r, c], 'b' the bias b_N[r]; 'a'/'z' replace one entry of A_N/Z_N
        before it propagates.
        Layers before the first overridden one are taken from the unperturbed pass (eqs 9, 13)."""
        key = ("fw", overrides)
        if key in self._cache:
            return self._cache[key]
        ov = {k: v for k, v in overrides if k[0] in ("w", "b", "a", "z")}
        result = self.forward(()) if not ov and overrides else self._forward(ov)
        if len(self._cache) > 20000:
            self._cache.clear()
        self._cache[key] = result
        return result

    def _forward(self, ov: dict):
        start = min((k[1] + 1 if k[0] in ("w", "b") else k[1] for k in ov), default=0)
        if start > 0:
            Z0, A0, W0 = self.forward(())
            Z, A = list(Z0[:start]), list(A0[:start])
        else:
            Z, A = [None], []
        W = [self._with(self.W[N], ov, "w", N) for N in range(self.L)]
        if start == 0:
            A.append(self._with(self.X, ov, "a", 0))
            start = 1
        elif start <= self.L and any(k[0] == "a" and k[1] == start - 1 for k in ov):
            A[start - 1] = self._with(A[start - 1], ov, "a", start - 1)
        for N in range(start - 1, self.L):
            prev = A[N].data
            w = W[N].data
            bias = self.biases(tuple(ov.items()))[N].data if self.b else [[0]] * len(w)
            z = Mat([[mpmath.fsum(w[r][k] * prev[k][s] for k in range(len(prev))) + bias[r][0]
                      for s in range(self.n)] for r in range(len(w))])
            z = self._with(z, ov, "z", N + 1)
            if N + 1 == self.L and self.softmax:
                a = self._with(_softmax(z), ov, "a", N + 1)
            else:
                f = self.phi_out if N + 1 == self.L else self.phi
                a = self._with(z.map(f), ov, "a", N + 1)
            Z.append(z)
            A.append(a)
        return Z, A, W

    @staticmethod
    def _with(m: Mat, ov: dict, kind: str, N: int) -> Mat:
        hits = [(k, v) for k, v in ov.items() if k[0] == kind and (k[1] == N or kind == "y")]
        if not hits:
            return m
        data = [list(r) for r in m.data]
        for (_, _, r, c), v in hits:
            data[r][c] = v
        return Mat(data)

    def biases(self, overrides: tuple = ()) -> list | None:
        """[b_N] (m_{N+1} x 1 Mat) with 'b' overrides applied, or None for a network without biases."""
        if self.b is None:
            return None
        ov = {k: v for k, v in overrides if k[0] == "b"}
        return [self._with(b, ov, "b", N) for N, b in enumerate(self.b)] if ov else self.b

    def targets(self, overrides: tuple = ()) -> Mat:
        """Y (m_L, n), with 'y' overrides applied."""
        return self._with(self.Y, dict(overrides), "y", -1)

    def cost(self, overrides: tuple = ()):
        """Lambda = (1/n) sum_Sx sum_j lambda(a, y) (eq 19, correct signs) of the recomputed network."""
        _, A, _ = self.forward(overrides)
        Y = self.targets(overrides)
        out = A[self.L]
        return mpmath.fsum(self.lam(out.data[j][s], Y.data[j][s]) for j in range(out.rows)
                           for s in range(self.n)) / self.n

    # -------------------------------------------------------------- ground truth
    def truth_entries(self, keys) -> dict:
        """{(N, r, c): d Lambda / d W_N[r, c]} (and {("b", N, r): d Lambda / d b_N[r]}) by
        ``derive.ground_truth_at`` (sympy.diff) at the exact point,
        fetched lazily (only what an equation asks for) and cached."""
        missing = [k for k in keys if k not in self._truth]
        # small matrices are fetched whole, in one call
        for N in sorted({k[1] if k[0] == "b" else k[0] for k in missing}):
            if self.sizes[N] * self.sizes[N + 1] <= 400:
                missing += [(N, r, c) for r in range(self.sizes[N + 1]) for c in range(self.sizes[N])
                            if (N, r, c) not in self._truth and (N, r, c) not in missing]
                if self.b is not None:
                    missing += [("b", N, r) for r in range(self.sizes[N + 1])
                                if ("b", N, r) not in self._truth and ("b", N, r) not in missing]
        if missing:
            from derive import ground_truth_at

            values = ground_truth_at(self.sizes, self.Wf, self.Xf, self.Yf, entries=missing,
                                     activation=self.activation, cost=self.cost_name, dps=DPS - 5,
                                     biases=self.bf,
                                     output_activation=self.output_activation)
            with mpmath.workdps(DPS):
                for key in missing:
                    self._truth[key] = mpmath.mpf(values[key])
        return {k: self._truth[k] for k in keys}

    def truth_matrix(self, N: int) -> Mat:
        """grad_W[N], the whole gradient matrix of W_N (eq 34/51: {}_N nabla)."""
        keys = [(N, r, c) for r in range(self.sizes[N + 1]) for c in range(self.sizes[N])]
        values = self.truth_entries(keys)
        return Mat([[values[(N, r, c)] for c in range(self.sizes[N])] for r in range(self.sizes[N + 1])])


def _is_softmax(name: str) -> bool:
    from derive.functions import get_cost

    return bool(get_cost(name).softmax)


def _softmax(z: Mat) -> Mat:
    """Column-wise softmax (each sample's output layer), stabilised by the column maximum."""
    cols = []
    for s in range(z.cols):
        col = [z.data[r][s] for r in range(z.rows)]
        top = max(col)
        ex = [mpmath.exp(v - top) for v in col]
        total = mpmath.fsum(ex)
        cols.append([v / total for v in ex])
    return Mat([[cols[s][r] for s in range(z.cols)] for r in range(z.rows)])
