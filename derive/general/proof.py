"""EBP proven for every layer width, batch size and depth (issue 7; eqs 83-93 of the paper).

Two results, both with the widths m_0..m_L and the batch size n left as symbols:

1. ``prove_direct(N)``: the 4-layer network's cost (eq 83, every pre-activation written out as a nested
   ``Sum``), differentiated by ``sympy.diff`` with respect to the generic weight ``W_N[j, i]``
   ({}_N w_{i+1}^{j+1} of the paper), equals entry (j, i) of (1/n) delta_{N+1} A_N^T with delta from
   eqs 88/92, for N = 0, 1, 2.
2. Any depth, by induction on the distance from the output. Claim(M) reads: for any quantity x of the layers
   below L(M), dLambda/dx = (1/n) Sum_{s,k} delta_M[k, s] dZ_M[k, s]/dx, with Z_M an arbitrary
   (undefined, differentiable) function of x.
   - ``prove_base``: Claim(L) (output layer, eqs 84-88, 27).
   - ``prove_step``: Claim(M+1) implies Claim(M), where Z_{M+1} = W_M phi(Z_M) and delta_M is eq 92.
   - ``prove_gradient``: Claim(N+1) implies dLambda/dW_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i] (eq 93).
   Base, then the step L-1-N times, then the gradient lemma prove eq 93 for every N of every depth L.

Each proof returns a ``GeneralProof`` (data); each ``Step`` records whether sympy did it by itself
(``how="sympy"``), a rewrite rule of ``derive.general.rules`` did it (``how="rule"``), or a definition was
unfolded (``how="definition"``). The last step compares both sides after bringing them to the same normal
form: equal limits, equal constant factor and ``sympy.cancel`` of the difference of the summands is 0.
Presentation lives in ``derive.general.present``; the CLI in ``derive.general.cli``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy as sp
from sympy import Derivative, Function, IndexedBase, MatrixSymbol, Mul, Sum, Symbol
from sympy import hadamard_product as hadamard
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.general.model import IndexNet, act, cost, dact, generic_indices, index, lam, normal_dphi, width
from derive.general.rules import canonical, flatten, fold, sift

__all__ = ["GeneralProof", "Step", "prove_all", "prove_base", "prove_direct", "prove_gradient",
           "prove_step"]


@dataclass
class Step:
    """One step of a proof: what was done, by whom, and the expression it produced."""

    text: str
    expr: sp.Expr
    how: str  # "sympy" | "rule" | "definition" | "check"
    rule: str | None = None
    applications: int = 0
    before: sp.Expr | None = None  # for rule steps: the expression the rule was applied to


def _rule(proof, text, name, fn, expr, *args):
    """Apply rewrite rule ``fn`` (named ``name``) to ``expr``, record the step, return the new expression."""
    new, count = fn(expr, *args)
    proof.steps.append(Step(text, new, "rule", name, count, before=expr))
    return new


@dataclass
class GeneralProof:
    """A proved (or refuted) statement with its steps; ``residual`` is 0 exactly when proven."""

    name: str
    statement: str
    steps: list = field(default_factory=list)
    proven: bool = False
    residual: sp.Expr | None = None
    reason: str = ""
    seconds: float = 0.0


FLAT = "pull factors into the sums, merge nested sums"


# ----------------------------------------------------------------------------------------- comparison


def _parts(expr):
    """Split a normal form c * Sum(f, *limits) into (c * f, limits); a sum-free expression has no limits."""
    sums = [a for a in Mul.make_args(expr) if isinstance(a, Sum)]
    if len(sums) != 1:
        return expr, ()
    c = Mul(*[a for a in Mul.make_args(expr) if a is not sums[0]])
    return c * sums[0].function, tuple(tuple(lim) for lim in sums[0].limits)


def compare(proof, lhs, rhs, names):
    """Final step: canonical forms of both sides, then cancel(summand difference) == 0."""
    before = sp.Eq(lhs, rhs, evaluate=False)
    lhs, n1 = canonical(lhs, names)
    rhs, n2 = canonical(rhs, names)
    proof.steps.append(Step("interchange finite sums and rename bound indices (both sides)",
                            sp.Eq(lhs, rhs, evaluate=False), "rule", "canonical", n1 + n2, before=before))
    f, lim_l = _parts(lhs)
    g, lim_r = _parts(rhs)
    if lim_l != lim_r:
        proof.residual = sp.Add(lhs, -rhs, evaluate=False)
        proof.reason = f"the sums run over different index sets: {lim_l} vs {lim_r}"
        return proof
    residual = sp.cancel(sp.together(f - g))
    proof.steps.append(Step("summands subtracted; sympy.cancel reduces the difference", residual, "sympy"))
    proof.residual = residual
    proof.proven = residual == 0
    if not proof.proven:
        proof.reason = "the summands differ (nonzero residual)"
    return proof


def _indexed(expr, table):
    """Entries M[r, c] of the matrix symbols replaced by table[name of M](r, c) (their index form)."""
    return expr.replace(lambda e: isinstance(e, MatrixElement),
                        lambda e: table[e.args[0].name](e.args[1], e.args[2]))


def _run(proof, build):
    t0 = time.perf_counter()
    try:
        build(proof)
    finally:
        proof.seconds = time.perf_counter() - t0
    return proof


# ---------------------------------------------------------------------------------------------- direct


def prove_direct(N, L=3, activation="sigmoid", cost_name="logloss", closed=None):
    """Direct proof for the generic weight W_N[j, i] of a network with L weight matrices (L = 3: 4 layers).

    ``closed`` (optional) replaces the claimed closed form (a sympy matrix expression in the names of
    ``IndexNet.matrices``); it exists so that tests can plant a wrong formula and see the proof fail.
    """
    net = IndexNet(L, activation, cost_name)
    if not 0 <= N < L:
        raise ValueError(f"N must be in 0..{L - 1} for a network with {L} weight matrices")
    j, i, ranges = generic_indices(net, N)
    w = net.W[N][j, i]
    statement = (f"d Lambda / d W{N}[j, i] = ((1/n) delta_{N + 1} A_{N}^T)[j, i]   for all m0..m{L}, n, "
                 f"0 <= j < m{N + 1}, 0 <= i < m{N}   ({L + 1} layers, {activation}, {cost_name})")
    names = {net.bound(M): f"k{M}" for M in range(L + 1)} | {net.n - 1: "s"}

    def build(proof):
        lam_ = cost(net)
        proof.steps.append(Step("cost Lambda of the network, pre-activations written out (eqs 9, 13, 83)",
                                lam_, "definition"))
        t = sp.diff(lam_, w)
        proof.steps.append(Step(f"sympy.diff(Lambda, W{N}[j, i]): linearity through Sum, chain rule through "
                                f"phi, d W{N}[k, l]/d W{N}[j, i] = KroneckerDelta(j, k)*KroneckerDelta(i, l),"
                                " 0 for the other layers", t, "sympy"))
        t = normal_dphi(_rule(proof, "name the pre-activations Z_M[k, s] (definition read right to left)",
                              "fold", fold, t, net.fold_layers()))
        t = _rule(proof, "sum the KroneckerDeltas out of the sums over symbolic widths", "sift", sift, t,
                  ranges)
        t = _rule(proof, FLAT, "flatten", flatten, t)
        rhs_m = closed if closed is not None else net.grad_matrix(N)
        proof.steps.append(Step(f"claimed closed form (eqs 88, 92, 93): {rhs_m}", rhs_m, "definition"))
        r = rhs_m[j, i]
        proof.steps.append(Step("entry [j, i] of the matrix expression, indexed by sympy", r, "sympy"))
        r = net.entries(r)
        dphi = "phi(Z)(1 - phi(Z)) (eq 16/17)" if activation == "sigmoid" else "Dphi(Z)"
        proof.steps.append(Step(f"entries by their definitions: W, A = phi(Z), D_phi = {dphi}, delta_out "
                                "(eqs 20/21, 84)", r, "definition"))
        r = _rule(proof, FLAT, "flatten", flatten, r)
        compare(proof, t, r, names)

    return _run(GeneralProof(f"direct N={N}", statement), build)


# ------------------------------------------------------------------------------------------- induction


def _lemma_symbols():
    mM, mP, n = width("m_M"), width("m_M1"), width("n")
    k, lv, s = index("k"), index("l"), index("s")
    return mM, mP, n, k, lv, s


def prove_base(activation="sigmoid", cost_name="logloss"):
    """Claim(L): dLambda/dx = (1/n) Sum_{s,k} delta_L[k, s] dZ_L[k, s]/dx for any Z_L(x) (eqs 83-88, 27)."""
    net = IndexNet(1, activation, cost_name)
    mL, n = net.m[1], net.n
    k, s, x = index("k"), index("s"), Symbol("x")
    ZL = Function("Z_L")
    statement = ("Claim(L): d Lambda/dx = (1/n) Sum_{s,k} delta_L[k, s] * d Z_L[k, s]/dx for every "
                 f"differentiable Z_L(x), all m_L, n   ({activation}, {cost_name})")
    names = {mL - 1: "k", n - 1: "s"}

    def build(proof):
        lam_ = Sum(lam(cost_name, act(activation, ZL(k, s, x)), net.Y[k, s]), (k, 0, mL - 1),
                   (s, 0, n - 1)) / n
        proof.steps.append(Step("cost (eq 83) with the output pre-activations Z_L(k, s, x) left arbitrary",
                                lam_, "definition"))
        t = normal_dphi(sp.diff(lam_, x))
        proof.steps.append(Step("sympy.diff(Lambda, x): linearity through Sum, chain rule through lambda and "
                                "phi", t, "sympy"))
        t = _rule(proof, FLAT, "flatten", flatten, t)
        dL = net.delta_matrices()[1]
        r = net.entries(dL[k, s], lambda M, a, b: ZL(a, b, x))
        r = Sum(r * Derivative(ZL(k, s, x), x), (k, 0, mL - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step(f"claimed form with delta_L = {dL} (eqs 84-88; A_L - Y by eq 27 for sigmoid "
                                "with log-loss), indexed by sympy", r, "definition"))
        r = _rule(proof, FLAT, "flatten", flatten, r)
        compare(proof, t, r, names)

    return _run(GeneralProof("base (output layer)", statement), build)


def prove_step(activation="sigmoid", transpose=True):
    """Claim(M+1) implies Claim(M), eq 92, with Z_{M+1} = W_M phi(Z_M) and Z_M(x) arbitrary.

    ``transpose=False`` plants the wrong recursion W_M delta_{M+1} (tests only; needs m_M = m_{M+1}).
    """
    mM, mP, n, k, lv, s = _lemma_symbols()
    if not transpose:
        mM = mP  # W_M delta_{M+1} needs a square W_M to be a valid matrix product
    x, ZM = Symbol("x"), Function("Z_M")
    W, Dl = IndexedBase("W_M"), IndexedBase("delta_M1")
    statement = ("Claim(M+1) => Claim(M): if d Lambda/dx = (1/n) Sum_{s,k} delta_{M+1}[k, s] "
                 "dZ_{M+1}[k, s]/dx with Z_{M+1} = W_M phi(Z_M), then d Lambda/dx = (1/n) Sum_{s,l} "
                 "delta_M[l, s] dZ_M[l, s]/dx with delta_M = (W_M^T delta_{M+1}) * D_phi_M (eq 92); "
                 f"all m_M, m_{{M+1}}, n   ({activation})")
    names = {mP - 1: "k", mM - 1: "l", n - 1: "s"}

    def build(proof):
        zp = Sum(W[k, lv] * act(activation, ZM(lv, s, x)), (lv, 0, mM - 1))
        h = Sum(Dl[k, s] * Derivative(zp, x, evaluate=False), (k, 0, mP - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(M+1) with Z_{M+1}[k, s] = Sum_l W_M[k, l] phi(Z_M[l, s]) (eq 13)", h,
                                "definition"))
        t = normal_dphi(h.replace(lambda e: isinstance(e, Derivative), lambda e: sp.diff(e.expr, x)))
        proof.steps.append(Step("sympy.diff of Z_{M+1}[k, s]: linearity through Sum, chain rule through phi, "
                                "W_M does not depend on x", t, "sympy"))
        t = _rule(proof, FLAT, "flatten", flatten, t)
        Wm, Dm = MatrixSymbol("W_M", mP, mM), MatrixSymbol("delta_M1", mP, n)
        Dphi = MatrixSymbol("D_M", mM, n)
        dM = hadamard((Wm.T if transpose else Wm) * Dm, Dphi)
        r = dM[lv, s]
        proof.steps.append(Step(f"entry [l, s] of delta_M = {dM} (eq 92), indexed by sympy", r, "sympy"))
        r = _indexed(r, {"W_M": lambda a, b: W[a, b], "delta_M1": lambda a, b: Dl[a, b],
                         "D_M": lambda a, b: dact(activation, ZM(a, b, x))})
        r = Sum(r * Derivative(ZM(lv, s, x), x), (lv, 0, mM - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(M): (1/n) Sum_{s,l} delta_M[l, s] dZ_M[l, s]/dx, D_phi = phi'(Z_M)", r,
                                "definition"))
        r = _rule(proof, FLAT, "flatten", flatten, r)
        compare(proof, t, r, names)

    return _run(GeneralProof("step N+1 -> N (eq 92)", statement), build)


def prove_gradient(scale=True):
    """Claim(N+1) with Z_{N+1} = W_N A_N implies dLambda/dW_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i].

    ``scale=False`` plants the paper's lost factor 1/n (tests only).
    """
    _, _, n, k, lv, s = _lemma_symbols()
    mN, mP = width("m_N"), width("m_N1")
    j, i = index("j"), index("i")
    W, Dl, A = IndexedBase("W_N"), IndexedBase("delta_N1"), IndexedBase("A_N")
    statement = ("Claim(N+1) => d Lambda/d W_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i] (eq 93) for all "
                 "m_N, m_{N+1}, n, 0 <= j < m_{N+1}, 0 <= i < m_N")
    names = {n - 1: "s"}

    def build(proof):
        zp = Sum(W[k, lv] * A[lv, s], (lv, 0, mN - 1))
        h = Sum(Dl[k, s] * Derivative(zp, W[j, i], evaluate=False), (k, 0, mP - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(N+1) for x = W_N[j, i], Z_{N+1}[k, s] = Sum_l W_N[k, l] A_N[l, s]; "
                                "A_N is computed from the layers below and does not depend on W_N", h,
                                "definition"))
        t = h.replace(lambda e: isinstance(e, Derivative), lambda e: sp.diff(e.expr, W[j, i]))
        proof.steps.append(Step("sympy.diff: d W_N[k, l]/d W_N[j, i] = KroneckerDelta(j, k)*"
                                "KroneckerDelta(i, l)", t, "sympy"))
        proof.steps.append(Step("for comparison only (not used): sympy's own Sum.doit() here keeps a "
                                "Piecewise on i <= m_N - 1 and the KroneckerDelta(j, k) inside the k-sum",
                                t.doit(), "check"))
        t = _rule(proof, "sum both KroneckerDeltas out", "sift", sift, t, {j: mP - 1, i: mN - 1})
        t = _rule(proof, FLAT, "flatten", flatten, t)
        Dm, Am = MatrixSymbol("delta_N1", mP, n), MatrixSymbol("A_N", mN, n)
        g = Dm * Am.T / n if scale else Dm * Am.T
        r = g[j, i]
        proof.steps.append(Step(f"entry [j, i] of {g} (eq 93), indexed by sympy", r, "sympy"))
        r = _indexed(r, {"A_N": lambda a, b: A[a, b], "delta_N1": lambda a, b: Dl[a, b]})
        r = _rule(proof, FLAT, "flatten", flatten, r)
        compare(proof, t, r, names)

    return _run(GeneralProof("gradient (eq 93)", statement), build)


def prove_all(activation="sigmoid", cost_name="logloss", L=3):
    """Direct proofs for N = 0..L-1, then base case, induction step and gradient lemma (any depth)."""
    proofs = [prove_direct(N, L, activation, cost_name) for N in range(L)]
    return proofs + [prove_base(activation, cost_name), prove_step(activation), prove_gradient()]
