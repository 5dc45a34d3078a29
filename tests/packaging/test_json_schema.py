"""Every command's ``--json`` document carries the common envelope of docs/json.md (issue 16.4).

Each command runs as a user runs it (a subprocess, small sizes); the document is read with a strict JSON
parser (no NaN/Infinity) and checked: the five envelope keys first and in order, their types, ``ok`` ==
(exit_code == 0), ``exit_code`` == the process's status, ``version`` == the installed distribution's,
``command`` as documented, then the documented payload keys.
"""

import importlib.metadata
import json
import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAD = ["schema_version", "command", "version", "ok", "exit_code"]
VERSION = importlib.metadata.version("backprop-verifier")
VERIFY_PAYLOAD = {"subject", "seconds", "proof", "diagnosis", "reports"}

# (argv after python -m, expected "command", expected exit code, payload keys that must be present)
COMMANDS = [
    (["verify", "--json", "--truth", "complex-step"], "verify", 0, VERIFY_PAYLOAD),
    (["verify", "sizes", "6,4,3", "--batch", "2", "--sample", "12", "--json"], "verify sizes", 0,
     VERIFY_PAYLOAD),
    (["verify", "impl", "examples/my_backprop.py:backprop", "--json"], "verify impl", 0, VERIFY_PAYLOAD),
    (["verify", "impl", "examples/buggy_backprop.py:backprop", "--json"], "verify impl", 1, VERIFY_PAYLOAD),
    (["verify", "derivation", "derivations/one-hidden-layer.md", "--json"], "verify derivation", 0,
     {"file", "config", "summary", "verdicts"}),
    (["verify", "derivation", "derivations/paper.md", "--json"], "verify derivation", 1,
     {"file", "config", "summary", "verdicts"}),
    (["derive", "--json"], "derive prove", 0,
     {"network", "proved", "seconds", "method", "matrices", "formulas", "identities"}),
    (["derive", "prove", "--sizes", "2,2,2", "--cost", "mse", "--json"], "derive prove", 0,
     {"network", "proved", "matrices"}),
    (["derive", "prove", "--general", "--depth", "1", "--json"], "derive prove --general", 0,
     {"activation", "cost", "depth", "proven", "proofs", "rules"}),
]


def _strict(text: str):
    def refuse(name):
        raise ValueError(f"non-standard JSON constant {name}")

    return json.loads(text, parse_constant=refuse)


def check_envelope(doc: dict, command: str, exit_code: int, payload: set) -> None:
    assert list(doc)[:5] == HEAD, list(doc)[:7]
    assert doc["schema_version"] == 1 and type(doc["schema_version"]) is int
    assert doc["command"] == command
    assert doc["version"] == VERSION
    assert doc["ok"] is (exit_code == 0)
    assert doc["exit_code"] == exit_code and type(doc["exit_code"]) is int
    assert payload <= set(doc), payload - set(doc)


def _run(argv, cwd=ROOT, timeout=300):
    return subprocess.run([sys.executable, "-m", *argv], capture_output=True, text=True, cwd=cwd,
                          timeout=timeout)


@pytest.mark.parametrize(("argv", "command", "code", "payload"), COMMANDS,
                         ids=[f"{c[1]} {c[2]}" for c in COMMANDS])
def test_envelope(argv, command, code, payload):
    proc = _run(argv)
    assert proc.returncode == code, proc.stderr[-2000:]
    check_envelope(_strict(proc.stdout), command, code, payload)


def test_derive_json_is_mirrored_by_the_console_script():
    script = Path(sysconfig.get_path("scripts")) / "backprop-derive"
    proc = subprocess.run([str(script), "--json"], capture_output=True, text=True, timeout=120)
    check_envelope(_strict(proc.stdout), "derive prove", 0, {"proved"})


def test_numeric_train_and_evaluate(tmp_path):
    model, summary = tmp_path / "m.npz", tmp_path / "run.json"
    proc = _run(["numeric", "train", "--sizes", "784-16-10", "--epochs", "1", "--no-progress", "--save",
                 str(model), "--json", str(summary)], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = _strict(summary.read_text())
    check_envelope(doc, "numeric train", 0, {"config", "finished", "wall_seconds", "test_accuracy", "epochs"})
    assert doc["finished"] is True and len(doc["epochs"]) == 1
    # '-': the document alone on stdout, the text report on stderr
    proc = _run(["numeric", "evaluate", str(model), "--json", "-"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    doc = _strict(proc.stdout)
    check_envelope(doc, "numeric evaluate", 0, {"model", "test_accuracy", "confusion"})
    assert re.search(r"test accuracy \S+ %", proc.stderr)
    assert doc["test_accuracy"] == pytest.approx(_strict(summary.read_text())["test_accuracy"])


@pytest.mark.parametrize("argv", [["verify", "sizes", "0,3", "--json"], ["derive", "--sizes", "x", "--json"],
                                  ["numeric", "train", "--epochs", "0", "--json", "-"]])
def test_bad_input_prints_no_document(argv):
    proc = _run(argv)
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout
    assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_documented_commands_are_the_tested_ones():
    doc = (ROOT / "docs" / "json.md").read_text()
    documented = set(re.findall(r'\| `"([a-z -]+)"` \|', doc))
    tested = {c[1] for c in COMMANDS} | {"numeric train", "numeric evaluate"}
    assert documented == tested
