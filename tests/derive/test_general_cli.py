"""The general proof's command line: what a user runs and reads."""

import io
import itertools
import json
import subprocess
import sys

import pytest
from rich.console import Console

from derive import functions
from derive.general import main
from derive.general.cli import parse, run_cli
from derive.network import build_network


def _run(argv):
    buf = io.StringIO()
    code = run_cli(argv, console=Console(file=buf, width=120, no_color=True))
    return code, buf.getvalue()


def test_default_run_prints_every_step_and_the_theorem():
    code, out = _run(["--no-color"])
    assert code == 0
    for name in ("direct N=0", "direct N=1", "direct N=2", "base (output layer)", "step N+1 -> N (eq 92)",
                 "gradient (eq 93)"):
        assert name in out
    assert out.count("PROVEN") == 6 and "NOT PROVEN" not in out
    assert "sympy (automatic)" in out and "rule sift x" in out and "rule flatten x" in out
    assert "KroneckerDelta" in out and "Theorem. For every depth L >= 1" in out
    assert "(1/n) delta_1 A_0^T" in out  # statements keep the [j, i] text (no markup swallowed)
    assert "W0[j, i]" in out


@pytest.mark.parametrize("activation,cost", [("phi", "mse"), ("sigmoid", "mse"), ("phi", "logloss")])
def test_json_for_each_activation_and_cost(activation, cost, capsys):
    assert main(["prove", "--general", "--activation", activation, "--cost", cost, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["proven"] is True and data["activation"] == activation and data["cost"] == cost
    assert len(data["proofs"]) == 6 and all(p["residual"] == "0" for p in data["proofs"])
    hows = {st["how"] for p in data["proofs"] for st in p["steps"]}
    assert hows == {"sympy", "rule", "definition", "check"}
    assert set(data["rules"]) == {"sift", "flatten", "canonical", "fold"}


def test_depth_option_changes_the_direct_proofs(capsys):
    assert main(["--depth", "2", "--json", "--cost", "mse"]) == 0
    names = [p["name"] for p in json.loads(capsys.readouterr().out)["proofs"]]
    assert names[:2] == ["direct N=0", "direct N=1"] and "direct N=2" not in names


@pytest.mark.parametrize("argv,fragment", [
    (["--activation", "softmax"], "invalid choice"),
    (["--cost", "softmax"], "invalid choice"),
    (["--output-activation", "softmax"], "invalid choice"),
    (["--cost", "softmax_ce", "--output-activation", "tanh"], "fixes the output activation to softmax"),
    (["--depth", "0"], "--depth must be between 1 and 6"),
    (["--bogus"], "unrecognized arguments"),
])
def test_bad_options_give_one_line_error(argv, fragment, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert fragment in err and err.count("\n") == 1 and "Traceback" not in err


def test_derive_cli_dispatches_to_the_general_proof():
    res = subprocess.run([sys.executable, "-m", "derive", "prove", "--general", "--no-color", "--activation",
                          "phi", "--cost", "mse"], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "gradient (eq 93)" in res.stdout and "Theorem." in res.stdout


def test_cli_accepts_exactly_the_pairings_of_the_fixed_size_prover():
    """Every option combination: the general CLI accepts it iff derive's fixed-size prover builds it."""
    accepted = 0
    for a, o, c, b in itertools.product(functions.ACTIVATIONS, [None, *functions.ACTIVATIONS],
                                        functions.COSTS, (False, True)):
        argv = ["--activation", a, "--cost", c] + (["--output-activation", o] if o else []) + (
            ["--bias"] if b else [])
        try:
            build_network((1, 1), 1, a, c, b, o)
            fixed = True
        except ValueError:
            fixed = False
        try:
            args = parse(argv)
            general = True
        except ValueError:
            general = False
        assert general == fixed, argv
        if general:
            accepted += 1
            assert args.output_activation == (None if o == a else o) and args.bias == b
    assert accepted == 5 * 6 * 2 * 2 + 5 * 2  # logloss/mse with any output option, softmax_ce without


def test_json_for_softmax_with_biases(capsys):
    assert main(["--activation", "relu", "--cost", "softmax_ce", "--bias", "--json", "--depth", "2"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["command"] == "derive prove --general" and data["ok"] is True and data["exit_code"] == 0
    assert data["proven"] is True and data["bias"] is True and data["output_activation"] is None
    names = [p["name"] for p in data["proofs"]]
    assert names == ["direct N=0", "direct N=1", "direct bias N=0", "direct bias N=1", "base (output layer)",
                     "step N+1 -> N (eq 92)", "gradient (eq 93)", "bias gradient"]
    assert any("Heaviside" in a and "z != 0" in a for a in data["assumptions"])


def test_output_activation_and_bias_end_to_end():
    res = subprocess.run([sys.executable, "-m", "derive", "prove", "--general", "--no-color", "--activation",
                          "tanh", "--output-activation", "sigmoid", "--cost", "mse", "--bias"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "output activation sigmoid" in out and "biases on" in out and "NOT PROVEN" not in out
    assert out.count("PROVEN") == 10 and "d Lambda / d b_N[j] = ((1/n) delta_{N+1} 1_n)[j]" in out
    assert "with the output activation sigmoid (eqs 95-96)" in out


def test_python_m_derive_general_full():
    res = subprocess.run([sys.executable, "-m", "derive.general", "--full", "--no-color", "--cost",
                          "softmax_ce", "--activation", "phi", "--depth", "1"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "A_L * (1 1^T Y) - Y" in res.stdout and "more characters; --full shows all" not in res.stdout
