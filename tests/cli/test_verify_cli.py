"""End to end: the commands a user runs (`python -m verify ...`), read as they print."""

import json
import subprocess
import sys
import types
from pathlib import Path

import pytest

from verify.cli import main

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True,
                          cwd=ROOT, timeout=timeout, env={"COLUMNS": "80", "PATH": "/usr/bin:/bin",
                                                           "PYTHONPATH": str(ROOT)})


def call(capsys, monkeypatch, *argv):
    monkeypatch.setenv("COLUMNS", "80")
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def assert_fits_80(text):
    for line in text.splitlines():
        assert len(line) <= 80, line
    assert "…" not in text


def test_main_job_proves_checks_and_passes():
    proc = run("--no-color")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = proc.stdout
    assert "PROVEN: eqs (86)-(93) == sympy.diff, 18 weights" in out
    for head in ("checked", "max abs", "max rel", "ULPs", "(N,i,j)", "complex", "central", "status"):
        assert head in out
    for label in ("reference", "depth 1", "depth 6"):
        assert label in out
    assert "tolerance float64: rel <= 1e-12" in out
    verdicts = [line for line in out.splitlines() if line.startswith(("PASS", "FAIL"))]
    assert len(verdicts) == 1 and verdicts[0].startswith("PASS")
    assert "\x1b[" not in out
    assert_fits_80(out)


def test_main_job_json(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["command"] == "verify" and data["schema_version"] == 1
    assert data["proof"]["ok"]
    depths = {len(r["sizes"]) - 1 for r in data["reports"]}
    assert depths == {1, 2, 3, 4, 5, 6}
    assert {r["n"] for r in data["reports"]} >= {1, 2}
    for r in data["reports"]:
        assert r["checked"] == r["total"] and r["tolerance"]["rtol"] == 1e-12
        for m in r["matrices"]:
            assert m["shape"][0] != m["shape"][1] or r["label"] == "reference"
            assert m["max_rel"] <= 1e-12 and m["oracle_rel"]["complex-step"] < 1e-12


def test_sizes_example_samples_every_layer():
    proc = run("sizes", "784,30,10", "--batch", "10", "--sample", "300", "--seed", "0", "--no-color")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "150/23520" in proc.stdout and "150/300" in proc.stdout
    assert "300 of 23820 entries" in proc.stdout
    assert_fits_80(proc.stdout)


def test_sizes_json(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "sizes", "6,4,3", "--batch", "2", "--sample", "12", "--json")
    data = json.loads(out)
    assert code == 0 and data["command"] == "verify sizes"
    (report,) = data["reports"]
    assert report["total"] == 36 and report["checked"] < 36


def test_impl_correct_example(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "impl", f"{EXAMPLES / 'my_backprop.py'}:backprop", "--no-color")
    assert code == 0, out
    assert "PASS" in out and "adversarial" in out and "reference" in out
    assert_fits_80(out)


def test_impl_buggy_example_names_the_bug(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "impl", f"{EXAMPLES / 'buggy_backprop.py'}:backprop",
                        "--no-color")
    assert code == 1
    assert "diagnosis: phi' at the wrong layer" in out
    assert "worst entries" in out and "expected" in out and "got" in out
    assert out.strip().splitlines()[-1].startswith("FAIL") or "FAIL" in out.splitlines()[-2]
    assert_fits_80(out)


def test_impl_mse_example_with_options(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "impl", f"{EXAMPLES / 'mse_784_30_10.py'}:backprop", "--cost",
                        "mse", "--sizes", "784,30,10", "--batch", "4", "--sample", "40", "--json")
    data = json.loads(out)
    assert code == 0 and data["ok"] and data["reports"][0]["sizes"] == [784, 30, 10]
    assert data["reports"][0]["cost"] == "mse"


def test_impl_json_failure(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "impl", f"{EXAMPLES / 'buggy_backprop.py'}:backprop", "--json",
                        "--truth", "complex-step")
    data = json.loads(out)
    assert code == 1 and data["diagnosis"]["kind"] == "phi_wrong_layer"


def test_impl_user_exception_is_shown_with_the_users_frame(tmp_path, capsys, monkeypatch):
    user = tmp_path / "mine.py"
    user.write_text("def backprop(weights, X, Y):\n    raise KeyError('layer')\n")
    code, out, _ = call(capsys, monkeypatch, "impl", f"{user}:backprop", "--no-color", "--truth",
                        "complex-step")
    assert code == 1
    assert "backprop raised KeyError" in out and "mine.py" in out and "line 2" in out
    assert "verify/" not in out


@pytest.mark.parametrize("argv,message", [
    (["impl", "missing.py:backprop"], "no such file"),
    (["impl", "examples/my_backprop.py"], "expected FILE.py:FUNCTION"),
    (["impl", "examples/my_backprop.py:nothere"], "no function 'nothere'"),
    (["sizes", "3,x"], "comma-separated integers"),
    (["sizes", "3"], "at least two layer sizes"),
    (["sizes", "3,0,2"], "at least one node"),
    (["sizes", "3,2", "--batch", "0"], "positive integer"),
    (["--bogus"], "unrecognized arguments"),
    (["sizes", "3,2", "--cost", "hinge"], "invalid choice"),
])
def test_bad_input_exits_2_with_one_line(capsys, monkeypatch, argv, message):
    monkeypatch.chdir(ROOT)
    with pytest.raises(SystemExit) as caught:
        code = main(argv)
        raise SystemExit(code)
    err = capsys.readouterr().err
    assert caught.value.code == 2
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_derivation_is_dispatched_lazily(monkeypatch):
    seen = {}
    fake = types.ModuleType("verify.derivation.cli")
    fake.main = lambda argv: seen.setdefault("argv", argv) and 0
    monkeypatch.setitem(sys.modules, "verify.derivation.cli", fake)
    assert main(["derivation", "paper.md", "--json"]) == 0
    assert seen["argv"] == ["paper.md", "--json"]


def test_derivation_missing_is_one_line(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "verify.derivation.cli", None)
    assert main(["derivation", "x.md"]) == 2
    err = capsys.readouterr().err
    assert "derivation checker is not available" in err and len(err.strip().splitlines()) == 1


def test_impl_with_biases(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "impl", f"{EXAMPLES / 'bias_backprop.py'}:backprop", "--biases",
                        "--json", "--truth", "complex-step")
    data = json.loads(out)
    assert code == 0 and data["ok"]
    assert {m["param"] for m in data["reports"][0]["matrices"]} == {"W", "b"}


def test_other_activations_costs_and_output_activation(capsys, monkeypatch):
    code, out, _ = call(capsys, monkeypatch, "sizes", "5,4,3", "--batch", "3", "--activation", "tanh",
                        "--output-activation", "sigmoid", "--cost", "mse", "--biases", "--no-color")
    assert code == 0 and "tanh+sigmoid out/mse" in out and "b1 3x1" in out
    assert_fits_80(out)
