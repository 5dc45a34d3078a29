"""Diagnoses that name an option instead of a bug: another layout, a reduction, a per-sample combination, an
L2 term - tried before the EBP bug models of ``verify.diagnose`` (which then see the data part only).

Only numbers are read: ``got`` (the user's gradients in the paper's layout), ``exp`` (the truth, L2 term
included when one was declared) and what the options said.
"""

from __future__ import annotations

import numpy as np

from .diagnose import Diagnosis, _fit, _resid, diagnose

__all__ = ["explain"]


def _flat(arrays) -> np.ndarray:
    return np.concatenate([np.asarray(a, float).ravel() for a in arrays])


def _same_shapes(got, exp) -> bool:
    return len(got) == len(exp) and all(np.shape(g) == np.shape(e) for g, e in zip(got, exp, strict=True))


def _layout(got, exp, layout, match) -> Diagnosis | None:
    if len(got) != len(exp) or any(np.ndim(g) != 2 for g in got):
        return None
    pairs = list(zip(got, exp, strict=True))
    if all(np.shape(g) == e.T.shape and _resid(np.asarray(g, float).T, e) < match for g, e in pairs) and any(
            e.shape[0] != e.shape[1] for e in exp):
        other = "in-out" if layout.weights == "out-in" else "out-in"
        shape = "(m_N, m_{N+1}) = (in, out)" if other == "in-out" else "(m_{N+1}, m_N) = (out, in)"
        return Diagnosis("layout", "another layout: every gradient equals the truth as a "
                         f"{shape} matrix; if your code stores W_N that way, pass --weights {other}",
                         [f"grad_W[N]^T = expected[N] in all {len(exp)} layers"], tuple(range(len(exp))))
    return None


def _scale(got, exp, spec, per_sample, n, m_L, match) -> Diagnosis | None:
    c, r = _fit(_flat(got), _flat(exp))
    if not (r < match and np.isfinite(c)):
        return None
    named = []
    if per_sample == "sum" and np.isclose(c, n, rtol=1e-9) and n > 1:
        named.append(("per_sample", f"the {n} per-sample gradients were summed: pass --per-sample mean"))
    if per_sample == "mean" and np.isclose(c, 1 / n, rtol=1e-9) and n > 1:
        named.append(("per_sample", f"the {n} per-sample gradients were averaged: pass --per-sample sum"))
    if spec.nodes == "sum" and m_L > 1 and np.isclose(c, 1 / m_L, rtol=1e-9):
        named.append(("reduction", f"your loss averages over the {m_L} output nodes: pass "
                      "--node-reduction mean"))
    if spec.nodes == "mean" and m_L > 1 and np.isclose(c, m_L, rtol=1e-9):
        named.append(("reduction", "your loss sums over the output nodes: drop --node-reduction mean"))
    if spec.batch == "mean" and n > 1 and np.isclose(c, n, rtol=1e-9) and per_sample is None:
        named.append(("factor_n", f"off by a factor n = {n}: the 1/n of the batch mean (eq 19) is missing - "
                      "or your loss sums over the batch: then pass --batch-reduction sum"))
    if spec.batch == "sum" and n > 1 and np.isclose(c, 1 / n, rtol=1e-9):
        named.append(("reduction", "your loss averages over the batch: drop --batch-reduction sum"))
    if not named:
        return None
    kind, title = named[0]
    return Diagnosis(kind, title, [f"got / expected = {c:.6g} in every layer (residual {r:.1e})"],
                     tuple(range(len(exp))))


def _l2(got, exp, weights, spec, n, match) -> Diagnosis | None:
    d = [np.asarray(g, float) - e for g, e in zip(got, exp, strict=True)]
    k, r = _fit(_flat(d), _flat(weights))
    if not (np.isfinite(k) and r < match and abs(k) > 0):
        return None
    if not spec.l2:
        return Diagnosis("l2", f"got - expected = {k:.6g} W_N in every layer: an L2 term. Declare it: "
                         f"--l2 {k * n:.6g} --l2-form alpha/2n (scikit-learn, n = {n}), or --l2 {k / 2:.6g} "
                         f"--l2-form reg (reg sum W^2), or --l2 {k:.6g} --l2-form half",
                         [f"got - expected = {k:.6g} W (residual {r:.1e})"], tuple(range(len(exp))))
    c2 = float(spec.l2_gradient(weights, n)[0].ravel()[0] / weights[0].ravel()[0]) if weights[0].size else 0
    words = {-1.0: "no L2 term in the gradient, though --l2 declares one",
             -0.5: "L2 gradient off by a factor 1/2: d/dW of c sum W^2 is 2 c W (the factor 2 is missing)",
             1.0: "L2 term counted twice"}
    for ratio, text in words.items():
        if np.isclose(k, ratio * c2, rtol=1e-6):
            return Diagnosis("l2", text, [f"got - expected = {k:.6g} W, the declared term's gradient is "
                             f"{c2:.6g} W (residual {r:.1e})"], tuple(range(len(exp))))
    return Diagnosis("l2", f"the L2 term's gradient is {k + c2:.6g} W, the declared one is {c2:.6g} W "
                     f"({spec.l2_form}, {spec.l2:g})", [f"residual {r:.1e}"], tuple(range(len(exp))))


def explain(got, exp, weights, X, Y, *, spec, layout, per_sample, tolerance, options) -> Diagnosis | None:
    """The first explanation of ``got`` vs ``exp``: layout, reduction, L2, then the EBP bug models."""
    match = tolerance.match
    n, m_L = X.shape[1], exp[-1].shape[0]
    found = _layout(got, exp, layout, match)
    if found or not _same_shapes(got, exp):
        return found or diagnose(got, weights, X, Y, tolerance=tolerance, expected=_as_dict(exp), **options)
    l2 = spec.l2_gradient(weights, n)
    if l2 is None:
        found = _scale(got, exp, spec, per_sample, n, m_L, match) or _l2(got, exp, weights, spec, n, match)
    else:  # a wrong L2 term first; then the data parts (the bug models know no L2)
        found = _l2(got, exp, weights, spec, n, match)
        got = [np.asarray(g, float) - t for g, t in zip(got, l2, strict=True)]
        exp = [e - t for e, t in zip(exp, l2, strict=True)]
        found = found or _scale(got, exp, spec, per_sample, n, m_L, match)
    return found or diagnose(got, weights, X, Y, tolerance=tolerance, expected=_as_dict(exp), **options)


def _as_dict(exp) -> dict:
    return {(N, r, c): float(E[r, c]) for N, E in enumerate(exp) for r in range(E.shape[0])
            for c in range(E.shape[1])}
