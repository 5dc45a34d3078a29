"""Style of scikit-learn's MLPRegressor._backprop (written for this corpus): samples as rows, coefs (in, out),
flat intercepts, tanh hidden layers, identity output, squared loss averaged over samples AND outputs,
L2 alpha/(2n) sum W^2; returns (loss, coef_grads, intercept_grads).

    python -m verify impl sklearn_style.py:backprop --biases --samples rows --weights in-out --bias-shape flat
        --activation tanh --output-activation identity --cost mse --node-reduction mean --l2 0.01
        --args "weights, biases, X, Y, 0.01"
"""

import numpy as np


def backprop(coefs, intercepts, X, y, alpha):
    n = X.shape[0]
    acts = [X]
    for i, (W, b) in enumerate(zip(coefs, intercepts, strict=False)):
        z = acts[-1] @ W + b
        acts.append(z if i == len(coefs) - 1 else np.tanh(z))
    loss = ((y - acts[-1]) ** 2).mean() / 2 + 0.5 * alpha * sum((W * W).sum() for W in coefs) / n
    coef_grads = [None] * len(coefs)
    intercept_grads = [None] * len(coefs)
    delta = (acts[-1] - y) / y.shape[1]
    for i in range(len(coefs) - 1, -1, -1):
        coef_grads[i] = (acts[i].T @ delta + alpha * coefs[i]) / n
        intercept_grads[i] = delta.mean(axis=0)
        if i:
            delta = (delta @ coefs[i].T) * (1 - acts[i] ** 2)
    return loss, coef_grads, intercept_grads
