"""The pure engine: forward pass, cost and vectorized back-propagation in the paper's shapes.

``forward`` implements eqs (9) and (13): Z_{N+1} = W_N A_N (+ b_N), A_{N+1} = phi(Z_{N+1}), A_0 = X.
``gradients`` implements eqs (86)-(93) with the 1/n factor the paper loses between (19) and (89):

    delta_L = dLambda/dZ_L                       (86)-(88); (A_L - Y)/n for sigmoid + log-loss
    grad W_{N-1} = delta_N A_{N-1}^T             (89), (91), (93)
    delta_N = (W_N^T delta_{N+1}) * D^phi_N      (90), (92)
    grad b_{N-1} = delta_N 1  (row sums)

Shapes: W_N (m_{N+1}, m_N), b_N (m_{N+1},) or (m_{N+1}, 1), A_N and Z_N (m_N, n), X (m_0, n), Y (m_L, n).
These functions are pure (inputs never modified) and compute in the inputs' floating dtype (float64 in,
float64 out). The float32 training path with preallocated buffers lives in ``numeric.engine``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from .errors import InvalidArgument
from .functions import ACTIVATIONS, COSTS, DERIVATIVES, OUTPUTS, check_names, output_delta

__all__ = ["forward", "gradients", "cost", "check_shapes"]


def _as_float(x, what: str) -> np.ndarray:
    try:
        a = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists
        raise InvalidArgument(f"{what} is not a rectangular array ({str(exc)[:80]})") from None
    if a.dtype.kind not in "fiub":
        raise InvalidArgument(f"{what} must be a real numeric array, got dtype {a.dtype}")
    if a.dtype.kind != "f":
        a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise InvalidArgument(f"{what} contains NaN or infinite values")
    return a


def check_shapes(weights: Sequence, X, Y=None, biases: Sequence | None = None):
    """Convert to float arrays and check the paper's shapes; return (weights, X, Y, biases) with biases as
    column vectors (m_{N+1}, 1). Raises ValueError with a one-line message naming the offending array."""
    if not isinstance(weights, (list, tuple)) or len(weights) == 0:
        raise InvalidArgument("weights must be a list of at least one matrix W_0 .. W_{L-1}")
    W = [_as_float(w, f"W_{N}") for N, w in enumerate(weights)]
    X = _as_float(X, "X")
    if X.ndim != 2 or min(X.shape) < 1:
        raise InvalidArgument(f"X must have shape (m_0, n) with m_0, n >= 1, got {X.shape}")
    rows = X.shape[0]
    for N, w in enumerate(W):
        if w.ndim != 2 or w.shape[1] != rows or w.shape[0] < 1:
            raise InvalidArgument(f"W_{N} has shape {w.shape}; expected (m_{N + 1}, {rows}) to multiply "
                                  f"A_{N} of shape ({rows}, n)")
        rows = w.shape[0]
    if Y is not None:
        Y = _as_float(Y, "Y")
        if Y.shape != (rows, X.shape[1]):
            raise InvalidArgument(f"Y has shape {Y.shape}; expected (m_L, n) = ({rows}, {X.shape[1]})")
    if biases is not None:
        if not isinstance(biases, (list, tuple)) or len(biases) != len(W):
            raise InvalidArgument(f"biases must be a list of {len(W)} bias vectors, one per W_N")
        bs = []
        for N, (b, w) in enumerate(zip(biases, W, strict=True)):
            b = _as_float(b, f"b_{N}")
            if b.size != w.shape[0] or b.ndim > 2 or (b.ndim == 2 and b.shape[1] != 1):
                raise InvalidArgument(f"b_{N} has shape {b.shape}; expected ({w.shape[0]},) or "
                                      f"({w.shape[0]}, 1)")
            bs.append(b.reshape(-1, 1))
        biases = bs
    return W, X, Y, biases


def _forward(W, X, activation, biases, output):
    Z: list = [None]
    A: list = [X]
    L = len(W)
    for N in range(L):
        z = W[N] @ A[N]
        if biases is not None:
            z = z + biases[N]
        phi = OUTPUTS[output] if N == L - 1 else ACTIVATIONS[activation]
        Z.append(z)
        A.append(phi(z))
    return Z, A


def forward(weights, X, activation: str = "sigmoid", biases=None, output_activation: str | None = None):
    """Forward pass, eqs (9) and (13): Z_{N+1} = W_N A_N (+ b_N), A_{N+1} = phi(Z_{N+1}).

    weights: L matrices, W_N of shape (m_{N+1}, m_N); X: (m_0, n); biases: None or L vectors (m_{N+1},).
    output_activation: the last layer's phi (default: ``activation``; "softmax" allowed here).
    Returns (Z, A): lists of length L + 1 with Z[0] = None, A[0] = X, Z[N], A[N] of shape (m_N, n)."""
    if output_activation == "softmax":
        check_names(activation, "softmax_ce", None)
    else:
        output_activation = check_names(activation, "mse", output_activation)
    W, X, _, biases = check_shapes(weights, X, None, biases)
    return _forward(W, X, activation, biases, output_activation)


def cost(weights, X, Y, activation: str = "sigmoid", cost: str = "logloss", biases=None,
         output_activation: str | None = None) -> float:
    """The batch cost Lambda (eq 19, averaged over the n columns) of the network on (X, Y)."""
    output = check_names(activation, cost, output_activation)
    W, X, Y, biases = check_shapes(weights, X, Y, biases)
    Z, A = _forward(W, X, activation, biases, output)
    return COSTS[cost](Z[-1], A[-1], Y, output)


def gradients(weights, X, Y, activation: str = "sigmoid", cost: str = "logloss", biases=None,
              output_activation: str | None = None):
    """dLambda/dW_N for every N by vectorized back-propagation, eqs (86)-(93), with the 1/n factor.

    weights: L matrices W_N (m_{N+1}, m_N); X: (m_0, n); Y: (m_L, n); biases: None or L vectors.
    Returns the list grad_W (grad_W[N] has W_N's shape and dtype), or (grad_W, grad_b) when biases are
    given (grad_b[N] shaped like the given b_N). Pure: the inputs are not modified."""
    output = check_names(activation, cost, output_activation)
    given_b = biases
    W, X, Y, biases = check_shapes(weights, X, Y, biases)
    Z, A = _forward(W, X, activation, biases, output)
    L = len(W)
    delta = output_delta(cost, output, Z[L], A[L], Y)                     # (86)-(88)
    grad_W: list = [None] * L
    grad_b: list = [None] * L
    for N in range(L, 0, -1):
        grad_W[N - 1] = delta @ A[N - 1].T                                # (89), (91), (93)
        if given_b is not None:
            grad_b[N - 1] = delta.sum(axis=1)
        if N > 1:
            delta = (W[N - 1].T @ delta) * DERIVATIVES[activation](Z[N - 1], A[N - 1])  # (90), (92)
    if given_b is None:
        return grad_W
    grad_b = [g.reshape(np.shape(b)) for g, b in zip(grad_b, given_b, strict=True)]
    return grad_W, grad_b
