"""Planted bugs, written the way users write backprop (the paper's setting: sigmoid, log-loss, no biases).

Each function has the contract ``backprop(weights, X, Y) -> list of dLambda/dW_N`` and one bug. ``BUGS`` maps
a name to (function, the diagnosis kind verify must report). The code is deliberately independent of
verify's bug models: different loops, helper names and array idioms.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def feed_forward(weights, X):
    activations, zs = [X], []
    for W in weights:
        zs.append(W @ activations[-1])
        activations.append(sigmoid(zs[-1]))
    return zs, activations


def transposed(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in range(len(weights) - 1, -1, -1):
        grads[N] = acts[N] @ delta.T / n          # bug: A delta^T instead of delta A^T
        if N:
            delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def no_average(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    delta = acts[-1] - Y
    grads = []
    for N in reversed(range(len(weights))):
        grads.insert(0, delta @ acts[N].T)        # bug: the 1/n of eq (19) forgotten
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def double_average(weights, X, Y):
    n = X.shape[1]
    zs, acts = feed_forward(weights, X)
    delta = (acts[-1] - Y) / n                     # averaged here ...
    grads = []
    for N in reversed(range(len(weights))):
        grads.insert(0, delta @ acts[N].T / n)    # ... and again here (bug)
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def flipped_sign(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = Y - acts[-1]                           # bug: y - a, the "error" of eq (84)
    grads = []
    for N in reversed(range(len(weights))):
        grads.insert(0, np.dot(delta, acts[N].T) / n)
        delta = np.dot(weights[N].T, delta) * acts[N] * (1 - acts[N])
    return grads


def per_sample(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = []
    for N in reversed(range(len(weights))):
        grads.insert(0, np.einsum("js,is->jis", delta, acts[N]) / n)   # bug: forgot to sum over s
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def phi_wrong_layer(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        upper = acts[N + 1]
        delta = weights[N].T @ (delta * upper * (1 - upper))   # bug: phi' of the layer above
    return grads


def missing_phi_prime(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = weights[N].T @ delta              # bug: no * D_phi
    return grads


def phi_prime_at_output(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    out = acts[-1]
    delta = (out - Y) * out * (1 - out)           # bug: log-loss already cancels sigmoid'
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def z_in_outer_product(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    inputs = [X] + zs                             # bug: keeps z's, not a's, as layer inputs
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ inputs[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def z_in_derivative(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        if N > 0:
            z = zs[N - 1]
            delta = (weights[N].T @ delta) * z * (1 - z)   # bug: sigmoid'(z) written as z (1 - z)
    return grads


def loop_stops_early(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [np.zeros_like(W) for W in weights]
    for N in range(len(weights) - 1, 0, -1):      # bug: range stops before layer 0
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def reversed_list(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = []
    for N in reversed(range(len(weights))):
        grads.append(delta @ acts[N].T / n)       # bug: appended output-first, never reversed
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def samples_mixed(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        d_mean = delta.mean(axis=1, keepdims=True)          # bug: averages before the outer product
        a_mean = acts[N].mean(axis=1, keepdims=True)
        grads[N] = d_mean @ a_mean.T
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def tanh_derivative(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * (1 - acts[N] ** 2)  # bug: tanh' in a sigmoid network
    return grads


def sigmoid_twice(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        s = sigmoid(acts[N])                       # bug: sigmoid'(a) instead of sigmoid'(z)
        delta = (weights[N].T @ delta) * s * (1 - s)
    return grads


def paper_sign_typo(weights, X, Y):
    """Derived by hand from the paper's eq (18) as printed: -[y log a - (1-y) log(1-a)]."""
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    a = acts[-1]
    delta = -(Y * (1 - a) + (1 - Y) * a)           # d lambda/dz from the typo'd eq (18)
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def returns_tuple(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    loss = -np.mean(np.sum(Y * np.log(acts[-1]) + (1 - Y) * np.log(1 - acts[-1]), axis=0))
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return {"loss": loss, "gradients": grads}      # bug: a dict the verifier cannot read (no W1/dW keys)


def crashes(weights, X, Y):
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N] @ delta) * acts[N] * (1 - acts[N])   # bug: W instead of W^T -> crash
    return grads


# name -> (function, diagnosis kind or problem kind verify must report)
BUGS = {
    "transposed": (transposed, "layout"),
    "no_average": (no_average, "factor_n"),
    "double_average": (double_average, "factor_n"),
    "flipped_sign": (flipped_sign, "flipped_sign"),
    "per_sample": (per_sample, "per_sample"),
    "phi_wrong_layer": (phi_wrong_layer, "phi_wrong_layer"),
    "missing_phi_prime": (missing_phi_prime, "missing_phi"),
    "phi_prime_at_output": (phi_prime_at_output, "phi_at_output"),
    "z_in_outer_product": (z_in_outer_product, "z_for_a"),
    "z_in_derivative": (z_in_derivative, "z_for_a"),
    "loop_stops_early": (loop_stops_early, "off_by_one"),
    "reversed_list": (reversed_list, "off_by_one"),
    "samples_mixed": (samples_mixed, "samples_mixed"),
    "tanh_derivative": (tanh_derivative, "only_last_layer"),
    "sigmoid_twice": (sigmoid_twice, "phi_of_a"),
    "paper_sign_typo": (paper_sign_typo, "paper_sign_typo"),
    "returns_tuple": (returns_tuple, "type"),
    "crashes": (crashes, "exception"),
}


# ---- beyond the paper: other costs, activations and biases (issue 8) --------------------------------

def mse_forgets_output_derivative(weights, X, Y):
    """Quadratic cost: delta_L must include sigmoid'(z_L); this one does not."""
    zs, acts = feed_forward(weights, X)
    n = X.shape[1]
    delta = acts[-1] - Y                           # bug for MSE: * a (1 - a) missing
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ acts[N].T / n
        delta = (weights[N].T @ delta) * acts[N] * (1 - acts[N])
    return grads


def softmax_with_sigmoid_derivative(weights, X, Y):
    """Softmax + cross-entropy: delta_L = A - Y already; this one multiplies by a (1 - a) again."""
    A = [X]
    for W in weights[:-1]:
        A.append(sigmoid(W @ A[-1]))
    z = weights[-1] @ A[-1]
    e = np.exp(z - z.max(axis=0))
    A.append(e / e.sum(axis=0))
    n = X.shape[1]
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])      # bug
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads


def tanh_derivative_from_z(weights, X, Y):
    """tanh hidden layers, sigmoid output: tanh'(z) = 1 - a^2 written as 1 - z^2."""
    A, Z = [X], [None]
    for layer, W in enumerate(weights, start=1):
        Z.append(W @ A[-1])
        A.append(sigmoid(Z[-1]) if layer == len(weights) else np.tanh(Z[-1]))
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * (1 - Z[N] ** 2)   # bug: z where a belongs
    return grads


def bias_summed_not_averaged(weights, X, Y, biases):
    """With biases: grad_b summed over the samples, the 1/n forgotten (grad_W is right)."""
    A = [X]
    for W, b in zip(weights, biases, strict=True):
        A.append(sigmoid(W @ A[-1] + b))
    n = X.shape[1]
    delta = A[-1] - Y
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for N in reversed(range(len(weights))):
        grad_W[N] = delta @ A[N].T / n
        grad_b[N] = delta.sum(axis=1)              # bug: no / n
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grad_W, grad_b


# name -> (function, diagnosis kind, options for check_implementation)
BUGS_BEYOND = {
    "mse_forgets_output_derivative": (mse_forgets_output_derivative, "missing_phi", {"cost": "mse"}),
    "softmax_with_sigmoid_derivative": (softmax_with_sigmoid_derivative, "phi_at_output",
                                        {"cost": "softmax_ce"}),
    "tanh_derivative_from_z": (tanh_derivative_from_z, "z_for_a",
                               {"activation": "tanh", "output_activation": "sigmoid"}),
    "bias_summed_not_averaged": (bias_summed_not_averaged, "factor_n", {"bias": True}),
}
