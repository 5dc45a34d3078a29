"""Where the expected values come from.

* ``symbolic`` (default): ``derive.ground_truth_at`` - the plain ``sympy.diff`` derivative of the cost,
  evaluated at the very float64 numbers the engine saw (taken as exact rationals) to 30 digits.
* ``complex-step``: verify's complex-step oracle; accurate to ~1e-16 relative and fast, used where the
  symbolic route would be too slow (hundreds of random property-test cases). Never the engine.
"""

from __future__ import annotations

import mpmath
import numpy as np

from .oracles import complex_step

__all__ = ["TRUTHS", "api", "symbolic", "truth_values"]

Key = tuple[int, int, int]


def api(package: str, name: str):
    """``package.name`` from a sibling package's public API, or RuntimeError with a one-line reason."""
    import importlib

    try:
        return getattr(importlib.import_module(package), name)
    except (ImportError, AttributeError) as exc:
        raise RuntimeError(f"{package}.{name} is not available ({exc})") from None


def symbolic(weights, X, Y, entries=None, *, activation="sigmoid", cost="logloss", output_activation=None,
             biases=None, dps: int = 30) -> dict[Key, mpmath.mpf]:
    """sympy.diff ground truth at the given numbers (``derive.ground_truth_at``), as mpmath numbers."""
    sizes = [int(np.shape(X)[0])] + [int(np.shape(W)[0]) for W in weights]
    options = {"entries": entries, "activation": activation, "cost": cost, "biases": biases, "dps": dps}
    if output_activation is not None:
        options["output_activation"] = output_activation
    ground_truth_at = api("derive", "ground_truth_at")
    values = ground_truth_at(sizes, [np.asarray(W, float) for W in weights], np.asarray(X, float),
                             np.asarray(Y, float), **options)
    return {tuple(k if k == "b" else int(k) for k in key): mpmath.mpf(v) for key, v in values.items()}


TRUTHS = {"symbolic": symbolic, "complex-step": complex_step}


def truth_values(name: str, weights, X, Y, entries, **options) -> dict[Key, object]:
    """Expected dLambda/dW_N[r, c] for each key from the named truth source."""
    if name not in TRUTHS:
        raise ValueError(f"unknown truth {name!r}; choose from {', '.join(TRUTHS)}")
    return TRUTHS[name](weights, X, Y, entries, **options)
