"""The oracles (complex step, central differences) and verify's own forward pass."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verify_correct import vectorized as hand_backprop

from verify.cases import Case
from verify.functions import total_cost
from verify.oracles import central_difference, complex_step, full_gradient
from verify.truth import symbolic


def test_one_weight_by_hand():
    # one weight, one sample: Lambda = -[y log s(wx) + (1-y) log(1-s(wx))], dLambda/dw = (s(wx) - y) x
    w, x, y = 0.7, 1.3, 0.25
    got = complex_step([np.array([[w]])], np.array([[x]]), np.array([[y]]))[(0, 0, 0)]
    assert got == pytest.approx((1 / (1 + np.exp(-w * x)) - y) * x, rel=1e-15)


def test_complex_step_is_exact_to_rounding_central_is_not():
    weights, X, Y = Case("c", (4, 3, 5, 2), 3, seed=1).data()
    want = hand_backprop(weights, X, Y)
    cs = full_gradient(complex_step, weights, X, Y)
    cd = full_gradient(central_difference, weights, X, Y)
    rel = [np.max(np.abs(g - w) / np.abs(w)) for g, w in zip(cs, want, strict=True)]
    rel_cd = [np.max(np.abs(g - w) / np.abs(w)) for g, w in zip(cd, want, strict=True)]
    assert max(rel) < 1e-13
    assert max(rel_cd) > 1e-12  # finite differences cannot meet a float64 tolerance


@pytest.mark.parametrize("activation,cost", [("sigmoid", "logloss"), ("tanh", "mse"), ("sigmoid", "mse"),
                                             ("tanh", "softmax_ce"), ("identity", "mse")])
def test_complex_step_against_sympy(activation, cost):
    case = Case("c", (3, 4, 2), 2, seed=5, activation=activation, cost=cost)
    weights, X, Y = case.data()
    truth = symbolic(weights, X, Y, activation=activation, cost=cost)
    cs = complex_step(weights, X, Y, list(truth), activation=activation, cost=cost)
    for key, value in truth.items():
        assert cs[key] == pytest.approx(float(value), rel=1e-13, abs=1e-16), key


def test_forward_cost_matches_paper_eq19():
    weights, X, Y = Case("c", (2, 3, 2), 4, seed=2).data()
    A = X
    for W in weights:
        A = 1 / (1 + np.exp(-W @ A))
    want = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / X.shape[1]
    assert total_cost(weights, X, Y) == pytest.approx(want, rel=1e-14)


def test_unknown_names_are_refused():
    weights, X, Y = Case("c", (2, 2), 1).data()
    with pytest.raises(ValueError, match="unknown activation"):
        total_cost(weights, X, Y, activation="swish")


@settings(max_examples=12, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5), n=st.integers(1, 3),
       seed=st.integers(0, 2**16), bias=st.booleans(),
       config=st.sampled_from([("sigmoid", "logloss", None), ("tanh", "softmax_ce", None),
                               ("relu", "mse", "identity"), ("tanh", "mse", "sigmoid")]))
def test_bulk_oracles_equal_one_forward_pass_per_entry(sizes, n, seed, bias, config):
    """The vectorised oracles (all entries of a layer at once) against the per-entry reference route."""
    activation, cost, out = config
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=(b, a)) for a, b in zip(sizes, sizes[1:], strict=False)]
    X = rng.normal(size=(sizes[0], n))
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], size=n)] if cost == "softmax_ce" \
        else rng.uniform(0.05, 0.95, size=(sizes[-1], n))
    biases = [rng.normal(size=(b, 1)) for b in sizes[1:]] if bias else None
    options = {"activation": activation, "cost": cost, "output_activation": out, "biases": biases}
    fast, slow = complex_step(weights, X, Y, **options), complex_step(weights, X, Y, bulk=False, **options)
    assert fast.keys() == slow.keys()
    def layer(key):
        return key[:2] if key[0] == "b" else key[:1]
    scale = {}  # an entry that is small by cancellation (softmax sums) is exact to ~1e-16 of its layer
    for key, v in slow.items():
        scale[layer(key)] = max(scale.get(layer(key), 0.0), abs(v))
    for key, v in slow.items():
        assert abs(fast[key] - v) <= 1e-13 * abs(v) + 1e-15 * scale[layer(key)] + 1e-300, key
    fast, slow = (central_difference(weights, X, Y, **options),
                  central_difference(weights, X, Y, bulk=False, **options))
    for key, v in slow.items():  # same formula, rounding of the perturbed cost differs: ~1e-16 / h
        assert abs(fast[key] - v) <= 1e-6 * abs(v) + 1e-9, key
