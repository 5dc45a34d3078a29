"""How a user tests a backprop implementation with verify (the pytest plugin ships with the package)."""

import pytest
from bias_backprop import backprop as bias_backprop
from buggy_backprop import backprop as buggy_backprop
from mse_784_30_10 import backprop as mse_backprop
from my_backprop import backprop

from verify import GradientMismatch, assert_backprop_correct


def test_my_backprop_matches_sympy(backprop_check):
    result = backprop_check(backprop)            # reference case + adversarial sizes, sympy.diff truth
    assert result.ok and len(result.reports) >= 4


def test_mse_network_of_seed_003(backprop_check):
    backprop_check(mse_backprop, cost="mse", sizes=(784, 30, 10), batch=5, sample=60)


def test_backprop_with_biases(backprop_check):
    result = backprop_check(bias_backprop, bias=True)
    assert all(any(m.param == "b" for m in r.matrices) for r in result.reports)


def test_the_bug_is_found_and_named():
    with pytest.raises(GradientMismatch) as caught:
        assert_backprop_correct(buggy_backprop, truth="complex-step")
    assert caught.value.result.diagnosis.kind == "phi_wrong_layer"
    assert "phi' at the wrong layer" in str(caught.value)


def test_row_major_code_with_the_cli_flags(backprop_check):
    from row_major_backprop import backprop as row_major

    backprop_check(row_major, "--biases --samples rows --weights in-out --bias-shape flat --l2 0.001 "
                   "--args 'weights, biases, X, Y, 0.001'")
