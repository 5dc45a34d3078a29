"""The paper's layout (written for this corpus): columns, W_N (out, in), a vectorized backprop that returns
the list of gradients; log-loss averaged over the batch (eq 19).

    python -m verify impl paper_style.py:backprop
"""

import numpy as np


def backprop(weights, X, Y):
    A = [X]
    for W in weights:
        A.append(1 / (1 + np.exp(-(W @ A[-1]))))
    delta = A[-1] - Y
    grads = []
    for N in range(len(weights) - 1, -1, -1):
        grads.insert(0, delta @ A[N].T / X.shape[1])
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads
