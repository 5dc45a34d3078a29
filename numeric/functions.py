"""Activations, their derivatives and costs as numpy functions, in registries keyed by name.

The keys are those of ``derive/functions.py`` (without the abstract ``phi``), as in scikit-learn's
``neural_network/_base.py``. Shapes follow the paper: a layer's pre-activation ``Z`` and activation ``A``
have shape (m_N, n), one column per sample; targets ``Y`` have shape (m_L, n).

- ``ACTIVATIONS[name](Z, out=None) -> A``: phi applied elementwise (eqs 13, 14). ``out`` may be ``Z``.
- ``DERIVATIVES[name](Z, A, out=None) -> D_phi``: phi'(Z) elementwise, from Z or from A = phi(Z) whichever
  is cheaper and exact (the matrices ``D^phi`` of eqs 86-93).
- ``COSTS[name](Z, A, Y, output="sigmoid") -> float``: the batch cost Lambda, averaged over n (eq 19 with
  the corrected sign: Lambda = -(1/n) sum [y log a + (1 - y) log(1 - a)]).
- ``output_delta(cost, output, Z, A, Y) -> delta_L``: dLambda/dZ_L with the 1/n factor (eqs 86-88).

Numerical care: ``sigmoid`` uses exp(-|z|) so it never overflows and keeps full relative accuracy in both
tails; log-loss with a sigmoid output is computed from Z as (1/n) sum [softplus(z) - y z] (no log(0));
softmax subtracts the column maximum. Nothing here warns at any weight scale.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .errors import InvalidArgument

__all__ = [
    "ACTIVATIONS", "DERIVATIVES", "COSTS", "COST_GRADIENTS", "OUTPUTS", "sigmoid", "sigmoid_fast", "tanh",
    "relu", "identity", "softmax", "log_softmax", "softplus", "output_delta", "check_names",
]


def _out(Z: np.ndarray, out: np.ndarray | None) -> np.ndarray:
    return np.empty_like(Z) if out is None else out


def sigmoid(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """phi(z) = 1 / (1 + e^-z) (eq 14), as e^-|z| / (1 + e^-|z|) mirrored for z >= 0. Z: (m, n) -> (m, n)."""
    Z = np.asarray(Z)
    pos = Z >= 0
    e = np.exp(-np.abs(Z))
    out = _out(Z, out)
    np.divide(e, 1 + e, out=out)
    np.subtract(1, out, out=out, where=pos)
    return out


def sigmoid_fast(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """phi(z) = (1 + tanh(z/2)) / 2: the same function in four in-place passes, no overflow at any scale.
    Used by the float32 training path; absolute (not relative) accuracy in the far negative tail."""
    out = _out(Z, out)
    np.multiply(Z, 0.5, out=out)
    np.tanh(out, out=out)
    out *= 0.5
    out += 0.5
    return out


def tanh(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """phi(z) = tanh(z). Z: (m, n) -> (m, n)."""
    return np.tanh(Z, out=_out(Z, out))


def relu(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """phi(z) = max(z, 0). Z: (m, n) -> (m, n)."""
    return np.maximum(Z, 0, out=_out(Z, out))


def identity(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """phi(z) = z. Z: (m, n) -> (m, n) (a copy unless ``out is Z``)."""
    out = _out(Z, out)
    if out is not Z:
        np.copyto(out, Z)
    return out


def softmax(Z: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
    """Column-wise softmax a_j = e^{z_j} / sum_k e^{z_k}, max subtracted first. Z: (m_L, n) -> (m_L, n)."""
    out = _out(Z, out)
    np.subtract(Z, Z.max(axis=0, keepdims=True), out=out)
    np.exp(out, out=out)
    out /= out.sum(axis=0, keepdims=True)
    return out


def log_softmax(Z: np.ndarray) -> np.ndarray:
    """Column-wise log softmax z_j - max - log sum_k e^{z_k - max}. Z: (m_L, n) -> (m_L, n)."""
    shifted = Z - Z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def softplus(Z: np.ndarray) -> np.ndarray:
    """log(1 + e^z) = max(z, 0) + log1p(e^-|z|), exact in both tails. Z: any shape."""
    return np.maximum(Z, 0) + np.log1p(np.exp(-np.abs(Z)))


def _d_sigmoid(Z, A, out=None):
    """phi'(z) = a (1 - a) for the sigmoid (eq 14 differentiated)."""
    out = _out(A, out)
    np.subtract(1, A, out=out)
    out *= A
    return out


def _d_tanh(Z, A, out=None):
    """phi'(z) = 1 - a^2 for tanh."""
    out = _out(A, out)
    np.multiply(A, A, out=out)
    np.subtract(1, out, out=out)
    return out


def _d_relu(Z, A, out=None):
    """phi'(z) = 1 for z > 0 else 0 (at the kink z = 0, where the derivative is undefined, 0 is used)."""
    out = _out(Z, out)
    np.greater(Z, 0, out=out, casting="unsafe")
    return out


def _d_identity(Z, A, out=None):
    """phi'(z) = 1."""
    out = _out(Z, out)
    out.fill(1)
    return out


Activation = Callable[..., np.ndarray]
ACTIVATIONS: dict[str, Activation] = {"sigmoid": sigmoid, "tanh": tanh, "relu": relu, "identity": identity}
DERIVATIVES: dict[str, Activation] = {
    "sigmoid": _d_sigmoid, "tanh": _d_tanh, "relu": _d_relu, "identity": _d_identity,
}
#: activations allowed on the output layer: the hidden ones plus softmax (owned by the softmax_ce cost)
OUTPUTS: dict[str, Activation] = {**ACTIVATIONS, "softmax": softmax}


def _logloss(Z, A, Y, output="sigmoid"):
    """Lambda = -(1/n) sum_Sx sum_j [y log a + (1 - y) log(1 - a)] (eq 19, sign corrected).
    Z, A, Y: (m_L, n). With a sigmoid output it is (1/n) sum [softplus(z) - y z], from Z: never log(0)."""
    n = Y.shape[1]
    if output == "sigmoid":
        return float(np.sum(softplus(Z) - Y * Z) / n)
    tiny = np.finfo(A.dtype).tiny
    a = np.clip(A, tiny, 1 - np.finfo(A.dtype).epsneg)
    return float(-np.sum(Y * np.log(a) + (1 - Y) * np.log1p(-a)) / n)


def _mse(Z, A, Y, output=None):
    """Lambda = (1/(2n)) sum_Sx sum_j (a - y)^2 (the quadratic cost). Z, A, Y: (m_L, n)."""
    return float(np.sum((A - Y) ** 2) / (2 * Y.shape[1]))


def _softmax_ce(Z, A, Y, output="softmax"):
    """Lambda = -(1/n) sum_Sx sum_j y log softmax(z)_j, from Z via log_softmax. Z, A, Y: (m_L, n)."""
    return float(-np.sum(Y * log_softmax(Z)) / Y.shape[1])


COSTS: dict[str, Callable[..., float]] = {"logloss": _logloss, "mse": _mse, "softmax_ce": _softmax_ce}


def _g_logloss(A, Y):
    """dLambda/dA = (1/n) (a - y) / (a (1 - a)). A, Y: (m_L, n)."""
    return (A - Y) / (A * (1 - A) * Y.shape[1])


def _g_mse(A, Y):
    """dLambda/dA = (1/n) (a - y). A, Y: (m_L, n)."""
    return (A - Y) / Y.shape[1]


#: dLambda/dA_L for costs whose output activation is free (the ``_out delta`` of eq 86, with 1/n)
COST_GRADIENTS: dict[str, Callable[..., np.ndarray]] = {"logloss": _g_logloss, "mse": _g_mse}

#: (output activation, cost) pairs whose delta_L = dLambda/dZ_L simplifies exactly to (A - Y)/n
CANONICAL = {("sigmoid", "logloss"), ("softmax", "softmax_ce"), ("identity", "mse")}


def output_delta(cost: str, output: str, Z: np.ndarray, A: np.ndarray, Y: np.ndarray) -> np.ndarray:
    """delta_L = dLambda/dZ_L (m_L, n), including 1/n: eqs (86)-(88), delta = out_delta * D^phi.

    Canonical pairs (sigmoid + logloss, softmax + softmax_ce, identity + mse) give (A - Y)/n exactly
    (softmax: (A colsum(Y) - Y)/n, the same for targets whose columns sum to 1),
    without dividing by a (1 - a); other pairs multiply dLambda/dA by phi'(Z)."""
    n = Y.shape[1]
    if output == "softmax":  # softmax's full Jacobian: A colsum(Y) - Y, which is A - Y when columns sum to 1
        return (A * Y.sum(axis=0, keepdims=True) - Y) / n
    if (output, cost) in CANONICAL:
        return (A - Y) / n
    return COST_GRADIENTS[cost](A, Y) * DERIVATIVES[output](Z, A)


def check_names(activation: str, cost: str, output: str | None) -> str:
    """Validate the names; return the output layer's activation (softmax for softmax_ce).
    Raises ValueError with a one-line message naming the choices."""
    for what, name in (("activation", activation), ("cost", cost), ("output activation", output)):
        if name is not None and not isinstance(name, str):
            raise InvalidArgument(f"{what} must be a name, got {type(name).__name__}")
    if activation not in ACTIVATIONS:
        raise InvalidArgument(f"unknown activation {activation!r}; choose one of {', '.join(ACTIVATIONS)}")
    if cost not in COSTS:
        raise InvalidArgument(f"unknown cost {cost!r}; choose one of {', '.join(COSTS)}")
    if cost == "softmax_ce":
        if output not in (None, "softmax"):
            raise InvalidArgument(f"cost 'softmax_ce' owns a softmax output layer; got output_activation "
                             f"{output!r}")
        return "softmax"
    output = activation if output is None else output
    if output not in ACTIVATIONS:
        raise InvalidArgument(f"unknown output activation {output!r}; choose one of {', '.join(ACTIVATIONS)}")
    return output
