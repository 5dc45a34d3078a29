"""The pytest plugin, as a user meets it: a test file run by pytest in a subprocess."""

import subprocess
import sys
import textwrap

TEST_FILE = textwrap.dedent('''
    import numpy as np

    def good(weights, X, Y):
        A = [X]
        for W in weights:
            A.append(1 / (1 + np.exp(-W @ A[-1])))
        delta, grads = A[-1] - Y, [None] * len(weights)
        for N in reversed(range(len(weights))):
            grads[N] = delta @ A[N].T / X.shape[1]
            delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
        return grads

    def flipped(weights, X, Y):
        return [-g for g in good(weights, X, Y)]

    def test_good(backprop_check):
        assert backprop_check(good).ok

    def test_flipped(backprop_check):
        backprop_check(flipped)
''')


def test_plugin_fixture_and_readable_failure(tmp_path):
    (tmp_path / "test_user_backprop.py").write_text(TEST_FILE)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--backprop-truth", "complex-step", str(tmp_path)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=120)
    out = proc.stdout
    assert proc.returncode == 1, out + proc.stderr
    assert "1 failed, 1 passed" in out
    line = TEST_FILE.splitlines().index("    backprop_check(flipped)") + 1
    assert f"test_user_backprop.py:{line}: GradientMismatch" in out
    assert "flipped sign" in out and "worst entries" in out
    assert "verify/check.py" not in out and "verify/compare.py" not in out

