"""An a-priori estimate of the cost of an exact proof, so that too-large sizes are refused at once."""
from __future__ import annotations

import math

from .errors import LIMITS, InvalidArgument, check_int, check_real, check_sizes

__all__ = ["proof_units", "estimate_seconds", "check_budget"]

SECONDS_PER_UNIT = 6e-4  # bench/derive_speed.py: 4.7e-4 .. 6.5e-4 s per unit


def proof_units(sizes, n: int) -> int:
    """Number of expanded monomials the proof handles: for each weight of W_N, per sample, one product
    per path from its target node to an output node, each doubling through every activation layer."""
    sizes = tuple(sizes)
    L = len(sizes) - 1
    units = 0
    for N in range(L):
        paths = math.prod(sizes[N + 2:])
        units += sizes[N] * sizes[N + 1] * n * paths * 2 ** (L - N)
    return units


def estimate_seconds(sizes, n: int) -> float:
    """Estimated wall time of ``prove`` in seconds (calibrated on the reference machine, 2 cores)."""
    sizes, n = check_sizes(sizes), check_int(n, "batch size n", 1, LIMITS["batch"])
    return SECONDS_PER_UNIT * proof_units(sizes, n)


def check_budget(sizes, n: int, budget: float) -> None:
    """Raise InvalidArgument (estimate + hint) when the estimated proof time exceeds ``budget`` seconds."""
    budget = check_real(budget, "budget", 0.0, LIMITS["budget"], low_open=True)
    est = estimate_seconds(sizes, n)
    if est > budget:
        raise InvalidArgument(
            f"an exact proof for sizes {','.join(map(str, sizes))} with n={n} is estimated at {est:.0f} s "
            f"(budget {budget:.0f} s); use smaller layers or batch (the identity does not depend on them: "
            f"see `python -m derive prove --general` for symbolic sizes), or raise --budget")
