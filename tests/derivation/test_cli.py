"""The commands a user runs: python -m verify derivation FILE.md [--json] [--no-color]."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from verify.derivation.cli import main

ROOT = Path(__file__).resolve().parents[2]
PAPER = ROOT / "derivations" / "paper.md"
CORRECTED = ROOT / "derivations" / "paper-corrected.md"
ONE_HIDDEN = ROOT / "derivations" / "one-hidden-layer.md"

# The errors of the paper as printed, each with the hint the report must give (None: no hint required).
PAPER_ERRORS = {
    "18": "sign", "19": "sign", "22": "phi'(a)", "32": None, "47": "factor n", "49": "factor n",
    "60": "transposed entries", "61": "transposed entries", "62": "sample", "70": "Sn", "71": "factor n",
    "72": "factor n", "73": "layer", "77": "factor n", "78": "m_{N+1}", "81": "dots", "84": "sign",
    "89": "factor n", "91": "factor n", "93": "factor n", "23": None, "24": None,  # sum over the free j
}


def _json(capsys, argv):
    code = main(argv + ["--json"])
    return code, json.loads(capsys.readouterr().out)


def test_paper_report_finds_every_error_and_no_false_alarm(capsys):
    code, data = _json(capsys, [str(PAPER)])
    assert code == 1
    assert set(data["summary"]["failing"]) == set(PAPER_ERRORS)
    assert data["summary"]["numbered"] == 96
    assert data["summary"]["checked_fraction"] >= 0.80
    by_label = {v["label"]: v for v in data["verdicts"]}
    for label, word in PAPER_ERRORS.items():
        if word:
            assert word in by_label[label]["hint"], (label, by_label[label]["hint"])
        assert by_label[label]["counterexample"]
    for v in data["verdicts"]:
        if v["status"] == "not checked":
            assert v["reason"], v["label"]


def test_corrected_paper_holds(capsys):
    code, data = _json(capsys, [str(CORRECTED)])
    assert code == 0 and data["summary"]["fails"] == 0
    assert data["summary"]["checked_fraction"] > 0.85


def test_one_hidden_layer_standard_notation(capsys):
    code, data = _json(capsys, [str(ONE_HIDDEN)])
    assert code == 0
    assert data["config"]["notation"] == "standard" and data["config"]["cost"] == "mse"
    statuses = {v["label"]: v["status"] for v in data["verdicts"]}
    assert all(statuses[f"EQ{k}"] == "holds" for k in range(1, 7))


def test_rich_output_names_verdicts_and_hints(capsys):
    assert main([str(PAPER), "--no-color"]) == 1
    out = capsys.readouterr().out
    assert "✗ fails" in out and "✓ holds" in out and "hint:" in out and "% checked" in out
    assert "\x1b[" not in out


@pytest.mark.parametrize(("content", "message"), [
    (None, "no such file"),
    ("---\nsizes: 3,x\n---\n$$ a = b \\tag{1} $$", "sizes"),
    ("---\nbogus: 1\n---\n$$ a = b \\tag{1} $$", "unknown key"),
    ("just prose, no equations", "no numbered display"),
    (b"\xff\xfe\x00broken", "not UTF-8"),
])
def test_bad_input_exits_2_with_one_line(tmp_path, capsys, content, message):
    path = tmp_path / "d.md"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        path.write_text(content)
    assert main([str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and "Traceback" not in err


def test_unparsable_equation_exits_2_and_names_the_column(tmp_path, capsys):
    path = tmp_path / "d.md"
    path.write_text("---\nsizes: 2,2\nbatch: 1\n---\n$$ {}_1\\mathbf{Z}_S = {}_0\\mathbf{W} \\odot "
                    "{}_0\\mathbf{A}_S \\tag{1} $$\n$$ x = y \\wat \\tag{2} $$\n")
    code, data = _json(capsys, [str(path)])
    assert code == 2
    v = {x["label"]: x for x in data["verdicts"]}
    assert v["1"]["status"] == "holds"
    assert v["2"]["column"] == 10 and "column 10" in v["2"]["reason"]


def test_python_dash_m_verify_derivation_subprocess():
    proc = subprocess.run([sys.executable, "-m", "verify", "derivation", str(ONE_HIDDEN), "--no-color"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "(EQ1)" in proc.stdout and "holds" in proc.stdout
