"""Seed 003's MNIST network (a Stack Overflow question), finished: 784-30-10, sigmoid, quadratic cost, biases.

Written in the question's own style - a ``Layer`` with ``weights`` (output_size, input_size), flat ``biases``
(output_size,), ``z``, ``a`` and ``dz`` per sample, ``np.atleast_2d`` outer products - with the
``_propagate_back`` the question could not complete. The missing step is the answer's EQ1:
delta^l = (w^{l+1})^T delta^{l+1} (.) sigma'(z^l), the paper's eq (92).

Cost: the question's d(cost)/d(pred) = pred - observed is the derivative of (1/2) sum_j (pred_j - y_j)^2,
averaged over the mini-batch: Lambda = (1/(2n)) sum_s sum_j (a_j - y_j)^2, derive's and numeric's "mse".

Check it (the signature with biases: backprop(weights, X, Y, biases) -> (grad_W, grad_b)):

    python -m verify impl examples/seed003_network.py:backprop --bias --cost mse \
        --sizes 784,30,10 --batch 10 --sample 300
    python -m verify impl examples/seed003_network.py:backprop --bias --cost mse   # adversarial sizes
"""

import numpy as np

NETWORK_LAYER_SIZES = [784, 30, 10]


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def sigmoid_der(x):
    return sigmoid(x) * (1 - sigmoid(x))


class Layer:

    def __init__(self, input_size: int, output_size: int, rng: np.random.Generator):
        self.weights = rng.uniform(-1, 1, [output_size, input_size])
        self.biases = rng.uniform(-1, 1, [output_size])
        self.z = np.zeros(output_size)
        self.a = np.zeros(output_size)
        self.dz = np.zeros(output_size)

    def feed_forward(self, input_data: np.ndarray):
        input_data_t = np.atleast_2d(input_data).T
        dot_product = self.weights.dot(input_data_t).T[0]
        self.z = dot_product + self.biases
        self.a = sigmoid(self.z)
        self.dz = sigmoid_der(self.z)


class Network:

    def __init__(self, layer_sizes: list[int], seed: int = 0):
        rng = np.random.default_rng(seed)
        self.layers = [
            Layer(input_size, output_size, rng)
            for input_size, output_size
            in zip(layer_sizes[0:], layer_sizes[1:], strict=False)
        ]

    @property
    def predicted(self) -> np.ndarray:
        return self.layers[-1].a

    def _feed_forward(self, input_data: np.ndarray):
        for layer in self.layers:
            layer.feed_forward(input_data)
            input_data = layer.a

    def _propagate_back(self, X: np.ndarray, y_observed: np.ndarray):
        """d(cost)/d(weight) and d(cost)/d(bias) of one sample, for every layer (after _feed_forward(X))."""
        d_cost_d_pred = self.predicted - y_observed

        # Output layer: d(cost)/d(z) = d(cost)/d(pred) * f'(z)
        d_cost_d_z = d_cost_d_pred * self.layers[-1].dz
        gradients = []
        for position in reversed(range(len(self.layers))):
            layer = self.layers[position]
            d_z_d_weight = self.layers[position - 1].a if position > 0 else X  # input to the current layer
            d_cost_d_weight = np.atleast_2d(d_cost_d_z).T * np.atleast_2d(d_z_d_weight)
            gradients.append((d_cost_d_weight, d_cost_d_z))                     # d(z)/d(bias) = 1
            if position > 0:
                # Hidden layer: the step the question was stuck on (EQ1), the transpose carries the delta
                # back from this layer's nodes to the previous layer's
                d_cost_d_z = layer.weights.T.dot(d_cost_d_z) * self.layers[position - 1].dz
        return gradients[::-1]

    def gradients(self, X_batch: np.ndarray, y_batch: np.ndarray):
        """Mean over the samples (rows of X_batch, one-hot rows of y_batch) of the per-sample gradients."""
        sum_weights = [np.zeros_like(layer.weights) for layer in self.layers]
        sum_biases = [np.zeros_like(layer.biases) for layer in self.layers]
        for X_sample, y_observed in zip(X_batch, y_batch, strict=True):
            self._feed_forward(X_sample)
            for position, (d_weight, d_bias) in enumerate(self._propagate_back(X_sample, y_observed)):
                sum_weights[position] += d_weight
                sum_biases[position] += d_bias
        n = len(X_batch)
        return [g / n for g in sum_weights], [g / n for g in sum_biases]


def backprop(weights, X, Y, biases):
    """The verifier's entry point: weights[N] (m_{N+1}, m_N), X (m_0, n), Y (m_L, n), biases[N] (m_{N+1}, 1).

    The question's classes keep one sample per row and flat biases; this adapter loads the given numbers
    into a ``Network`` and returns (grad_W, grad_b) with grad_b[N] flat (m_{N+1},)."""
    sizes = [weights[0].shape[1]] + [W.shape[0] for W in weights]
    network = Network(sizes)
    for layer, W, b in zip(network.layers, weights, biases, strict=True):
        layer.weights = np.array(W, dtype=float)
        layer.biases = np.array(b, dtype=float).reshape(-1)
    return network.gradients(X.T, Y.T)


if __name__ == "__main__":  # a smoke run on random data: the gradient shapes of 784-30-10
    network = Network(NETWORK_LAYER_SIZES)
    rng = np.random.default_rng(1)
    grad_W, grad_b = network.gradients(rng.uniform(0, 1, (10, 784)), np.eye(10)[rng.integers(0, 10, 10)])
    print([g.shape for g in grad_W], [g.shape for g in grad_b])
