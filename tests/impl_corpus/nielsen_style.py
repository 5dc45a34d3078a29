"""Style of Nielsen's network.py (written for this corpus): a Network class, per-sample backprop(x, y)
returning (nabla_b, nabla_w), column vectors, biases (m, 1), the quadratic cost, and an SGD step.

    python -m verify impl nielsen_style.py:Network.backprop --biases --per-sample mean --cost mse
    python -m verify impl nielsen_style.py:Network.step --biases --cost mse --update 0.5 --args "pairs, lr"
"""

import numpy as np


def logistic(z):
    return 1.0 / (1.0 + np.exp(-z))


def logistic_slope(z):
    s = logistic(z)
    return s * (1.0 - s)


class Network:
    def __init__(self, sizes):
        rng = np.random.default_rng(1)
        self.layer_sizes = list(sizes)
        self.biases = [rng.standard_normal((m, 1)) for m in sizes[1:]]
        self.weights = [rng.standard_normal((m, k)) for k, m in zip(sizes[:-1], sizes[1:], strict=False)]

    def backprop(self, x, y):
        """(nabla_b, nabla_w) of the cost 1/2 |a - y|^2 of one sample."""
        act, acts, pre = x, [x], []
        for b, w in zip(self.biases, self.weights, strict=False):
            z = w @ act + b
            pre.append(z)
            act = logistic(z)
            acts.append(act)
        nabla_b = [np.zeros(b.shape) for b in self.biases]
        nabla_w = [np.zeros(w.shape) for w in self.weights]
        delta = (acts[-1] - y) * logistic_slope(pre[-1])
        nabla_b[-1] = delta
        nabla_w[-1] = delta @ acts[-2].T
        for back in range(2, len(self.layer_sizes)):
            delta = (self.weights[-back + 1].T @ delta) * logistic_slope(pre[-back])
            nabla_b[-back] = delta
            nabla_w[-back] = delta @ acts[-back - 1].T
        return nabla_b, nabla_w

    def step(self, pairs, eta):
        """One gradient-descent step on a mini-batch of (x, y) pairs (averaged gradients)."""
        sum_b = [np.zeros(b.shape) for b in self.biases]
        sum_w = [np.zeros(w.shape) for w in self.weights]
        for x, y in pairs:
            db, dw = self.backprop(x, y)
            sum_b = [s + d for s, d in zip(sum_b, db, strict=False)]
            sum_w = [s + d for s, d in zip(sum_w, dw, strict=False)]
        k = len(pairs)
        self.weights = [w - (eta / k) * g for w, g in zip(self.weights, sum_w, strict=False)]
        self.biases = [b - (eta / k) * g for b, g in zip(self.biases, sum_b, strict=False)]
