"""The 784-30-10 MNIST network of seed 003 (a Stack Overflow question), quadratic cost, written the way
that question does it: one sample at a time, d(cost)/d(pred) * f'(z), outer products via np.atleast_2d.

Cost: Lambda = (1/(2n)) sum_s sum_j (a_j - y_j)^2 (derive's and numeric's "mse"), sigmoid everywhere.

    python -m verify impl examples/mse_784_30_10.py:backprop --cost mse --sizes 784,30,10 \
        --batch 10 --sample 300
"""

import numpy as np


def sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def backprop(weights, X, Y):
    W_hidden, W_out = weights
    n = X.shape[1]
    grad_hidden = np.zeros_like(W_hidden)
    grad_out = np.zeros_like(W_out)
    for s in range(n):
        x, y = X[:, s], Y[:, s]
        hidden = sigmoid(W_hidden @ x)
        predicted = sigmoid(W_out @ hidden)
        d_cost_d_pred = predicted - y
        d_cost_d_z = d_cost_d_pred * predicted * (1 - predicted)            # output layer
        grad_out += np.atleast_2d(d_cost_d_z).T * np.atleast_2d(hidden)
        d_cost_d_hidden_z = (W_out.T @ d_cost_d_z) * hidden * (1 - hidden)  # the step the question lacked
        grad_hidden += np.atleast_2d(d_cost_d_hidden_z).T * np.atleast_2d(x)
    return [grad_hidden / n, grad_out / n]
