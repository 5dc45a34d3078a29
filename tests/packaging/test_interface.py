"""One interface across the three CLIs (issue 16.5): --no-color everywhere, one spelling of the bias
option, the paper's 1-based (N, i, j) in what users read and type, a verdict that names its truth."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ESC = "\x1b["


def _run(argv, cwd=ROOT, **env):
    return subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=300, env={**os.environ, **env})


# rich is told it may colour (FORCE_COLOR), so a missing or half-done --no-color shows up as escapes
NO_COLOR = [
    ["verify", "sizes", "4,3", "--batch", "2"],
    ["verify", "impl", "examples/buggy_backprop.py:backprop"],
    ["verify", "derivation", "derivations/one-hidden-layer.md"],
    ["derive", "--sizes", "2,2"],
    ["derive", "prove", "--general", "--depth", "1"],
    ["numeric", "train", "--sizes", "784-10", "--epochs", "1", "--no-progress"],
]


@pytest.mark.parametrize("argv", NO_COLOR, ids=[" ".join(a[:2]) for a in NO_COLOR])
def test_no_color_on_every_cli(argv, tmp_path):
    colored = _run(argv, cwd=tmp_path if argv[0] == "numeric" else ROOT, FORCE_COLOR="1")
    plain = _run([*argv, "--no-color"], cwd=tmp_path if argv[0] == "numeric" else ROOT, FORCE_COLOR="1")
    assert colored.returncode == plain.returncode and plain.returncode in (0, 1), plain.stderr
    assert ESC in colored.stdout  # the check below can fail
    assert ESC not in plain.stdout, plain.stdout[:500]


@pytest.mark.parametrize("package", ["verify", "derive", "numeric"])
def test_bias_spelled_the_same_in_all_three(package):
    argv = [package, "train", "--help"] if package == "numeric" else [package, "--help"]
    text = _run(argv).stdout
    assert re.search(r"--bias\b", text) and "--no-bias" in text, text
    assert "--biases" not in text  # verify's old spelling is a hidden alias


def test_old_bias_spelling_still_works_and_means_the_same():
    from verify.cli import build_parser

    parser = build_parser()
    pairs = ((["impl", "f.py:g", "--biases"], ["impl", "f.py:g", "--bias"]), (["--biases"], ["--bias"]))
    for old, new in pairs:
        assert parser.parse_args(old).biases is True and parser.parse_args(new).biases is True
    assert parser.parse_args(["impl", "f.py:g"]).biases is False
    assert parser.parse_args(["impl", "f.py:g", "--bias", "--no-bias"]).biases is False


def test_derive_entry_is_the_papers_one_based_n_i_j():
    # {}_1 w_2^1 of sizes 2,3,2: source node i = 2 on L1, target node j = 1 on L2 (numpy W_1[0, 1])
    proc = _run(["derive", "--sizes", "2,3,2", "--batch", "1", "--latex", "--entry", "1,2,1"])
    assert proc.returncode == 0, proc.stderr
    assert r"\frac{\partial \Lambda}{\partial {}_{1}w_{2}^{1}}" in proc.stdout
    for bad in ("1,0,1", "1,4,1", "1,1,3", "2,1,1"):  # i, j from 1; i <= m_1 = 3, j <= m_2 = 2; N < L
        proc = _run(["derive", "--sizes", "2,3,2", "--batch", "1", "--latex", "--entry", bad])
        assert proc.returncode == 2 and "is not an entry N,i,j" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1


def test_verify_worst_entries_are_one_based():
    proc = _run(["verify", "impl", "examples/buggy_backprop.py:backprop", "--json"])
    doc = json.loads(proc.stdout)
    entries = [e for r in doc["reports"] for e in r["worst"] if e["param"] == "W"]
    assert entries
    for e in entries:
        assert (e["i"], e["j"]) == (e["c"] + 1, e["r"] + 1)


@pytest.mark.parametrize("argv", [["verify", "--truth", "complex-step", "--no-color"],
                                  ["verify", "impl", "examples/my_backprop.py:backprop", "--truth",
                                   "complex-step", "--no-color"]])
def test_complex_step_verdict_says_so(argv):
    proc = _run(argv, COLUMNS="200")
    assert proc.returncode == 0, proc.stderr
    verdict = proc.stdout.strip().splitlines()[-1]
    assert verdict.startswith("PASS") and "the complex step (--truth complex-step)" in verdict, verdict
    assert "sympy.diff" not in verdict


def test_default_verdict_names_sympy_diff():
    proc = _run(["verify", "impl", "examples/my_backprop.py:backprop", "--no-color"], COLUMNS="200")
    verdict = proc.stdout.strip().splitlines()[-1]
    assert verdict.startswith("PASS") and "agree with sympy.diff" in verdict, verdict


def test_not_proved_entries_are_named_the_papers_way():
    """A planted error in one entry of grad W_1 is printed as (N,i,j) = {}_N w_i^j, 1-based."""
    import io

    from rich.console import Console

    from derive import build_network, closed_form, prove
    from derive.closed_forms import formulas, paper_identities
    from derive.present import render_proof

    net = build_network((2, 3, 2), 1)
    closed = [m.copy() for m in closed_form(net)]
    closed[1][0, 2] = 2 * closed[1][0, 2]  # W_1[0, 2] = {}_1 w_3^1
    proof = prove(net, closed=closed)
    buf = io.StringIO()
    render_proof(Console(file=buf, width=200, no_color=True), proof, formulas(net), paper_identities())
    text = buf.getvalue()
    assert "grad W_1: 1 of 6 entries differ" in text
    (line,) = [line for line in text.splitlines() if "entry (" in line]
    assert line.strip().startswith("entry (1,3,1) (d Lambda / d ") and "w_3^1" in line, line
