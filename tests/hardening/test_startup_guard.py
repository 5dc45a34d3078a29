"""The start-up Ctrl-C guard (derive/startup.py, numeric/startup.py) acts only for our own commands: a
user's program that imports verify keeps Python's KeyboardInterrupt."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import derive.startup
import numeric.startup

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("module", [derive.startup, numeric.startup])
@pytest.mark.parametrize("argv0, orig, guarded", [
    ("-m", ["python", "-m", "verify", "sizes"], True),
    ("-m", ["python", "-m", "derive.general"], True),
    ("-m", ["python", "-m", "mypkg"], False),          # a user's package whose __init__ imports verify
    ("/usr/bin/backprop-train", ["python", "/usr/bin/backprop-train"], True),
    ("script.py", ["python", "script.py"], False),
])
def test_guard_only_for_our_commands(monkeypatch, module, argv0, orig, guarded):
    monkeypatch.setattr(sys, "argv", [argv0])
    monkeypatch.setattr(sys, "orig_argv", orig)
    before = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        module.guard_imports()
        assert (signal.getsignal(signal.SIGINT) is module._interrupted) == guarded
        module.release()
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    finally:
        signal.signal(signal.SIGINT, before)


def test_users_package_run_with_dash_m_keeps_its_keyboard_interrupt(tmp_path):
    pkg = tmp_path / "mypkg"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("import verify  # noqa: F401\n")
    (pkg / "__main__.py").write_text(
        "import time\nprint('ready', flush=True)\ntry:\n    time.sleep(60)\n"
        "except KeyboardInterrupt:\n    print('user handled', flush=True)\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(ROOT), str(tmp_path)]))
    proc = subprocess.Popen([sys.executable, "-m", "mypkg"], cwd=tmp_path, env=env, text=True,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert proc.stdout.readline().strip() == "ready"
    time.sleep(0.1)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert (proc.returncode, out.strip(), err) == (0, "user handled", "")
