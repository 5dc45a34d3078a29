"""The general proof: proven for a sample of every construct (biases, output activation, softmax +
cross-entropy, each registry activation), refuted for planted wrong formulas, and its theorem agrees with an
independent concrete ground truth (explicit sympy Matrices + sympy.diff) at many sizes and depths.
The full pairing matrix runs in bench/general_pairings.py."""

import random

import numpy as np
import pytest
import sympy as sp
from sympy import OneMatrix
from sympy import hadamard_product as hadamard

from derive import functions, ground_truth_at
from derive.general import (
    prove_all,
    prove_base,
    prove_bias_gradient,
    prove_direct,
    prove_gradient,
    prove_step,
    table,
)
from derive.general.check import Instance, close, concrete_gradient, evaluate
from derive.general.model import IndexNet, index

COMBOS = [(a, c) for a in ("phi", "sigmoid") for c in ("logloss", "mse")]
#: (activation, output activation, cost, bias): a sample covering every construct and every activation
SAMPLE = [
    ("phi", None, "mse", True),
    ("sigmoid", None, "logloss", True),
    ("tanh", "sigmoid", "logloss", False),
    ("relu", "identity", "mse", True),
    ("identity", "phi", "logloss", False),
    ("phi", None, "softmax_ce", True),
    ("sigmoid", None, "softmax_ce", False),
    ("relu", None, "softmax_ce", False),
]
J, I = index("j"), index("i")
NAMES = ["direct N=0", "direct N=1", "direct N=2", "base (output layer)", "step N+1 -> N (eq 92)",
         "gradient (eq 93)"]
BIAS_NAMES = NAMES[:3] + ["direct bias N=0", "direct bias N=1", "direct bias N=2"] + NAMES[3:] + [
    "bias gradient"]


def test_general_proof_knows_exactly_the_registry_names():
    assert tuple(functions.ACTIVATIONS) == table.ACTIVATIONS
    assert tuple(functions.COSTS) == table.COSTS


@pytest.mark.parametrize("activation,output,cost,bias", SAMPLE)
def test_every_statement_of_a_pairing_is_proven(activation, output, cost, bias):
    proofs = prove_all(activation, cost, output=output, bias=bias)
    assert [p.name for p in proofs] == (BIAS_NAMES if bias else NAMES)
    for proof in proofs:
        assert proof.proven, (proof.name, proof.reason, proof.residual)
        assert proof.residual == 0 and proof.steps[-1].expr == 0
    relu = "relu" in (activation, output)
    assert any("z != 0" in a for p in proofs for a in p.assumptions) == relu


@pytest.mark.parametrize("activation,cost", COMBOS)
def test_every_statement_is_proven(activation, cost):
    proofs = prove_all(activation, cost)
    assert [p.name for p in proofs] == NAMES
    for proof in proofs:
        assert proof.proven, (proof.name, proof.reason, proof.residual)
        assert proof.residual == 0
        hows = {st.how for st in proof.steps}
        assert {"sympy", "rule"} <= hows
        assert proof.steps[-1].how == "sympy" and proof.steps[-1].expr == 0


def test_direct_proof_uses_sympy_diff_then_the_rules():
    proof = prove_direct(0, 3, "phi", "logloss")
    assert proof.steps[1].how == "sympy" and proof.steps[1].expr.has(sp.KroneckerDelta)
    rules = [st.rule for st in proof.steps if st.how == "rule"]
    assert rules == ["fold", "sift", "flatten", "flatten", "canonical"]
    sift_step = next(st for st in proof.steps if st.rule == "sift")
    assert sift_step.applications == 4 and not sift_step.expr.has(sp.KroneckerDelta)  # 2 terms x 2 deltas


@pytest.mark.parametrize("L", [1, 2, 4])
def test_direct_proof_for_other_depths(L):
    for N in range(L):
        proof = prove_direct(N, L, "phi", "mse")
        assert proof.proven, (L, N, proof.reason)


def _planted(net):
    Wm, Am, Dm, Ym, Om = net.matrices()
    n = net.n
    return {
        "lost 1/n": net.delta_matrices()[1] * Am[0].T,
        "flipped sign": -net.delta_matrices()[1] * Am[0].T / n,
        "phi' on the wrong layer": hadamard(Wm[1].T * hadamard(Wm[2].T * hadamard(Om, Dm[3]), Dm[2]),
                                            Am[1]) * Am[0].T / n,
        "phi' twice at the output": hadamard(
            Wm[1].T * hadamard(Wm[2].T * hadamard(hadamard(Om, Dm[3]), Dm[3]), Dm[2]), Dm[1]) * Am[0].T / n,
    }


@pytest.mark.parametrize("bug", ["lost 1/n", "flipped sign", "phi' on the wrong layer",
                                 "phi' twice at the output"])
def test_planted_wrong_closed_forms_are_not_proven(bug):
    net = IndexNet(3, "phi", "mse")
    proof = prove_direct(0, 3, "phi", "mse", closed=_planted(net)[bug])
    assert not proof.proven and proof.residual != 0 and proof.reason


def test_planted_missing_bias_term_is_not_proven():
    """The closed form read with pre-activations W A that forget + b (folding names only W A + b)."""
    net = IndexNet(3, "phi", "mse", bias=True)
    for N, wrt in [(0, "W"), (1, "b")]:
        good = prove_direct(N, 3, "phi", "mse", bias=True, wrt=wrt, z_of=net.Z_nested)
        assert good.proven, good.residual  # the control: the same route with the bias is proven
        bad = prove_direct(N, 3, "phi", "mse", bias=True, wrt=wrt,
                           z_of=lambda M, r, c: net.Z_nested(M, r, c, bias=False))
        assert not bad.proven and bad.residual != 0 and "differ" in bad.reason


def _softmax_deltas(net):
    _, Am, Dm, Ym, Om = net.matrices()
    L, mL, n = net.L, net.m[net.L], net.n
    right = net.delta_out_matrix()
    return {
        "diagonal softmax Jacobian": hadamard(hadamard(Om, Am[L]), OneMatrix(mL, n) - Am[L]),
        "phi' at the output with softmax": hadamard(right, Dm[L]),
        "A_L - Y without one-hot targets": Am[L] - Ym,
        "flipped sign": Ym - hadamard(Am[L], OneMatrix(mL, mL) * Ym),
    }


@pytest.mark.parametrize("bug", ["diagonal softmax Jacobian", "phi' at the output with softmax",
                                 "A_L - Y without one-hot targets", "flipped sign"])
def test_planted_wrong_softmax_deltas_are_not_proven(bug):
    base = prove_base("phi", "softmax_ce", delta_L=_softmax_deltas(IndexNet(1, "phi", "softmax_ce"))[bug])
    assert not base.proven and base.residual != 0 and "differ" in base.reason
    net = IndexNet(3, "phi", "softmax_ce", bias=True)
    _, Am, _, _, _ = net.matrices()
    closed = net.delta_matrices(_softmax_deltas(net)[bug])[1] * Am[0].T / net.n
    direct = prove_direct(0, 3, "phi", "softmax_ce", closed, bias=True)
    assert not direct.proven and direct.residual != 0


def test_planted_wrong_lemmas_are_not_proven():
    step = prove_step("phi", transpose=False)
    assert not step.proven and "differ" in step.reason
    grad = prove_gradient(scale=False)
    assert not grad.proven and grad.residual != 0
    bias = prove_bias_gradient(scale=False)
    assert not bias.proven and bias.residual != 0


def _closed_entry(net, N):
    """Index form of the theorem's right-hand side ((1/n) delta_{N+1} A_N^T)[j, i], sympy-indexed."""
    return net.entries(net.grad_matrix(N)[J, I])


@pytest.mark.parametrize("activation,cost", COMBOS)
def test_theorem_matches_concrete_ground_truth_at_many_sizes(activation, cost):
    rng = random.Random(len(activation) * 10 + len(cost))
    net = IndexNet(3, activation, cost)
    checked = 0
    for _ in range(3):
        sizes, n = tuple(rng.randint(1, 3) for _ in range(4)), rng.randint(1, 3)
        inst = Instance(sizes, n, activation, seed=rng.randint(0, 99))
        for N in range(3):
            j, i = rng.randrange(sizes[N + 1]), rng.randrange(sizes[N])
            subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: j, I: i}
            truth = concrete_gradient(inst, N, j, i, cost)
            assert close(evaluate(_closed_entry(net, N), subs, inst), truth), (sizes, n, N, j, i)
            checked += 1
    assert checked == 9


@pytest.mark.parametrize("activation,output,cost,bias", SAMPLE)
def test_theorem_for_each_construct_matches_concrete_ground_truth(activation, output, cost, bias):
    """Weights and biases, output activation and softmax: the closed forms against sympy.diff of explicit
    matrices at random small sizes (Y arbitrary, not one-hot: the softmax formula holds for any Y)."""
    rng = random.Random(len(activation + cost) + bias)
    net = IndexNet(3, activation, cost, output, bias)
    for _ in range(2):
        sizes, n = tuple(rng.randint(1, 3) for _ in range(4)), rng.randint(1, 2)
        inst = Instance(sizes, n, activation, seed=rng.randint(0, 99), output=output,
                        softmax=cost == "softmax_ce", bias=bias)
        for N in range(3):
            j, i = rng.randrange(sizes[N + 1]), rng.randrange(sizes[N])
            subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: j, I: i}
            truth = concrete_gradient(inst, N, j, i, cost)
            assert close(evaluate(_closed_entry(net, N), subs, inst), truth), (sizes, n, N, j, i)
            if bias:
                ours = evaluate(net.entries(net.grad_bias_matrix(N)[J, 0]), subs, inst)
                assert close(ours, concrete_gradient(inst, N, j, None, cost)), (sizes, n, N, j)


@pytest.mark.parametrize("L", [1, 2, 4, 5])
def test_theorem_at_other_depths_matches_concrete_ground_truth(L):
    """What the induction proves for every depth, checked at concrete depths (abstract phi, both costs)."""
    rng = random.Random(L)
    for cost in ("logloss", "mse"):
        net = IndexNet(L, "phi", cost)
        sizes, n = tuple(rng.randint(1, 2) for _ in range(L + 1)), rng.randint(1, 2)
        inst = Instance(sizes, n, "phi", seed=L)
        for N in range(L):
            j, i = rng.randrange(sizes[N + 1]), rng.randrange(sizes[N])
            subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: j, I: i}
            assert close(evaluate(_closed_entry(net, N), subs, inst), concrete_gradient(inst, N, j, i, cost))


@pytest.mark.parametrize("N", [0, 2])
def test_sympy_index_form_derivative_matches_concrete_ground_truth(N):
    """The automatic step (sympy.diff through Sum with symbolic bounds) agrees with concrete sympy.diff."""
    proof = prove_direct(N, 3, "phi", "logloss")
    net = IndexNet(3, "phi", "logloss")
    for sizes, n in [((2, 1, 3, 2), 2), ((1, 2, 2, 1), 3)]:
        inst = Instance(sizes, n, "phi", seed=N)
        subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: sizes[N + 1] - 1, I: 0}
        truth = concrete_gradient(inst, N, sizes[N + 1] - 1, 0, "logloss")
        assert close(evaluate(proof.steps[1].expr, subs, inst), truth)


@pytest.mark.parametrize("cost", ["logloss", "mse"])
def test_theorem_matches_derive_ground_truth_at(cost):
    """Cross-check with the fixed-size package: derive.ground_truth_at (sympy.diff, derive.build_network)."""
    net = IndexNet(3, "sigmoid", cost)
    for sizes, n in [((3, 2, 3, 2), 2), ((2, 3, 1, 2), 3)]:
        inst = Instance(sizes, n, "sigmoid", seed=11)

        def mat(name, rows, cols, inst=inst):
            return np.array([[float(inst.value(name, r, c)) for c in range(cols)] for r in range(rows)])

        weights = [mat(f"W{N}", sizes[N + 1], sizes[N]) for N in range(3)]
        X, Y = mat("X", sizes[0], n), mat("Y", sizes[3], n)
        entries = [(N, sizes[N + 1] - 1, 0) for N in range(3)]
        truth = ground_truth_at(sizes, weights, X, Y, entries=entries, activation="sigmoid", cost=cost)
        for N, j, i in entries:
            subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: j, I: i}
            ours = evaluate(_closed_entry(net, N), subs, inst)
            assert abs(float(ours) - float(truth[(N, j, i)])) <= 1e-12 * (1 + abs(float(ours)))
