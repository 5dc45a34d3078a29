"""ReLU's kink: where a pre-activation is exactly 0, phi' is undefined; a user's relu'(0) = 1 convention
differs from derive's Heaviside(0) = 0 there, and verify shows "kink" instead of a failure (issue 8)."""

import io

import numpy as np

from verify import compare
from verify.report import make_console, matrix_table


def relu_backprop(weights, X, Y, biases, at_zero=1.0):
    """ReLU hidden, sigmoid output, MSE, biases; relu'(z) = 1 for z > 0, ``at_zero`` at z = 0."""
    Z, A = [None], [X]
    for k, (W, b) in enumerate(zip(weights, biases, strict=True)):
        Z.append(W @ A[-1] + b)
        A.append(1 / (1 + np.exp(-Z[-1])) if k == len(weights) - 1 else np.maximum(Z[-1], 0))
    n = X.shape[1]
    delta = (A[-1] - Y) * A[-1] * (1 - A[-1])
    grad_W, grad_b = [None] * len(weights), [None] * len(weights)
    for N in reversed(range(len(weights))):
        grad_W[N] = delta @ A[N].T / n
        grad_b[N] = delta.mean(axis=1, keepdims=True)
        if N:
            delta = (weights[N].T @ delta) * np.where(Z[N] == 0, at_zero, (Z[N] > 0).astype(float))
    return grad_W, grad_b


def _network():
    W0 = np.array([[1.0, -1.0, 0.5], [0.25, 0.5, -0.75]])     # unit 1 of L1: z = x1 - x2 + 0.5 x3
    W1 = np.array([[1.5, -2.0], [0.5, 1.0]])
    biases = [np.array([[0.0], [0.1]]), np.array([[-0.2], [0.3]])]
    X = np.array([[1.0, 0.3, -0.4], [1.0, 0.9, 0.2], [0.0, 0.8, 1.0]])   # sample 1: z = 1 - 1 + 0 = 0
    Y = np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    return [W0, W1], biases, X, Y


def test_kink_against_the_symbolic_truth_is_shown_as_kink():
    weights, biases, X, Y = _network()
    got = relu_backprop(weights, X, Y, biases, at_zero=1.0)
    report = compare(got, weights, X, Y, biases=biases, activation="relu", output_activation="sigmoid",
                     cost="mse")
    assert report.ok and report.truth == "symbolic"
    kinks = {(m.param, m.N): m.kinks for m in report.matrices}
    assert kinks[("W", 0)] > 0 and kinks[("b", 0)] > 0 and kinks[("W", 1)] == 0
    buffer = io.StringIO()
    make_console(no_color=True, file=buffer, width=100).print(matrix_table(report))
    lines = buffer.getvalue().splitlines()
    rows = {line.split()[0]: line for line in lines if line[:2] in ("W0", "W1", "b0")}
    assert rows["W0"].rstrip().endswith("kink") and rows["b0"].rstrip().endswith("kink")
    assert rows["W1"].rstrip().endswith("ok")


def test_same_convention_as_derive_is_simply_ok_and_real_bugs_still_fail():
    weights, biases, X, Y = _network()
    same = compare(relu_backprop(weights, X, Y, biases, at_zero=0.0), weights, X, Y, biases=biases,
                   activation="relu", output_activation="sigmoid", cost="mse", truth="complex-step")
    assert same.ok and sum(m.kinks for m in same.matrices) == 0
    grad_W, grad_b = relu_backprop(weights, X, Y, biases, at_zero=1.0)
    grad_W[0][1, :] *= 2                           # unit 2 of L1 is away from the kink: a real error
    bad = compare((grad_W, grad_b), weights, X, Y, biases=biases, activation="relu",
                  output_activation="sigmoid", cost="mse", truth="complex-step")
    assert not bad.ok
    failing = {(e.param, e.N, e.r) for e in bad.entries if not e.ok}
    assert failing == {("W", 0, 1)}
    assert any(e.kink and e.ok for e in bad.entries if (e.param, e.N, e.r) == ("W", 0, 0))  # still excused
