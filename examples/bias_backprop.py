"""A user's backprop with biases: Z_{N+1} = W_N A_N + b_N, sigmoid everywhere, log-loss averaged over n.

The signature with biases:  backprop(weights, X, Y, biases) -> (grad_W, grad_b)
  biases[N] is b_N of shape (m_{N+1}, 1); grad_b[N] may be (m_{N+1}, 1) or flat (m_{N+1},).

Check it:  python -m verify impl examples/bias_backprop.py:backprop --bias
"""

import numpy as np


def backprop(weights, X, Y, biases):
    A = [X]
    for W, b in zip(weights, biases, strict=True):
        A.append(1.0 / (1.0 + np.exp(-(W @ A[-1] + b))))
    n = X.shape[1]
    delta = A[-1] - Y
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for N in reversed(range(len(weights))):
        grad_W[N] = delta @ A[N].T / n
        grad_b[N] = delta.sum(axis=1, keepdims=True) / n     # dLambda/db_N: the mean delta over samples
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grad_W, grad_b
