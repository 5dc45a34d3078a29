"""``ground_truth_at``: the sympy.diff derivative of the cost (eq 19) at given numbers, to ``dps`` digits.

Three routes, all ``sympy.diff`` evaluated at the exact values of the float64 inputs (mpmath's mpf and
python-flint's arb hold a float exactly; transcendental values are computed at high working precision):

* ``method="bulk"`` (default, ``derive.bulk_truth``): sympy.diff of each stage (activation, output, the
  affine term) once, the chain rule as matrix products from the output backwards, every entry of every
  layer at once, in certified ball arithmetic (python-flint arb): every entry of 784-100-50-10 in under a
  second. The two routes below evaluate one entry at a time and are kept as independent cross-checks.
* ``method="layers"`` (``derive.evaluate_layers``): the cost as a function of one weight is a
  composition of layers; sympy.diff differentiates each stage, with the previous stage as undefined
  functions of w, and the stages are evaluated in the order they are nested (see that module for why this
  is exactly sympy.diff of the composite). Cost grows linearly with depth: 6 layers x 32 units, 300
  entries in seconds.
* ``method="tail"`` (this module): for a weight {}_N w of row r of W_N the cost depends on w only through
  row r of Z_{N+1} = W_N A_N (eq 9). The expression that sympy differentiates keeps symbolic exactly what
  w can reach: row r of Z_{N+1} written as p_Sx + w * q_Sx (p, q numbers per sample), the other rows of
  Z_{N+1}, the later weights and the targets; everything upstream of L(N+1) is already a number. It is
  built, differentiated and compiled (lambdify, cse) once per layer. Its expression tree grows like
  m^(L-N) (a 6 x 8 net does not finish), so it is kept as an independent cross-check for small nets.

Precision: evaluated at dps + 20 and dps + 40 digits; if the two disagree in the first dps digits (strong
cancellation), the precision is raised until they agree, then the value is rounded to dps digits.
"""
from __future__ import annotations

import numbers
from functools import lru_cache

import mpmath
import numpy as np
import sympy
from sympy import Matrix, Symbol

from .errors import InvalidArgument, check_int, check_sizes
from .evaluate_layers import entry_point, evaluate_layers, mp_activation
from .functions import MPMATH_FUNCTIONS, get_activation, get_cost
from .network import activate, batch_cost
from .symbolic_truth import derivative

__all__ = ["ground_truth_at", "METHODS"]

METHODS = ("bulk", "layers", "tail")


def _as_array(value, name: str, shape: tuple[int, int]) -> np.ndarray:
    raw = np.asarray(value)
    if raw.dtype.kind not in "fiu":  # complex parts are never dropped, strings never parsed
        raise InvalidArgument(f"{name} must be a real numeric array, got dtype {raw.dtype}")
    arr = raw.astype(np.float64)
    if arr.ndim == 1 and shape[1] == 1:
        arr = arr.reshape(-1, 1)
    if arr.shape != shape:
        raise InvalidArgument(f"{name} has shape {arr.shape}, expected {shape}")
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(f"{name} contains NaN or infinite values")
    return arr


def _check_inputs(sizes, weights, X, Y, biases):
    sizes = check_sizes(sizes)
    L = len(sizes) - 1
    if isinstance(weights, np.ndarray) or not hasattr(weights, "__len__"):
        raise InvalidArgument(f"weights must be a list of {L} matrices W_N, got {type(weights).__name__}")
    if len(weights) != L:
        raise InvalidArgument(f"expected {L} weight matrices for sizes {list(sizes)}, got {len(weights)}")
    Ws = [_as_array(W, f"weights[{N}]", (sizes[N + 1], sizes[N])) for N, W in enumerate(weights)]
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] < 1:
        raise InvalidArgument(f"X must be a 2-D array (m_0, n) with n >= 1, got shape {X.shape}")
    n = X.shape[1]
    X = _as_array(X, "X", (sizes[0], n))
    Y = _as_array(Y, "Y", (sizes[-1], n))
    bs = None
    if biases is not None:
        if len(biases) != L:
            raise InvalidArgument(f"expected {L} bias vectors, got {len(biases)}")
        bs = [_as_array(b, f"biases[{N}]", (sizes[N + 1], 1)) for N, b in enumerate(biases)]
    return sizes, Ws, X, Y, bs, n


def _mp_matrix(arr: np.ndarray) -> list[list]:
    return [[mpmath.mpf(float(v)) for v in row] for row in arr]


def _forward_numbers(Ws, X, bs, act):
    """Forward pass (eqs 9, 13) in mpmath at the current precision: Z[N], A[N] as lists of rows."""
    mp_fn = mp_activation(act)
    A = [_mp_matrix(X)]
    Z = [None]
    L = len(Ws)
    for N in range(L):
        W = _mp_matrix(Ws[N])
        cols = list(zip(*A[N], strict=True))
        z = [[mpmath.fdot(row, col) for col in cols] for row in W]
        if bs is not None:
            z = [[v + mpmath.mpf(float(bs[N][r, 0])) for v in zr] for r, zr in enumerate(z)]
        Z.append(z)
        if N + 1 < L:  # the output activations are never needed as numbers
            A.append([[mp_fn(v) for v in zr] for zr in z])
    return Z, A


@lru_cache(maxsize=64)
def _template(last: bool, tail_sizes: tuple[int, ...], n: int, act_name: str, out_name: str | None,
              cost_name: str, bias: bool):
    """Compiled d(tail cost)/dw for a weight w feeding row r of Z_{N+1}, moved to row 0.

    last (N = L-1): Z_L = [p + w q; rest] with the other output rows as numbers; tail_sizes = (m_L,).
    hidden (N < L-1): A_{N+1}[r] = phi(p + w q), Z_{N+2} = C + v A_{N+1}[r] where v = W_{N+1}[:, r] and
    C = the part of Z_{N+2} that w cannot reach (numbers); tail_sizes = (m_{N+2}, .., m_L).
    """
    act, cost = get_activation(act_name), get_cost(cost_name)
    out_act = get_activation(out_name) if out_name else None
    w = Symbol("w", real=True)
    p = [Symbol(f"p{s}", real=True) for s in range(n)]
    q = [Symbol(f"q{s}", real=True) for s in range(n)]
    z_r = Matrix(1, n, lambda _, s: p[s] + w * q[s])
    rows = tail_sizes[0] - 1 if last else tail_sizes[0]
    consts = Matrix(rows, n, lambda k, s: Symbol(f"c{k}_{s}", real=True))
    v = Matrix(0 if last else tail_sizes[0], 1, lambda k, _: Symbol(f"v{k}", real=True))
    if last:
        A = activate(Matrix.vstack(z_r, consts) if rows else z_r, True, act, out_act, cost)
    else:
        A = activate(consts + v * z_r.applyfunc(act.func), len(tail_sizes) == 1, act, out_act, cost)
    L = len(tail_sizes) - 1
    Ws = [Matrix(tail_sizes[k + 1], tail_sizes[k], lambda r, c, k=k: Symbol(f"W{k}_{r}_{c}", real=True))
          for k in range(L)]
    bs = [Matrix(tail_sizes[k + 1], 1, lambda r, c, k=k: Symbol(f"b{k}_{r}", real=True)) for k in range(L)]
    for k in range(L):
        zk = Ws[k] * A + (bs[k] * sympy.ones(1, n) if bias else sympy.zeros(tail_sizes[k + 1], n))
        A = activate(zk, k + 1 == L, act, out_act, cost)
    Y = Matrix(tail_sizes[-1], n, lambda r, s: Symbol(f"y{r}_{s}", real=True))
    d = derivative(batch_cost(A, Y, cost), w)
    args = [w, *p, *q, *consts, *v] + [x for W in Ws for x in W]
    args += [x for b in bs for x in b] if bias else []
    return sympy.lambdify(args + list(Y), d, modules=[MPMATH_FUNCTIONS, "mpmath"], cse=True)


def _mp(values) -> list:
    return [mpmath.mpf(float(v)) for v in np.ravel(values)]


def _entry_args(key, Ws, bs, Z, A, Y):
    """The numbers for the template of entry key = (N, r, c) or ("b", N, r)."""
    n, L = Y.shape[1], len(Ws)
    N, r, w0, q = entry_point(key, Ws, bs, A, n)
    p = [Z[N + 1][r][s] - w0 * q[s] for s in range(n)]
    if N == L - 1:
        order = [r] + [k for k in range(Ws[N].shape[0]) if k != r]
        consts = [Z[L][k][s] for k in order[1:] for s in range(n)]
        return [w0, *p, *q, *consts, *_mp(Y[order])]  # output rows reordered: targets follow
    v = _mp(Ws[N + 1][:, r])
    consts = [Z[N + 2][k][s] - v[k] * A[N + 1][r][s] for k in range(len(v)) for s in range(n)]
    later = [x for M in range(N + 2, L) for x in _mp(Ws[M])]
    if bs is not None:
        later += [x for M in range(N + 2, L) for x in _mp(bs[M])]
    return [w0, *p, *q, *consts, *v, *later, *_mp(Y)]


def _keys(entries, sizes, bs):
    if entries is None:
        return [(N, r, c) for N in range(len(sizes) - 1)
                for r in range(sizes[N + 1]) for c in range(sizes[N])]
    keys = []
    for key in entries:
        key = tuple(key) if isinstance(key, (tuple, list)) else (key,)
        numbers_ = key[1:] if key[:1] == ("b",) else key
        if not all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in numbers_):
            raise InvalidArgument(f"entry {key} must be integers (N, r, c) or ('b', N, r)")
        if len(key) == 3 and key[0] == "b":
            if bs is None:
                raise InvalidArgument(f"entry {key} asks for a bias but no biases were given")
            ok = 0 <= key[1] < len(sizes) - 1 and 0 <= key[2] < sizes[key[1] + 1]
        else:
            ok = len(key) == 3 and 0 <= key[0] < len(sizes) - 1 and 0 <= key[1] < sizes[key[0] + 1] \
                and 0 <= key[2] < sizes[key[0]]
        if not ok:
            raise InvalidArgument(f"entry {key} is outside the weight matrices for sizes {list(sizes)}")
        keys.append(tuple(int(k) if k != "b" else k for k in key))
    return keys


def ground_truth_at(sizes, weights, X, Y, entries=None, activation="sigmoid", cost="logloss", biases=None,
                    dps=30, output_activation=None, method="bulk") -> dict:
    """{(N, r, c): mpmath.mpf} - d Lambda / d W_N[r, c] (0-based) at the given float64 values, to ``dps``
    significant digits. Bias entries may be asked for as ("b", N, r). entries=None means every weight.

    ``method="bulk"`` (default): every entry at once from the stage derivatives (``derive.bulk_truth``,
    certified by arb balls); ``"layers"`` differentiates stage by stage (``derive.evaluate_layers``: linear in
    depth, for 6 layers x 32 units); ``"tail"`` differentiates one expression per layer with the later
    weights symbolic (this module's template; exponential in depth, kept as an independent cross-check)."""
    if method not in METHODS:
        raise InvalidArgument(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    act, cost_spec = get_activation(activation), get_cost(cost)
    if act.definition is None:
        raise InvalidArgument(f"activation {activation!r} is abstract; ground_truth_at needs a concrete one")
    if output_activation is not None and get_activation(output_activation).definition is None:
        raise InvalidArgument(f"output activation {output_activation!r} is abstract")
    if isinstance(dps, bool) or not isinstance(dps, numbers.Integral) or dps < 1:
        raise InvalidArgument(f"dps must be a positive integer, got {dps!r}")
    dps = check_int(dps, "dps", 1, 1000)
    sizes, Ws, X, Y, bs, n = _check_inputs(sizes, weights, X, Y, biases)
    keys = _keys(entries, sizes, bs)
    if method == "bulk":
        from .bulk_truth import values_at

        return values_at(keys, Ws, X, Y, dps, activation=act.name, cost=cost_spec.name, biases=bs,
                         output_activation=output_activation)
    result = {}
    extra = 20
    while keys:
        values = [_evaluate(keys, sizes, Ws, X, Y, bs, n, act.name, output_activation, cost_spec.name,
                            dps + e, method) for e in (extra, extra + 20)]
        retry = []
        for key, lo, hi in zip(keys, values[0], values[1], strict=True):
            if hi == 0 or abs(lo - hi) <= abs(hi) * mpmath.mpf(10) ** (-dps - 2):
                with mpmath.workdps(dps):
                    result[key] = +hi
            else:
                retry.append(key)
        keys, extra = retry, extra + 40
        if extra > 400:
            raise ArithmeticError(f"could not reach {dps} digits for entries {retry[:3]}")
    return result


def _evaluate(keys, sizes, Ws, X, Y, bs, n, act_name, out_name, cost_name, work_dps, method):
    with mpmath.workdps(work_dps):
        Z, A = _forward_numbers(Ws, X, bs, act_name)
        if method == "layers":
            return evaluate_layers(keys, Ws, Y, bs, Z, A, act_name, out_name, cost_name)
        out = []
        L = len(Ws)
        for key in keys:
            N = key[1] if key[0] == "b" else key[0]
            tail = tuple(sizes[N + 1:]) if N == L - 1 else tuple(sizes[N + 2:])
            fn = _template(N == L - 1, tail, n, act_name, out_name, cost_name, bs is not None)
            out.append(mpmath.mpf(fn(*_entry_args(key, Ws, bs, Z, A, Y))))
        return out
