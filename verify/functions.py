"""A small forward pass of verify's own, safe for complex numbers (for the complex-step oracle).

Independent of ``numeric/`` on purpose: the oracles must not share code with the engine they judge.
Names and keys follow ``derive/functions.py``: activations ``sigmoid`` (eq 14), ``tanh``, ``relu``,
``identity``; costs ``logloss`` (eq 19 in its correct sign), ``mse``, ``softmax_ce``.

Shapes (paper convention): ``W_N`` is (m_{N+1}, m_N); ``A_N`` and ``Z_N`` are (m_N, n), one column per
sample; ``Y`` is (m_L, n). ``sample_costs`` returns one value per sample, the cost is their mean.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIVATIONS", "BASE_COST", "COSTS", "SOFTMAX", "USER_COSTS", "d_activation", "forward",
           "output_function", "sample_costs", "total_cost"]


def _sigmoid(z):
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _relu(z):
    return np.where(np.real(z) > 0, z, 0 * z)


ACTIVATIONS = {
    "sigmoid": _sigmoid,
    "tanh": np.tanh,
    "relu": _relu,
    "identity": lambda z: z,
}


def _logsumexp(Z):
    top = np.max(np.real(Z), axis=0, keepdims=True)
    return top + np.log(np.sum(np.exp(Z - top), axis=0, keepdims=True))


def _softmax(Z):
    return np.exp(Z - _logsumexp(Z))


def _logloss(A, Y, Z):
    """Per-sample log-loss, eq (18) with the sign written correctly: -sum_j [y log a + (1-y) log(1-a)]."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0)


def _mse(A, Y, Z):
    """Per-sample quadratic cost: (1/2) sum_j (a - y)^2."""
    return 0.5 * np.sum((A - Y) ** 2, axis=0)


def _softmax_ce(A, Y, Z):
    """Per-sample categorical cross-entropy of softmax(Z_L): -sum_j y log softmax_j."""
    return -np.sum(Y * (Z - _logsumexp(Z)), axis=0)


COSTS = {"logloss": _logloss, "mse": _mse, "softmax_ce": _softmax_ce}
SOFTMAX = {"softmax_ce"}  # costs that own a softmax output layer (verify.usercost registers scaled ones)
BASE_COST: dict[str, str] = {}  # a registered scaled cost -> the registry cost it scales (for bug models)
USER_COSTS: dict = {}  # costs registered at run time by verify.usercost (kept apart from the registry COSTS)


def _check_names(activation: str, cost: str) -> None:
    if activation not in ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose from {', '.join(ACTIVATIONS)}")
    if cost not in COSTS and cost not in USER_COSTS:
        raise ValueError(f"unknown cost {cost!r}; choose from {', '.join(COSTS)}")


def output_function(activation: str, cost: str, output_activation: str | None = None):
    """The function applied on the output layer: softmax for ``softmax_ce``, else the given one."""
    if cost in SOFTMAX:
        return _softmax
    return ACTIVATIONS[output_activation or activation]


def forward(weights, X, activation="sigmoid", cost="logloss", output_activation=None, biases=None):
    """Eqs (9), (13): Z_{N+1} = W_N A_N (+ b_N), A_{N+1} = phi(Z_{N+1}); returns (Z, A), Z[0] is None."""
    _check_names(activation, cost)
    Z, A = [None], [X]
    L = len(weights)
    for N, W in enumerate(weights):
        z = W @ A[-1]
        if biases is not None:
            z = z + biases[N]
        phi = output_function(activation, cost, output_activation) if N == L - 1 else ACTIVATIONS[activation]
        Z.append(z)
        A.append(phi(z))
    return Z, A


def sample_costs(A_L, Y, Z_L, cost="logloss"):
    """Per-sample cost lambda_s, shape (n,), from the output layer (eq 18 summed over output nodes)."""
    return (COSTS.get(cost) or USER_COSTS[cost])(A_L, Y, Z_L)


def total_cost(weights, X, Y, activation="sigmoid", cost="logloss", output_activation=None, biases=None):
    """Eq (19): Lambda = (1/n) sum over samples and output nodes of lambda."""
    Z, A = forward(weights, X, activation, cost, output_activation, biases)
    return np.mean(sample_costs(A[-1], Y, Z[-1], cost))


def d_activation(name: str, Z, h: float = 1e-30):
    """D_phi (eq 80) elementwise by the complex step: Im(phi(z + ih)) / h, exact to rounding."""
    return np.imag(ACTIVATIONS[name](np.asarray(Z, dtype=complex) + 1j * h)) / h
