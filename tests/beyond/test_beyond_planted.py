"""Planted bugs beyond the paper (issue 8): every one is caught, with a diagnosis computed from the numbers.

The bugs (tests/beyond/beyond_bugs.py) cover tanh, ReLU and identity hidden layers, an output activation
other than the hidden one (eqs 95-96), softmax + cross-entropy, the quadratic cost and biases.
"""

import pytest
from beyond_bugs import BUGS

from verify import GradientMismatch, assert_backprop_correct, check_implementation


@pytest.mark.parametrize("name", sorted(BUGS))
def test_bug_is_caught_with_its_diagnosis(name):
    fn, kind, options = BUGS[name]
    result = check_implementation(fn, truth="complex-step", **options)
    assert not result.ok and result.exit_code == 1
    assert result.diagnosis is not None and result.diagnosis.kind == kind, result.diagnosis
    if options.get("bias") and kind == "unknown":  # no named pattern, but the culprit is named: grad_b
        assert "bias gradients wrong" in result.diagnosis.title and "weight gradients agree" in \
            result.diagnosis.title


def test_the_suite_spans_the_new_settings():
    settings = [options for _, _, options in BUGS.values()]
    assert {o.get("activation", "sigmoid") for o in settings} >= {"sigmoid", "tanh", "relu", "identity"}
    assert {o.get("cost", "logloss") for o in settings} == {"logloss", "mse", "softmax_ce"}
    assert any(o.get("bias") for o in settings) and any(o.get("output_activation") for o in settings)
    assert len({kind for _, kind, _ in BUGS.values()}) >= 8


def test_bias_axis_message_for_a_user():
    fn, _, options = BUGS["bias_wrong_axis"]
    with pytest.raises(GradientMismatch) as caught:
        assert_backprop_correct(fn, truth="complex-step", **options)
    text = str(caught.value)
    assert "grad_b summed over the wrong axis" in text and "axis 1" in text


def _fixed(name):
    """The same function with its bug line undone, through the public options: must pass (no false alarm)."""
    from beyond_bugs import _bias_backprop, forward, relu, softmax

    if name == "relu_softmax":
        def fn(weights, X, Y):
            Z, A = forward(weights, X, relu, softmax)
            delta, grads = A[-1] - Y, [None] * len(weights)
            for N in reversed(range(len(weights))):
                grads[N] = delta @ A[N].T / X.shape[1]
                if N:
                    delta = (weights[N].T @ delta) * (Z[N] > 0)
            return grads
        return fn, {"activation": "relu", "cost": "softmax_ce"}
    def with_bias(weights, X, Y, biases):
        return _bias_backprop(weights, X, Y, biases, lambda delta, n: delta.mean(axis=1))
    return with_bias, {"activation": "tanh", "output_activation": "sigmoid", "cost": "mse", "bias": True}


@pytest.mark.parametrize("name", ["relu_softmax", "tanh_sigmoid_mse_bias"])
def test_corrected_versions_pass(name):
    fn, options = _fixed(name)
    result = check_implementation(fn, truth="complex-step", **options)
    assert result.ok, [p.message for r in result.reports for p in r.problems]
    assert all(r.checked > 0 and r.checked == r.total for r in result.reports)
