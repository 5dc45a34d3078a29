"""A user's backprop for the paper's setting: sigmoid on every layer, log-loss averaged over n, no biases.

Check it:  python -m verify impl examples/my_backprop.py:backprop
Shapes: weights[N] is W_N (m_{N+1}, m_N); X (m_0, n) one column per sample; Y (m_L, n).
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def backprop(weights, X, Y):
    """dLambda/dW_N for every N: delta_L = A_L - Y (eq 82), delta_N = (W_N^T delta_{N+1}) * A_N (1 - A_N)
    (eq 92), grad W_N = delta_{N+1} A_N^T / n (eq 93)."""
    A = [X]
    for W in weights:
        A.append(sigmoid(W @ A[-1]))
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads
