"""``--version`` on the three CLIs and the console scripts of the installed package (issue 16.2)."""

import importlib.metadata
import os
import subprocess
import sys
import sysconfig

import pytest

VERSION = importlib.metadata.version("backprop-verifier")
SCRIPTS = {"backprop-verify": "verify.cli:main", "backprop-derive": "derive.__main__:main",
           "backprop-train": "numeric.__main__:train_script"}


def _run(argv):
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("package", ["verify", "derive", "numeric"])
def test_version(package):
    proc = _run([sys.executable, "-m", package, "--version"])
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == f"python -m {package} (backprop-verifier) {VERSION}\n"
    assert proc.stderr == ""


def test_console_scripts_declared():
    dist = importlib.metadata.distribution("backprop-verifier")
    found = {ep.name: ep.value for ep in dist.entry_points if ep.group == "console_scripts"}
    assert found == SCRIPTS


@pytest.mark.parametrize("script", sorted(SCRIPTS))
def test_console_script_installed_and_runs(script):
    path = os.path.join(sysconfig.get_path("scripts"), script)
    assert os.access(path, os.X_OK), f"{path} missing: reinstall with pip install -e ."
    proc = _run([path, "--version"])
    assert proc.returncode == 0 and VERSION in proc.stdout, proc.stdout + proc.stderr


def test_backprop_train_is_numeric_train():
    path = os.path.join(sysconfig.get_path("scripts"), "backprop-train")
    proc = _run([path, "--help"])
    assert proc.returncode == 0 and "--activation" in proc.stdout and "--preset" in proc.stdout
    proc = _run([path, "--epochs", "0"])
    assert proc.returncode == 2 and "epochs" in proc.stderr and "Traceback" not in proc.stderr
    proc = _run([path, "evaluate", "/nonexistent/model.npz"])
    assert proc.returncode == 2 and "model.npz" in proc.stderr and "Traceback" not in proc.stderr
