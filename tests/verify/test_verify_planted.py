"""The planted-bug suite: every bug is caught, with the right diagnosis, computed from the numbers."""

import pytest
from verify_planted import BUGS, BUGS_BEYOND

from verify import GradientMismatch, assert_backprop_correct, check_implementation

DIAGNOSED = {name: kind for name, (_, kind) in BUGS.items() if kind not in ("type", "exception")}


@pytest.mark.parametrize("name", sorted(BUGS))
def test_bug_is_caught(name):
    fn, kind = BUGS[name]
    result = check_implementation(fn, truth="complex-step")
    assert not result.ok and result.exit_code == 1
    if name in DIAGNOSED:
        assert result.diagnosis is not None and result.diagnosis.kind == kind, result.diagnosis
    else:
        problems = {p.kind for r in result.reports for p in r.problems}
        assert kind in problems or (kind == "type" and "count" in problems), problems


def test_enough_distinct_kinds_are_named():
    assert len(BUGS) >= 12
    assert len(set(DIAGNOSED.values())) >= 10


@pytest.mark.parametrize("name", ["missing_phi_prime", "transposed", "phi_prime_at_output"])
def test_diagnosis_with_the_symbolic_truth(name):
    fn, kind = BUGS[name]
    with pytest.raises(GradientMismatch) as caught:
        assert_backprop_correct(fn)  # default truth: sympy.diff via derive
    assert caught.value.result.diagnosis.kind == kind
    text = str(caught.value)
    assert "diagnosis:" in text
    assert "worst entries" in text or kind == "transposed"  # transposed: shapes differ, no entries


def test_mismatch_message_names_worst_entries_and_diagnosis():
    fn, _ = BUGS["no_average"]
    with pytest.raises(GradientMismatch) as caught:
        assert_backprop_correct(fn, truth="complex-step")
    text = str(caught.value)
    assert "off by a factor n" in text
    assert "N i j" in text and "expected" in text and "rel err" in text
    assert isinstance(caught.value, AssertionError)


def test_exception_shows_the_users_frame_only():
    fn, _ = BUGS["crashes"]
    result = check_implementation(fn, truth="complex-step")
    problem = result.reports[0].problems[0]
    assert problem.kind == "exception" and "ValueError" in problem.message
    assert "verify_planted.py" in problem.detail and "weights[N] @ delta" in problem.detail
    assert "verify/impl.py" not in problem.detail and "compare.py" not in problem.detail


@pytest.mark.parametrize("name", sorted(BUGS_BEYOND))
def test_bugs_beyond_the_paper(name):
    fn, kind, options = BUGS_BEYOND[name]
    result = check_implementation(fn, truth="complex-step", **options)
    assert not result.ok and result.diagnosis is not None and result.diagnosis.kind == kind, result.diagnosis


def test_bug_titles_are_worded_for_the_network_activation_and_cost():
    from verify.bugmodels import MODELS

    by_name = {m.name: m for m in MODELS}
    assert "with softmax + cross-entropy" in by_name["phi_at_output"].describe("tanh", "softmax_ce")
    assert "with log-loss" in by_name["phi_at_output"].describe("sigmoid", "logloss")
    tanh = by_name["z_derivative"].describe("tanh", "mse")
    assert "(1-z^2)" in tanh and "(1-a^2)" in tanh and "z(1-z)" not in tanh
    assert "(z(1-z))" in by_name["z_derivative"].describe("sigmoid", "logloss")
