"""derive proves the closed form for every hidden/output/cost pairing, with and without biases (issue 8).

The output delta is derived by sympy from the registries (derive/closed_forms.py: d lambda/d a times phi'
written in a, cancelled; softmax through its full Jacobian), never typed in: a cost that the code has never
heard of, added to the registry here, is proved too, and the engine's gradients match the sympy.diff truth
for every pairing the engine runs.
"""

import numpy as np
import pytest
import sympy
from sympy import Lambda, Symbol, log

import numeric
from derive import build_network, ground_truth_at, prove
from derive.closed_forms import output_delta_rule
from derive.functions import COSTS, Cost

HIDDEN = ["sigmoid", "tanh", "relu", "identity", "phi"]


def _pairings():
    """(hidden, output, cost): mse with any output, log-loss with an output in (0, 1) (sigmoid, or the
    abstract phi: a proof for every activation), softmax_ce with its own softmax output."""
    combos = []
    for h in HIDDEN:
        combos += [(h, out, "mse") for out in HIDDEN]
        combos += [(h, out, "logloss") for out in ("sigmoid", "phi")]
        combos.append((h, None, "softmax_ce"))
    return combos


@pytest.mark.parametrize("bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("hidden,output,cost", _pairings(), ids=lambda v: str(v))
def test_exact_proof_for_every_pairing(hidden, output, cost, bias):
    net = build_network((2, 2, 2), 2, activation=hidden, cost=cost, bias=bias, output_activation=output)
    proof = prove(net)
    assert proof.proved, proof.failures[:1]
    assert [m.name for m in proof.matrices] == ["W_0", "W_1"] + (["b_0", "b_1"] if bias else [])


_a, _y = Symbol("a"), Symbol("y")
NEW_COSTS = {
    # a cost no code path knows: quartic error
    "quartic": Cost("quartic", Lambda((_a, _y), (_a - _y) ** 4 / 4), r"\frac14 (a-y)^4", "-"),
    # class-weighted binary cross-entropy (positives count twice)
    "weighted_logloss": Cost("weighted_logloss",
                             Lambda((_a, _y), -(2 * _y * log(_a) + (1 - _y) * log(1 - _a))),
                             r"-[2 y \log a + (1-y) \log(1-a)]", "-"),
}


@pytest.mark.parametrize("name,expected", [
    ("quartic", (_a - _y) ** 3 * _a * (1 - _a)),
    ("weighted_logloss", _a * (1 + _y) - 2 * _y),
])
def test_output_delta_is_derived_from_the_registry_not_hard_coded(monkeypatch, name, expected):
    monkeypatch.setitem(COSTS, name, NEW_COSTS[name])
    rule = output_delta_rule("sigmoid", name)[2]
    assert sympy.expand(rule - expected) == 0
    for bias in (False, True):
        net = build_network((2, 3, 2), 2, activation="tanh", cost=name, bias=bias,
                            output_activation="sigmoid")
        assert prove(net).proved


def test_a_hard_coded_delta_would_fail_for_the_new_cost(monkeypatch):
    """The paper's delta_L = A_L - Y, right for log-loss (eq 27), is wrong for the weighted cost: derive's
    proof reports it at every weight matrix."""
    from derive.closed_forms import backprop_deltas, gradients_from_deltas

    monkeypatch.setitem(COSTS, "weighted_logloss", NEW_COSTS["weighted_logloss"])
    net = build_network((2, 2, 2), 1, cost="weighted_logloss")
    hard_coded = gradients_from_deltas(net, backprop_deltas(net, net.A[net.L] - net.Y))
    proof = prove(net, closed=hard_coded)
    assert not proof.proved and {m.name for m in proof.matrices if not m.proved} == {"W_0", "W_1"}


def _engine_pairings():
    return [(h, o, c) for h, o, c in _pairings() if "phi" not in (h, o)]


@pytest.mark.parametrize("hidden,output,cost", _engine_pairings(), ids=lambda v: str(v))
def test_engine_matches_the_sympy_truth_for_every_pairing(hidden, output, cost):
    """numeric.gradients (W and b) against derive.ground_truth_at (sympy.diff at 30 digits): rel 1e-12."""
    rng = np.random.default_rng(11)
    sizes, n = (3, 4, 2), 3
    Ws = [rng.normal(0, 0.8, (sizes[k + 1], sizes[k])) for k in range(2)]
    bs = [rng.normal(0, 0.5, (sizes[k + 1], 1)) for k in range(2)]
    X = rng.normal(0, 1, (3, n))
    Y = np.eye(2)[:, [0, 1, 1]] if cost in ("softmax_ce", "logloss") else rng.normal(0, 1, (2, n))
    grad_W, grad_b = numeric.gradients(Ws, X, Y, activation=hidden, cost=cost, biases=bs,
                                       output_activation=output)
    truth = ground_truth_at(sizes, Ws, X, Y, activation=hidden, cost=cost, biases=bs,
                            output_activation=output,
                            entries=[(N, r, c) for N in range(2) for r in range(sizes[N + 1])
                                     for c in range(sizes[N])] + [("b", N, r) for N in range(2)
                                                                  for r in range(sizes[N + 1])])
    for key, value in truth.items():
        got = grad_b[key[1]][key[2], 0] if key[0] == "b" else grad_W[key[0]][key[1], key[2]]
        assert abs(got - float(value)) <= 1e-12 * abs(float(value)) + 1e-15, (key, got, value)


def test_engine_softmax_ce_with_targets_that_do_not_sum_to_one():
    """Multi-label targets (columns summing to 2, 0.5): delta_L = A_L colsum(Y) - Y, not A_L - Y."""
    rng = np.random.default_rng(5)
    Ws = [rng.normal(size=(3, 2)), rng.normal(size=(3, 3))]
    bs = [rng.normal(size=(3, 1)), rng.normal(size=(3, 1))]
    X, Y = rng.normal(size=(2, 2)), np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.5]])
    grad_W, grad_b = numeric.gradients(Ws, X, Y, activation="relu", cost="softmax_ce", biases=bs)
    truth = ground_truth_at((2, 3, 3), Ws, X, Y, activation="relu", cost="softmax_ce", biases=bs,
                            entries=[(1, r, c) for r in range(3) for c in range(3)]
                            + [("b", 1, r) for r in range(3)])
    for key, value in truth.items():
        got = grad_b[1][key[2], 0] if key[0] == "b" else grad_W[1][key[1], key[2]]
        assert abs(got - float(value)) <= 1e-12 * abs(float(value)) + 1e-15, (key, got, value)


# ---- planted wrong closed forms for the new pairings: each fails exactly where it should -----------------

def _planted(net, kind):
    """(closed, closed_bias) of the EBP with one step wrong."""
    from derive.closed_forms import backprop_deltas, closed_form_bias, gradients_from_deltas, output_delta

    if kind == "softmax_extra_phi":  # delta_L = (A - Y) * A (1 - A): softmax' counted twice
        A = net.A[net.L]
        wrong = output_delta(net).multiply_elementwise(A.applyfunc(lambda a: a * (1 - a)))
        return gradients_from_deltas(net, backprop_deltas(net, wrong)), None
    deltas = backprop_deltas(net)
    if kind == "bias_not_averaged":  # grad b_N = delta_{N+1} 1_n, the 1/n forgotten
        return gradients_from_deltas(net, deltas), [net.n * g for g in closed_form_bias(net, deltas)]
    if kind == "sigmoid_prime_in_tanh_layer":  # D_phi_1 = A_1 (1 - A_1) in a tanh layer
        from sympy import Matrix
        A1 = net.A[1]
        wrong = (net.W[1].T * deltas[2]).multiply_elementwise(Matrix(A1.shape[0], A1.shape[1],
                                                                     lambda j, s: A1[j, s] * (1 - A1[j, s])))
        deltas = [None, wrong, deltas[2]]
        return gradients_from_deltas(net, deltas), (closed_form_bias(net, deltas) if net.b else None)
    if kind == "mse_without_output_phi":  # delta_L = A_L - Y for MSE with a sigmoid output
        wrong = net.A[net.L] - net.Y
        return gradients_from_deltas(net, backprop_deltas(net, wrong)), None
    raise ValueError(kind)


@pytest.mark.parametrize("kind,network,failing", [
    ("softmax_extra_phi", {"activation": "relu", "cost": "softmax_ce"}, {"W_0", "W_1"}),
    ("bias_not_averaged", {"activation": "tanh", "cost": "mse", "bias": True}, {"b_0", "b_1"}),
    ("sigmoid_prime_in_tanh_layer", {"activation": "tanh", "output_activation": "sigmoid", "bias": True},
     {"W_0", "b_0"}),
    ("mse_without_output_phi", {"activation": "identity", "output_activation": "sigmoid", "cost": "mse"},
     {"W_0", "W_1"}),
])
def test_planted_closed_forms_fail_where_they_should(kind, network, failing):
    net = build_network((2, 2, 2), 2, **network)
    closed, closed_bias = _planted(net, kind)
    proof = prove(net, closed=closed, closed_bias=closed_bias)
    assert not proof.proved
    assert {m.name for m in proof.matrices if not m.proved} == failing
    assert all(e.residual != 0 for _, e in proof.failures)
