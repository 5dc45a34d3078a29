"""A user's backprop with a classic bug, to see what verify says about it.

    python -m verify impl examples/buggy_backprop.py:backprop      (exit 1, with a diagnosis)
"""

import numpy as np


def backprop(weights, X, Y):
    A = [X]
    for W in weights:
        A.append(1.0 / (1.0 + np.exp(-(W @ A[-1]))))
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        delta = weights[N].T @ (delta * A[N + 1] * (1 - A[N + 1]))   # sigmoid' of the wrong layer
    return grads
