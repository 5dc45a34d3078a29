"""Soundness of every rewrite rule of the general proof, checked by concrete evaluation at many sizes.

Each rule application inside the real proofs is replayed: the expression before and after the rule are
evaluated at concrete widths, batch sizes and generic indices (sums expanded by sympy, pseudo-random values
for the entries) and must agree to ~25 digits. Synthetic expressions test the side conditions and the
renaming of bound indices.
"""

import random

import pytest
import sympy as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import IndexedBase, KroneckerDelta, Sum

from derive.general import prove_base, prove_bias_gradient, prove_direct, prove_gradient, prove_step
from derive.general.check import Instance, close, evaluate
from derive.general.model import IndexNet, index, width
from derive.general.rules import RULES, canonical, flatten, fold, sift

COMBOS = [(a, c) for a in ("phi", "sigmoid") for c in ("logloss", "mse")]
J, I = index("j"), index("i")


def _check_rule_steps(proof, assignments, activation, **setting):
    """Every rule step of ``proof``: before == after at each assignment (dict Symbol -> int).

    ``setting``: output / softmax / bias of the concrete Instance (as the proof's network).
    """
    checked = 0
    for st_ in proof.steps:
        if st_.how != "rule":
            continue
        assert st_.rule in RULES
        for subs, sizes, n in assignments:
            inst = Instance(sizes, n, activation, seed=len(subs) + n, **setting)
            if isinstance(st_.before, sp.Eq):
                pairs = [(st_.before.lhs, st_.expr.lhs), (st_.before.rhs, st_.expr.rhs)]
            else:
                pairs = [(st_.before, st_.expr)]
            for before, after in pairs:
                a, b = evaluate(before, subs, inst), evaluate(after, subs, inst)
                assert close(a, b), f"{proof.name}: rule {st_.rule} changed the value at {subs}: {a} vs {b}"
                checked += 1
    return checked


def _direct_assignments(N, rng, count):
    net = IndexNet(3)
    out = []
    for _ in range(count):
        sizes = tuple(rng.randint(1, 3) for _ in range(4))
        n = rng.randint(1, 3)
        subs = dict(zip(net.m, sizes, strict=True)) | {net.n: n, J: rng.randrange(sizes[N + 1]),
                                                       I: rng.randrange(sizes[N])}
        out.append((subs, sizes, n))
    return out


@pytest.mark.parametrize("activation,cost", COMBOS)
@pytest.mark.parametrize("N", [0, 1, 2])
def test_rules_in_direct_proofs_are_sound(activation, cost, N):
    proof = prove_direct(N, 3, activation, cost)
    assert proof.proven
    rng = random.Random(100 * N + len(activation + cost))
    assert _check_rule_steps(proof, _direct_assignments(N, rng, 4), activation) >= 16


#: (activation, output, cost, bias): constructs of issue 17 whose rule applications are replayed
CONSTRUCTS = [("phi", None, "softmax_ce", True), ("relu", "identity", "mse", True),
              ("tanh", "sigmoid", "logloss", False), ("sigmoid", None, "softmax_ce", False)]


@pytest.mark.parametrize("activation,output,cost,bias", CONSTRUCTS)
def test_rules_in_direct_proofs_of_each_construct_are_sound(activation, output, cost, bias):
    setting = {"output": output, "softmax": cost == "softmax_ce", "bias": bias}
    rng = random.Random(len(activation + cost))
    checked = 0
    for N, wrt in [(0, "W"), (2, "W")] + ([(1, "b")] if bias else []):
        proof = prove_direct(N, 3, activation, cost, output=output, bias=bias, wrt=wrt)
        assert proof.proven, (N, wrt, proof.residual)
        checked += _check_rule_steps(proof, _direct_assignments(N, rng, 2), activation, **setting)
    assert checked >= 16


def _lemma_assignments(rng, count, square=False):
    mM, mP, n = width("m_M"), width("m_M1"), width("n")
    out = []
    for _ in range(count):
        a, b, c = rng.randint(1, 4), rng.randint(1, 4), rng.randint(1, 3)
        b = a if square else b
        subs = {mM: a, mP: b, n: c, width("m1"): b, width("m_N"): a, width("m_N1"): b, J: rng.randrange(b),
                I: rng.randrange(a)}
        out.append((subs, (a, b), c))
    return out


@pytest.mark.parametrize("activation,cost", COMBOS)
def test_rules_in_induction_lemmas_are_sound(activation, cost):
    rng = random.Random(7)
    checked = 0
    for proof in (prove_base(activation, cost), prove_step(activation), prove_gradient()):
        assert proof.proven, proof.name
        checked += _check_rule_steps(proof, _lemma_assignments(rng, 6), activation)
    assert checked >= 40


@pytest.mark.parametrize("activation,output,cost,bias", CONSTRUCTS)
def test_rules_in_lemmas_of_each_construct_are_sound(activation, output, cost, bias):
    rng = random.Random(11)
    proofs = [prove_base(activation, cost, output), prove_step(activation, bias=bias),
              prove_gradient(bias=bias)] + ([prove_bias_gradient()] if bias else [])
    checked = 0
    for proof in proofs:
        assert proof.proven, proof.name
        checked += _check_rule_steps(proof, _lemma_assignments(rng, 3), activation, output=output,
                                     softmax=cost == "softmax_ce")
    assert checked >= 18


def test_rules_are_sound_in_failing_proofs_too():
    """A planted bug must fail at the comparison, never because a rule changed a value."""
    rng = random.Random(3)
    for proof in (prove_step("phi", transpose=False), prove_gradient(scale=False)):
        assert not proof.proven
        _check_rule_steps(proof, _lemma_assignments(rng, 4, square=True), "phi")


# ------------------------------------------------------------------------------------ synthetic cases

m, p, n = width("m"), width("p"), width("n")
k, l, s = index("k"), index("l"), index("s")
W, X, V = IndexedBase("W0"), IndexedBase("X"), IndexedBase("V")


def _value(expr, subs, seed=0):
    return evaluate(expr, subs, Instance((1, 1), 1, "phi", seed=seed))


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 5), st.integers(1, 4), st.integers(1, 3), st.data())
def test_sift_matches_expanded_sum(mv, pv, nv, data):
    a = data.draw(st.integers(0, mv - 1))
    expr = Sum(KroneckerDelta(J, k) * W[k, l] * X[l, s] + KroneckerDelta(J, k) * V[k, s] ** 2,
               (k, 0, m - 1), (l, 0, p - 1), (s, 0, n - 1))
    new, count = sift(expr, {J: m - 1})
    assert count == 1 and not new.has(KroneckerDelta)
    subs = {m: mv, p: pv, n: nv, J: a}
    assert close(_value(expr, subs), _value(new, subs))


def test_sift_refuses_when_ranges_differ_and_would_be_wrong():
    expr = Sum(KroneckerDelta(J, k) * V[k, s], (k, 0, p - 1))
    new, count = sift(expr, {J: m - 1})  # j runs over m nodes, k over p: the side condition fails
    assert count == 0 and new == expr
    wrong = V[J, s]  # what the rule would give without its side condition
    subs = {m: 4, p: 2, J: 3, s: 0}  # j = 3 is outside 0..p-1: the true sum is 0
    assert _value(expr, subs) == 0 and _value(wrong, subs) != 0


def test_flatten_renames_clashing_bound_indices():
    expr = V[l, s] * Sum(W[k, l], (l, 0, m - 1)) * Sum(X[l, s], (l, 0, p - 1))  # l free and bound twice
    new, count = flatten(expr)
    assert count > 0 and isinstance(new, Sum) and len(new.limits) == 2
    for mv, pv, lv in [(1, 1, 0), (3, 2, 1), (2, 4, 3), (4, 3, 2)]:
        subs = {m: mv, p: pv, k: 0, s: 0}  # the free l is substituted by subs(), which respects bound l
        assert close(_value(expr.subs(l, lv), subs), _value(new.subs(l, lv), subs))


def test_flatten_merges_sums_of_sums_with_equal_bounds():
    expr = 2 * Sum(W[k, s], (k, 0, m - 1)) - Sum(V[l, s] ** 2, (l, 0, m - 1))
    new, _ = flatten(expr)
    assert isinstance(new, Sum)
    for mv in (1, 2, 5):
        assert close(_value(expr, {m: mv, s: 0}), _value(new, {m: mv, s: 0}))


def test_canonical_interchanges_only_independent_limits():
    expr = Sum(W[k, l] * X[l, s], (s, 0, n - 1), (l, 0, p - 1), (k, 0, m - 1))
    names = {m - 1: "a", p - 1: "b", n - 1: "c"}
    new, count = canonical(expr, names)
    other = Sum(W[k, l] * X[l, s], (k, 0, m - 1), (s, 0, n - 1), (l, 0, p - 1))
    assert count == 1 and canonical(other, names)[0] == new  # any order gives the same normal form
    assert {str(lim[0]) for lim in new.limits} == {"a", "b", "c"}
    for sizes in [(1, 2, 3), (3, 1, 2), (2, 2, 2)]:
        subs = dict(zip((m, p, n), sizes, strict=True))
        assert close(_value(expr, subs), _value(new, subs))
    dependent = Sum(W[k, l], (l, 0, k), (k, 0, m - 1))  # triangular sum: must not be reordered
    assert [lim[2] for lim in canonical(dependent)[0].limits] == [dependent.limits[0][2], m - 1]


def test_fold_replaces_exactly_the_pre_activation_definition():
    net = IndexNet(2, "phi", "mse")
    z2 = net.Z_nested(2, k, s)
    new, count = fold(sp.sin(z2) + V[k, s], net.fold_layers())
    assert count == 2 and new == sp.sin(net.Z[2][k, s]) + V[k, s]
    other = Sum(net.W[1][k, l] * X[l, s], (l, 0, net.bound(1) - 1))  # wrong bound: not a pre-activation
    assert fold(other, net.fold_layers())[1] == 0
    for sizes in [(2, 1, 3), (1, 3, 2)]:
        inst = Instance(sizes, 2, "phi", seed=5)
        subs = dict(zip(net.m, sizes, strict=True)) | {net.n: 2, k: 0, s: 1}
        assert close(evaluate(sp.sin(z2), subs, inst), evaluate(sp.sin(net.Z[2][k, s]), subs, inst))


def test_flatten_does_not_merge_when_renaming_would_capture():
    expr = Sum(W[k, s], (k, 0, m - 1)) + Sum(V[l, k], (l, 0, m - 1))  # k is free in the second sum
    new, _ = flatten(expr)
    for mv, kv in [(2, 0), (3, 2), (1, 0)]:
        subs = {m: mv, s: 0}
        assert close(_value(expr.subs(k, kv), subs), _value(new.subs(k, kv), subs))


def test_sift_does_not_substitute_into_a_capturing_inner_sum():
    # l is free outside and bound inside: sifting k -> l would be captured
    expr = Sum(KroneckerDelta(l, k) * Sum(W[k, l], (l, 0, m - 1)), (k, 0, m - 1))
    new, count = sift(expr, {l: m - 1})
    assert count == 0
    for mv, lv in [(2, 1), (3, 0)]:
        assert close(_value(expr.subs(l, lv), {m: mv}), _value(new.subs(l, lv), {m: mv}))


c_ = index("c")


def test_canonical_symmetrizes_only_over_indices_of_equal_range():
    f = W[k, s] * X[c_, s] ** 2  # not symmetric in k, c
    same = Sum(f, (k, 0, m - 1), (c_, 0, m - 1), (s, 0, n - 1))
    new, count = canonical(same, {m - 1: "k", n - 1: "s"})
    assert count >= 1 and len(sp.Add.make_args(new.function)) == 2  # (f(k, c) + f(c, k)) / 2
    swapped = Sum(W[c_, s] * X[k, s] ** 2, (k, 0, m - 1), (c_, 0, m - 1), (s, 0, n - 1))
    assert canonical(swapped, {m - 1: "k", n - 1: "s"})[0] == new  # equal up to renaming: same form
    for sizes in [(1, 1), (2, 3), (3, 2)]:
        subs = dict(zip((m, n), sizes, strict=True))
        assert close(_value(same, subs), _value(new, subs))
    other = Sum(f, (k, 0, m - 1), (c_, 0, p - 1), (s, 0, n - 1))  # different ranges: no symmetrization
    new_other, _ = canonical(other, {m - 1: "k", p - 1: "c", n - 1: "s"})
    assert len(sp.Add.make_args(new_other.function)) == 1
    wrong = Sum((f + f.xreplace({k: c_, c_: k})) / 2, *other.limits)  # what symmetrizing would give
    subs = {m: 3, p: 1, n: 1}
    assert not close(_value(other, subs), _value(wrong, subs))


def test_flatten_splits_a_sum_of_terms_with_inner_sums():
    expr = Sum(V[k, s] * Sum(W[k, l] * X[l, s], (l, 0, p - 1)) - V[k, s] ** 2, (k, 0, m - 1))
    new, count = flatten(expr)
    assert count >= 2 and all(not isinstance(t, Sum) or not t.function.has(Sum) for t in
                              sp.Add.make_args(new))
    for mv, pv in [(1, 1), (2, 3), (3, 2)]:
        assert close(_value(expr, {m: mv, p: pv, s: 0}), _value(new, {m: mv, p: pv, s: 0}))


def test_fold_with_bias_needs_the_whole_pre_activation():
    net = IndexNet(2, "sigmoid", "mse", bias=True)
    z2 = net.Z_nested(2, k, s)
    expr = sp.exp(-z2) + V[k, s]  # sympy writes exp(-(S + b)) as exp(-S - b)
    new, count = fold(expr, net.fold_layers())
    assert count == 2 and new == sp.exp(-net.Z[2][k, s]) + V[k, s]
    no_bias = net.Z_nested(2, k, s, bias=False)  # W A without + b is not the pre-activation
    assert not fold(sp.exp(no_bias), net.fold_layers())[0].has(net.Z[2])
    for sizes in [(2, 1, 3), (1, 3, 2)]:
        inst = Instance(sizes, 2, "sigmoid", seed=5, bias=True)
        subs = dict(zip(net.m, sizes, strict=True)) | {net.n: 2, k: 0, s: 1}
        assert close(evaluate(expr, subs, inst), evaluate(new, subs, inst))
