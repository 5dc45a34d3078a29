"""The general proof's command line: what a user runs and reads."""

import io
import json
import subprocess
import sys

import pytest
from rich.console import Console

from derive.general import main
from derive.general.cli import run_cli


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
    (["--activation", "relu"], "invalid choice"),
    (["--cost", "softmax"], "invalid choice"),
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
