"""Hints read from the two sides' values alone: sign, factor n, transpose, mirrored entries, and a missing or
extra phi' factor (the ratio of the sides is phi'(z) of some layer, entry by entry).

Every hint has a stable kind (``hint_kind`` in the JSON): sign, factor_n, transpose, phi_prime_at_a,
wrong_layer, swapped_indices, wrong_sum_index, hadamard_vs_matmul, missing_phi_prime, extra_phi_prime,
a_z_mixup, sample_index, bias (or "" when no hint applies).
"""
from __future__ import annotations

from fractions import Fraction

import mpmath

from .model import TOL
from .symbols import derivative_of
from .values import Mat, as_scalar, close, neg, scale, transpose

__all__ = ["value_hint", "same", "phi_factor_hint", "HINT_KINDS"]

HINT_KINDS = ("sign", "factor_n", "transpose", "phi_prime_at_a", "wrong_layer", "swapped_indices",
              "wrong_sum_index", "hadamard_vs_matmul", "missing_phi_prime", "extra_phi_prime", "a_z_mixup",
              "sample_index", "bias")


def same(a, b) -> bool:
    a, b = as_scalar(a), as_scalar(b)
    if isinstance(a, Mat) != isinstance(b, Mat):
        return False
    if not isinstance(a, Mat):
        return close(a, b, TOL)
    if (a.rows, a.cols) != (b.rows, b.cols):
        return False
    return all(close(x, y, TOL) for ra, rb in zip(a.data, b.data, strict=True)
               for x, y in zip(ra, rb, strict=True))


def value_hint(left, right, n: int) -> tuple[str, str]:
    """(text, kind) of a pattern relating the two sides' values, or ("", "")."""
    if same(left, neg(right)):
        return "sign: the two sides differ by a factor -1", "sign"
    if n > 1 and same(left, scale(right, Fraction(1, n))):
        return (f"factor n: the right side is n = {n} times the left (a 1/n is missing on the right)",
                "factor_n")
    if n > 1 and same(scale(left, Fraction(1, n)), right):
        return f"factor n: the left side is n = {n} times the right (an extra 1/n on the right)", "factor_n"
    if isinstance(left, Mat) and isinstance(right, Mat):
        if same(left, transpose(right)) and (left.rows, left.cols) != (right.rows, right.cols):
            return "transpose: the right side is the transpose of the left", "transpose"
        if (left.rows, left.cols) == (right.rows, right.cols):
            text = _swapped_entries(left, right)
            if text:
                return text, "swapped_indices"
    return "", ""


def _swapped_entries(left: Mat, right: Mat) -> str:
    bad = [(r, c) for r in range(left.rows) for c in range(left.cols)
           if not close(left.data[r][c], right.data[r][c], TOL)]
    if not bad:
        return ""
    for r, c in bad:
        if not (c < left.rows and r < left.cols and close(right.data[r][c], left.data[c][r], TOL)):
            return ""
    cells = ", ".join(f"({r + 1},{c + 1})" for r, c in bad)
    plural = "ies" if len(bad) > 1 else "y"
    return (f"transposed entries: entr{plural} {cells} of the right side hold the value of the mirrored "
            "entry (i.e. w_i^j written as w_j^i)")


def phi_factor_hint(left, right, model, describe_layer) -> tuple[str, str]:
    """A missing or extra phi'(z) factor: left/right equals phi'(z) (or its inverse) of one layer."""
    left, right = as_scalar(left), as_scalar(right)
    Z, _, _ = model.forward(())
    for P in range(1, model.L + 1):
        fn = model.phi_out if P == model.L else model.phi
        with mpmath.workdps(mpmath.mp.dps + 10):
            D = Z[P].map(lambda z, fn=fn: derivative_of(fn, z))
        name = describe_layer(P)
        if _ratio_is(left, right, D):
            return (f"a factor phi'(z) of layer {name} is missing on the right (or is extra on the left)",
                    "missing_phi_prime")
        if _ratio_is(right, left, D):
            return f"an extra factor phi'(z) of layer {name} on the right", "extra_phi_prime"
    return "", ""


def _ratio_is(top, bottom, D: Mat) -> bool:
    """top == bottom * D entry by entry (same shape), or for scalars top/bottom is some entry of D."""
    if isinstance(top, Mat) and isinstance(bottom, Mat):
        if (top.rows, top.cols) != (bottom.rows, bottom.cols) or (top.rows, top.cols) != (D.rows, D.cols):
            return False
        return all(close(t, b * d, TOL) for rt, rb, rd in zip(top.data, bottom.data, D.data, strict=True)
                   for t, b, d in zip(rt, rb, rd, strict=True)) and not same(top, bottom)
    if isinstance(top, Mat) or isinstance(bottom, Mat) or bottom == 0 or close(top, bottom, TOL):
        return False
    return any(close(top, bottom * d, TOL) for row in D.data for d in row)
