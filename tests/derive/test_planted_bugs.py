"""Planted wrong closed forms: each is reported failing at the right layer and entry, with the residual."""
import pytest
import sympy
from sympy import Rational

from derive import build_network, prove
from derive.closed_forms import D_phi, backprop_deltas, closed_form, gradients_from_deltas, output_delta
from derive.proof import atom_map, entry_forms

SIZES, N_BATCH = (2, 3, 3, 2), 2  # W_1 is square: a missing transpose or a shifted phi' still fits


def _net():
    return build_network(SIZES, N_BATCH)


def _deltas_with(net, layer, delta):
    """The correct recursion (eq 92) except delta_layer, which is replaced."""
    deltas = [None] * (net.L + 1)
    deltas[net.L] = delta if layer == net.L else output_delta(net)
    for N in range(net.L - 1, 0, -1):
        deltas[N] = delta if layer == N else (net.W[N].T * deltas[N + 1]).multiply_elementwise(D_phi(net, N))
    return deltas


def _failing(proof):
    return [m.name for m in proof.matrices if not m.proved]


def _missing_transpose(net):
    good = backprop_deltas(net)
    wrong = (net.W[1] * good[2]).multiply_elementwise(D_phi(net, 1))  # W_1 instead of W_1^T
    return gradients_from_deltas(net, _deltas_with(net, 1, wrong))


def _missing_one_over_n(net):
    deltas = backprop_deltas(net)
    return [deltas[N + 1] * net.A[N].T for N in range(net.L)]


def _flipped_sign(net):
    return gradients_from_deltas(net, _deltas_with(net, net.L, net.Y - net.A[net.L]))


def _phi_prime_wrong_layer(net):
    good = backprop_deltas(net)
    wrong = (net.W[1].T * good[2]).multiply_elementwise(D_phi(net, 2))  # D_phi_2 instead of D_phi_1
    return gradients_from_deltas(net, _deltas_with(net, 1, wrong))


def _phi_prime_twice_at_output(net):
    return gradients_from_deltas(net, _deltas_with(net, net.L, output_delta(net).multiply_elementwise(
        D_phi(net, net.L))))


@pytest.mark.parametrize("plant,failing", [
    (_missing_transpose, ["W_0"]),
    (_phi_prime_wrong_layer, ["W_0"]),
    (_missing_one_over_n, ["W_0", "W_1", "W_2"]),
    (_flipped_sign, ["W_0", "W_1", "W_2"]),
    (_phi_prime_twice_at_output, ["W_0", "W_1", "W_2"]),
])
def test_planted_bug_fails_at_the_right_layers(plant, failing):
    net = _net()
    proof = prove(net, closed=plant(net))
    assert not proof.proved
    assert _failing(proof) == failing
    first_matrix, first_entry = proof.failures[0]
    assert (first_matrix.name, first_entry.r, first_entry.c) == (failing[0], 0, 0)
    assert first_entry.residual != 0


def test_residual_is_exactly_truth_minus_planted():
    """missing 1/n: the residual of each entry is truth - n * truth = (1 - n) * truth."""
    net = _net()
    proof = prove(net, closed=_missing_one_over_n(net))
    mapping = atom_map(net)
    entry = proof.matrices[2].entries[4]  # grad W_2[1, 1]
    _, truth, _ = entry_forms(net, 2, entry.r, entry.c)
    assert sympy.expand(entry.residual - (1 - N_BATCH) * truth.xreplace(mapping)) == 0


def test_a_single_wrong_entry_is_named():
    net = _net()
    closed = closed_form(net)
    w = net.W[1][2, 0]
    closed[1] = closed[1].copy()
    closed[1][2, 0] = closed[1][2, 0] + Rational(1, 7) * w
    proof = prove(net, closed=closed)
    assert [(m.name, e.r, e.c) for m, e in proof.failures] == [("W_1", 2, 0)]
    assert proof.failures[0][1].residual == -Rational(1, 7) * w
    failures = proof.to_dict()["matrices"][1]["failures"]
    assert failures == [{"row": 2, "col": 0, "weight": "1w_1^3", "residual": "-1w_1^3/7"}]


def test_the_papers_typo_sign_error_in_logloss_is_caught():
    """eq 19 as printed, (1/n) sum [y log a - (1-y) log(1-a)], gives a different output delta: caught."""
    net = build_network((2, 2), 1)
    a_, y_ = sympy.symbols("a y")
    printed = sympy.diff(y_ * sympy.log(a_) - (1 - y_) * sympy.log(1 - a_), a_)
    out = sympy.Matrix(2, 1, lambda j, s: printed.subs({a_: net.A[1][j, s], y_: net.Y[j, s]}))
    proof = prove(net, closed=gradients_from_deltas(net, [None, out.multiply_elementwise(D_phi(net, 1))]))
    assert _failing(proof) == ["W_0"] and len(proof.matrices[0].failures) == 4


@pytest.mark.parametrize("activation,cost", [("sigmoid", "mse"), ("phi", "logloss"), ("tanh", "softmax_ce"),
                                             ("relu", "mse")])
def test_planted_bugs_for_other_pairings(activation, cost):
    net = build_network((2, 2, 2), 1, activation=activation, cost=cost)
    assert prove(net).proved
    assert _failing(prove(net, closed=_flipped_sign_any(net))) == ["W_0", "W_1"]
    assert _failing(prove(net, closed=_missing_transpose(net))) == ["W_0"]


def _flipped_sign_any(net):
    return [-g for g in closed_form(net)]
