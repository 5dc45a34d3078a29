"""derive's one exception for bad arguments, and the checks every public entry point uses.

``InvalidArgument`` is a ValueError whose message is one line naming the argument, its value and what is
allowed (a limit also names the hint). The limits are data (``LIMITS``), documented in the README
("Limits and errors").
"""
from __future__ import annotations

import math
import numbers
import os

__all__ = ["InvalidArgument", "LIMITS", "check_int", "check_real", "check_sizes", "max_workers"]

#: Resource limits of derive (README "Limits and errors"); the proof's time is bounded by ``--budget``.
LIMITS = {
    "layers": 64,            # at most 64 layer sizes (63 weight matrices)
    "width": 100_000,        # nodes per layer
    "batch": 100_000,        # samples n
    "weights": 1_000_000,    # symbols of a symbolic network (sum of m_N m_{N+1} plus n (m_0 + m_L))
    "budget": 86_400.0,      # --budget, seconds (one day)
}


class InvalidArgument(ValueError):
    """A bad argument of derive's API or CLI; ``str(exc)`` is one line naming the argument."""


def max_workers() -> int:
    """Largest accepted number of worker processes: the CPUs of this machine (at least 2)."""
    return max(2, os.cpu_count() or 1)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_int(value, name: str, low: int = 1, high: int | None = None, hint: str = "") -> int:
    """``value`` as an int in [low, high]; refuses bools, floats (3.5 and 3.0), strings, complex."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgument(f"{name} must be an integer, got {_shown(value)}")
    value = int(value)
    if value < low or (high is not None and value > high):
        span = f">= {low}" if high is None else f"between {low} and {high}"
        raise InvalidArgument(f"{name} must be {span}, got {value}" + (f"; {hint}" if hint else ""))
    return value


def check_real(value, name: str, low: float | None = None, high: float | None = None,
               low_open: bool = False) -> float:
    """``value`` as a finite float in [low, high] (or (low, high] with ``low_open``); refuses NaN, inf,
    complex and non-numbers."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgument(f"{name} must be a real number, got {_shown(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidArgument(f"{name} must be a finite number, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise InvalidArgument(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value:g}")
    if high is not None and value > high:
        raise InvalidArgument(f"{name} must be <= {high:g}, got {value:g}")
    return value


def check_sizes(sizes, name: str = "sizes") -> tuple[int, ...]:
    """Layer sizes m_0..m_L: 2..LIMITS['layers'] integers in 1..LIMITS['width']."""
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise InvalidArgument(f"{name} must be a sequence of layer sizes m_0..m_L, got {_shown(sizes)}")
    if not 2 <= len(sizes) <= LIMITS["layers"]:
        raise InvalidArgument(f"{name}: need at least one weight matrix, i.e. between 2 and "
                              f"{LIMITS['layers']} layer sizes; got {len(sizes)}")
    for k, m in enumerate(sizes):
        if isinstance(m, bool) or not isinstance(m, numbers.Integral) or not 1 <= m <= LIMITS["width"]:
            raise InvalidArgument(f"{name}: layer sizes must be positive integers <= {LIMITS['width']}; "
                                  f"got {name}[{k}] = {_shown(m)}")
    return tuple(int(m) for m in sizes)
