"""End to end, the commands of README "Beyond the paper": derive proofs for other activations, costs and
biases; numeric training with softmax_ce and mse; verify impl on seed 003's network with biases."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from derive.__main__ import main as derive_main
from verify.cli import main as verify_main

ROOT = Path(__file__).resolve().parents[2]
SEED003 = ROOT / "examples" / "seed003_network.py"


def run(module, *args, timeout=300):
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=timeout)


def test_derive_tanh_mse_bias_as_a_user_types_it():
    proc = run("derive", "--activation", "tanh", "--cost", "mse", "--bias", "--no-color")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "activation tanh (output tanh), cost mse, biases on" in out
    assert "1 - a**2 with a = A_N" in out and "grad b_{N-1} = (1/n) delta_N 1_n" in out
    assert "PROVED: all 25 entries of 6 gradient matrices" in out


@pytest.mark.parametrize("argv,network,delta", [
    (["--activation", "relu", "--output-activation", "sigmoid", "--bias"],
     "activation relu (output sigmoid), cost logloss, biases on", "a - y"),
    (["--activation", "identity", "--cost", "mse"], "activation identity (output identity), cost mse",
     "a - y"),
    (["--activation", "tanh", "--cost", "softmax_ce", "--bias"],
     "activation tanh (output softmax), cost softmax_ce, biases on", "A_L * (1^T Y) - Y"),
    (["--activation", "sigmoid", "--output-activation", "identity", "--cost", "mse", "--bias"],
     "activation sigmoid (output identity), cost mse, biases on", "a - y"),
    (["--activation", "phi", "--output-activation", "tanh", "--cost", "mse"],
     "activation phi (output tanh), cost mse", "(-a + y)*(a - 1)*(a + 1)"),
])
def test_derive_pairings_json(capsys, argv, network, delta):
    assert derive_main([*argv, "--sizes", "2,3,2", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["proved"] is True and network in data["network"]
    rows = {f["name"]: f["text"] for f in data["formulas"]}
    assert rows["delta_2"].startswith(delta), rows["delta_2"]
    assert ("b_0" in {m["name"] for m in data["matrices"]}) == ("--bias" in argv)


def test_derive_refuses_softmax_with_another_output(capsys):
    assert derive_main(["--cost", "softmax_ce", "--output-activation", "tanh"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("derive: error:") and "softmax" in err and "\n" not in err


@pytest.mark.parametrize("argv,output,floor", [
    (["--cost", "softmax_ce", "--activation", "tanh"], "softmax", 0.85),
    # ReLU hidden units with a sigmoid output for the quadratic cost (a ReLU output dies under MSE)
    (["--cost", "mse", "--activation", "relu", "--output-activation", "sigmoid", "--no-bias"],
     "sigmoid", 0.6),
])
def test_numeric_trains_with_other_costs(argv, output, floor):
    """One epoch of 784-30-10 on the full MNIST (about 1 s of training)."""
    proc = run("numeric", "train", "--preset", "quick", "--sizes", "784-30-10", "--epochs", "1", *argv,
               "--no-progress", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    summary = json.loads(proc.stdout[proc.stdout.index("{"):])
    config = summary["config"]
    assert config["cost"] == argv[1] and config["activation"] == argv[3]
    assert config["output"] in (None, output)
    assert config["bias"] is ("--no-bias" not in argv)
    assert summary["finished"] and summary["test_accuracy"] > floor, summary["test_accuracy"]


def test_numeric_output_activation_is_saved_and_evaluated(tmp_path):
    model = tmp_path / "relu_sigmoid.npz"
    proc = run("numeric", "train", "--preset", "quick", "--sizes", "784-30-10", "--epochs", "1",
               "--cost", "mse", "--activation", "relu", "--output-activation", "sigmoid",
               "--save", str(model), "--no-progress", "--json", "-")
    assert proc.returncode == 0, proc.stderr
    trained = json.loads(proc.stdout[proc.stdout.index("{"):])["test_accuracy"]
    evaluated = run("numeric", "evaluate", str(model), "--json", "-")
    assert evaluated.returncode == 0, evaluated.stderr
    result = json.loads(evaluated.stdout[evaluated.stdout.index("{"):])
    assert result["test_accuracy"] == pytest.approx(trained, abs=1e-9)


def test_numeric_refuses_softmax_ce_with_another_output():
    proc = run("numeric", "train", "--cost", "softmax_ce", "--output-activation", "tanh")
    assert proc.returncode == 2 and "softmax" in proc.stderr and "Traceback" not in proc.stderr


def test_seed003_example_784_30_10_with_biases():
    proc = run("verify", "impl", f"{SEED003}:backprop", "--biases", "--cost", "mse", "--sizes", "784,30,10",
               "--batch", "10", "--sample", "300", "--no-color")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "784-30-10" in proc.stdout and "PASS" in proc.stdout


def test_seed003_example_over_the_adversarial_sizes(capsys):
    code = verify_main(["impl", f"{SEED003}:backprop", "--biases", "--cost", "mse", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["ok"] and len(data["reports"]) >= 4
    assert all(any(m["param"] == "b" for m in r["matrices"]) for r in data["reports"])


@pytest.mark.parametrize("bug,needle", [
    ("return [g / n for g in sum_weights], [g / n for g in sum_biases]",
     "return [g / n for g in sum_weights], sum_biases"),          # the bias gradient not averaged
    ("d_cost_d_z = d_cost_d_pred * self.layers[-1].dz", "d_cost_d_z = d_cost_d_pred"),  # f'(z) forgotten
])
def test_seed003_example_with_a_planted_bug(capsys, tmp_path, bug, needle):
    broken = tmp_path / "seed003_broken.py"
    source = SEED003.read_text()
    assert bug in source
    broken.write_text(source.replace(bug, needle))
    code = verify_main(["impl", f"{broken}:backprop", "--biases", "--cost", "mse", "--truth", "complex-step",
                        "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1 and not data["ok"]
    expected = "factor_n" if "sum_biases" in needle else "missing_phi"
    assert data["diagnosis"]["kind"] == expected, data["diagnosis"]
