"""Numeric oracles for dLambda/dW_N[r, c]: complex-step and central differences.

Both only evaluate the cost (eq 19) with verify's own forward pass (``verify.functions``), never the engine.

* complex step: dLambda/dw = Im(Lambda(w + ih)) / h with h = 1e-30. No subtraction, so no cancellation:
  accurate to about one rounding error (1e-16 relative). No common gradient checker uses it.
* central differences: (Lambda(w + h) - Lambda(w - h)) / 2h with h = eps^(1/3) max(1, |w|), what
  ``torch.autograd.gradcheck`` does. Truncation and cancellation leave ~1e-10 relative error, often far
  worse near zero, which is why a checker built on it needs loose tolerances and lets small bugs through.

Entries are keyed ``(N, r, c)``: 0-based row r (target node j = r+1 on L(N+1)) and column c (source node
i = c+1 on L(N)) of W_N, the paper's {}_N w_i^j; biases (when given) ``("b", N, r)`` = b_N[r].
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

from .errors import check_network_args, check_step
from .functions import ACTIVATIONS, output_function, sample_costs

__all__ = ["ORACLES", "central_difference", "complex_step", "full_gradient"]

Key = tuple[int, int, int]


class _Evaluator:
    """Cost of the network with one weight changed, re-running only the layers above that weight."""

    def __init__(self, weights, X, Y, activation, cost, output_activation, biases, dtype):
        self.W = [np.asarray(W, dtype=dtype) for W in weights]
        self.b = None if biases is None else [np.asarray(b, dtype=dtype).reshape(-1, 1) for b in biases]
        self.Y = np.asarray(Y, dtype=float)
        self.cost = cost
        self.L = len(self.W)
        self.phis = [ACTIVATIONS[activation]] * (self.L - 1) + [
            output_function(activation, cost, output_activation)
        ]
        self.A = [np.asarray(X, dtype=dtype)]
        for N in range(self.L):
            self.A.append(self._layer(N, self.W[N], self.A[N])[1])

    def _layer(self, N, W, A_N, b=None):
        z = W @ A_N
        if b is not None or self.b is not None:
            z = z + (b if b is not None else self.b[N])
        return z, self.phis[N](z)

    def value(self, key):
        """The current value of the weight W_N[r, c] (key (N, r, c)) or bias b_N[r] (key ("b", N, r))."""
        return self.b[key[1]][key[2], 0] if key[0] == "b" else self.W[key[0]][key[1], key[2]]

    def cost_with(self, key, value) -> complex:
        """Lambda with the weight or bias ``key`` replaced by ``value`` (real or complex)."""
        if key[0] == "b":
            _, N, r = key
            b = self.b[N].astype(np.result_type(self.b[N], value), copy=True)
            b[r, 0] = value
            z, a = self._layer(N, self.W[N], self.A[N], b)
        else:
            N, r, c = key
            W = self.W[N].astype(np.result_type(self.W[N], value), copy=True)
            W[r, c] = value
            z, a = self._layer(N, W, self.A[N])
        for M in range(N + 1, self.L):
            z, a = self._layer(M, self.W[M], a)
        with np.errstate(all="ignore"):
            return np.mean(sample_costs(a, self.Y, z, self.cost))


def _entries(weights, entries: Iterable[Key] | None, biases=None) -> list[Key]:
    if entries is not None:
        return list(entries)
    keys = [(N, r, c) for N, W in enumerate(weights) for r in range(W.shape[0]) for c in range(W.shape[1])]
    return keys + ([("b", N, r) for N, W in enumerate(weights) for r in range(W.shape[0])]
                   if biases is not None else [])


class _Bulk:
    """Costs of the network for many single-weight perturbations at once (vectorised across entries).

    A perturbation of W_N[r, c] (or b_N[r]) changes only row r of Z_{N+1}, by dz = step * A_N[c, :] (or
    step * 1): that row goes through phi, then Z_{N+2} = Z_{N+2} + W_{N+1}[:, r] * (change of A_{N+1}[r]),
    then every later layer as a (m, E*n) matrix: one pass per layer for E entries, not E forward passes.
    """

    CHUNK = 1_000_000  # complex values per temporary array

    def __init__(self, weights, X, Y, activation, cost, output_activation, biases):
        ev = _Evaluator(weights, X, Y, activation, cost, output_activation, biases, float)
        self.ev, self.W, self.b, self.Y, self.L, self.phis = ev, ev.W, ev.b, ev.Y, ev.L, ev.phis
        self.Z, self.A = [None], [ev.A[0]]
        for N in range(self.L):
            z, a = ev._layer(N, self.W[N], self.A[N])
            self.Z.append(z)
            self.A.append(a)

    def direction(self, key) -> np.ndarray:
        """d Z_{N+1}[r, :] / d w for the weight or bias ``key`` (eq 9): A_N[c, :], or ones."""
        return np.ones(self.Y.shape[1]) if key[0] == "b" else self.A[key[0]][key[2], :]

    def costs(self, N: int, rows: np.ndarray, dz: np.ndarray, imaginary: bool) -> np.ndarray:
        """Lambda for each perturbation e: row rows[e] of Z_{N+1} plus dz[e] (shape (E, n))."""
        E, n = dz.shape
        out = np.empty(E, dtype=dz.dtype)
        step = max(1, self.CHUNK // (max(W.shape[0] for W in self.W) * n))
        for lo in range(0, E, step):
            out[lo:lo + step] = self._chunk(N, rows[lo:lo + step], dz[lo:lo + step], imaginary)
        return out

    def _chunk(self, N, rows, dz, imaginary):
        E, n = dz.shape
        if N + 1 == self.L:
            Z = np.repeat(self.Z[self.L][:, None, :], E, axis=1).astype(dz.dtype)
            Z[rows, np.arange(E), :] += dz
        else:
            a = self.phis[N](self.Z[N + 1][rows, :] + dz)
            change = 1j * a.imag if imaginary else a - self.A[N + 1][rows, :]  # Re part: phi(z) exactly
            Z = self.Z[N + 2][:, None, :] + self.W[N + 1][:, rows][:, :, None] * change[None, :, :]
            for M in range(N + 2, self.L):
                A = self.phis[M - 1](Z.reshape(Z.shape[0], E * n))
                Z = self.W[M] @ A.real + (1j * (self.W[M] @ A.imag) if imaginary else 0)
                if self.b is not None:
                    Z = Z + self.b[M]
                Z = Z.reshape(-1, E, n)
        Z2 = Z.reshape(Z.shape[0], E * n)
        with np.errstate(all="ignore"):
            lam = sample_costs(self.phis[self.L - 1](Z2), np.tile(self.Y, E), Z2, self.ev.cost)
        return lam.reshape(E, n).mean(axis=1)

    def groups(self, keys):
        """keys by layer: N -> (keys, rows as an array)."""
        out: dict = {}
        for key in keys:
            N, r = (key[1], key[2]) if key[0] == "b" else (key[0], key[1])
            out.setdefault(N, []).append((key, r))
        return {N: ([k for k, _ in v], np.array([r for _, r in v], dtype=int)) for N, v in out.items()}


def complex_step(weights, X, Y, entries=None, *, activation="sigmoid", cost="logloss",
                 output_activation=None, biases=None, h: float = 1e-30,
                 bulk: bool = True) -> dict[Key, float]:
    """dLambda/dW_N[r, c] = Im(Lambda(W_N[r, c] + ih)) / h for each key (all entries when None).

    bulk=True (default) evaluates all entries of a layer together (``_Bulk``); bulk=False runs one complex
    forward pass per entry (the reference route, same numbers to rounding)."""
    check_step(h)
    weights, X, Y, biases, entries, _ = check_network_args(weights, X, Y, biases, entries,
                                                           (activation, cost, output_activation, None))
    keys = _entries(weights, entries, biases)
    if not bulk:
        ev = _Evaluator(weights, X, Y, activation, cost, output_activation, biases, complex)
        return {key: float(np.imag(ev.cost_with(key, ev.value(key) + 1j * h)) / h) for key in keys}
    net = _Bulk(weights, X, Y, activation, cost, output_activation, biases)
    out = {}
    for N, (group, rows) in net.groups(keys).items():
        dz = 1j * h * np.array([net.direction(k) for k in group])
        out.update(zip(group, (np.imag(net.costs(N, rows, dz, True)) / h).tolist(), strict=True))
    return {key: out[key] for key in keys}


def central_difference(weights, X, Y, entries=None, *, activation="sigmoid", cost="logloss",
                       output_activation=None, biases=None, h: float | None = None,
                       bulk: bool = True) -> dict[Key, float]:
    """(Lambda(w + h) - Lambda(w - h)) / 2h with gradcheck's step eps^(1/3) * max(1, |w|) by default."""
    check_step(h)
    weights, X, Y, biases, entries, _ = check_network_args(weights, X, Y, biases, entries,
                                                           (activation, cost, output_activation, None))
    keys = _entries(weights, entries, biases)
    step0 = np.finfo(float).eps ** (1 / 3)
    if not bulk:
        ev = _Evaluator(weights, X, Y, activation, cost, output_activation, biases, float)
        out = {}
        for key in keys:
            w = float(ev.value(key))
            step = h if h is not None else step0 * max(1.0, abs(w))
            up = float(np.real(ev.cost_with(key, w + step)))
            down = float(np.real(ev.cost_with(key, w - step)))
            out[key] = (up - down) / (2 * step)
        return out
    net = _Bulk(weights, X, Y, activation, cost, output_activation, biases)
    out = {}
    for N, (group, rows) in net.groups(keys).items():
        w = np.array([float(net.ev.value(k)) for k in group])
        step = np.full(len(group), float(h)) if h is not None else step0 * np.maximum(1.0, np.abs(w))
        # the perturbed weight is w + step as a float; its actual change (w + step) - w is what moves Z
        up, down = (w + step) - w, (w - step) - w
        q = np.array([net.direction(k) for k in group])
        lam_up = net.costs(N, rows, up[:, None] * q, False)
        lam_down = net.costs(N, rows, down[:, None] * q, False)
        out.update(zip(group, ((lam_up - lam_down) / (2 * step)).tolist(), strict=True))
    return {key: out[key] for key in keys}


def full_gradient(oracle, weights, X, Y, **options) -> list[np.ndarray]:
    """Every entry of every grad_W[N] from an oracle, as float64 arrays shaped like the weights."""
    values = oracle(weights, X, Y, None, **options)
    grads = [np.zeros(np.shape(W)) for W in weights]
    for key, v in values.items():
        if key[0] != "b":
            grads[key[0]][key[1], key[2]] = v
    return grads


ORACLES = {"complex-step": complex_step, "central-diff": central_difference}
