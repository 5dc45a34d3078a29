"""Names the likely bug from the numbers: ratios got/expected, transposes, neighbouring layers, bug models.

Nothing here reads the user's source. Given the user's arrays and the expected gradients it tests, in this
order, and reports the first pattern that explains every layer:

1. the count and the shapes (a transposed shape, a neighbour layer's shape, per-sample gradients, vectors);
2. one constant factor c with got = c * expected (c = -1 flipped sign, c = n missing 1/n, c = 1/n extra 1/n);
3. got[N]^T = expected[N] (transposed gradient of a square W_N);
4. got[N] = expected[N +- 1] (off-by-one layer);
5. the EBP bug models of ``verify.bugmodels`` (missing phi', phi' at the wrong layer, Z for A, ...);
6. else where the error enters: "only the last layer right" or the first wrong layer from the output.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from .bugmodels import MODELS, model_gradients
from .errors import InvalidArgument, check_network_args
from .oracles import complex_step, full_gradient
from .tolerances import Tolerance, tolerance_for

__all__ = ["Diagnosis", "combine", "diagnose", "diagnose_biases"]


@dataclass(frozen=True)
class Diagnosis:
    """kind: a stable id (e.g. "transposed", "factor_n"); title: one line for people; evidence: numbers."""

    kind: str
    title: str
    evidence: list = field(default_factory=list)
    layers: tuple = ()

    @property
    def short(self) -> str:
        """The name of the bug without its explanation (the title up to its first colon)."""
        return self.title.split(": ", 1)[0]

    def as_dict(self) -> dict:
        return {**asdict(self), "short": self.short, "layers": list(self.layers)}

    def __str__(self) -> str:
        return self.title


def _resid(g, m) -> float:
    """Relative Frobenius distance ||g - m|| / ||m|| (absolute when m is zero)."""
    scale = np.linalg.norm(m)
    d = np.linalg.norm(np.asarray(g, float) - m)
    return d / scale if scale > 0 else d


def _fit(g, e) -> tuple[float, float]:
    """Least-squares factor c with g ~ c e, and the residual of that fit."""
    ee = float(np.vdot(e, e))
    if ee == 0:
        return float("nan"), float("inf")
    c = float(np.vdot(e, g)) / ee
    return c, _resid(g, c * e)


def _bad_layers(got, exp, tol: Tolerance) -> list[int]:
    return [N for N, (g, e) in enumerate(zip(got, exp, strict=True))
            if np.any(np.abs(g - e) > np.maximum(tol.atol, tol.rtol * np.abs(e)))]


def _factor_name(c: float, n: int) -> tuple[str, str] | None:
    for target, kind, text in ((-1.0, "flipped_sign", "flipped sign: got = -expected (e.g. delta_L = Y - A "
                                "instead of A - Y, or a gradient ascent sign)"),
                               (float(n), "factor_n", f"off by a factor n = {n}: the 1/n of the cost "
                                "average (eq 19) is missing"),
                               (1.0 / n, "factor_n", f"off by a factor 1/n = 1/{n}: divided by n twice "
                                "(an extra 1/n)"),
                               (-float(n), "flipped_sign", f"flipped sign and the 1/n missing (x -{n})")):
        if (n > 1 or target == -1.0) and np.isclose(c, target, rtol=1e-6):
            return kind, text
    return None


def _shape_diagnosis(got, exp, n, tol) -> Diagnosis | None:
    L, match = len(exp), tol.match
    if len(got) != L:
        for drop, where in ((0, "grad_W[0] (the first layer)"), (L - 1, f"grad_W[{L - 1}] (the last layer)")):
            rest = exp[:drop] + exp[drop + 1:]
            if len(got) == L - 1 and all(g.shape == e.shape and _resid(g, e) < match
                                         for g, e in zip(got, rest, strict=True)):
                return Diagnosis("off_by_one", f"off-by-one layer: {where} is missing, the loop over layers "
                                 "stops one step early", [f"{len(got)} arrays for {L} matrices"], (drop,))
        return Diagnosis("wrong_shape", f"wrong number of gradients: {len(got)} for {L} weight matrices",
                         [], ())
    if [g.shape for g in got] == [e.shape for e in exp]:
        return None
    backwards = zip(got, exp[::-1], strict=True)
    if L > 1 and all(g.shape == e.shape and _resid(g, e) < match for g, e in backwards):
        return Diagnosis("off_by_one", "layers in reverse order: grad_W[N] holds grad_W[L-1-N] (list built "
                         "from the output backwards and not reversed)", [], tuple(range(L)))
    evidence, kinds, layers = [], set(), []
    for N, (g, e) in enumerate(zip(got, exp, strict=True)):
        if g.shape == e.shape:
            continue
        layers.append(N)
        if g.shape == e.T.shape and _resid(g.T, e) < match:
            kinds.add("transposed")
            evidence.append(f"grad_W[{N}] has shape {g.shape} = W_{N}^T's and equals expected^T "
                            f"(residual {_resid(g.T, e):.1e})")
        elif any(0 <= M < L and g.shape == exp[M].shape and _resid(g, exp[M]) < match
                 for M in (N - 1, N + 1)):
            kinds.add("off_by_one")
            evidence.append(f"grad_W[{N}] holds the values of a neighbouring layer's gradient")
        elif g.ndim == 3 and n in (g.shape[0], g.shape[-1]):
            kinds.add("per_sample")
            evidence.append(f"grad_W[{N}] has shape {g.shape}: one gradient per sample, not summed over the "
                            "n samples (eq 93 sums over the batch)")
        else:
            kinds.add("wrong_shape")
            evidence.append(f"grad_W[{N}] has shape {g.shape}, W_{N} has {e.shape}")
    titles = {"transposed": "transposed gradient: grad_W[N] returned as (m_N, m_{N+1}), i.e. A delta^T "
              "instead of delta A^T (eq 93)",
              "off_by_one": "off-by-one layer: gradients stored at the wrong layer index",
              "per_sample": "wrong shape: per-sample gradients returned instead of their average",
              "wrong_shape": "wrong shape: the gradients do not have the shapes of the weights"}
    kind = next(iter(kinds)) if len(kinds) == 1 else "wrong_shape"
    return Diagnosis(kind, titles[kind], evidence, tuple(layers))


def _value_diagnosis(got, exp, weights, X, Y, tol, options) -> Diagnosis | None:
    n, L, match = X.shape[1], len(exp), tol.match
    bad = _bad_layers(got, exp, tol)
    if not bad:
        return None
    fits = [_fit(got[N], exp[N]) for N in range(L)]
    if all(r < match for _, r in fits) and np.allclose([c for c, _ in fits], fits[bad[0]][0], rtol=1e-6):
        c = fits[bad[0]][0]
        named = _factor_name(c, n)
        kind, title = named or ("factor", f"off by a constant factor {c:.6g} in every layer")
        return Diagnosis(kind, title, [f"got / expected = {c:.6g} in every layer (residual "
                                       f"{max(r for _, r in fits):.1e})"], tuple(bad))
    if all(got[N].shape[0] == got[N].shape[1] and _resid(got[N].T, exp[N]) < match for N in bad):
        return Diagnosis("transposed", "transposed gradient: grad_W[N]^T returned (A delta^T instead of "
                         "delta A^T, eq 93)", [f"got[{N}]^T = expected[{N}]" for N in bad], tuple(bad))
    moved = [N for N in bad if any(0 <= M < L and M != N and got[N].shape == exp[M].shape
                                   and _resid(got[N], exp[M]) < match for M in (N - 1, N + 1))]
    if moved == bad:
        return Diagnosis("off_by_one", "off-by-one layer: grad_W[N] holds the gradient of a neighbouring "
                         "layer", [f"grad_W[{N}] equals expected grad_W[N+-1]" for N in bad], tuple(bad))
    zeros = [N for N in bad if not np.any(got[N])]
    if zeros == bad:
        where = ", ".join(f"grad_W[{N}]" for N in zeros)
        return Diagnosis("off_by_one", f"off-by-one layer: {where} all zeros, never computed (the loop over "
                         "layers stops one step early?); the other layers are right", [], tuple(bad))
    for model in MODELS:
        if not model.applies(options["activation"], options["cost"]):
            continue
        M = model_gradients(model, weights, X, Y, **options)
        if all(_resid(m, e) < match for m, e in zip(M, exp, strict=True)):
            continue  # indistinguishable from the correct EBP on this network
        c, r = _fit(np.concatenate([g.ravel() for g in got]), np.concatenate([m.ravel() for m in M]))
        title = model.describe(options["activation"], options["cost"])
        if r < match and np.isclose(c, 1.0, rtol=1e-6):
            return Diagnosis(model.kind, title, [f"the numbers match this bug's gradients in all {L} "
                             f"layers (residual {r:.1e})"], tuple(bad))
        if r < match and model.any_scale:
            return Diagnosis(model.kind, title, [f"got = {c:.6g} x this bug's gradients in all {L} "
                             f"layers (residual {r:.1e})"], tuple(bad))
        named = _factor_name(c, n)
        if r < match and named:
            return Diagnosis(model.kind, f"{title}; also {named[1]}",
                             [f"got = {c:.6g} x this bug's gradients (residual {r:.1e})"], tuple(bad))
    ratios = [f"grad_W[{N}]: got/expected ~ {fits[N][0]:.3g} (fit residual {fits[N][1]:.1e})" for N in bad]
    if L > 1 and bad == list(range(L - 1)):
        return Diagnosis("only_last_layer", "only the last layer is right: the output delta and eq (93) "
                         "hold, the backward recursion (eq 92: W_N^T delta_{N+1} * D_phi(Z_N)) is wrong",
                         ratios, tuple(bad))
    first = max(bad)
    return Diagnosis("unknown", f"no known pattern; the error first shows in grad_W[{first}] (counting from "
                     f"the output), {len(bad)} of {L} matrices wrong", ratios, tuple(bad))


def diagnose(got, weights, X, Y, *, activation="sigmoid", cost="logloss", output_activation=None,
             biases=None, tolerance: Tolerance | None = None,
             expected: dict | None = None) -> Diagnosis | None:
    """The likely bug behind ``got`` (list of arrays), or None when every matrix agrees.

    expected: truth values {(N, r, c): float}; used when it covers every entry, otherwise the full
    gradient is taken from the complex-step oracle (agrees with the truth to ~1e-16).
    """
    weights, X, Y, biases, _, _ = check_network_args(weights, X, Y, biases, None,
                                                     (activation, cost, output_activation, None))
    if isinstance(got, (str, bytes)) or not hasattr(got, "__iter__"):
        raise InvalidArgument(f"got must be a list of gradient arrays, got {type(got).__name__}")
    got = [np.asarray(g) for g in got]
    tol = tolerance or tolerance_for(np.result_type(*got) if got else float)
    options = {"activation": activation, "cost": cost, "output_activation": output_activation,
               "biases": biases}
    total = sum(W.size for W in weights)
    if expected is not None and len(expected) == total:
        exp = [np.zeros(W.shape) for W in weights]
        for key, v in expected.items():
            exp[key[0]][key[1], key[2]] = v
    else:
        exp = full_gradient(complex_step, weights, X, Y, **options)
    broken = [N for N, g in enumerate(got) if g.dtype.kind in "fc" and not np.all(np.isfinite(g))]
    if broken:
        where = ", ".join(f"grad_W[{N}]" for N in broken)
        return Diagnosis("nonfinite", f"NaN/inf in {where}: an overflow (exp of a large z), log(0) or a "
                         "division by zero in the implementation", [], tuple(broken))
    shaped = _shape_diagnosis(got, exp, X.shape[1], tol)
    if shaped is not None:
        return shaped
    return _value_diagnosis([g.astype(float) for g in got], exp, weights, X, Y, tol, options)


def diagnose_biases(got_b, exp_b, n: int, tol: Tolerance) -> Diagnosis | None:
    """grad_b[N] (eq 93's analogue: (1/n) sum_s delta_{N+1}) against the expected bias gradients."""
    misshapen = [N for N, (g, e) in enumerate(zip(got_b, exp_b, strict=True)) if np.shape(g) != np.shape(e)]
    if misshapen:  # one value per sample: delta summed over its nodes (axis 0) instead of its samples
        sizes = [f"grad_b[{N}]: {np.size(got_b[N])} values, b_{N} has {np.size(exp_b[N])}" for N in misshapen]
        if all(np.size(got_b[N]) == n for N in misshapen):
            return Diagnosis("bias_axis", "grad_b summed over the wrong axis: one value per sample "
                             f"(n = {n}), the sum ran over the nodes (axis 0); "
                             "grad b_N = (1/n) delta_{N+1} 1_n sums over the samples (axis 1)",
                             sizes, tuple(misshapen))
        return Diagnosis("wrong_shape", "grad_b has the wrong shape: grad_b[N] must have one entry per node "
                         "of L(N+1), like b_N", sizes, tuple(misshapen))
    bad = _bad_layers(got_b, exp_b, tol)
    if not bad:
        return None
    fits = [_fit(got_b[N], exp_b[N]) for N in bad]
    c = fits[0][0]
    if all(r < tol.match and np.isclose(f, c, rtol=1e-6) for f, r in fits):
        named = _factor_name(c, n)
        title = named[1] if named else f"off by a constant factor {c:.6g}"
        ratios = [f"grad_b[{N}]: got / expected = {f:.6g}" for N, (f, _) in zip(bad, fits, strict=True)]
        return Diagnosis(named[0] if named else "factor", f"grad_b {title}", ratios, tuple(bad))
    return Diagnosis("unknown", f"bias gradients wrong in {len(bad)} of {len(got_b)} layers (the weight "
                     "gradients agree)", [], tuple(bad))


_GENERIC = ("unknown", "only_last_layer", "wrong_shape")


def combine(found: list[tuple[Diagnosis, int]]) -> Diagnosis | None:
    """One diagnosis from several cases: (diagnosis, depth L) pairs. The most frequent specific kind wins,
    ties going to the deepest network (where the most patterns are distinguishable)."""
    found = [(d, L) for d, L in found if d is not None]
    if not found:
        return None
    specific = [(d, L) for d, L in found if d.kind not in _GENERIC] or found
    counts: dict[str, int] = {}
    for d, _ in specific:
        counts[d.kind] = counts.get(d.kind, 0) + 1
    best = max(counts.values())
    return max(((d, L) for d, L in specific if counts[d.kind] == best), key=lambda p: p[1])[0]
