"""Resource budget of a training run, estimated from the configuration before anything is allocated.

Memory (bytes): the float32 parameters with their gradients, optimizer state and L2 scratch; the
per-batch buffers (Z, A, D_phi, delta, dropout mask); the shuffled copies of the training set and the
test set. Time: a lower bound from the multiply-adds of an epoch (forward 2, backward 4 flops per weight
and sample, evaluation 2) at ``FLOPS_BOUND``, a rate above what the reference machine reaches
(bench/train_speed.py: ~20 GFLOP/s effective). A run over either limit is refused at once, with the
estimate, the limit and a hint (README "Limits and errors").
"""

from __future__ import annotations

import os

from .errors import InvalidArgument

__all__ = ["estimate", "check_budget", "memory_limit", "TIME_LIMIT", "FLOPS_BOUND"]

TRAIN_N, TEST_N, PIXELS = 60_000, 10_000, 784
FLOPS_BOUND = 1e11          # flop/s: no run here is faster, so the time estimate is a lower bound
TIME_LIMIT = 7 * 24 * 3600.0  # seconds
_STATE = {"sgd": 0, "momentum": 1, "nesterov": 1, "adam": 2}


def memory_limit() -> int:
    """80 % of this machine's physical memory (8 GiB when it cannot be read)."""
    try:
        return int(0.8 * os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 8 * 2**30


def estimate(cfg) -> tuple[int, float]:
    """(bytes, seconds) of training ``cfg`` (a checked Config) on MNIST."""
    sizes = cfg.sizes
    params = sum(a * b + (b if cfg.bias else 0) for a, b in zip(sizes, sizes[1:], strict=False))
    per_param = 4 * (2 + _STATE.get(cfg.optimizer, 2) + (1 if cfg.l2 else 0))
    units = sum(sizes)
    batch_bytes = 4 * cfg.batch * units * 6
    data_bytes = TRAIN_N * PIXELS * (1 + 1 + 4) + TEST_N * PIXELS * (1 + 4) + TRAIN_N * sizes[-1] * 4 * 2
    predict_bytes = 4 * 2000 * max(sizes) * 2 + 4 * TEST_N * sizes[-1]
    memory = params * per_param + batch_bytes + data_bytes + predict_bytes
    flops = cfg.epochs * (6 * params * TRAIN_N + 2 * params * TEST_N)
    return memory, flops / FLOPS_BOUND


def _gib(b: float) -> str:
    return f"{b / 2**30:.1f} GiB"


def check_budget(cfg) -> None:
    """InvalidArgument when the estimated memory or time of ``cfg`` is over the limit."""
    memory, seconds = estimate(cfg)
    limit = memory_limit()
    sizes = "-".join(map(str, cfg.sizes))
    if memory > limit:
        raise InvalidArgument(f"sizes {sizes} with batch {cfg.batch} need about {_gib(memory)} of memory "
                              f"(limit {_gib(limit)}, 80 % of RAM); use smaller layers or batch")
    if seconds > TIME_LIMIT:
        raise InvalidArgument(f"sizes {sizes} for {cfg.epochs} epochs need at least {seconds / 3600:.0f} h "
                              f"(limit {TIME_LIMIT / 3600:.0f} h); use fewer epochs or smaller layers")
