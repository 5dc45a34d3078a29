"""The truth for network quantities a document defines: delta and out-delta, from the model's own cost.

``delta`` of layer N is d(sum over samples of the per-sample cost) / d Z_N, one column per sample; the
mean-cost convention (the same divided by n) is accepted too. ``out-delta`` is d lambda / d A_L. Both are
high-precision numerical derivatives of the recomputed network (the cost is the front matter's), so a
document's definition of them is checked, not trusted.
"""
from __future__ import annotations

import mpmath

from .values import Mat

__all__ = ["delta_truth", "DELTA_KINDS"]

DELTA_KINDS = {"delta": "z", "outdelta": "a"}


def delta_truth(model, kind: str, layer: int) -> Mat | None:
    """(m_layer x n) matrix of d(n Lambda)/d Z_layer (kind 'delta') or d(n Lambda)/d A_L ('outdelta')."""
    var = DELTA_KINDS[kind]
    if kind == "outdelta":
        layer = model.L
    if not (1 if var == "z" else 0) <= layer <= model.L:
        return None
    key = ("delta-truth", kind, layer)
    if key not in model._truth:
        Z, A, _ = model.forward(())
        base = (Z if var == "z" else A)[layer]
        with mpmath.workdps(mpmath.mp.dps + 15):
            rows = [[model.n * mpmath.diff(lambda t, r=r, s=s: model.cost(((((var, layer, r, s)), t),)),
                                           base.data[r][s])
                     for s in range(model.n)] for r in range(base.rows)]
        model._truth[key] = Mat([[+x for x in row] for row in rows])
    return model._truth[key]
