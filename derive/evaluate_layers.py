"""sympy.diff's derivative of the cost (eq 19) at numbers, layer by layer: fast for deep and wide networks.

Why not differentiate one big expression. As a function of one weight w of W_N, the cost is a composition
of L - N layers: Lambda(w) = C(Z_L(w)), Z_{l+1}(w) = W_l phi(Z_l(w)) (+ b_l) (eqs 9, 13), Z_{N+1} row r =
p + w q. Written out as one sympy expression this is a DAG whose *tree* grows like m^(L-N): sympy shares
the subexpressions in memory, but ``Derivative.__new__`` walks each result with ``replace`` (not
DAG-aware) and lambdify walks it with ``atoms``, so a 6-layer x 8-unit net does not finish (measured).

What is done instead, and why it is still sympy.diff's derivative. Each stage of the composition is a small
sympy expression in which the previous stage appears as *undefined functions of w*:

* output stage: Lambda = ``batch_cost(activate(Z_L), Y)`` with every entry of Z_L an undefined function
  z_{k,Sx}(w); ``sympy.diff(Lambda, w)`` returns sympy's own chain rule over those functions, i.e. an
  expression in z_{k,Sx}(w) and Derivative(z_{k,Sx}(w), w);
* hidden stage l (one sample): Z_{l+1} = W_l phi(z(w)) (+ b_l) with z_j(w) undefined functions, and
  ``sympy.diff(Z_{l+1}[k], w)`` in terms of phi(z_j(w)), z_j(w) and Derivative(z_j(w), w);
* entry stage: ``sympy.diff(p + w q, w)`` for the row r of Z_{N+1} that contains w.

Substituting each stage's definition for the undefined function it stands for, and its derivative for
Derivative(z(w), w), rebuilds exactly ``sympy.diff`` of the composite (that is how sympy's
``Function._eval_derivative`` differentiates an application; tests/derive/test_ground_truth_layers.py
checks the rebuilt expression against ``sympy.diff`` of the whole cost). We do that substitution with
*numbers*: z(w), phi(z(w)) get their exact forward values (computed once, at high precision, from the
float64 inputs taken exactly) and Derivative(z(w), w) gets the value of the previous stage's derivative. No
derivative is written by hand: every one comes out of ``sympy.diff``; the code only evaluates sympy's
expressions, in the order in which they are nested, each shared value once (a DAG evaluation).

The stage expressions depend only on sizes, activation and cost, so each is differentiated and compiled
once (lambdify with cse; sums of 3 or more terms printed as mpmath ``fdot``, one rounding per sum) and
reused for every entry and sample.
"""
from __future__ import annotations

from functools import cache, lru_cache

import mpmath
import sympy
from sympy import Derivative, Function, Matrix, Symbol
from sympy.printing.pycode import MpmathPrinter

from .functions import MPMATH_FUNCTIONS, get_activation, get_cost
from .network import activate, batch_cost

__all__ = ["stage_expressions", "evaluate_layers"]

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


def _compile(args, exprs):
    printer = _DotPrinter({"fully_qualified_modules": False, "inline": True, "allow_unknown_functions": True,
                           "user_functions": {name: name for name in MPMATH_FUNCTIONS}})
    return sympy.lambdify(args, exprs, modules=[MPMATH_FUNCTIONS, "mpmath"], printer=printer, cse=True)


def stage_expressions(stage: str, **shape) -> tuple[list, list]:
    """The symbolic stage (``entry``, ``hidden`` or ``output``) and its sympy.diff w.r.t. w, before any
    substitution: (expressions, derivatives). Shapes: hidden m_in, m_out (one sample), act, bias;
    output m_L, n, act, out, cost. Used by the compiled templates and by the tests."""
    if stage == "entry":
        p, q = Symbol("p", real=True), Symbol("q", real=True)
        expr = p + _w * q
        return [expr], [sympy.diff(expr, _w)]
    if stage == "hidden":
        m_in, m_out = shape["m_in"], shape["m_out"]
        z = Matrix(_functions("z", m_in))
        W = Matrix(m_out, m_in, lambda k, j: Symbol(f"W{k}_{j}", real=True))
        Z_next = W * activate(z, False, get_activation(shape["act"]), None, get_cost("mse"))
        if shape.get("bias"):
            Z_next += Matrix(_symbols("b", m_out))
        exprs = list(Z_next)
        return exprs, [sympy.diff(e, _w) for e in exprs]
    if stage == "first":
        m_out = shape["m_out"]
        z = Function("z", real=True)(_w)
        c, v = Matrix(_symbols("c", m_out)), Matrix(_symbols("v", m_out))
        Z_next = c + v * activate(Matrix([z]), False, get_activation(shape["act"]), None, get_cost("mse"))
        exprs = list(Z_next)
        return exprs, [sympy.diff(e, _w) for e in exprs]
    if stage == "output":
        m_L, n = shape["m_L"], shape["n"]
        z = Matrix(_functions("z", m_L))
        out = get_activation(shape["out"]) if shape.get("out") else None
        A_L = activate(z, True, get_activation(shape["act"]), out, get_cost(shape["cost"]))
        Y = Matrix(_symbols("y", m_L))
        cost = sympy.Rational(1, n) * batch_cost(A_L, Y, get_cost(shape["cost"]))
        return [cost], [sympy.diff(cost, _w)]
    raise ValueError(f"unknown stage {stage!r}")


@cache
def _entry():
    _, (d,) = stage_expressions("entry")
    return _compile([_w, Symbol("p", real=True), Symbol("q", real=True)], d)


@lru_cache(maxsize=64)
def _hidden(m_in: int, m_out: int, act_name: str, bias: bool):
    """f(a, z, d, W, b) -> d Z_{l+1}[:, Sx] / dw for one sample: a = phi(z) the forward values of layer l,
    d = d Z_l[:, Sx] / dw, W = W_l row by row, b = b_l (unused by the derivative but part of Z_{l+1})."""
    act = get_activation(act_name)
    _, derivs = stage_expressions("hidden", m_in=m_in, m_out=m_out, act=act_name, bias=bias)
    zf = _functions("z", m_in)
    a, z, d = _symbols("a", m_in), _symbols("zv", m_in), _symbols("d", m_in)
    values = {Derivative(f, _w): dj for f, dj in zip(zf, d, strict=True)}
    phis = {act.func(f): aj for f, aj in zip(zf, a, strict=True)}
    plain = dict(zip(zf, z, strict=True))
    derivs = [e.xreplace(values).xreplace(phis).xreplace(plain) for e in derivs]
    W = [Symbol(f"W{k}_{j}", real=True) for k in range(m_out) for j in range(m_in)]
    return _compile([a, z, d, W, _symbols("b", m_out)], derivs)


@lru_cache(maxsize=64)
def _first(m_out: int, act_name: str):
    """f(a, z, d, v) -> d Z_{N+2}[:, Sx] / dw when only row r of Z_{N+1} contains w: z = Z_{N+1}[r, Sx],
    a = phi(z), d = its derivative, v = W_{N+1}[:, r]; the other rows of Z_{N+1} add constants c."""
    act = get_activation(act_name)
    _, derivs = stage_expressions("first", m_out=m_out, act=act_name)
    zf = Function("z", real=True)(_w)
    a, z, d = Symbol("a", real=True), Symbol("zv", real=True), Symbol("d", real=True)
    derivs = [e.xreplace({Derivative(zf, _w): d}).xreplace({act.func(zf): a}).xreplace({zf: z})
              for e in derivs]
    return _compile([a, z, d, _symbols("v", m_out)], derivs)


@lru_cache(maxsize=64)
def _output(m_L: int, n: int, act_name: str, out_name: str | None, cost_name: str):
    """f(a, z, d, y) -> d Lambda_Sx / dw for one sample Sx: Lambda_Sx = (1/n) sum_j lambda(a_j, y_j) is
    the sample's share of eq 19 (Lambda = sum_Sx Lambda_Sx; d/dw of a sum is the sum of the d/dw, as
    sympy's Add._eval_derivative does); z = Z_L[:, Sx], a = phi_out(z) (unused for softmax), d = dz/dw."""
    _, (deriv,) = stage_expressions("output", m_L=m_L, n=n, act=act_name, out=out_name, cost=cost_name)
    zf = _functions("z", m_L)
    a, z, d = _symbols("a", m_L), _symbols("zv", m_L), _symbols("d", m_L)
    deriv = deriv.xreplace({Derivative(f, _w): dj for f, dj in zip(zf, d, strict=True)})
    if not get_cost(cost_name).softmax:
        out = get_activation(out_name or act_name)
        deriv = deriv.xreplace({out.func(f): aj for f, aj in zip(zf, a, strict=True)})
    deriv = deriv.xreplace(dict(zip(zf, z, strict=True)))
    return _compile([a, z, d, _symbols("y", m_L)], deriv)


def _mp_activation(name: str):
    return MPMATH_FUNCTIONS.get(name) or getattr(mpmath, name)


def evaluate_layers(keys, Ws, Y, bs, Z, A, act_name, out_name, cost_name) -> list:
    """d Lambda / dw for each key (N, r, c) or ("b", N, r) at the current mpmath precision.

    Ws, bs: float64 arrays; Z[l], A[l]: forward values (lists of rows of mpf) from the caller, Z[0] None,
    A[l] needed for 0 <= l < L. Returns mpf values in the order of ``keys``."""
    L, n, m_L = len(Ws), Y.shape[1], Y.shape[0]
    mpW = [[mpmath.mpf(float(v)) for v in W.ravel()] for W in Ws]
    mpb = [[mpmath.mpf(float(v)) for v in b.ravel()] for b in bs] if bs is not None \
        else [[mpmath.mpf(0)] * W.shape[0] for W in Ws]
    cols_Z = [None] + [[list(col) for col in zip(*Z[ell], strict=True)] for ell in range(1, L + 1)]
    cols_A = [None] + [[list(col) for col in zip(*A[ell], strict=True)] for ell in range(1, L)]
    y = [[mpmath.mpf(float(Y[k, s])) for k in range(m_L)] for s in range(n)]
    phi_out = _mp_activation(out_name or act_name)
    a_out = [[mpmath.mpf(0) if get_cost(cost_name).softmax else phi_out(v) for v in col] for col in cols_Z[L]]
    output = _output(m_L, n, act_name, out_name, cost_name)
    entry = _entry()
    out = []
    for key in keys:
        if key[0] == "b":
            _, N, r = key
            w0, q = mpmath.mpf(float(bs[N][r, 0])), [mpmath.mpf(1)] * n
        else:
            N, r, c = key
            w0, q = mpmath.mpf(float(Ws[N][r, c])), [A[N][c][s] for s in range(n)]
        # only row r of Z_{N+1} contains w (entry stage); its other rows are constants
        dz = [entry(w0, Z[N + 1][r][s] - w0 * q[s], q[s]) for s in range(n)]
        if N + 1 == L:
            dZ = [[mpmath.mpf(0)] * m_L for _ in range(n)]
            for s in range(n):
                dZ[s][r] = dz[s]
        else:
            first = _first(Ws[N + 1].shape[0], act_name)
            v = mpW[N + 1][r::Ws[N + 1].shape[1]]
            dZ = [first(cols_A[N + 1][s][r], cols_Z[N + 1][s][r], dz[s], v) for s in range(n)]
        for ell in range(N + 2, L):
            hidden = _hidden(Ws[ell].shape[1], Ws[ell].shape[0], act_name, bs is not None)
            dZ = [hidden(cols_A[ell][s], cols_Z[ell][s], dZ[s], mpW[ell], mpb[ell]) for s in range(n)]
        out.append(mpmath.fsum(output(a_out[s], cols_Z[L][s], dZ[s], y[s]) for s in range(n)))
    return out
