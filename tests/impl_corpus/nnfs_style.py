"""Style of the Neural Networks from Scratch book (written for this corpus): Layer_Dense objects with
weights (in, out) and biases (1, out), activation objects, a combined softmax + cross-entropy backward;
the gradients stay on the layers as dweights / dbiases.

    python -m verify impl nnfs_style.py:Model.backward --biases --samples rows --weights in-out
        --bias-shape row --cost softmax_ce --factory "Model(sizes)"
        --params "layers[*].weights,layers[*].biases" --grads "layers[*].dweights,layers[*].dbiases"
        --args "X, labels"
"""

import numpy as np


class Layer_Dense:
    def __init__(self, n_inputs, n_neurons):
        self.weights = 0.01 * np.ones((n_inputs, n_neurons))
        self.biases = np.zeros((1, n_neurons))

    def forward(self, inputs):
        self.inputs = inputs
        self.output = inputs @ self.weights + self.biases

    def backward(self, dvalues):
        self.dweights = self.inputs.T @ dvalues
        self.dbiases = np.sum(dvalues, axis=0, keepdims=True)
        self.dinputs = dvalues @ self.weights.T


class Activation_Sigmoid:
    def forward(self, inputs):
        self.output = 1 / (1 + np.exp(-inputs))

    def backward(self, dvalues):
        self.dinputs = dvalues * (1 - self.output) * self.output


class Softmax_CCE:
    def forward(self, inputs):
        e = np.exp(inputs - inputs.max(axis=1, keepdims=True))
        self.output = e / e.sum(axis=1, keepdims=True)

    def backward(self, labels):
        samples = len(labels)
        self.dinputs = self.output.copy()
        self.dinputs[range(samples), labels] -= 1
        self.dinputs = self.dinputs / samples


class Model:
    def __init__(self, sizes):
        self.layers = []
        for k, (a, b) in enumerate(zip(sizes[:-1], sizes[1:], strict=False)):
            self.layers.append(Layer_Dense(a, b))
            self.layers.append(Softmax_CCE() if k == len(sizes) - 2 else Activation_Sigmoid())

    def backward(self, X, labels):
        out = X
        for layer in self.layers:
            layer.forward(out)
            out = layer.output
        self.layers[-1].backward(labels)
        d = self.layers[-1].dinputs
        for layer in reversed(self.layers[:-1]):
            layer.backward(d)
            d = layer.dinputs
