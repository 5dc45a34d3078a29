"""Correct backprop implementations written very differently (none may raise a false alarm).

Contract: ``backprop(weights, X, Y) -> list of dLambda/dW_N``; sigmoid everywhere, log-loss averaged over n.
"""

import math

import numpy as np


def vectorized(weights, X, Y):
    """The paper's eqs (86)-(93), matrix form."""
    A = [X]
    for W in weights:
        A.append(1 / (1 + np.exp(-(W @ A[-1]))))
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads


def per_sample_loops(weights, X, Y):
    """Plain Python loops over samples and nodes, accumulating the chain rule entry by entry."""
    n = X.shape[1]
    grads = [[[0.0] * W.shape[1] for _ in range(W.shape[0])] for W in weights]
    for s in range(n):
        acts = [[float(v) for v in X[:, s]]]
        for W in weights:
            prev = acts[-1]
            acts.append([1 / (1 + math.exp(-sum(W[j, i] * prev[i] for i in range(len(prev)))))
                         for j in range(W.shape[0])])
        delta = [acts[-1][j] - Y[j, s] for j in range(len(acts[-1]))]
        for N in range(len(weights) - 1, -1, -1):
            for j in range(len(delta)):
                for i in range(len(acts[N])):
                    grads[N][j][i] += delta[j] * acts[N][i] / n
            W = weights[N]
            delta = [sum(W[j, i] * delta[j] for j in range(len(delta))) * acts[N][i] * (1 - acts[N][i])
                     for i in range(len(acts[N]))]
    return [np.array(g) for g in grads]


def einsum_batch_first(weights, X, Y):
    """Samples on the first axis (n, m) internally, einsum everywhere, transposed back at the end."""
    a = [X.T]
    for W in weights:
        a.append(1 / (1 + np.exp(-np.einsum("ji,si->sj", W, a[-1]))))
    d = (a[-1] - Y.T) / X.shape[1]
    out = []
    for N in range(len(weights) - 1, -1, -1):
        out.append(np.einsum("sj,si->ji", d, a[N]))
        d = np.einsum("ji,sj->si", weights[N], d) * a[N] * (1 - a[N])
    return out[::-1]


def recursive(weights, X, Y):
    """Recursion over layers, tanh-based sigmoid, derivative from z (not a), mean via np.mean."""
    def sig(z):
        return 0.5 * (1 + np.tanh(z / 2))

    def go(N, A_N):
        Z = weights[N] @ A_N
        A_next = sig(Z)
        if len(weights) - 1 == N:
            delta_next = A_next - Y
            rest = []
        else:
            back, rest = go(N + 1, A_next)
            delta_next = back * sig(Z) * (1 - sig(Z))
        grad = np.mean(delta_next[:, None, :] * A_N[None, :, :], axis=2)
        return weights[N].T @ delta_next, [grad] + rest

    return go(0, X)[1]


def float32(weights, X, Y):
    """The vectorized EBP in single precision (judged with the float32 tolerance)."""
    return [g.astype(np.float32) for g in vectorized([W.astype(np.float32) for W in weights],
                                                      X.astype(np.float32), Y.astype(np.float32))]


CORRECT = {f.__name__: f for f in (vectorized, per_sample_loops, einsum_batch_first, recursive, float32)}
