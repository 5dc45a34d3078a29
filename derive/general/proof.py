"""EBP proven for every layer width, batch size and depth (issues 7, 17; eqs 83-96 of the paper).

Two results, both with the widths m_0..m_L and the batch size n left as symbols, for every pairing of the
registry (hidden activation, output activation (eqs 95-96) or softmax, cost, with or without biases):

1. ``prove_direct(N)``: the 4-layer network's cost (eq 83, every pre-activation written out as a nested
   ``Sum``, with its bias), differentiated by ``sympy.diff`` with respect to the generic weight ``W_N[j, i]``
   ({}_N w_{i+1}^{j+1} of the paper) or bias ``b_N[j]``, equals entry (j, i) of (1/n) delta_{N+1} A_N^T
   (entry j of (1/n) delta_{N+1} 1_n) with delta from eqs 88/92, for N = 0, 1, 2.
2. Any depth, by induction on the distance from the output (``derive.general.lemmas``): base case, step
   (eq 92), gradient lemma (eq 93) and bias gradient lemma. Base, then the step L-1-N times, then a gradient
   lemma prove the gradient formulas for every N of every depth L.

Each proof returns a ``GeneralProof`` (data, ``derive.general.steps``). Presentation lives in
``derive.general.present``; the CLI in ``derive.general.cli``.
"""

from __future__ import annotations

import sympy as sp

from derive.general.lemmas import prove_base, prove_bias_gradient, prove_gradient, prove_step
from derive.general.model import IndexNet, cost, generic_indices, normal_dphi
from derive.general.rules import fold, sift
from derive.general.steps import GeneralProof, Step, apply_rule, compare, expand, flat, run, show

__all__ = ["prove_all", "prove_base", "prove_bias_gradient", "prove_direct", "prove_gradient", "prove_step"]

_DPHI_TEXT = {"sigmoid": "phi(Z)(1 - phi(Z)) (eq 16/17)", "tanh": "1 - tanh(Z)^2", "relu": "Heaviside(Z)",
              "identity": "1", "phi": "Dphi(Z)", "softmax": "none on the softmax layer"}


def _setting(net):
    parts = [f"{net.L + 1} layers", net.activation]
    if net.out_activation != net.activation:
        parts.append(f"output {net.out_activation}")
    return ", ".join(parts + [net.cost] + (["biases"] if net.bias else []))


def prove_direct(N, L=3, activation="sigmoid", cost_name="logloss", closed=None, *, output=None, bias=False,
                 wrt="W", z_of=None):
    """Direct proof for the generic weight W_N[j, i] (``wrt="W"``) or bias b_N[j] (``wrt="b"``) of a network
    with L weight matrices (L = 3: 4 layers).

    ``closed`` (optional) replaces the claimed closed form (a sympy matrix expression in the names of
    ``IndexNet.matrices``) and ``z_of(M, r, c)`` the pre-activation entries it is read with; both exist so
    that tests can plant a wrong formula and see the proof fail.
    """
    net = IndexNet(L, activation, cost_name, output, bias)
    if not 0 <= N < L:
        raise ValueError(f"N must be in 0..{L - 1} for a network with {L} weight matrices")
    if wrt not in ("W", "b") or (wrt == "b" and not bias):
        raise ValueError("wrt must be 'W', or 'b' for a network with biases")
    j, i, ranges = generic_indices(net, N)
    if wrt == "W":
        x, entry, claim = net.W[N][j, i], (j, i), f"((1/n) delta_{N + 1} A_{N}^T)[j, i]"
        where = f"0 <= j < m{N + 1}, 0 <= i < m{N}"
    else:
        x, entry, claim = net.b[N][j], (j, 0), f"((1/n) delta_{N + 1} 1_n)[j]"
        ranges, where = {j: ranges[j]}, f"0 <= j < m{N + 1}"
    statement = (f"d Lambda / d {x} = {claim}   for all m0..m{L}, n, {where}   ({_setting(net)})")
    names = {net.bound(M): f"k{M}" for M in range(L + 1)} | {net.n - 1: "s"}

    def build(proof):
        lam_ = cost(net)
        proof.steps.append(Step("cost Lambda of the network, pre-activations written out (eqs 9, 13, 83)"
                                + ("; softmax output over m_L classes" if net.softmax else ""), lam_,
                                "definition"))
        t = sp.diff(lam_, x)
        d = "KroneckerDelta(j, k)*KroneckerDelta(i, l)" if wrt == "W" else "KroneckerDelta(j, k)"
        proof.steps.append(Step(f"sympy.diff(Lambda, {x}): linearity through Sum, chain rule through the "
                                f"activations{' and the softmax' if net.softmax else ''}, "
                                f"d {x.base}[k, ...]/d {x} = {d}, 0 for the other layers", t, "sympy"))
        t = normal_dphi(apply_rule(proof, "name the pre-activations Z_M[k, s] (definition read right to "
                                   "left)", "fold", fold, t, net.fold_layers()))
        if net.softmax:  # split the quotient rule's terms first, so that each delta sits in its own sum
            t = expand(proof, t, "left side")
        t = apply_rule(proof, "sum the KroneckerDeltas out of the sums over symbolic widths", "sift", sift, t,
                       ranges)
        t = flat(proof, t)
        rhs_m = closed
        if rhs_m is None:
            rhs_m = net.grad_matrix(N) if wrt == "W" else net.grad_bias_matrix(N)
        proof.steps.append(Step(f"claimed closed form (eqs 88, 92, 93): {show(rhs_m)}", rhs_m, "definition"))
        r = rhs_m[entry]
        proof.steps.append(Step(f"entry {list(entry)} of the matrix expression, indexed by sympy", r,
                                "sympy"))
        r = net.entries(r, z_of)
        if z_of is not None:  # pre-activations given as expressions: name them as on the left side
            r = apply_rule(proof, "name the pre-activations Z_M[k, s] (right side)", "fold", fold, r,
                           net.fold_layers())
        dphi = ", ".join(sorted({_DPHI_TEXT[net.act_name(M)] for M in range(1, L + 1)}))
        proof.steps.append(Step(f"entries by their definitions: W, A = phi(Z), D_phi = {dphi}, delta_out "
                                "(eqs 20/21, 84)", r, "definition"))
        r = flat(proof, expand(proof, r, "right side") if net.softmax else r)
        compare(proof, t, r, names)

    label = f"direct N={N}" if wrt == "W" else f"direct bias N={N}"
    return run(GeneralProof(label, statement, assumptions=net.assumptions()), build)


def prove_all(activation="sigmoid", cost_name="logloss", L=3, *, output=None, bias=False):
    """Direct proofs for N = 0..L-1 (weights, then biases), then base case, step and gradient lemmas."""
    proofs = [prove_direct(N, L, activation, cost_name, output=output, bias=bias) for N in range(L)]
    if bias:
        proofs += [prove_direct(N, L, activation, cost_name, output=output, bias=True, wrt="b")
                   for N in range(L)]
    proofs += [prove_base(activation, cost_name, output), prove_step(activation, bias=bias),
               prove_gradient(bias=bias)]
    return proofs + ([prove_bias_gradient()] if bias else [])
