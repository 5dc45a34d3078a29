"""No false alarms: random correct implementations on random networks (hypothesis), and symbolic checks."""

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from verify_correct import CORRECT

from verify import compare
from verify.cases import Case

STYLES = sorted(CORRECT)


@st.composite
def networks(draw, max_depth=6, max_width=6, max_n=5):
    depth = draw(st.integers(1, max_depth))
    sizes = tuple(draw(st.lists(st.integers(1, max_width), min_size=depth + 1, max_size=depth + 1)))
    n = draw(st.integers(1, max_n))
    return Case("random", sizes, n, seed=draw(st.integers(0, 2**31 - 1)))


@settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(case=networks(), style=st.sampled_from(STYLES))
def test_no_false_alarm_on_correct_implementations(case, style):
    weights, X, Y = case.data()
    report = compare(CORRECT[style], weights, X, Y, truth="complex-step", oracles=(), diagnose=False)
    assert report.ok, (style, case, [(m.N, m.max_rel, m.max_abs) for m in report.matrices])


@settings(max_examples=12, deadline=None, derandomize=True)
@given(case=networks(max_depth=3, max_width=3, max_n=3), style=st.sampled_from(STYLES))
def test_no_false_alarm_against_sympy(case, style):
    weights, X, Y = case.data()
    report = compare(CORRECT[style], weights, X, Y, truth="symbolic", oracles=())
    assert report.ok and report.checked == report.total


@settings(max_examples=25, deadline=None, derandomize=True)
@given(case=networks(max_depth=4), scale=st.sampled_from([1 + 1e-9, 1 - 1e-8, -1.0, 2.0]))
def test_a_perturbed_entry_is_always_caught(case, scale):
    weights, X, Y = case.data()
    got = CORRECT["vectorized"](weights, X, Y)
    N = len(got) - 1
    idx = np.unravel_index(np.argmax(np.abs(got[N])), got[N].shape)
    got[N][idx] *= scale
    report = compare(got, weights, X, Y, truth="complex-step", oracles=(), diagnose=False)
    if got[N][idx] != 0:
        assert not report.ok
