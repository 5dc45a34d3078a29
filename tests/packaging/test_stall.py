"""Training that does not learn says so (issue 16.7): numeric.stall on histories, and end to end."""

import json
import math
import subprocess
import sys

import pytest

from numeric.presets import ACTIVATION_LR_SCALE, PRESETS
from numeric.stall import WINDOW, stall_warning
from numeric.train import Config


def _history(losses, accuracies):
    return [{"epoch": k + 1, "loss": loss, "train_accuracy": acc, "test_accuracy": acc}
            for k, (loss, acc) in enumerate(zip(losses, accuracies, strict=True))]


SIGMOID = Config(activation="sigmoid", cost="logloss", lr=0.1)
RELU_MSE = Config(activation="relu", cost="mse", lr=0.05)


def test_learning_run_gets_no_warning():
    history = _history([0.9, 0.3, 0.2, 0.15], [0.85, 0.93, 0.95, 0.96])
    assert stall_warning(history, SIGMOID) is None
    assert stall_warning(history, SIGMOID, final=True) is None


def test_flat_loss_at_chance_for_the_window():
    history = _history([0.5055, 0.5000, 0.5000, 0.5000], [0.098] * 4)
    assert stall_warning(history[:WINDOW], RELU_MSE) is None  # 0.5055 -> 0.5000 is not flat yet
    text = stall_warning(history, RELU_MSE)
    assert "not learning" in text and "9.80 %" in text and f"for {WINDOW} epochs" in text
    assert "--output-activation sigmoid" in text  # the relu output under MSE is the likely cause


def test_slow_but_moving_run_is_not_a_stall():
    # accuracy at chance for a while but the loss falls: still learning (no alarm)
    history = _history([2.3, 2.2, 2.0, 1.7], [0.10, 0.11, 0.12, 0.15])
    assert stall_warning(history, SIGMOID) is None


def test_high_accuracy_flat_loss_is_not_a_stall():
    history = _history([0.01, 0.01, 0.01], [0.98, 0.98, 0.98])
    assert stall_warning(history, SIGMOID) is None


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_diverged_loss(bad):
    text = stall_warning(_history([0.7, bad], [0.5, 0.1]), Config(activation="relu", cost="logloss", lr=0.05))
    assert text.startswith("training diverged") and "log-loss needs outputs in (0, 1)" in text


def test_short_run_at_chance_is_reported_at_the_end():
    history = _history([1.0], [0.11])
    assert stall_warning(history, SIGMOID) is None
    text = stall_warning(history, SIGMOID, final=True)
    assert "did not learn" in text and "smaller --lr than 0.1" in text


def test_relu_gets_a_smaller_default_lr():
    from numeric.__main__ import _config, build_parser

    parse = build_parser().parse_args
    relu_lr = PRESETS["default"]["lr"] * ACTIVATION_LR_SCALE["relu"]
    assert relu_lr < PRESETS["default"]["lr"]
    assert _config(parse(["train", "--activation", "relu"])).lr == relu_lr
    assert _config(parse(["train", "--activation", "relu", "--lr", "0.1"])).lr == 0.1  # the user's lr wins
    assert _config(parse(["train"])).lr == PRESETS["default"]["lr"]


@pytest.mark.parametrize(("argv", "needle"), [
    (["--sizes", "784-10", "--activation", "relu", "--cost", "logloss", "--epochs", "1"], "diverged"),
    (["--sizes", "784-32-10", "--activation", "relu", "--cost", "mse", "--epochs", "3"], "not learning"),
])
def test_cli_warns_with_a_hint(tmp_path, argv, needle):
    proc = subprocess.run([sys.executable, "-m", "numeric", "train", *argv, "--no-progress", "--no-color",
                           "--json", "run.json"], capture_output=True, text=True, cwd=tmp_path, timeout=120)
    assert proc.returncode == 0, proc.stderr  # a finished run; the warning is not an error
    warning = [line for line in proc.stdout.splitlines() if line.startswith("warning: ")]
    assert len(warning) == 1 and needle in warning[0] and "try --output-activation sigmoid" in warning[0]
    doc = json.loads((tmp_path / "run.json").read_text())
    assert doc["warnings"] == [warning[0].removeprefix("warning: ")]
