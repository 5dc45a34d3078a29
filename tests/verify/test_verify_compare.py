"""compare() -> Report: entries, errors, ULPs, tolerances per dtype, sampling, JSON."""

import json

import mpmath
import numpy as np
import pytest
from verify_correct import vectorized

import numeric
from verify import TOLERANCES, compare, tolerance_for
from verify.cases import Case
from verify.compare import entry_check
from verify.report import to_json
from verify.sampling import corners, select_entries


def test_correct_gradients_pass_and_report_every_entry():
    weights, X, Y = Case("c", (3, 2, 3, 2), 3).data()
    report = compare(vectorized(weights, X, Y), weights, X, Y, truth="symbolic")
    assert report.ok and report.checked == report.total == 18
    assert [m.shape for m in report.matrices] == [(2, 3), (3, 2), (2, 3)]
    assert all(m.max_rel <= 1e-12 for m in report.matrices)
    assert all(m.oracle_rel["complex-step"] < 1e-12 for m in report.matrices)
    assert any(m.oracle_rel["central-diff"] > 1e-12 for m in report.matrices)


def test_one_wrong_entry_is_the_worst_with_paper_indices():
    weights, X, Y = Case("c", (4, 3, 5, 2), 2, seed=3).data()
    got = vectorized(weights, X, Y)
    got[1][4, 2] *= 1 + 1e-9  # W_1[r=4, c=2] = {}_1 w_3^5
    report = compare(got, weights, X, Y, truth="complex-step", oracles=())
    assert not report.ok
    bad = [m for m in report.matrices if not m.ok]
    assert [m.N for m in bad] == [1]
    worst = bad[0].worst
    assert (worst.N, worst.i, worst.j) == (1, 3, 5)
    assert worst.rel_err == pytest.approx(1e-9, rel=1e-3)
    assert report.worst(1)[0] == worst


def test_entry_errors_and_ulps_are_computed_before_rounding():
    with mpmath.workdps(30):
        expected = mpmath.mpf(1) / 3
    got = float(expected)
    e = entry_check((0, 0, 0), expected, got, TOLERANCES["float64"], np.float64)
    assert 0 < e.abs_err < 1e-16 and e.ulps <= 0.5 and e.ok
    e = entry_check((0, 0, 0), expected, np.nextafter(got, 1.0), TOLERANCES["float64"], np.float64)
    assert 0.5 < e.ulps <= 1.5


def test_tolerances_come_from_the_dtype():
    assert tolerance_for(np.float64) is TOLERANCES["float64"]
    assert tolerance_for(np.float32).rtol > tolerance_for(np.float64).rtol
    weights, X, Y = Case("c", (3, 4, 2), 3).data()
    got32 = [g.astype(np.float32) for g in vectorized(weights, X, Y)]
    report = compare(got32, weights, X, Y, truth="complex-step", oracles=())
    assert report.tolerance.dtype == "float32" and report.ok
    assert "float32" in str(report.tolerance)


def test_sample_includes_corners_of_every_layer():
    shapes = [(30, 784), (10, 30)]
    keys = select_entries(shapes, 300, np.random.default_rng(0))
    assert 290 <= len(keys) <= 310
    for N, shape in enumerate(shapes):
        assert set(corners(N, shape)) <= set(keys)
        assert sum(1 for k in keys if k[0] == N) >= 100
    assert keys == select_entries(shapes, 300, np.random.default_rng(0))  # reproducible
    assert len(select_entries([(2, 3)], None)) == 6


def test_sampled_report_says_checked_of_total():
    weights, X, Y = Case("c", (40, 12, 3), 2).data()
    report = compare(vectorized(weights, X, Y), weights, X, Y, truth="complex-step", sample=50)
    assert report.ok and report.total == 40 * 12 + 12 * 3 and 45 <= report.checked <= 55


def test_report_json_is_strict():
    weights, X, Y = Case("c", (3, 2), 2).data()
    got = vectorized(weights, X, Y)
    got[0][0, 0] = np.inf
    data = json.loads(to_json(compare(got, weights, X, Y, truth="complex-step").as_dict()))
    assert data["ok"] is False and data["problems"][0]["kind"] == "nonfinite"


def test_relu_kink_is_reported_as_kink_not_failure():
    # Z_1 = W_0 X is exactly 0 for the first hidden unit: relu'(0) is undefined
    weights = [np.array([[1.0, -1.0], [0.5, 0.25]]), np.array([[2.0, 1.5]])]
    X, Y = np.array([[1.0], [1.0]]), np.array([[0.3]])

    def relu_backprop(Ws, X_, Y_, derivative_at_zero):
        Z1 = Ws[0] @ X_
        A1 = np.maximum(Z1, 0)
        A2 = Ws[1] @ A1
        A2 = np.maximum(A2, 0)
        d2 = (A2 - Y_) * (Ws[1] @ A1 > 0)
        d1 = (Ws[1].T @ d2) * np.where(Z1 == 0, derivative_at_zero, Z1 > 0)
        return [d1 @ X_.T, d2 @ A1.T]

    report = compare(relu_backprop(weights, X, Y, 1.0), weights, X, Y, activation="relu", cost="mse",
                     truth="complex-step", oracles=())
    assert report.ok and report.matrices[0].kinks == 2 and report.matrices[1].kinks == 0
    got = relu_backprop(weights, X, Y, 1.0)
    got[1] *= 2  # a real bug away from the kink is still a failure
    assert not compare(got, weights, X, Y, activation="relu", cost="mse", truth="complex-step").ok


def test_biases_are_checked_beside_the_weights():
    case = Case("c", (3, 4, 2), 2, seed=4, bias=True)
    weights, X, Y = case.data()
    biases = case.biases()
    grad_W, grad_b = numeric.gradients(weights, X, Y, biases=biases)
    report = compare((grad_W, grad_b), weights, X, Y, biases=biases)
    assert report.ok and [m.param for m in report.matrices] == ["W", "W", "b", "b"]
    assert report.checked == report.total == 12 + 8 + 4 + 2
    summed = [g * X.shape[1] for g in grad_b]  # sum over samples instead of the mean
    report = compare((grad_W, summed), weights, X, Y, biases=biases, truth="complex-step")
    assert not report.ok and report.diagnosis.kind == "factor_n"
    assert "grad_b" in report.diagnosis.title
    bad = [m for m in report.matrices if not m.ok]
    assert {m.param for m in bad} == {"b"} and bad[0].worst.key[0] == "b"


def test_biases_expected_but_only_weight_gradients_returned():
    case = Case("c", (3, 4, 2), 2, bias=True)
    weights, X, Y = case.data()
    grad_W, _ = numeric.gradients(weights, X, Y, biases=case.biases())
    report = compare(grad_W, weights, X, Y, biases=case.biases(), truth="complex-step")
    assert not report.ok and "(grad_W, grad_b)" in report.problems[0].message


def _run(*args, env=None):
    import os
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, cwd=str(__import__("pathlib").Path(__file__)
                                                                     .resolve().parents[2]))


def test_sizes_checks_every_entry_by_default_and_with_sample_all(tmp_path):
    counts = []
    for extra in ([], ["--sample", "all"], ["--sample", "5"]):
        run = _run("sizes", "6,5,4", "--batch", "3", "--json", *extra)
        assert run.returncode == 0, run.stderr
        report = json.loads(run.stdout)["reports"][0]
        counts.append((report["checked"], report["total"]))
    assert counts[0] == counts[1] == (50, 50)
    assert counts[2][0] < 50
    bad = _run("sizes", "6,5,4", "--sample", "most")
    assert bad.returncode == 2 and "'all'" in bad.stderr and "Traceback" not in bad.stderr


def test_no_cache_writes_nothing_and_the_cache_dir_is_the_env_var(tmp_path):
    env = {"BACKPROP_VERIFIER_CACHE_DIR": str(tmp_path)}
    assert _run("sizes", "3,4,2", "--batch", "7", "--no-cache", env=env).returncode == 0
    assert not list(tmp_path.rglob("*.json"))
    assert _run("sizes", "3,4,2", "--batch", "7", env=env).returncode == 0
    assert len(list(tmp_path.rglob("*.json"))) == 1


def test_progress_shows_counts_and_eta_only_after_the_delay():
    import io

    from rich.console import Console

    from verify.report import ProgressDisplay

    for delay, shown in ((1e9, False), (0.0, True)):
        buffer = io.StringIO()
        display = ProgressDisplay(Console(file=buffer, force_terminal=True, width=100), delay=delay)
        display.start()
        display.update(3, 7, "W0")
        display.bar.refresh() if shown else None
        display.stop()
        text = buffer.getvalue()
        assert ("3/7" in text and "ETA" in text) is shown, text


def test_vectorised_oracle_errors_equal_the_entry_by_entry_ones():
    from verify.compare import _oracle_relative, _relative
    from verify.oracles import central_difference, complex_step
    from verify.truth import symbolic

    weights, X, Y = Case("r", (5, 4, 3), 3, seed=4).data()
    truth = symbolic(weights, X, Y)
    keys = list(truth)
    oracles = {"cs": complex_step(weights, X, Y), "cd": central_difference(weights, X, Y)}
    fast = _oracle_relative(keys, truth, oracles)
    for name, values in oracles.items():
        slow = max(_relative(values[k], truth[k]) for k in keys)
        assert abs(fast[name] - slow) <= 1e-6 * slow + 1e-300, (name, fast[name], slow)
