"""Where the expected values come from.

* ``symbolic`` (default): ``derive.layer_truth`` - sympy.diff's derivatives of the stages of the cost,
  combined by the chain rule for every entry at once, evaluated at the very float64 numbers the engine saw
  (taken as exact rationals) in certified ball arithmetic to 30 digits (kept as a double-double, ~32).
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
    """sympy.diff ground truth at the given numbers, as mpmath numbers: ``derive.layer_truth`` (sympy's
    stage derivatives, every entry of every layer at once, certified to ``dps`` digits by arb balls)."""
    layer_truth = api("derive", "layer_truth")
    truth = layer_truth([np.asarray(W, float) for W in weights], np.asarray(X, float), np.asarray(Y, float),
                        activation=activation, cost=cost, output_activation=output_activation,
                        biases=biases, dps=dps)
    if entries is None:
        entries = [(N, r, c) for N, W in enumerate(weights) for r in range(np.shape(W)[0])
                   for c in range(np.shape(W)[1])]
        entries += [("b", N, r) for N, b in enumerate(biases or []) for r in range(np.shape(b)[0])]
    out = {}
    with mpmath.workdps(40):
        for key in entries:
            G, r, c = (truth.grad_b[key[1]], key[2], 0) if key[0] == "b" else (truth.grad_W[key[0]], *key[1:])
            out[tuple(key)] = mpmath.mpf(float(G.hi[r, c])) + mpmath.mpf(float(G.lo[r, c]))
    return out


TRUTHS = {"symbolic": symbolic, "complex-step": complex_step}


def truth_values(name: str, weights, X, Y, entries, **options) -> dict[Key, object]:
    """Expected dLambda/dW_N[r, c] for each key from the named truth source."""
    if name not in TRUTHS:
        raise ValueError(f"unknown truth {name!r}; choose from {', '.join(TRUTHS)}")
    return TRUTHS[name](weights, X, Y, entries, **options)
