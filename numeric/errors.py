"""numeric's one exception for bad arguments and the checks of a training configuration.

``InvalidArgument`` is a ValueError with a one-line message naming the argument; ``check_int`` and
``check_real`` are the checks of single values (``numeric.config_check.check_config`` checks a whole
``Config``; this module imports nothing of numeric, so every module may import it). ``numeric.budget``
then estimates memory and time. The limits (``LIMITS``) are in the README ("Limits and
errors"). numeric imports neither derive nor verify, so these helpers are its own.
"""

from __future__ import annotations

import math
import numbers

__all__ = ["InvalidArgument", "LIMITS", "check_int", "check_real"]

LIMITS = {
    "layers": 32,           # layer sizes m_0..m_L
    "width": 65_536,        # nodes per layer
    "epochs": 10_000,
    "batch": 60_000,        # the MNIST training set
    "seed": 2**63 - 1,
}


class InvalidArgument(ValueError):
    """A bad argument of numeric's API or CLI; ``str(exc)`` is one line naming the argument."""


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


def check_real(value, name: str, low: float | None = None, high: float | None = None, *,
               low_open: bool = False, high_open: bool = False) -> float:
    """``value`` as a finite float in the range; refuses NaN, inf, complex, strings and bools."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise InvalidArgument(f"{name} must be a real number, got {_shown(value)}")
    value = float(value)
    if not math.isfinite(value):
        raise InvalidArgument(f"{name} must be a finite number, got {value}")
    if low is not None and (value < low or (low_open and value == low)):
        raise InvalidArgument(f"{name} must be {'>' if low_open else '>='} {low:g}, got {value:g}")
    if high is not None and (value > high or (high_open and value == high)):
        raise InvalidArgument(f"{name} must be {'below' if high_open else '<='} {high:g}, got {value:g}")
    return value


def _check_sizes(sizes) -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise InvalidArgument(f"sizes must be a sequence of layer sizes m_0..m_L, got {_shown(sizes)}")
    if not 2 <= len(sizes) <= LIMITS["layers"]:
        raise InvalidArgument(f"sizes must list between 2 and {LIMITS['layers']} layer sizes, "
                              f"got {len(sizes)}")
    return tuple(check_int(m, f"sizes[{k}]", 1, LIMITS["width"]) for k, m in enumerate(sizes))
