"""Array layouts as data: how a user's code stores samples, weights, biases and targets.

The verifier always works in the paper's layout (W_N (m_{N+1}, m_N), one column per sample, b_N (m_{N+1}, 1),
one-hot targets). A :class:`Layout` says how to hand the same numbers to the user's code and how to read
its gradients back. Every conversion is a transpose or a reshape: exact, no rounding.

option        values              the user's arrays
--samples     columns (paper)     X (m_0, n), Y (m_L, n); per-sample x (m_0, 1)
              rows                X (n, m_0), Y (n, m_L); per-sample x (1, m_0)
              flat                per-sample x (m_0,) (only with --per-sample)
--weights     out-in (paper)      W_N (m_{N+1}, m_N)
              in-out              W_N (m_N, m_{N+1})  (scikit-learn coefs_, CS231n, nnfs)
--bias-shape  column (paper)      b_N (m_{N+1}, 1)
              flat                b_N (m_{N+1},)      (scikit-learn intercepts_, CS231n)
              row                 b_N (1, m_{N+1})    (nnfs)
--targets     onehot (default)    Y as above
              labels              an integer class per sample (CS231n); needs one-hot targets
"""

from __future__ import annotations

import itertools
from dataclasses import asdict, dataclass, replace

import numpy as np

__all__ = ["OPTIONS", "Layout", "alternatives"]

OPTIONS = {"samples": ("columns", "rows", "flat"), "weights": ("out-in", "in-out"),
           "bias": ("column", "flat", "row"), "targets": ("onehot", "labels")}
FLAG = {"samples": "--samples", "weights": "--weights", "bias": "--bias-shape", "targets": "--targets"}


@dataclass(frozen=True)
class Layout:
    samples: str = "columns"
    weights: str = "out-in"
    bias: str = "column"
    targets: str = "onehot"

    def __post_init__(self):
        for key, allowed in OPTIONS.items():
            if getattr(self, key) not in allowed:
                raise ValueError(f"{FLAG[key]} must be one of {', '.join(allowed)}, "
                                 f"got {getattr(self, key)!r}")

    @property
    def is_paper(self) -> bool:
        return self == Layout(targets=self.targets)

    def flags(self, other: Layout | None = None) -> str:
        """The command-line options that select this layout (only those differing from ``other``)."""
        base = other or Layout()
        return " ".join(f"{FLAG[k]} {v}" for k, v in asdict(self).items() if v != getattr(base, k))

    def as_dict(self) -> dict:
        return asdict(self)

    # -- verifier (paper) -> user ---------------------------------------------------------------------
    def weight(self, W):
        return np.array(W.T if self.weights == "in-out" else W, copy=True, order="C")

    def bias_vector(self, b):
        b = np.asarray(b, float).reshape(-1)
        shape = {"column": (-1, 1), "flat": (-1,), "row": (1, -1)}[self.bias]
        return b.reshape(shape).copy()

    def batch(self, M):
        """X or Y (m, n) in the user's layout."""
        return np.array(M.T if self.samples == "rows" else M, copy=True, order="C")

    def sample(self, M, s: int):
        """Column s of X or Y as one sample in the user's layout."""
        col = np.array(M[:, s], copy=True)
        return {"columns": col.reshape(-1, 1), "rows": col.reshape(1, -1), "flat": col}[self.samples]

    def labels(self, Y):
        return np.argmax(Y, axis=0).astype(np.int64)

    def targets_batch(self, Y):
        return self.labels(Y) if self.targets == "labels" else self.batch(Y)

    def targets_sample(self, Y, s: int):
        return int(np.argmax(Y[:, s])) if self.targets == "labels" else self.sample(Y, s)

    # -- user -> verifier (paper) ---------------------------------------------------------------------
    def user_weight_shape(self, shape) -> tuple:
        return tuple(shape[::-1]) if self.weights == "in-out" else tuple(shape)

    def grad_weight(self, g, shape):
        """The user's grad_W[N] in the paper's layout (a misshapen one stays misshapen)."""
        g = np.asarray(g)
        return g.T if self.weights == "in-out" and g.ndim == 2 else g

    def grad_bias(self, g, m: int):
        """grad_b[N] as (m, 1) when it holds m values in any of the three vector shapes; else unchanged."""
        g = np.asarray(g)
        if g.shape in ((m, 1), (m,), (1, m)):
            return g.reshape(m, 1)
        return g


def alternatives(layout: Layout, per_sample: bool) -> list[Layout]:
    """Every other layout of samples x weights x biases (targets kept), nearest first (fewest changes)."""
    samples = OPTIONS["samples"] if per_sample else ("columns", "rows")
    found = [replace(layout, samples=s, weights=w, bias=b)
             for s, w, b in itertools.product(samples, OPTIONS["weights"], OPTIONS["bias"])]
    found = [f for f in found if f != layout]

    def changes(f):
        return sum(getattr(f, k) != getattr(layout, k) for k in ("samples", "weights", "bias"))

    return sorted(found, key=changes)
