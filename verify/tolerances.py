"""Tolerances per floating-point dtype, as data (after JAX's public_test_util).

An entry agrees when ``|got - expected| <= max(atol, rtol * |expected|)``; ``atol`` only matters for
entries near zero. The figures follow the project's targets: float64 relative error <= 1e-12 and absolute
error <= 1e-15 near zero. The tables print the tolerance they used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

__all__ = ["TOLERANCES", "Tolerance", "tolerance_for"]


@dataclass(frozen=True)
class Tolerance:
    """Agreement threshold for one dtype: relative ``rtol``, absolute ``atol`` near zero."""

    dtype: str
    rtol: float
    atol: float

    def allows(self, abs_err: float, expected: float) -> bool:
        """True when an error ``abs_err`` on a true value ``expected`` is within tolerance."""
        return abs_err <= max(self.atol, self.rtol * abs(expected))

    @property
    def match(self) -> float:
        """Looser relative threshold used to say "this matrix equals that pattern" in a diagnosis."""
        return max(1e-9, 1e3 * self.rtol)

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        return f"{self.dtype}: rel <= {self.rtol:.0e}, abs <= {self.atol:.0e} near 0"


TOLERANCES: dict[str, Tolerance] = {
    "float64": Tolerance("float64", rtol=1e-12, atol=1e-15),
    "float32": Tolerance("float32", rtol=1e-5, atol=1e-7),
    "float16": Tolerance("float16", rtol=5e-3, atol=1e-4),
}


def tolerance_for(dtype) -> Tolerance:
    """The :class:`Tolerance` of a numpy dtype (integers and unknown kinds are judged as float64)."""
    name = np.dtype(dtype).name
    if name == "longdouble":
        name = "float64"
    return TOLERANCES.get(name, TOLERANCES["float64"])
