"""The three (four, with biases) lemmas of the induction on the distance from the output (any depth).

Claim(M): for any quantity x of the layers below L(M),
dLambda/dx = (1/n) Sum_{s,k} delta_M[k, s] dZ_M[k, s]/dx, with Z_M an arbitrary (undefined,
differentiable) function of x.

- ``prove_base``: Claim(L) (output layer, eqs 84-88, 27; its own activation, eqs 95-96; or softmax + CE).
- ``prove_step``: Claim(M+1) implies Claim(M), where Z_{M+1} = W_M phi(Z_M) (+ b_M) and delta_M is eq 92.
- ``prove_gradient``: Claim(N+1) implies dLambda/dW_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i] (eq 93).
- ``prove_bias_gradient``: Claim(N+1) implies dLambda/db_N[j] = ((1/n) delta_{N+1} 1_n)[j].
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Function, IndexedBase, MatrixSymbol, OneMatrix, Sum, Symbol
from sympy import hadamard_product as hadamard

from derive.general.model import IndexNet, act, dact, index, lam, normal_dphi, width
from derive.general.rules import sift
from derive.general.steps import GeneralProof, Step, apply_rule, compare, expand, flat, indexed, run, show

__all__ = ["prove_base", "prove_bias_gradient", "prove_gradient", "prove_step"]


def _lemma_symbols():
    mM, mP, n = width("m_M"), width("m_M1"), width("n")
    k, lv, s = index("k"), index("l"), index("s")
    return mM, mP, n, k, lv, s


def prove_base(activation="sigmoid", cost_name="logloss", output=None, delta_L=None):
    """Claim(L): dLambda/dx = (1/n) Sum_{s,k} delta_L[k, s] dZ_L[k, s]/dx for any Z_L(x) (eqs 83-88, 27).

    ``output`` is the output activation (default: ``activation``); ``delta_L`` (tests only) replaces the
    claimed matrix expression of delta_L, to plant a wrong one.
    """
    net = IndexNet(1, activation, cost_name, output)
    mL, n = net.m[1], net.n
    k, s, x = index("k"), index("s"), Symbol("x")
    ZL = Function("Z_L")
    out = net.out_activation
    statement = ("Claim(L): d Lambda/dx = (1/n) Sum_{s,k} delta_L[k, s] * d Z_L[k, s]/dx for every "
                 f"differentiable Z_L(x), all m_L, n   (output {out}, {cost_name})")

    def build(proof):
        a = net.A_of(1, lambda r, c: ZL(r, c, x), k, s)
        lam_ = Sum(lam(cost_name, a, net.Y[k, s]), (k, 0, mL - 1), (s, 0, n - 1)) / n
        what = "softmax over m_L classes, " if net.softmax else ""
        proof.steps.append(Step(f"cost (eq 83), {what}output pre-activations Z_L(k, s, x) left arbitrary",
                                lam_, "definition"))
        t = normal_dphi(sp.diff(lam_, x))
        proof.steps.append(Step("sympy.diff(Lambda, x): linearity through Sum, chain rule through lambda and "
                                f"{'the softmax (its denominator a Sum over c)' if net.softmax else out}", t,
                                "sympy"))
        t = flat(proof, expand(proof, t, "left side") if net.softmax else t)
        dL = net.delta_out_matrix() if delta_L is None else delta_L
        r = net.entries(dL[k, s], lambda M, a_, b: ZL(a_, b, x))
        r = Sum(r * Derivative(ZL(k, s, x), x), (k, 0, mL - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step(f"claimed form with delta_L = {show(dL)} (eqs 84-88; A_L - Y by eq 27 for "
                                "sigmoid with log-loss; A_L * (1 1^T Y) - Y for softmax_ce), indexed by "
                                "sympy", r, "definition"))
        r = flat(proof, expand(proof, r, "right side") if net.softmax else r)
        compare(proof, t, r, {mL - 1: "k", n - 1: "s"})

    proof = GeneralProof("base (output layer)", statement, assumptions=net.assumptions())
    return run(proof, build)


def prove_step(activation="sigmoid", transpose=True, bias=False):
    """Claim(M+1) implies Claim(M), eq 92, with Z_{M+1} = W_M phi(Z_M) (+ b_M) and Z_M(x) arbitrary.

    ``transpose=False`` plants the wrong recursion W_M delta_{M+1} (tests only; needs m_M = m_{M+1}).
    """
    mM, mP, n, k, lv, s = _lemma_symbols()
    if not transpose:
        mM = mP  # W_M delta_{M+1} needs a square W_M to be a valid matrix product
    x, ZM = Symbol("x"), Function("Z_M")
    W, Dl, B = IndexedBase("W_M"), IndexedBase("delta_M1"), IndexedBase("b_M")
    plus_b = " + b_M" if bias else ""
    statement = ("Claim(M+1) => Claim(M): if d Lambda/dx = (1/n) Sum_{s,k} delta_{M+1}[k, s] "
                 f"dZ_{{M+1}}[k, s]/dx with Z_{{M+1}} = W_M phi(Z_M){plus_b}, then d Lambda/dx = (1/n) "
                 "Sum_{s,l} delta_M[l, s] dZ_M[l, s]/dx with delta_M = (W_M^T delta_{M+1}) * D_phi_M "
                 "(eq 92); "
                 f"all m_M, m_{{M+1}}, n   (hidden activation {activation})")

    def build(proof):
        zp = Sum(W[k, lv] * act(activation, ZM(lv, s, x)), (lv, 0, mM - 1)) + (B[k] if bias else 0)
        h = Sum(Dl[k, s] * Derivative(zp, x, evaluate=False), (k, 0, mP - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step(f"Claim(M+1) with Z_{{M+1}}[k, s] = Sum_l W_M[k, l] phi(Z_M[l, s]){plus_b} "
                                "(eqs 9, 13)", h, "definition"))
        t = normal_dphi(h.replace(lambda e: isinstance(e, Derivative), lambda e: sp.diff(e.expr, x)))
        proof.steps.append(Step("sympy.diff of Z_{M+1}[k, s]: linearity through Sum, chain rule through phi, "
                                f"W_M{' and b_M do' if bias else ' does'} not depend on x", t, "sympy"))
        t = flat(proof, t)
        Wm, Dm = MatrixSymbol("W_M", mP, mM), MatrixSymbol("delta_M1", mP, n)
        dM = hadamard((Wm.T if transpose else Wm) * Dm, MatrixSymbol("D_M", mM, n))
        r = dM[lv, s]
        proof.steps.append(Step(f"entry [l, s] of delta_M = {show(dM)} (eq 92), indexed by sympy", r,
                                "sympy"))
        r = indexed(r, {"W_M": lambda a, b: W[a, b], "delta_M1": lambda a, b: Dl[a, b],
                        "D_M": lambda a, b: dact(activation, ZM(a, b, x))})
        r = Sum(r * Derivative(ZM(lv, s, x), x), (lv, 0, mM - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(M): (1/n) Sum_{s,l} delta_M[l, s] dZ_M[l, s]/dx, D_phi = phi'(Z_M)", r,
                                "definition"))
        compare(proof, t, flat(proof, r), {mP - 1: "k", mM - 1: "l", n - 1: "s"})

    net = IndexNet(1, activation)
    return run(GeneralProof("step N+1 -> N (eq 92)", statement, assumptions=net.assumptions()), build)


def prove_gradient(scale=True, bias=False):
    """Claim(N+1) with Z_{N+1} = W_N A_N (+ b_N) implies dLambda/dW_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i].

    ``scale=False`` plants the paper's lost factor 1/n (tests only).
    """
    _, _, n, k, lv, s = _lemma_symbols()
    mN, mP = width("m_N"), width("m_N1")
    j, i = index("j"), index("i")
    W, Dl, A, B = IndexedBase("W_N"), IndexedBase("delta_N1"), IndexedBase("A_N"), IndexedBase("b_N")
    statement = ("Claim(N+1) => d Lambda/d W_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i] (eq 93) for all "
                 "m_N, m_{N+1}, n, 0 <= j < m_{N+1}, 0 <= i < m_N")

    def build(proof):
        zp = Sum(W[k, lv] * A[lv, s], (lv, 0, mN - 1)) + (B[k] if bias else 0)
        h = Sum(Dl[k, s] * Derivative(zp, W[j, i], evaluate=False), (k, 0, mP - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(N+1) for x = W_N[j, i], Z_{N+1}[k, s] = Sum_l W_N[k, l] A_N[l, s]"
                                f"{' + b_N[k]' if bias else ''}; A_N is computed from the layers below "
                                "and does not depend on W_N", h, "definition"))
        t = h.replace(lambda e: isinstance(e, Derivative), lambda e: sp.diff(e.expr, W[j, i]))
        proof.steps.append(Step("sympy.diff: d W_N[k, l]/d W_N[j, i] = KroneckerDelta(j, k)*"
                                "KroneckerDelta(i, l)", t, "sympy"))
        proof.steps.append(Step("for comparison only (not used): sympy's own Sum.doit() here keeps a "
                                "Piecewise on i <= m_N - 1 and the KroneckerDelta(j, k) inside the k-sum",
                                t.doit(), "check"))
        t = apply_rule(proof, "sum both KroneckerDeltas out", "sift", sift, t, {j: mP - 1, i: mN - 1})
        t = flat(proof, t)
        Dm, Am = MatrixSymbol("delta_N1", mP, n), MatrixSymbol("A_N", mN, n)
        g = Dm * Am.T / n if scale else Dm * Am.T
        r = g[j, i]
        proof.steps.append(Step(f"entry [j, i] of {show(g)} (eq 93), indexed by sympy", r, "sympy"))
        r = indexed(r, {"A_N": lambda a, b: A[a, b], "delta_N1": lambda a, b: Dl[a, b]})
        compare(proof, t, flat(proof, r), {n - 1: "s"})

    return run(GeneralProof("gradient (eq 93)", statement), build)


def prove_bias_gradient(scale=True):
    """Claim(N+1) with Z_{N+1} = W_N A_N + b_N 1^T implies dLambda/db_N[j] = ((1/n) delta_{N+1} 1_n)[j].

    ``scale=False`` plants a lost factor 1/n (tests only).
    """
    _, _, n, k, lv, s = _lemma_symbols()
    mN, mP = width("m_N"), width("m_N1")
    j = index("j")
    W, Dl, A, B = IndexedBase("W_N"), IndexedBase("delta_N1"), IndexedBase("A_N"), IndexedBase("b_N")
    statement = ("Claim(N+1) => d Lambda/d b_N[j] = ((1/n) delta_{N+1} 1_n)[j] = (1/n) Sum_s "
                 "delta_{N+1}[j, s] for all m_N, m_{N+1}, n, 0 <= j < m_{N+1}")

    def build(proof):
        zp = Sum(W[k, lv] * A[lv, s], (lv, 0, mN - 1)) + B[k]
        h = Sum(Dl[k, s] * Derivative(zp, B[j], evaluate=False), (k, 0, mP - 1), (s, 0, n - 1)) / n
        proof.steps.append(Step("Claim(N+1) for x = b_N[j], Z_{N+1}[k, s] = Sum_l W_N[k, l] A_N[l, s] "
                                "+ b_N[k] (eq 9 with bias); W_N and A_N do not depend on b_N", h,
                                "definition"))
        t = h.replace(lambda e: isinstance(e, Derivative), lambda e: sp.diff(e.expr, B[j]))
        proof.steps.append(Step("sympy.diff: d b_N[k]/d b_N[j] = KroneckerDelta(j, k)", t, "sympy"))
        t = apply_rule(proof, "sum the KroneckerDelta out", "sift", sift, t, {j: mP - 1})
        t = flat(proof, t)
        Dm = MatrixSymbol("delta_N1", mP, n)
        g = Dm * OneMatrix(n, 1) / n if scale else Dm * OneMatrix(n, 1)
        r = g[j, 0]
        proof.steps.append(Step(f"entry [j, 0] of {show(g)} (1_n: the column of n ones), indexed by sympy", r,
                                "sympy"))
        r = indexed(r, {"delta_N1": lambda a, b: Dl[a, b]})
        compare(proof, t, flat(proof, r), {n - 1: "s"})

    return run(GeneralProof("bias gradient", statement), build)
