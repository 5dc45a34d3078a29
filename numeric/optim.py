"""Optimizers (SGD, momentum, Nesterov, Adam) updating parameters in place, and learning-rate schedules.

An optimizer owns its state arrays (one per parameter, same shape and dtype) and updates with ``out=`` ufuncs
only; ``step(params, grads, lr)`` may overwrite ``grads`` (they are scratch buffers of the engine).
``state()`` / ``load_state()`` give plain arrays for checkpoints.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["SGD", "Adam", "make_optimizer", "OPTIMIZERS", "SCHEDULES", "learning_rate"]


class SGD:
    """Plain SGD (momentum 0), heavy-ball momentum, or Nesterov momentum (PyTorch's formulation):
    v <- mu v + g;  p <- p - lr (g + mu v) with Nesterov, p <- p - lr v otherwise."""

    def __init__(self, params, momentum: float = 0.0, nesterov: bool = False):
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self.v = [np.zeros_like(p) for p in params] if momentum else []
        self.scratch = [np.empty_like(p) for p in params] if momentum else []

    def step(self, params, grads, lr: float) -> None:
        mu = self.momentum
        for k, (p, g) in enumerate(zip(params, grads, strict=True)):
            if mu:
                v = self.v[k]
                v *= mu
                v += g
                if self.nesterov:
                    s = self.scratch[k]
                    np.multiply(v, mu, out=s)
                    g += s
                else:
                    g = v
            s = self.scratch[k] if mu else g
            np.multiply(g, lr, out=s)
            p -= s

    def state(self) -> dict[str, np.ndarray]:
        return {f"v{k}": v for k, v in enumerate(self.v)}

    def load_state(self, state: dict) -> None:
        for k, v in enumerate(self.v):
            v[...] = state[f"v{k}"]


class Adam:
    """Adam (Kingma & Ba 2015): m <- b1 m + (1-b1) g, v <- b2 v + (1-b2) g^2,
    p <- p - lr sqrt(1-b2^t)/(1-b1^t) m / (sqrt(v) + eps)."""

    def __init__(self, params, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-8):
        self.beta1, self.beta2, self.eps = float(beta1), float(beta2), float(eps)
        self.m = [np.zeros_like(p) for p in params]
        self.v = [np.zeros_like(p) for p in params]
        self.scratch = [np.empty_like(p) for p in params]
        self.t = 0

    def step(self, params, grads, lr: float) -> None:
        self.t += 1
        b1, b2 = self.beta1, self.beta2
        step = lr * math.sqrt(1 - b2 ** self.t) / (1 - b1 ** self.t)
        for p, g, m, v, s in zip(params, grads, self.m, self.v, self.scratch, strict=True):
            m *= b1
            np.multiply(g, 1 - b1, out=s)
            m += s
            v *= b2
            np.multiply(g, g, out=s)
            s *= 1 - b2
            v += s
            np.sqrt(v, out=s)
            s += self.eps
            np.divide(m, s, out=s)
            s *= step
            p -= s

    def state(self) -> dict[str, np.ndarray]:
        out = {f"m{k}": m for k, m in enumerate(self.m)}
        out.update({f"v{k}": v for k, v in enumerate(self.v)})
        out["t"] = np.array(self.t)
        return out

    def load_state(self, state: dict) -> None:
        for k, (m, v) in enumerate(zip(self.m, self.v, strict=True)):
            m[...] = state[f"m{k}"]
            v[...] = state[f"v{k}"]
        self.t = int(state["t"])


OPTIMIZERS = ("sgd", "momentum", "nesterov", "adam")
SCHEDULES = ("constant", "step", "cosine", "exp")


def make_optimizer(name: str, params, momentum: float = 0.9):
    """Build an optimizer by name: sgd, momentum, nesterov or adam."""
    if name == "sgd":
        return SGD(params)
    if name in ("momentum", "nesterov"):
        return SGD(params, momentum=momentum, nesterov=name == "nesterov")
    if name == "adam":
        return Adam(params)
    raise ValueError(f"unknown optimizer {name!r}; choose one of {', '.join(OPTIMIZERS)}")


def learning_rate(base: float, t: float, total: float, schedule: str = "constant", lr_min: float = 0.0,
                  gamma: float = 0.5, every: float = 10.0, warmup: float = 0.0) -> float:
    """The learning rate at fractional epoch t (0 <= t <= total):
    constant: base; step: base gamma^floor(t/every); exp: base gamma^(t/every);
    cosine: lr_min + (base - lr_min)(1 + cos(pi t/total))/2. A linear warm-up over ``warmup`` epochs
    multiplies any schedule."""
    if schedule == "constant":
        lr = base
    elif schedule == "step":
        lr = base * gamma ** math.floor(t / every)
    elif schedule == "exp":
        lr = base * gamma ** (t / every)
    elif schedule == "cosine":
        lr = lr_min + (base - lr_min) * 0.5 * (1 + math.cos(math.pi * min(t / max(total, 1e-12), 1.0)))
    else:
        raise ValueError(f"unknown schedule {schedule!r}; choose one of {', '.join(SCHEDULES)}")
    if warmup > 0 and t < warmup:
        lr *= (t + 1e-3) / warmup
    return lr
