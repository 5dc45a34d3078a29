"""Registries: names, stability at any weight scale, derivatives against differences, costs."""

import math

import numpy as np
import pytest

from numeric import functions as F
from numeric.network import forward


def test_registry_keys():
    assert set(F.ACTIVATIONS) == set(F.DERIVATIVES) == {"sigmoid", "tanh", "relu", "identity"}
    assert set(F.COSTS) == {"logloss", "mse", "softmax_ce"}


def test_same_keys_as_derive():
    import derive.functions as derive_functions  # same repository: a broken import must fail, not skip
    assert set(F.ACTIVATIONS) == set(derive_functions.ACTIVATIONS) - {"phi"}
    assert set(F.COSTS) == set(derive_functions.COSTS)


@pytest.mark.parametrize("z", [-800.0, -40.0, -1.0, 0.0, 2.5, 40.0, 800.0])
def test_sigmoid_accurate_in_both_tails(z):
    exact = 1 / (1 + math.exp(-z)) if z >= 0 else math.exp(z) / (1 + math.exp(z))
    got = F.sigmoid(np.array([[z]]))[0, 0]
    assert got == pytest.approx(exact, rel=1e-15, abs=0)


@pytest.mark.parametrize("scale", [1.0, 1e3, 1e8, 1e150])
def test_no_warnings_at_any_weight_scale(scale):
    rng = np.random.default_rng(0)
    W = [scale * rng.standard_normal((5, 4)), scale * rng.standard_normal((3, 5))]
    X = rng.standard_normal((4, 6))
    Y = np.eye(3)[:, rng.integers(0, 3, 6)]
    with np.errstate(over="raise", divide="raise", invalid="raise"):  # underflow to 0 is harmless
        Z, A = forward(W, X)
        assert np.all((A[2] >= 0) & (A[2] <= 1))
        for name in ("logloss", "mse"):
            assert np.isfinite(F.COSTS[name](Z[2], A[2], Y, "sigmoid"))
        assert np.isfinite(F.COSTS["softmax_ce"](Z[2], F.softmax(Z[2]), Y))
        F.sigmoid_fast(np.clip(Z[2], -1e38, 1e38).astype(np.float32))


def test_logloss_from_z_equals_definition_where_both_are_finite():
    rng = np.random.default_rng(1)
    Z = rng.normal(0, 3, (4, 7))
    Y = rng.uniform(0, 1, (4, 7))
    A = F.sigmoid(Z)
    direct = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / 7
    assert F.COSTS["logloss"](Z, A, Y, "sigmoid") == pytest.approx(direct, rel=1e-12)
    assert F.COSTS["logloss"](Z, A, Y, "tanh") == pytest.approx(direct, rel=1e-12)  # the A-based path
    assert F.COSTS["mse"](Z, A, Y) == pytest.approx(np.sum((A - Y) ** 2) / 14, rel=1e-14)


def test_logloss_saturated_output_is_finite_and_large():
    Z = np.array([[-1000.0]])
    assert F.COSTS["logloss"](Z, F.sigmoid(Z), np.array([[1.0]]), "sigmoid") == pytest.approx(1000.0)


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "identity"])
def test_derivatives_against_central_differences(name):
    z = np.linspace(-4, 4, 17).reshape(1, -1) + 0.013  # avoid relu's kink at 0
    h = 1e-6
    numeric_d = (F.ACTIVATIONS[name](z + h) - F.ACTIVATIONS[name](z - h)) / (2 * h)
    d = F.DERIVATIVES[name](z, F.ACTIVATIONS[name](z))
    np.testing.assert_allclose(d, numeric_d, rtol=1e-7, atol=1e-9)


def test_in_place_out_and_fast_sigmoid():
    z = np.linspace(-30, 30, 60, dtype=np.float32).reshape(3, -1)
    out = np.empty_like(z)
    assert F.sigmoid_fast(z, out=out) is out
    np.testing.assert_allclose(out, F.sigmoid(z.astype(np.float64)), atol=1e-6)
    zz = z.copy()
    F.ACTIVATIONS["tanh"](zz, out=zz)
    np.testing.assert_allclose(zz, np.tanh(z))


def test_softmax_columns_sum_to_one_and_are_stable():
    Z = np.array([[1000.0, -5.0], [999.0, 3.0], [-1000.0, 0.0]])
    S = F.softmax(Z)
    np.testing.assert_allclose(S.sum(axis=0), 1.0)
    np.testing.assert_allclose(np.exp(F.log_softmax(Z)), S)


def test_check_names():
    assert F.check_names("tanh", "softmax_ce", None) == "softmax"
    assert F.check_names("relu", "mse", None) == "relu"
    assert F.check_names("relu", "mse", "identity") == "identity"
    with pytest.raises(ValueError, match="unknown output activation"):
        F.check_names("relu", "mse", "softmax")
