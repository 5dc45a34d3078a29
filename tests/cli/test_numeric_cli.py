"""`python -m numeric` as a user runs it: training, evaluation, bad options and files, Ctrl-C."""

import gzip
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from numeric.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "numeric", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout)


def one_line_error(capsys, argv, needle):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("numeric: error:") and needle in err, err
    assert "\n" not in err and "Traceback" not in err


@pytest.mark.parametrize("argv,needle", [
    (["train", "--bogus"], "unrecognized arguments: --bogus"),
    (["train", "--epochs", "0"], "--epochs"),
    (["train", "--lr", "fast"], "--lr"),
    (["train", "--sizes", "784-abc-10"], "invalid sizes"),
    (["train", "--sizes", "100-10"], "784-...-10"),
    (["train", "--activation", "swish"], "invalid choice"),
    (["train", "--dropout", "1.5"], "below 1"),
    (["train", "--preset", "fastest"], "invalid choice"),
    (["train", "--save", "/no/such/folder/m.npz"], "does not exist"),
    (["frobnicate"], "invalid choice"),
    ([], "required"),
])
def test_bad_options(capsys, argv, needle):
    one_line_error(capsys, argv, needle)


def test_bad_data_dir(capsys, tmp_path):
    one_line_error(capsys, ["train", "--data", str(tmp_path / "nowhere")], "not found")
    (tmp_path / "train-images-idx3-ubyte.gz").write_bytes(gzip.compress(b"\x00\x00\x08\x03garbage"))
    one_line_error(capsys, ["train", "--data", str(tmp_path)], "train-images-idx3-ubyte.gz")


def test_bad_model_files(capsys, tmp_path):
    one_line_error(capsys, ["evaluate", str(tmp_path / "none.npz")], "no such model")
    (tmp_path / "junk.npz").write_bytes(b"PK\x03\x04 not really")
    one_line_error(capsys, ["evaluate", str(tmp_path / "junk.npz")], "junk.npz")
    one_line_error(capsys, ["train", "--resume", str(tmp_path / "none.npz")], "no such model")


def test_train_save_plot_json_then_evaluate(tmp_path):
    model, png, js = tmp_path / "m.npz", tmp_path / "curves.png", tmp_path / "s.json"
    proc = run("train", "--preset", "quick", "--epochs", "2", "--save", str(model), "--plot", str(png),
               "--json", str(js), "--no-progress", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    assert "epoch   2/2" in proc.stdout and "test accuracy" in proc.stdout
    summary = json.loads(js.read_text())
    assert summary["finished"] and len(summary["epochs"]) == 2
    for rec in summary["epochs"]:
        assert rec["seconds"] > 0 and rec["loss"] > 0 and 0.9 < rec["test_accuracy"] <= 1
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    ev = run("evaluate", str(model), "--json", "-")
    assert ev.returncode == 0, ev.stderr
    assert "confusion matrix" in ev.stderr  # with --json -, stdout is the JSON document only
    payload = json.loads(ev.stdout)
    assert payload["command"] == "numeric evaluate" and payload["ok"] and payload["exit_code"] == 0
    assert payload["test_accuracy"] == pytest.approx(summary["test_accuracy"])
    assert sum(map(sum, payload["confusion"])) == 10000
    resumed = run("train", "--resume", str(model), "--lr", "0.5")
    assert resumed.returncode == 2 and "only --epochs may change" in resumed.stderr


def test_ctrl_c_saves_checkpoint_and_resume_finishes(tmp_path):
    ck = tmp_path / "ck.npz"
    proc = subprocess.Popen([sys.executable, "-m", "numeric", "train", "--preset", "quick", "--epochs", "40",
                             "--checkpoint", str(ck), "--no-progress"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "COLUMNS": "120"})
    deadline = time.monotonic() + 90
    line = ""
    while "epoch   1/40" not in line and time.monotonic() < deadline:
        line = proc.stdout.readline()
        assert line or proc.poll() is None, proc.stderr.read()
    time.sleep(0.2)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "checkpoint saved to" in out, out + err
    assert ck.exists() and not list(tmp_path.glob(".*tmp"))
    resumed = run("train", "--resume", str(ck), "--epochs", "2", "--no-progress", "--json", "-")
    assert resumed.returncode == 0, resumed.stderr
    summary = json.loads(resumed.stdout[resumed.stdout.index("{"):])
    assert summary["finished"] and [e["epoch"] for e in summary["epochs"]] == [1, 2]
