"""Exact proofs: closed form (eqs 86-93, with 1/n) == sympy.diff ground truth, entry by entry."""
import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from derive import build_network, closed_form, prove
from derive.cost_model import check_budget, estimate_seconds
from derive.proof import entry_forms


def _assert_proved(proof, net):
    assert proof.proved, [(m.name, e.r, e.c, e.residual) for m, e in proof.failures]
    assert [m.shape for m in proof.matrices if m.name.startswith("W")] == [W.shape for W in net.W]
    assert sum(len(m.entries) for m in proof.matrices) == sum(len(W) for W in net.W) + (
        sum(len(b) for b in net.b) if net.b else 0)


@pytest.mark.parametrize("sizes,n", [
    ((3, 2), 1),                 # depth 1
    ((2, 3, 1), 3),              # depth 2, non-square
    ((3, 2, 3, 2), 2),           # depth 3: the paper's reference case
    ((2, 1, 3, 2, 2), 1),        # depth 4
    ((1, 2, 1, 2, 1, 2), 2),     # depth 5
])
def test_exact_proof_depths_1_to_5(sizes, n):
    net = build_network(sizes, n)
    _assert_proved(prove(net), net)


@pytest.mark.parametrize("activation,cost,bias,output", [
    ("phi", "logloss", False, None),      # any activation: rational-function route
    ("phi", "mse", True, None),
    ("tanh", "mse", False, None),
    ("tanh", "logloss", False, None),
    ("relu", "mse", True, None),
    ("identity", "mse", True, None),
    ("tanh", "logloss", False, "sigmoid"),  # eqs 95-96: own output activation
    ("sigmoid", "softmax_ce", True, None),
])
def test_exact_proof_for_each_pairing(activation, cost, bias, output):
    net = build_network((2, 2, 3), 2, activation=activation, cost=cost, bias=bias, output_activation=output)
    _assert_proved(prove(net), net)


def test_proof_data_per_matrix_and_entry():
    net = build_network((3, 2, 3, 2), 2)
    proof = prove(net)
    assert [m.name for m in proof.matrices] == ["W_0", "W_1", "W_2"]
    entry = proof.matrices[1].entries[3]
    assert (entry.r, entry.c, entry.symbol) == (1, 1, net.W[1][1, 1])
    assert entry.proved and entry.residual == 0 and entry.seconds >= 0
    data = proof.to_dict()
    assert data["proved"] and data["matrices"][2]["shape"] == [2, 3] and data["matrices"][2]["failures"] == []


def test_two_processes_give_the_same_proof():
    net = build_network((2, 2, 2), 2)
    a, b = prove(net, workers=1), prove(net, workers=2)
    assert a.proved and b.proved and "2 processes" in b.method
    assert [(m.name, [(e.r, e.c) for e in m.entries]) for m in a.matrices] == \
        [(m.name, [(e.r, e.c) for e in m.entries]) for m in b.matrices]


def test_entry_forms_are_the_two_sides():
    net = build_network((2, 2, 1), 1)
    w, truth, closed = entry_forms(net, 0, 1, 0)
    assert w == net.W[0][1, 0]
    assert sympy.expand(truth - closed) == 0 and truth.has(net.X[0, 0])


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4), n=st.integers(1, 2),
       activation=st.sampled_from(["sigmoid", "tanh", "phi"]), cost=st.sampled_from(["logloss", "mse"]))
def test_hypothesis_small_random_networks(sizes, n, activation, cost):
    net = build_network(tuple(sizes), n, activation=activation, cost=cost)
    _assert_proved(prove(net), net)


def test_estimate_refuses_large_sizes_at_once():
    assert estimate_seconds((3, 2, 3, 2), 2) < 5
    with pytest.raises(ValueError, match=r"estimated at \d+ s \(budget 60 s\).*--general"):
        check_budget((64, 64, 64, 10), 8, 60)
    net = build_network((12, 12, 12, 6), 4)
    with pytest.raises(ValueError, match="estimated"):
        prove(net, budget=60)


def test_wrong_shapes_of_a_closed_form_are_refused():
    net = build_network((2, 3, 2), 1)
    good = closed_form(net)
    with pytest.raises(ValueError, match="has 1 matrices"):
        prove(net, closed=good[:1])
    with pytest.raises(ValueError, match=r"grad W_0 has shape \(2, 3\), W_0 has shape \(3, 2\)"):
        prove(net, closed=[good[0].T, good[1]])


@pytest.mark.parametrize("activation,cost", [("sigmoid", "logloss"), ("phi", "logloss"),
                                             ("tanh", "softmax_ce")])
def test_one_sample_renaming_equals_differentiating_every_sample(activation, cost):
    net = build_network((2, 2, 2), 2, activation=activation, cost=cost)
    wrong = [2 * g for g in closed_form(net)]
    for closed in (None, wrong):
        fast, full = prove(net, closed=closed), prove(net, closed=closed, one_sample=False)
        assert fast.proved == full.proved == (closed is None)
        positions = [[(m.name, e.r, e.c) for m, e in p.failures] for p in (fast, full)]
        assert positions[0] == positions[1]
        if activation == "sigmoid":  # polynomial residuals: identical after expansion
            for (_, e1), (_, e2) in zip(fast.failures, full.failures, strict=True):
                assert sympy.expand(e1.residual - e2.residual) == 0
