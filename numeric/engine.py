"""The float32 training path: the same back-propagation as ``network.gradients`` with no per-batch allocation.

A batch is a transposed view of row-major data: ``A_0 = X_rows[i:i + n].T`` (m_0, n), F-contiguous, so
BLAS reads it with a transpose flag and nothing is gathered or copied. Every intermediate (Z_N, A_N, D^phi_N,
delta_N, grad W_N, grad b_N) lives in a buffer allocated once per batch width and reused with ``out=``.

Per batch, for N = 0..L-1 (eqs 9, 13):   Z_{N+1} = W_N A_N + b_N,  A_{N+1} = phi(Z_{N+1}),
D_{N+1} = phi'(Z_{N+1}) stored beside the forward step (times the dropout mask, if any); then (eqs 86-93)
delta_L = (A_L - Y)/n, grad W_{N-1} = delta_N A_{N-1}^T, delta_{N-1} = (W_{N-1}^T delta_N) * D_{N-1}.
"""

from __future__ import annotations

import numpy as np

from .functions import CANONICAL, COSTS, DERIVATIVES, OUTPUTS, output_delta, sigmoid_fast

__all__ = ["Engine", "MNIST_MEAN", "MNIST_STD"]

MNIST_MEAN, MNIST_STD = 0.1307, 0.3081  # pixel mean and standard deviation of the 60k training images


def _phi(name: str):
    return sigmoid_fast if name == "sigmoid" else OUTPUTS[name]


class _Buffers:
    """Z, A, D (phi' times mask), delta and scratch for one batch width n: lists indexed by layer 0..L."""

    def __init__(self, sizes, n, dtype):
        def make():
            return [np.empty((m, n), dtype) for m in sizes]
        self.Z, self.A, self.D, self.delta, self.mask, self.rand = (make() for _ in range(6))


class Engine:
    """Forward/backward on mini-batches into preallocated float32 buffers.

    sizes: (m_0, ..., m_L); activation/output/cost: registry names (``output`` "softmax" for softmax_ce);
    dropout: probability of dropping a hidden unit, input_dropout: of dropping an input pixel (inverted
    dropout: kept units are scaled by 1/keep; masks drawn from ``rng``).
    After ``backward``, ``grad_W[N]`` (m_{N+1}, m_N) and ``grad_b[N]`` (m_{N+1}, 1) hold dLambda/dW_N and
    dLambda/db_N of the batch (with 1/n)."""

    def __init__(self, sizes, activation="sigmoid", output="sigmoid", cost="logloss", dropout=0.0,
                 rng: np.random.Generator | None = None, dtype=np.float32, input_dropout=0.0,
                 normalize=False):
        self.sizes = tuple(int(m) for m in sizes)
        self.activation, self.output, self.cost = activation, output, cost
        self.dtype = np.dtype(dtype)
        self.dropout, self.input_dropout = float(dropout), float(input_dropout)
        self._A0 = None
        self.normalize = bool(normalize)
        self.rng = rng if rng is not None else np.random.default_rng(0)
        self.L = len(self.sizes) - 1
        self.grad_W = [np.empty((self.sizes[N + 1], self.sizes[N]), self.dtype) for N in range(self.L)]
        self.grad_b = [np.empty((self.sizes[N + 1], 1), self.dtype) for N in range(self.L)]
        self._buffers: dict[int, _Buffers] = {}
        self._hidden = _phi(activation)
        self._out = _phi(output)
        self._deriv = DERIVATIVES[activation]

    def buffers(self, n: int) -> _Buffers:
        buf = self._buffers.get(n)
        if buf is None:
            buf = self._buffers[n] = _Buffers(self.sizes, n, self.dtype)
        return buf

    def forward(self, W, b, A0, train: bool = True) -> np.ndarray:
        """Z_{N+1} = W_N A_N (+ b_N), A_{N+1} = phi(Z_{N+1}) into the buffers; returns A_L (m_L, n).
        With ``train``, also stores D_N = phi'(Z_N) (times the dropout mask) for the hidden layers."""
        n = A0.shape[1]
        buf = self.buffers(n)
        if train and self.input_dropout > 0:
            self._drop(buf, 0, 1.0 - self.input_dropout, A0, out=buf.A[0])
            A0 = buf.A[0]
        self._A0 = A0
        a = A0
        for N in range(self.L):
            z = buf.Z[N + 1]
            np.matmul(W[N], a, out=z)
            if b is not None:
                z += b[N]
            a = buf.A[N + 1]
            if N == self.L - 1:
                self._out(z, out=a)
                break
            self._hidden(z, out=a)
            if train:
                d = buf.D[N + 1]
                self._deriv(z, a, out=d)
                if self.dropout > 0:
                    self._drop(buf, N + 1, 1.0 - self.dropout, a, out=a)
                    d *= buf.mask[N + 1]
        return a

    def _drop(self, buf, N, keep, a, out):
        """Inverted dropout of layer N: mask = [u < keep] / keep into buf.mask[N]; out = a * mask."""
        m = buf.mask[N]
        self.rng.random(out=buf.rand[N], dtype=self.dtype)
        np.less(buf.rand[N], keep, out=m, casting="unsafe")
        m *= 1.0 / keep
        np.multiply(a, m, out=out)

    def backward(self, W, A0, Y, has_bias: bool = True) -> None:
        """Fill grad_W / grad_b from the buffers of the last ``forward(train=True)`` (eqs 86-93).
        Y: targets (m_L, n), e.g. a transposed view of one-hot rows."""
        n = A0.shape[1]
        if self._A0 is not None and self._A0.shape == A0.shape:
            A0 = self._A0  # the (dropped-out) input the forward pass used
        buf = self.buffers(n)
        L = self.L
        delta = buf.delta[L]
        if (self.output, self.cost) in CANONICAL:
            np.subtract(buf.A[L], Y, out=delta)                       # (86)-(88): (A_L - Y)/n
            delta *= 1.0 / n
        else:
            delta[...] = output_delta(self.cost, self.output, buf.Z[L], buf.A[L], Y)
        for N in range(L, 0, -1):
            prev = A0 if N == 1 else buf.A[N - 1]
            np.matmul(delta, prev.T, out=self.grad_W[N - 1])              # (89), (91), (93)
            if has_bias:
                np.sum(delta, axis=1, keepdims=True, out=self.grad_b[N - 1])
            if N > 1:
                nxt = buf.delta[N - 1]
                np.matmul(W[N - 1].T, delta, out=nxt)                     # (90), (92)
                nxt *= buf.D[N - 1]
                delta = nxt

    def batch_stats(self, Y, labels) -> tuple[float, int]:
        """(cost of the last forward batch averaged over n, number of correct argmax predictions)."""
        buf = self.buffers(Y.shape[1])
        L = self.L
        loss = COSTS[self.cost](buf.Z[L], buf.A[L], Y, self.output)
        correct = int(np.count_nonzero(buf.A[L].argmax(axis=0) == labels))
        return loss, correct

    def standardize(self, X: np.ndarray) -> None:
        """In place, pixels in [0, 1] -> (x - mean) / std with MNIST's training-set mean and std (scalars),
        when the engine was built with ``normalize``: centred inputs condition sigmoid nets better."""
        if self.normalize:
            X -= MNIST_MEAN
            X *= 1 / MNIST_STD

    def predict(self, W, b, X_rows: np.ndarray, chunk: int = 2000) -> np.ndarray:
        """Output activations for row-major samples X_rows (n, m_0) with values in [0, 1]
        -> A_L^T (n, m_L), in chunks."""
        out = np.empty((X_rows.shape[0], self.sizes[-1]), self.dtype)
        for i in range(0, X_rows.shape[0], chunk):
            a = np.array(X_rows[i:i + chunk], dtype=self.dtype, order="C")
            self.standardize(a)
            a = a.T
            for N in range(self.L):
                z = W[N] @ a
                if b is not None:
                    z += b[N]
                a = (self._out if N == self.L - 1 else self._hidden)(z, out=z)
            out[i:i + chunk] = a.T
        return out

