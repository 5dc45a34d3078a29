"""Planted bugs beyond the paper's setting, written as users write them (issue 8): tanh, ReLU and identity
hidden layers, softmax + cross-entropy, the quadratic cost, biases.

Each entry: name -> (function, expected diagnosis kind, options of ``verify.check_implementation``).
"only_last_layer" (the output delta and eq 93 hold, the recursion of eq 92 does not) is the honest answer
for a D_phi that belongs to another activation; "unknown" for biases still names grad_b as the culprit.
Every function is the correct EBP for its setting except for the one line marked ``# bug``.
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def relu(z):
    return np.maximum(z, 0.0)


def softmax(z):
    e = np.exp(z - z.max(axis=0))
    return e / e.sum(axis=0)


def forward(weights, X, hidden, output, biases=None):
    """Z, A lists (Z[0] None, A[0] = X); ``hidden`` and ``output`` are callables."""
    Z, A = [None], [X]
    for k, W in enumerate(weights):
        z = W @ A[-1] + (0 if biases is None else biases[k])
        Z.append(z)
        A.append(output(z) if k == len(weights) - 1 else hidden(z))
    return Z, A


def relu_missing_step(weights, X, Y):
    """ReLU hidden, sigmoid output, log-loss: the hidden delta forgets relu'(z) = [z > 0]."""
    Z, A = forward(weights, X, relu, sigmoid)
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = weights[N].T @ delta                           # bug: * (Z[N] > 0) missing
    return grads


def relu_step_of_next_layer(weights, X, Y):
    """ReLU hidden and output, MSE: relu' taken from the layer the delta comes from. delta_{N+1} already
    holds the mask [Z_{N+1} > 0], so masking it again changes nothing: the delta lacks relu'(Z_N), which is
    exactly "missing phi'" (for ReLU the numbers cannot tell the two apart, and the diagnosis says so)."""
    Z, A = forward(weights, X, relu, relu)
    n = X.shape[1]
    delta = (A[-1] - Y) * (Z[-1] > 0)
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = weights[N].T @ (delta * (Z[N + 1] > 0))        # bug: Z[N + 1] instead of Z[N]
    return grads


def relu_with_sigmoid_derivative(weights, X, Y):
    """ReLU hidden, sigmoid output, log-loss: the hidden D_phi copied from a sigmoid tutorial, a (1 - a)."""
    Z, A = forward(weights, X, relu, sigmoid)
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * A[N] * (1 - A[N])     # bug: relu' is [z > 0]
    return grads


def tanh_mse_output_derivative_missing(weights, X, Y):
    """tanh everywhere, MSE: delta_L = A - Y without tanh'(z_L) = 1 - a^2."""
    Z, A = forward(weights, X, np.tanh, np.tanh)
    n = X.shape[1]
    delta = A[-1] - Y                                              # bug: * (1 - A[-1] ** 2) missing
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * (1 - A[N] ** 2)
    return grads


def tanh_softmax_derivative_from_z(weights, X, Y):
    """tanh hidden, softmax + cross-entropy: tanh'(z) = 1 - a^2 written with z."""
    Z, A = forward(weights, X, np.tanh, softmax)
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * (1 - Z[N] ** 2)       # bug: Z where A belongs
    return grads


def relu_softmax_extra_derivative(weights, X, Y):
    """ReLU hidden, softmax + cross-entropy: delta_L = A - Y multiplied by the diagonal a (1 - a) again."""
    Z, A = forward(weights, X, relu, softmax)
    n = X.shape[1]
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])                      # bug: softmax' already in A - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * (Z[N] > 0)
    return grads


def softmax_summed_over_batch(weights, X, Y):
    """tanh hidden, softmax + cross-entropy: the cost summed over the batch, not averaged."""
    Z, A = forward(weights, X, np.tanh, softmax)
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T                                  # bug: / n missing
        if N:
            delta = (weights[N].T @ delta) * (1 - A[N] ** 2)
    return grads


def linear_mse_transposed(weights, X, Y):
    """identity hidden and output (a linear network), MSE: the outer product taken the wrong way round."""
    Z, A = forward(weights, X, lambda z: z, lambda z: z)
    n = X.shape[1]
    delta = A[-1] - Y
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = A[N] @ delta.T / n                              # bug: (delta A^T)^T
        if N:
            delta = weights[N].T @ delta
    return grads


def identity_hidden_sigmoid_prime(weights, X, Y):
    """identity hidden, sigmoid output, MSE: phi' of the output applied at the hidden layers too."""
    Z, A = forward(weights, X, lambda z: z, sigmoid)
    n = X.shape[1]
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * sigmoid(Z[N]) * (1 - sigmoid(Z[N]))   # bug: identity' = 1
    return grads


def mse_twice_the_delta(weights, X, Y):
    """sigmoid, MSE written as sum (a - y)^2 without the 1/2 in the code's cost but the delta of it."""
    Z, A = forward(weights, X, sigmoid, sigmoid)
    n = X.shape[1]
    delta = 2 * (A[-1] - Y) * A[-1] * (1 - A[-1])                   # bug for Lambda = (1/2n) sum (a-y)^2
    grads = [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / n
        if N:
            delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads


def _bias_backprop(weights, X, Y, biases, bias_grad):
    """tanh hidden, sigmoid output, MSE, with biases; ``bias_grad(delta, n)`` makes grad_b[N]."""
    Z, A = forward(weights, X, np.tanh, sigmoid, biases)
    n = X.shape[1]
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for N in reversed(range(len(weights))):
        grad_W[N] = delta @ A[N].T / n
        grad_b[N] = bias_grad(delta, n)
        if N:
            delta = (weights[N].T @ delta) * (1 - A[N] ** 2)
    return grad_W, grad_b


def bias_not_averaged(weights, X, Y, biases):
    """With biases: grad_b is the sum of the deltas over the samples; the 1/n is forgotten."""
    return _bias_backprop(weights, X, Y, biases, lambda delta, n: delta.sum(axis=1, keepdims=True))  # bug


def bias_wrong_axis(weights, X, Y, biases):
    """With biases: grad_b averages over the nodes (axis 0) instead of over the samples (axis 1)."""
    return _bias_backprop(weights, X, Y, biases, lambda delta, n: delta.sum(axis=0) / n)  # bug: axis=0


def bias_first_sample_only(weights, X, Y, biases):
    """With biases: grad_b from the first sample's delta only (a leftover of a per-sample loop)."""
    return _bias_backprop(weights, X, Y, biases, lambda delta, n: delta[:, :1] / n)  # bug: one column


TANH_SIG_MSE = {"activation": "tanh", "output_activation": "sigmoid", "cost": "mse"}
BUGS = {
    "relu_missing_step": (relu_missing_step, "missing_phi",
                          {"activation": "relu", "output_activation": "sigmoid"}),
    "relu_step_of_next_layer": (relu_step_of_next_layer, "missing_phi",
                                {"activation": "relu", "cost": "mse"}),
    "relu_with_sigmoid_derivative": (relu_with_sigmoid_derivative, "only_last_layer",
                                     {"activation": "relu", "output_activation": "sigmoid"}),
    "tanh_mse_output_derivative_missing": (tanh_mse_output_derivative_missing, "missing_phi",
                                           {"activation": "tanh", "cost": "mse"}),
    "tanh_softmax_derivative_from_z": (tanh_softmax_derivative_from_z, "z_for_a",
                                       {"activation": "tanh", "cost": "softmax_ce"}),
    "relu_softmax_extra_derivative": (relu_softmax_extra_derivative, "phi_at_output",
                                      {"activation": "relu", "cost": "softmax_ce"}),
    "softmax_summed_over_batch": (softmax_summed_over_batch, "factor_n",
                                  {"activation": "tanh", "cost": "softmax_ce"}),
    "linear_mse_transposed": (linear_mse_transposed, "layout", {"activation": "identity", "cost": "mse"}),
    "identity_hidden_sigmoid_prime": (identity_hidden_sigmoid_prime, "only_last_layer",
                                      {"activation": "identity", "output_activation": "sigmoid",
                                       "cost": "mse"}),
    "mse_twice_the_delta": (mse_twice_the_delta, "factor", {"cost": "mse"}),
    "bias_not_averaged": (bias_not_averaged, "factor_n", {**TANH_SIG_MSE, "bias": True}),
    "bias_wrong_axis": (bias_wrong_axis, "bias_axis", {**TANH_SIG_MSE, "bias": True}),
    "bias_first_sample_only": (bias_first_sample_only, "unknown", {**TANH_SIG_MSE, "bias": True}),
}
