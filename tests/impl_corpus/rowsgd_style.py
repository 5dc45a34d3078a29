"""Style of a blog-post SGD network (written for this corpus): one sample at a time as a row vector
x (1, m_0), weights (in, out), biases (1, out), sigmoid + log-loss, gradients returned in a dict.

    python -m verify impl rowsgd_style.py:sample_grads --per-sample mean --samples rows --weights in-out
        --bias-shape row --biases --args "weights, biases, x, y"
"""

import numpy as np


def sig(v):
    return 1 / (1 + np.exp(-v))


def sample_grads(weights, biases, x, y):
    outs = [x]
    for W, b in zip(weights, biases, strict=False):
        outs.append(sig(outs[-1] @ W + b))
    err = outs[-1] - y
    grads = {}
    for k in range(len(weights), 0, -1):
        grads[f"dW{k}"] = outs[k - 1].T @ err
        grads[f"db{k}"] = err.copy()
        err = (err @ weights[k - 1].T) * outs[k - 1] * (1 - outs[k - 1])
    return grads
