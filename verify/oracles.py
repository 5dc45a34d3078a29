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


def complex_step(weights, X, Y, entries=None, *, activation="sigmoid", cost="logloss",
                 output_activation=None, biases=None, h: float = 1e-30) -> dict[Key, float]:
    """dLambda/dW_N[r, c] = Im(Lambda(W_N[r, c] + ih)) / h for each key (all entries when None)."""
    check_step(h)
    weights, X, Y, biases, entries, _ = check_network_args(weights, X, Y, biases, entries,
                                                           (activation, cost, output_activation, None))
    ev = _Evaluator(weights, X, Y, activation, cost, output_activation, biases, complex)
    return {key: float(np.imag(ev.cost_with(key, ev.value(key) + 1j * h)) / h)
            for key in _entries(weights, entries, biases)}


def central_difference(weights, X, Y, entries=None, *, activation="sigmoid", cost="logloss",
                       output_activation=None, biases=None, h: float | None = None) -> dict[Key, float]:
    """(Lambda(w + h) - Lambda(w - h)) / 2h with gradcheck's step eps^(1/3) * max(1, |w|) by default."""
    check_step(h)
    weights, X, Y, biases, entries, _ = check_network_args(weights, X, Y, biases, entries,
                                                           (activation, cost, output_activation, None))
    ev = _Evaluator(weights, X, Y, activation, cost, output_activation, biases, float)
    step0 = np.finfo(float).eps ** (1 / 3)
    out = {}
    for key in _entries(weights, entries, biases):
        w = float(ev.value(key))
        step = h if h is not None else step0 * max(1.0, abs(w))
        up = float(np.real(ev.cost_with(key, w + step)))
        down = float(np.real(ev.cost_with(key, w - step)))
        out[key] = (up - down) / (2 * step)
    return out


def full_gradient(oracle, weights, X, Y, **options) -> list[np.ndarray]:
    """Every entry of every grad_W[N] from an oracle, as float64 arrays shaped like the weights."""
    values = oracle(weights, X, Y, None, **options)
    grads = [np.zeros(np.shape(W)) for W in weights]
    for key, v in values.items():
        if key[0] != "b":
            grads[key[0]][key[1], key[2]] = v
    return grads


ORACLES = {"complex-step": complex_step, "central-diff": central_difference}
