"""A backprop written the way scikit-learn and CS231n store things: samples as rows (X is (n, m_0)),
weights (in, out), flat biases, an L2 term alpha/(2n) sum W^2 - checked as it is, with options only:

    python -m verify impl examples/row_major_backprop.py:backprop --biases --samples rows --weights in-out \
        --bias-shape flat --l2 0.001 --args "weights, biases, X, Y, 0.001"
"""

import numpy as np


def backprop(weights, biases, X, Y, alpha):
    """(grad_W, grad_b) of mean log-loss + alpha/(2n) sum W^2 for a sigmoid network."""
    n = X.shape[0]
    outs = [X]
    for W, b in zip(weights, biases, strict=True):
        outs.append(1 / (1 + np.exp(-(outs[-1] @ W + b))))
    delta = (outs[-1] - Y) / n
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for N in reversed(range(len(weights))):
        grad_W[N] = outs[N].T @ delta + alpha * weights[N] / n
        grad_b[N] = delta.sum(axis=0)
        delta = (delta @ weights[N].T) * outs[N] * (1 - outs[N])
    return grad_W, grad_b
