"""sympy.diff's derivative of the cost (eq 19) at numbers, layer by layer: fast for deep and wide networks.

Why not differentiate one big expression. As a function of one weight w of W_N, the cost is a composition
of L - N layers: Lambda(w) = C(Z_L(w)), Z_{l+1}(w) = W_l phi(Z_l(w)) (+ b_l) (eqs 9, 13), Z_{N+1} row r =
p + w q. Written out as one sympy expression this is a DAG whose *tree* grows like m^(L-N): sympy shares
the subexpressions in memory, but ``Derivative.__new__`` walks each result with ``replace`` (not
DAG-aware) and lambdify walks it with ``atoms``, so a 6-layer x 8-unit net does not finish (measured).

What is done instead, and why it is still sympy.diff's derivative. Each stage of the composition is a small
sympy expression in which the previous stage appears as *undefined functions of w*:

* entry stage: ``sympy.diff(p + w q, w)`` for the row r of Z_{N+1} that contains w (eq 9);
* activation stage (eq 13): ``sympy.diff(phi(z(w)), w)`` = sympy's phi'(z(w)) * Derivative(z(w), w);
* affine stage (eq 9, one sample): ``sympy.diff(W u(w) + b, w)`` with u_j(w) undefined functions, a sum of
  W_kj * Derivative(u_j(w), w); for the layer after the entry only u_r depends on w (W -> column r, b -> the
  constant rest of Z_{N+2});
* output stage (eq 19): Lambda_Sx = (1/n) sum_j lambda(a_j, y_j) of one sample, built by ``activate`` and
  ``batch_cost`` like the network's own cost, with every entry of Z_L[:, Sx] an undefined function z_j(w);
  Lambda = sum_Sx Lambda_Sx and d/dw of a sum is the sum of the d/dw (sympy's Add._eval_derivative).

Substituting each stage's definition for the undefined function it stands for, and its derivative for
Derivative(z(w), w), rebuilds exactly ``sympy.diff`` of the composite (that is how sympy's
``Function._eval_derivative`` differentiates an application; tests/derive/test_ground_truth_layers.py
checks the rebuilt expression against ``sympy.diff`` of the whole cost, ``derive.ground_truth``). We do that
substitution with *numbers*: z(w), phi(z(w)) get their forward values (computed once, at high precision,
from the float64 inputs taken exactly) and Derivative(z(w), w) the value of the previous stage's
derivative. No derivative is written by hand: every one comes out of ``sympy.diff``; the code only
evaluates sympy's expressions in the order in which they are nested, each shared value once (a DAG
evaluation).

The stage expressions depend only on sizes, activation and cost, so each is differentiated and compiled
once (lambdify; sums of 3 or more terms printed as mpmath ``fdot``, one rounding per sum) and reused for
every entry and sample. Splitting eq 9 from eq 13 keeps each compiled stage linear in its size (a joint
100 x 100 layer stage took 33 s to compile with cse; the affine stage needs no cse).
"""
from __future__ import annotations

from functools import cache, lru_cache

import mpmath
import sympy
from sympy import Derivative, Function, Matrix, Symbol
from sympy.printing.pycode import MpmathPrinter

from .functions import MPMATH_FUNCTIONS, get_activation, get_cost
from .network import activate, batch_cost

__all__ = ["stage_expressions", "evaluate_layers", "entry_point", "mp_activation"]

_w = Symbol("w", real=True)


class _DotPrinter(MpmathPrinter):
    """mpmath code in which every sum is one ``mpmath.fdot`` (exact accumulation, one rounding)."""

    def _print_Add(self, expr, order=None):
        if len(expr.args) < 3:
            return super()._print_Add(expr, order)
        pairs = []
        for term in expr.args:
            if term.is_Mul:
                head, rest = term.args[0], sympy.Mul(*term.args[1:])
                pairs.append(f"({self._print(head)}, {self._print(rest)})")
            else:
                pairs.append(f"({self._print(term)}, 1)")
        return f"{self._module_format('mpmath.fdot')}(({', '.join(pairs)},))"


def _symbols(prefix: str, count: int) -> list[Symbol]:
    return [Symbol(f"{prefix}{k}", real=True) for k in range(count)]


def _functions(prefix: str, count: int) -> list:
    return [Function(f"{prefix}{k}", real=True)(_w) for k in range(count)]


def _compile(args, exprs, cse=True):
    printer = _DotPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                           "user_functions": {name: name for name in MPMATH_FUNCTIONS}})
    return sympy.lambdify(args, exprs, modules=[MPMATH_FUNCTIONS, "mpmath"], printer=printer, cse=cse)


def stage_expressions(stage: str, **shape) -> tuple[list, list]:
    """The symbolic stage and its sympy.diff w.r.t. w, before any substitution: (expressions, derivatives).

    ``entry``; ``activation`` (act); ``affine`` (m_in, m_out: one sample); ``output`` (m_L, n, act, out,
    cost: one sample). Used by the compiled templates and by the tests."""
    if stage == "entry":
        p, q = Symbol("p", real=True), Symbol("q", real=True)
        exprs = [p + _w * q]
    elif stage == "activation":
        z = Function("z", real=True)(_w)
        exprs = list(activate(Matrix([z]), False, get_activation(shape["act"]), None, get_cost("mse")))
    elif stage == "affine":
        m_in, m_out = shape["m_in"], shape["m_out"]
        W = Matrix(m_out, m_in, lambda k, j: Symbol(f"W{k}_{j}", real=True))
        exprs = list(W * Matrix(_functions("u", m_in)) + Matrix(_symbols("b", m_out)))
    elif stage == "output":
        m_L, n = shape["m_L"], shape["n"]
        z = Matrix(_functions("z", m_L))
        out = get_activation(shape["out"]) if shape.get("out") else None
        A_L = activate(z, True, get_activation(shape["act"]), out, get_cost(shape["cost"]))
        Y = Matrix(_symbols("y", m_L))
        exprs = [sympy.Rational(1, n) * batch_cost(A_L, Y, get_cost(shape["cost"]))]
    else:
        raise ValueError(f"unknown stage {stage!r}")
    return exprs, [sympy.diff(e, _w) for e in exprs]


@cache
def _entry():
    _, (d,) = stage_expressions("entry")
    return _compile([_w, Symbol("p", real=True), Symbol("q", real=True)], d)


@lru_cache(maxsize=16)
def _activation(act_name: str):
    """f(a, z, d) -> d phi(z(w)) / dw with z = z(w), a = phi(z) (forward values) and d = dz/dw."""
    act = get_activation(act_name)
    _, (deriv,) = stage_expressions("activation", act=act_name)
    zf = Function("z", real=True)(_w)
    a, z, d = Symbol("a", real=True), Symbol("zv", real=True), Symbol("d", real=True)
    deriv = deriv.xreplace({Derivative(zf, _w): d}).xreplace({act.func(zf): a}).xreplace({zf: z})
    return _compile([a, z, d], deriv)


@lru_cache(maxsize=64)
def _affine(m_in: int, m_out: int):
    """f(d, W, b) -> d Z_{l+1}[:, Sx] / dw for one sample: d = d A_l[:, Sx] / dw, W row by row."""
    _, derivs = stage_expressions("affine", m_in=m_in, m_out=m_out)
    d = _symbols("d", m_in)
    derivs = [e.xreplace({Derivative(f, _w): dj for f, dj in zip(_functions("u", m_in), d, strict=True)})
              for e in derivs]
    W = [Symbol(f"W{k}_{j}", real=True) for k in range(m_out) for j in range(m_in)]
    return _compile([d, W, _symbols("b", m_out)], derivs, cse=False)


@lru_cache(maxsize=64)
def _output(m_L: int, n: int, act_name: str, out_name: str | None, cost_name: str):
    """f(a, z, d, y) -> d Lambda_Sx / dw for one sample Sx: z = Z_L[:, Sx], a = phi_out(z) (unused for
    softmax), d = dz/dw, y = Y[:, Sx]."""
    _, (deriv,) = stage_expressions("output", m_L=m_L, n=n, act=act_name, out=out_name, cost=cost_name)
    zf = _functions("z", m_L)
    a, z, d = _symbols("a", m_L), _symbols("zv", m_L), _symbols("d", m_L)
    deriv = deriv.xreplace({Derivative(f, _w): dj for f, dj in zip(zf, d, strict=True)})
    if not get_cost(cost_name).softmax:
        out = get_activation(out_name or act_name)
        deriv = deriv.xreplace({out.func(f): aj for f, aj in zip(zf, a, strict=True)})
    deriv = deriv.xreplace(dict(zip(zf, z, strict=True)))
    return _compile([a, z, d, _symbols("y", m_L)], deriv)


def mp_activation(name: str):
    """The activation as an mpmath function (the registry's, else mpmath's own, e.g. tanh)."""
    return MPMATH_FUNCTIONS.get(name) or getattr(mpmath, name)


def entry_point(key, Ws, bs, A, n: int):
    """(N, r, w0, q) for key (N, r, c) or ("b", N, r): row r of Z_{N+1} is p + w q (eq 9) with w0 the
    weight's (or bias's) value and q_Sx = A_N[c, Sx] (1 for a bias)."""
    if key[0] == "b":
        _, N, r = key
        return N, r, mpmath.mpf(float(bs[N][r, 0])), [mpmath.mpf(1)] * n
    N, r, c = key
    return N, r, mpmath.mpf(float(Ws[N][r, c])), [A[N][c][s] for s in range(n)]


def evaluate_layers(keys, Ws, Y, bs, Z, A, act_name, out_name, cost_name) -> list:
    """d Lambda / dw for each key (N, r, c) or ("b", N, r) at the current mpmath precision.

    Ws, bs: float64 arrays; Z[l], A[l]: forward values (lists of rows of mpf) from the caller, Z[0] None,
    A[l] needed for 0 <= l < L. Returns mpf values in the order of ``keys``."""
    L, n, m_L = len(Ws), Y.shape[1], Y.shape[0]
    mpW = [[mpmath.mpf(float(v)) for v in W.ravel()] for W in Ws]
    rows_W = [[mpW[ell][k * W.shape[1]:(k + 1) * W.shape[1]] for k in range(W.shape[0])]
              for ell, W in enumerate(Ws)]
    mpb = [[mpmath.mpf(float(v)) for v in b.ravel()] for b in bs] if bs is not None \
        else [[mpmath.mpf(0)] * W.shape[0] for W in Ws]
    cols_Z = [None] + [[list(col) for col in zip(*Z[ell], strict=True)] for ell in range(1, L + 1)]
    cols_A = [None] + [[list(col) for col in zip(*A[ell], strict=True)] for ell in range(1, L)]
    y = [[mpmath.mpf(float(Y[k, s])) for k in range(m_L)] for s in range(n)]
    phi_out = mp_activation(out_name or act_name)
    softmax = get_cost(cost_name).softmax
    a_out = [[mpmath.mpf(0) if softmax else phi_out(v) for v in col] for col in cols_Z[L]]
    output, entry = _output(m_L, n, act_name, out_name, cost_name), _entry()
    activation = _activation(act_name)
    zeros = {m: [mpmath.mpf(0)] * m for m in {W.shape[0] for W in Ws}}
    out = []
    for key in keys:
        N, r, w0, q = entry_point(key, Ws, bs, A, n)
        # only row r of Z_{N+1} contains w (entry stage); its other rows are constants
        dz = [entry(w0, Z[N + 1][r][s] - w0 * q[s], q[s]) for s in range(n)]
        if N + 1 == L:
            dZ = [[mpmath.mpf(0)] * m_L for _ in range(n)]
            for s in range(n):
                dZ[s][r] = dz[s]
        else:  # Z_{N+2} = c + v phi(Z_{N+1}[r]): only row r of A_{N+1} depends on w
            m_next = Ws[N + 1].shape[0]
            first, v = _affine(1, m_next), mpW[N + 1][r::Ws[N + 1].shape[1]]
            du = [activation(cols_A[N + 1][s][r], cols_Z[N + 1][s][r], dz[s]) for s in range(n)]
            dZ = [first([du[s]], v, zeros[m_next]) for s in range(n)]
        for ell in range(N + 2, L):
            row = _affine(Ws[ell].shape[1], 1)  # one row of Z_{ell+1} at a time: compiled size m_ell
            dA = [[activation(a, z, d) for a, z, d in zip(cols_A[ell][s], cols_Z[ell][s], dZ[s], strict=True)]
                  for s in range(n)]
            dZ = [[row(dA[s], W_k, [b_k])[0] for W_k, b_k in zip(rows_W[ell], mpb[ell], strict=True)]
                  for s in range(n)]
        out.append(mpmath.fsum(output(a_out[s], cols_Z[L][s], dZ[s], y[s]) for s in range(n)))
    return out
