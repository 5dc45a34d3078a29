"""Style of the CS231n two-layer net (written for this corpus): params dict W1 (D, H), b1 (H,), W2, b2,
ReLU, softmax, integer labels, L2 reg * sum W^2; loss(X, y, reg) returns (loss, grads dict).

    python -m verify impl cs231n_style.py:TwoLayerNet.loss --depths 2 --biases --samples rows
        --weights in-out --bias-shape flat --activation relu --cost softmax_ce --l2 0.05 --l2-form reg
        --factory "TwoLayerNet(sizes[0], sizes[1], sizes[2])" --params "params[W{N+1}],params[b{N+1}]"
        --args "X, y=labels, reg=0.05"
"""

import numpy as np


class TwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, std=1e-4):
        self.params = {"W1": std * np.ones((input_size, hidden_size)), "b1": np.zeros(hidden_size),
                       "W2": std * np.ones((hidden_size, output_size)), "b2": np.zeros(output_size)}

    def loss(self, X, y, reg=0.0):
        W1, b1, W2, b2 = (self.params[k] for k in ("W1", "b1", "W2", "b2"))
        N = X.shape[0]
        h = np.maximum(0, X @ W1 + b1)
        scores = h @ W2 + b2
        scores = scores - scores.max(axis=1, keepdims=True)
        p = np.exp(scores)
        p /= p.sum(axis=1, keepdims=True)
        loss = -np.log(p[np.arange(N), y]).mean() + reg * (np.sum(W1 * W1) + np.sum(W2 * W2))
        dscores = p.copy()
        dscores[np.arange(N), y] -= 1
        dscores /= N
        grads = {"W2": h.T @ dscores + 2 * reg * W2, "b2": dscores.sum(axis=0)}
        dh = dscores @ W2.T
        dh[h <= 0] = 0
        grads["W1"] = X.T @ dh + 2 * reg * W1
        grads["b1"] = dh.sum(axis=0)
        return loss, grads
