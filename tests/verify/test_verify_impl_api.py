"""The Python API and the pytest fixture take the options of ``python -m verify impl``."""

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from verify import assert_backprop_correct, check_implementation
from verify.impl_options import parse_flags

CORPUS = Path(__file__).resolve().parents[1] / "impl_corpus"


def row_major(weights, X, Y):
    """Samples as rows, weights (in, out): the scikit-learn layout, log-loss averaged over the batch."""
    A = [X]
    for W in weights:
        A.append(1 / (1 + np.exp(-A[-1] @ W)))
    delta, grads = (A[-1] - Y) / X.shape[0], [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = A[N].T @ delta
        delta = (delta @ weights[N].T) * A[N] * (1 - A[N])
    return grads


def test_callable_with_layout_keywords():
    assert check_implementation(row_major, samples="rows", weights="in-out", truth="complex-step").ok


def test_callable_with_cli_flags_string():
    assert assert_backprop_correct(row_major, "--samples rows --weights in-out --truth complex-step").ok


def test_without_the_layout_the_message_names_the_option():
    result = check_implementation(row_major, truth="complex-step", shrink=False)
    assert not result.ok and result.diagnosis.kind == "layout"
    assert "--samples rows" in result.diagnosis.title and "--weights in-out" in result.diagnosis.title


def test_target_string_runs_in_a_child_process():
    result = check_implementation(f"{CORPUS / 'nielsen_style.py'}:Network.backprop", bias=True,
                                  per_sample="mean", cost="mse", truth="complex-step")
    assert result.ok and result.setup["isolated"]
    assert any("per-sample calls averaged by the verifier" in note for note in result.notes)


def test_isolated_callable():
    from tests.impl_corpus.paper_style import backprop

    result = check_implementation(backprop, isolate=True, truth="complex-step", sizes=(3, 2, 2))
    assert result.ok and result.setup["isolated"]


def test_user_cost_expression_and_reductions():
    def quartic(weights, X, Y):
        A = [X]
        for W in weights:
            A.append(1 / (1 + np.exp(-W @ A[-1])))
        delta, grads = 4 * (A[-1] - Y) ** 3 * A[-1] * (1 - A[-1]), [None] * len(weights)
        for N in reversed(range(len(weights))):
            grads[N] = delta @ A[N].T              # summed over the batch, no 1/n
            delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
        return grads

    assert check_implementation(quartic, cost_expr="(a - y)**4", batch_reduction="sum").ok
    wrong = check_implementation(quartic, cost_expr="(a - y)**4", truth="complex-step", shrink=False)
    assert not wrong.ok and "--batch-reduction sum" in wrong.diagnosis.title


@pytest.mark.parametrize("text,message", [
    ("__import__('os').system('true')", "not allowed"),
    ("a.real", "not allowed"),
    ("open(a)", "unknown function"),
    ("y", "does not depend on a"),
])
def test_cost_expressions_are_never_evaluated(text, message):
    with pytest.raises(ValueError, match=message):
        check_implementation(row_major, cost_expr=text)


@pytest.mark.parametrize("option,value", [("factory", "__import__('os')"), ("args", "X.T"),
                                          ("params", "a b"), ("factory", "Net(lambda: 1)")])
def test_templates_are_parsed_never_evaluated(option, value):
    with pytest.raises(ValueError):
        check_implementation(f"{CORPUS / 'paper_style.py'}:backprop", **{option: value})


def test_parse_flags_matches_the_cli():
    assert parse_flags("--samples rows --l2 0.1 --l2-form reg --biases --sizes 4,3,2") == {
        "samples": "rows", "l2": 0.1, "l2_form": "reg", "bias": True, "sizes": (4, 3, 2)}


def test_fixture_takes_cli_flags(tmp_path):
    test = textwrap.dedent(f'''
        import sys
        sys.path.insert(0, {str(CORPUS.parent.parent)!r})
        from tests.impl_corpus.rowsgd_style import sample_grads

        def test_rowsgd(backprop_check):
            backprop_check(sample_grads, "--per-sample mean --samples rows --weights in-out --bias-shape row "
                           "--biases --args weights,biases,x,y")

        def test_rowsgd_target(backprop_check):
            backprop_check("{CORPUS / 'rowsgd_style.py'}:sample_grads", per_sample="mean", samples="rows",
                           weights="in-out", bias_shape="row", bias=True, args="weights, biases, x, y")
    ''')
    (tmp_path / "test_user.py").write_text(test)
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--backprop-truth",
                           "complex-step", str(tmp_path)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=300)
    assert proc.returncode == 0 and "2 passed" in proc.stdout, proc.stdout + proc.stderr


def _paper(weights, X, Y):
    A = [X]
    for W in weights:
        A.append(1 / (1 + np.exp(-W @ A[-1])))
    delta, grads = A[-1] - Y, [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / X.shape[1]
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads


def test_nondeterminism_is_a_failure():
    rng = np.random.default_rng()

    def noisy(weights, X, Y):
        return [g + rng.normal(scale=1e-3, size=g.shape) for g in _paper(weights, X, Y)]

    result = check_implementation(noisy, truth="complex-step", sizes=(3, 2, 2), shrink=False)
    assert not result.ok and any(p.kind == "nondeterministic" for r in result.reports for p in r.problems)


def test_float32_gradients_are_noted():
    def single(weights, X, Y):
        return [g.astype(np.float32) for g in _paper(weights, X, Y)]

    result = check_implementation(single, truth="complex-step", sizes=(3, 2, 2))
    assert result.ok and any("float32" in note for note in result.notes)


def test_input_mutation_is_a_failure():
    def stepping(weights, X, Y):
        grads = _paper(weights, X, Y)
        for W, g in zip(weights, grads, strict=True):
            W -= 0.1 * g
        return grads

    result = check_implementation(stepping, truth="complex-step", sizes=(3, 2, 2), shrink=False)
    assert not result.ok and any(p.kind == "mutation" and "W_0" in p.message
                                 for r in result.reports for p in r.problems)
