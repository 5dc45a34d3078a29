"""End-to-end: run ``python -m derive`` as a user does and read what it prints."""
import json
import subprocess
import sys

import pytest

from derive.__main__ import main


def run(*args, timeout=120):
    return subprocess.run([sys.executable, "-m", "derive", *args], capture_output=True, text=True,
                          timeout=timeout)


def test_reference_case_by_default():
    out = run("--no-color")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "sizes 3,2,3,2, n=2, activation sigmoid" in text
    for name, shape in (("grad W_0", "2x3"), ("grad W_1", "3x2"), ("grad W_2", "2x3")):
        line = next(ln for ln in text.splitlines() if name in ln)
        assert shape in line and "6/6 yes" in line
    assert "a - y" in text and "(W_N^T delta_{N+1}) * D_phi_N" in text and "(1/n) delta_N A_{N-1}^T" in text
    assert "PROVED: all 18 entries of 3 gradient matrices" in text
    assert "\x1b[" not in text


def test_json_output():
    out = run("--json", "--sizes", "2,3,2", "--batch", "3", "--cost", "mse", "--bias")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["proved"] is True
    assert [(m["name"], m["shape"], m["entries"]) for m in data["matrices"]] == [
        ("W_0", [3, 2], 6), ("W_1", [2, 3], 6), ("b_0", [3, 1], 3), ("b_1", [2, 1], 2)]
    assert {f["name"] for f in data["formulas"]} >= {"delta_2", "grad W_{N-1}", "grad b_{N-1}"}
    assert all(i["holds"] for i in data["identities"])


def test_abstract_phi_and_latex(capsys):
    args = ["--activation", "phi", "--latex", "--entry", "1,2,1", "--sizes", "2,2,2", "--batch", "1"]
    assert main(args) == 0
    text = capsys.readouterr().out
    assert r"\begin{align}" in text and r"{}_{N}\delta &= \left( W_N^T\, {}_{N+1}\delta \right)" in text
    assert r"\frac{\partial \Lambda}{\partial {}_{1}w_{2}^{1}}" in text and r"{}_{2}D^{\phi}_{1,S1}" in text


@pytest.mark.parametrize("args,message", [
    (["--sizes", "3,x"], "expected comma-separated integers"),
    (["--sizes", "4"], "at least one weight matrix"),
    (["--batch", "0"], "batch size n must be an integer >= 1"),
    (["--activation", "swish"], "invalid choice: 'swish'"),
    (["--cost", "hinge"], "invalid choice: 'hinge'"),
    (["--frobnicate"], "unrecognized arguments: --frobnicate"),
    (["--latex", "--entry", "5,1,1"], "is not an entry N,i,j"),
    (["--latex", "--entry", "0,0,1"], "i and j from 1"),
    (["--sizes", "40,40,40,10", "--batch", "8"], "estimated at"),
])
def test_bad_input_one_line_exit_2(args, message, capsys):
    assert main(args) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("derive: error:") and message in lines[0]


def test_bad_input_subprocess_has_no_traceback():
    out = run("--sizes", "2,-1")
    assert out.returncode == 2 and "Traceback" not in out.stderr
    assert out.stderr.strip() == ("derive: error: sizes: layer sizes must be positive integers <= 100000; "
                                  "got sizes[1] = -1")


def test_prove_general_dispatches_to_derive_general(monkeypatch):
    import derive
    calls = []

    class Fake:
        @staticmethod
        def main(argv):
            calls.append(argv)
            return 0

    monkeypatch.setitem(sys.modules, "derive.general", Fake)
    monkeypatch.setattr(derive, "general", Fake, raising=False)
    assert main(["prove", "--general", "--depth", "2"]) == 0
    assert calls == [["--general", "--depth", "2"]]


def test_prove_general_missing_module_is_one_line(monkeypatch, capsys):
    import derive
    monkeypatch.setitem(sys.modules, "derive.general", None)
    monkeypatch.delattr(derive, "general", raising=False)
    assert main(["prove", "--general"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("derive: error: the general (symbolic sizes) proof is not available")


def test_prove_subcommand_without_general_is_the_concrete_proof(capsys):
    assert main(["prove", "--sizes", "2,1", "--batch", "1", "--no-color"]) == 0
    assert "PROVED: all 2 entries of 1 gradient matrices" in capsys.readouterr().out
