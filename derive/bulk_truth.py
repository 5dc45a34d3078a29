"""The per-layer truth: dLambda/dW_N for every entry of every layer at once, from sympy.diff's stage
derivatives, evaluated in certified ball arithmetic (python-flint ``arb``).

What sympy differentiates (``derive.stages``, once per activation / cost / output size / batch, then
cached on disk by ``derive.cache``): phi'(z) of the hidden activation; dLambda_Sx/dz_j of the output
stage (cost and output activation or softmax, eq 19, one sample); and the one term of the affine stage
(eq 9), whose derivatives by W, a and b are a, W and 1.

What is then plain arithmetic, in this module: the multivariable chain rule that combines those local
derivatives - exactly the rule sympy's ``Function._eval_derivative`` applies to a composite (sum over
arguments of partial derivative times the argument's derivative) and its ``Add._eval_derivative`` (the
derivative of a sum is the sum of the derivatives) - accumulated from the output backwards, one layer at a
time, as matrix products:

    g_L[j, s]    = dLambda_Ss/dz_j at (Z_L[:, s], A_L[:, s], Y[:, s])          (sympy's output stage)
    dLambda/dW_N = g_{N+1} A_N^T      (sum over samples of g_{N+1}[j, s] * dZ_{N+1}[j, s]/dW_N[j, i])
    dLambda/db_N = g_{N+1} 1          (dZ/db = 1)
    g_N          = (W_N^T g_{N+1}) * phi'(Z_N)   (sum over j of g_{N+1}[j, s] * dZ_{N+1}[j, s]/dA_N[k, s],
                                                   times sympy's activation stage)

In exact arithmetic this is the same number as ``sympy.diff`` of the whole cost (the chain rule's sum over
paths, associated from the output instead of from the weight; the tests check it against ``sympy.diff`` of
the full cost and against the stage-by-stage route of ``derive.evaluate_layers``). Forward values Z_N, A_N
come from the inputs taken as exact rationals (every float64 is one) and the registry's definitions of
the activations (eq 14) - nothing is rounded to float64 on the way.

Arithmetic: ``arb`` balls (midpoint + radius) at ``prec`` bits; every operation's rounding is inside the
ball, so each result comes with a certified bound. The precision starts at dps + 12 digits and doubles
until every entry is certified to dps + 2 significant digits (an exact zero is certified; an entry whose
value may be 0 - its ball contains 0 - to dps + 2 digits of the largest entry of its matrix). The value is
handed out as a double-double hi + lo (about 32 digits) with a certified absolute error bound ``err``.
ReLU: phi'(z) = Heaviside(z) needs the sign of z; a ball that contains 0 but is not exactly 0 raises the
precision; an exact 0 (the kink) gives 0, as the stage-by-stage route does.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass

import numpy as np

from .exprtree import TreeError, compile_tree, tree_functions, validate_tree

__all__ = ["Gradient", "LayerTruth", "gradient_balls", "layer_truth", "stage_bundle", "validate_bundle",
           "values_at"]

MAX_PREC = 16384
EVALUABLE = {"exp", "log", "tanh", "Heaviside"}
_memo: dict = {}


@dataclass(frozen=True)
class Gradient:
    """One gradient matrix: the exact value of entry [r, c] lies within err[r, c] of hi[r, c] + lo[r, c]."""

    hi: np.ndarray
    lo: np.ndarray
    err: np.ndarray

    def max_rel_bound(self) -> float:
        """Largest certified relative error of hi + lo (exact zeros excluded)."""
        nz = self.hi != 0
        return float(np.max(self.err[nz] / np.abs(self.hi[nz]))) if nz.any() else 0.0

    def mpf(self, r: int, c: int):
        """hi + lo as an exact mpmath number (about 32 significant digits)."""
        import mpmath

        with mpmath.workdps(60):
            return mpmath.mpf(float(self.hi[r, c])) + mpmath.mpf(float(self.lo[r, c]))


@dataclass(frozen=True)
class LayerTruth:
    """dLambda/dW_N for every N (and dLambda/db_N with biases), certified; ``prec`` the bits used."""

    grad_W: list
    grad_b: list | None
    prec: int
    seconds: float
    cached: bool

    def max_rel_bound(self) -> float:
        grads = self.grad_W + (self.grad_b or [])
        return max(g.max_rel_bound() for g in grads)


class _Undecided(ArithmeticError):
    """A sign needed at the current precision is not decided by the ball."""


def _check(weights, X, Y, biases):
    def real(value, name):
        arr = np.asarray(value)
        if arr.dtype.kind not in "fiu":
            raise ValueError(f"{name} must be a real numeric array, got dtype {arr.dtype}")
        arr = arr.astype(np.float64)
        if not np.all(np.isfinite(arr)):
            raise ValueError(f"{name} contains NaN or infinite values")
        return arr

    X, Y = real(X, "X"), real(Y, "Y")
    if X.ndim != 2 or X.shape[1] < 1 or Y.ndim != 2 or Y.shape[1] != X.shape[1]:
        raise ValueError(f"X (m_0, n) and Y (m_L, n) must be 2-D with the same n, got {X.shape}, {Y.shape}")
    Ws = [real(W, f"weights[{N}]") for N, W in enumerate(weights)]
    if not Ws:
        raise ValueError("need at least one weight matrix")
    rows = X.shape[0]
    for N, W in enumerate(Ws):
        if W.ndim != 2 or W.shape[1] != rows:
            raise ValueError(f"weights[{N}] has shape {W.shape}, expected (m_{N + 1}, {rows})")
        rows = W.shape[0]
    if Y.shape[0] != rows:
        raise ValueError(f"Y has {Y.shape[0]} rows, the output layer has {rows} nodes")
    bs = None
    if biases is not None:
        if len(biases) != len(Ws):
            raise ValueError(f"expected {len(Ws)} bias vectors, got {len(biases)}")
        bs = [real(b, f"biases[{N}]").reshape(-1, 1) for N, b in enumerate(biases)]
        for N, (b, W) in enumerate(zip(bs, Ws, strict=True)):
            if b.shape[0] != W.shape[0]:
                raise ValueError(f"biases[{N}] has {b.shape[0]} entries, expected {W.shape[0]}")
    return Ws, X, Y, bs


def _tree(tree, names) -> None:
    validate_tree(tree, names)
    unknown = tree_functions(tree) - EVALUABLE
    if unknown:
        raise TreeError(f"no evaluation for {sorted(unknown)}")


def validate_bundle(bundle) -> None:
    """Raise ValueError unless ``bundle`` is a well-formed stage bundle (see ``derive.stages``)."""
    if not isinstance(bundle, dict) or bundle.get("format") != 1:
        raise TreeError("not a stage bundle")
    m_L, n = bundle.get("m_L"), bundle.get("n")
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in (m_L, n)):
        raise TreeError("bad sizes in bundle")
    if bundle["affine"] != {"dW": ["sym", "a"], "dA": ["sym", "W"], "db": ["int", "1"]}:
        raise TreeError("the affine stage's derivatives are not a, W, 1")
    stages = [bundle["hidden"]] + ([] if bundle["softmax"] else [bundle["output"]])
    for stage in stages:
        _tree(stage["phi"], {"z"})
        _tree(stage["dphi"], {"z", "a"})
    trees = bundle["output"]["dLambda_dz"]
    if not isinstance(trees, list) or len(trees) != m_L:
        raise TreeError("bad output stage")
    names = {f"{p}{k}" for p in "zay" for k in range(m_L)}
    for tree in trees:
        _tree(tree, names)


def stage_bundle(m_L: int, n: int, activation: str, output_activation: str | None, cost: str,
                 use_cache: bool = True) -> tuple[dict, bool]:
    """(bundle, came from the cache): the stage derivatives, from memory, the disk cache, or sympy."""
    from . import cache

    key = {"kind": "stages", "m_L": int(m_L), "n": int(n), "activation": activation,
           "output_activation": output_activation, "cost": cost, "source": cache.source_hash()}
    memo_key = tuple(sorted((k, str(v)) for k, v in key.items()))
    if use_cache and memo_key in _memo:
        return _memo[memo_key], True
    bundle = cache.load(key, validate_bundle) if use_cache else None
    hit = bundle is not None
    if bundle is None:
        from .stages import derive_bundle  # imports sympy: only on a cache miss

        bundle = derive_bundle(int(m_L), int(n), activation, output_activation, cost)
        validate_bundle(bundle)
        if use_cache:
            cache.store(key, bundle)
    _memo[memo_key] = bundle
    return bundle, hit


def _heaviside(x):
    if x > 0:
        return 1
    if x < 0 or x.is_zero():
        return 0
    raise _Undecided("sign of a pre-activation")


def _functions(arb):
    """The number type's own functions for every function a bundle's trees may name (EVALUABLE)."""
    return {"exp": lambda x: x.exp(), "log": lambda x: x.log(), "tanh": lambda x: x.tanh(),
            "Heaviside": lambda x: arb(_heaviside(x)), "max": lambda a, b: a.max(b)}


def _apply(f, mats, arb_mat):
    """Element-wise f over arb matrices of one shape (values in the order of ``mats``)."""
    rows, cols = mats[0].nrows(), mats[0].ncols()
    columns = [m.entries() for m in mats]
    return arb_mat(rows, cols, [f(*vals) for vals in zip(*columns, strict=True)])


def _forward(bundle, Ws, A0, bs, n, table, arb, arb_mat):
    hidden = bundle["hidden"]
    phi = compile_tree(hidden["phi"], ["z"], table, arb)
    Z, A = [None], [A0]
    L = len(Ws)
    for N in range(L):
        z = Ws[N] * A[N]
        if bs is not None:
            z = z + bs[N]
        Z.append(z)
        if N + 1 < L:
            A.append(_apply(phi, [z], arb_mat))
    if bundle["softmax"]:
        A.append(arb_mat(Z[L].nrows(), n))
    else:
        A.append(_apply(compile_tree(bundle["output"]["phi"], ["z"], table, arb), [Z[L]], arb_mat))
    return Z, A


def _output_gradient(bundle, Z_L, A_L, Y, table, arb, arb_mat):
    m_L, n = Z_L.nrows(), Z_L.ncols()
    names = [f"{p}{k}" for p in "zay" for k in range(m_L)]
    fs = [compile_tree(t, names, table, arb) for t in bundle["output"]["dLambda_dz"]]
    g = arb_mat(m_L, n)
    for s in range(n):
        args = [Z_L[k, s] for k in range(m_L)] + [A_L[k, s] for k in range(m_L)] + \
            [Y[k, s] for k in range(m_L)]
        for j, f in enumerate(fs):
            g[j, s] = f(*args)
    return g


def _evaluate(bundle, Ws_f, X_f, Y_f, bs_f, prec: int, progress):
    from flint import arb, arb_mat, ctx

    old = ctx.prec
    ctx.prec = prec
    try:
        table = _functions(arb)
        n, L = X_f.shape[1], len(Ws_f)
        Ws = [arb_mat(W.tolist()) for W in Ws_f]
        bs = None if bs_f is None else [arb_mat(np.repeat(b, n, axis=1).tolist()) for b in bs_f]
        Z, A = _forward(bundle, Ws, arb_mat(X_f.tolist()), bs, n, table, arb, arb_mat)
        g = _output_gradient(bundle, Z[L], A[L], arb_mat(Y_f.tolist()), table, arb, arb_mat)
        dphi = compile_tree(bundle["hidden"]["dphi"], ["z", "a"], table, arb)
        grads_W, grads_b = [None] * L, [None] * L
        ones = arb_mat(n, 1, [1] * n)
        for N in reversed(range(L)):
            grads_W[N] = g * A[N].transpose()
            grads_b[N] = g * ones
            if N > 0:
                g = _apply(lambda d, z, a: d * dphi(z, a), [Ws[N].transpose() * g, Z[N], A[N]], arb_mat)
            if progress:
                progress(L - N, L)
        return grads_W, grads_b
    finally:
        ctx.prec = old


def _accuracy(G) -> float:
    """The smallest accuracy (bits) of the entries: relative to the entry, or - for an entry whose true
    value may be 0 (cancellation, e.g. a softmax bias gradient) - relative to the largest entry of the
    matrix; inf when all are exact zeros."""
    entries = G.entries()
    scale = max((abs(float(x.mid())) for x in entries), default=0.0)
    worst = math.inf
    for x in entries:
        if not x.is_finite():
            raise _Undecided("non-finite ball")
        if x.is_zero():
            continue
        bits = x.rel_accuracy_bits()
        rad = float(x.rad())
        if scale > 0 and rad > 0:
            bits = max(bits, math.log2(scale) - math.log2(rad))
        worst = min(worst, bits)
    return worst


def _certified(G) -> Gradient:
    """The arb matrix as a double-double (hi, lo) with a certified error bound err."""
    rows, cols = G.nrows(), G.ncols()
    entries = G.entries()
    hi, lo, err = np.empty(len(entries)), np.empty(len(entries)), np.empty(len(entries))
    for k, x in enumerate(entries):
        mid = x.mid()
        h = float(mid)
        low = float(mid - h)
        hi[k], lo[k] = h, low
        err[k] = float(x.rad()) * (1 + 2.0**-40) + abs(low) * 2.0**-52 + 2.0**-1074  # + underflow of lo
    if not np.all(np.isfinite(hi)):
        raise ArithmeticError("a gradient entry lies outside the float64 range; it cannot be compared")
    shape = (rows, cols)
    return Gradient(hi.reshape(shape), lo.reshape(shape), err.reshape(shape))


def gradient_balls(weights, X, Y, *, activation="sigmoid", cost="logloss", output_activation=None,
                   biases=None, dps: int = 30, use_cache: bool = True, progress=None):
    """(grad_W, grad_b or None, prec, from cache): python-flint ``arb_mat`` balls, every nonzero entry
    certified to dps + 2 significant digits (see the module docstring)."""
    if isinstance(dps, bool) or not isinstance(dps, int) or not 1 <= dps <= 1000:
        raise ValueError(f"dps must be an integer between 1 and 1000, got {dps!r}")
    Ws, X, Y, bs = _check(weights, X, Y, biases)
    bundle, hit = stage_bundle(Y.shape[0], X.shape[1], activation, output_activation, cost, use_cache)
    need = math.ceil((dps + 2) * math.log2(10))
    prec = math.ceil((dps + 12) * math.log2(10)) + 16
    while True:
        try:
            gw, gb = _evaluate(bundle, Ws, X, Y, bs, prec, progress)
            if min(_accuracy(G) for G in gw + gb) >= need:
                return gw, (gb if bs is not None else None), prec, hit
        except _Undecided:
            pass
        prec *= 2
        if prec > MAX_PREC:
            raise ArithmeticError(f"could not certify {dps} digits of the gradient with {MAX_PREC} bits")


def layer_truth(weights, X, Y, *, activation: str = "sigmoid", cost: str = "logloss",
                output_activation: str | None = None, biases=None, dps: int = 30, use_cache: bool = True,
                progress=None) -> LayerTruth:
    """dLambda/dW_N (and dLambda/db_N) for every entry, certified to ``dps`` significant digits.

    weights: W_N of shape (m_{N+1}, m_N); X (m_0, n); Y (m_L, n); biases b_N (m_{N+1}, 1) or None.
    progress(done, total): called after each layer of the backward pass."""
    start = time.perf_counter()
    gw, gb, prec, hit = gradient_balls(weights, X, Y, activation=activation, cost=cost,
                                       output_activation=output_activation, biases=biases, dps=dps,
                                       use_cache=use_cache, progress=progress)
    return LayerTruth([_certified(G) for G in gw], None if gb is None else [_certified(G) for G in gb],
                      prec, time.perf_counter() - start, hit)


def values_at(keys, weights, X, Y, dps: int = 30, **options) -> dict:
    """{key: mpmath.mpf} rounded to ``dps`` digits for keys (N, r, c) / ("b", N, r) (any dps: the ball's
    midpoint is converted exactly, not through float64)."""
    import mpmath

    gw, gb, _, _ = gradient_balls(weights, X, Y, dps=dps, **options)
    out = {}
    with mpmath.workdps(dps):
        for key in keys:
            x = gb[key[1]][key[2], 0] if key[0] == "b" else gw[key[0]][key[1], key[2]]
            man, exp = x.mid().man_exp()
            out[key] = mpmath.mpf((int(man), int(exp)))
    return out
