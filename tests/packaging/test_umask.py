"""Output files are created with the user's umask (0o666 & ~umask), not tempfile's 0600 (issue 16.5)."""

import os
import stat
import subprocess
import sys

import numpy as np
import pytest

from numeric.checkpoint import save_npz
from numeric.report import atomic_write_text


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


@pytest.fixture
def umask():
    old = os.umask(0o022)
    try:
        yield lambda mask: os.umask(mask)
    finally:
        os.umask(old)


@pytest.mark.parametrize("mask", [0o022, 0o002, 0o077, 0o027])
def test_in_process_writers_follow_the_umask(tmp_path, umask, mask):
    umask(mask)
    atomic_write_text(tmp_path / "run.json", "{}\n")
    save_npz(tmp_path / "model.npz", {"W0": np.zeros((2, 3))}, {"sizes": [3, 2]})
    assert _mode(tmp_path / "run.json") == 0o666 & ~mask
    assert _mode(tmp_path / "model.npz") == 0o666 & ~mask
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz", "run.json"]  # no temp file left


def test_numeric_train_outputs_follow_the_umask(tmp_path):
    outputs = {"--save": "m.npz", "--json": "run.json", "--plot": "curves.png"}
    argv = [sys.executable, "-m", "numeric", "train", "--sizes", "784-10", "--epochs", "1", "--no-progress"]
    for flag, name in outputs.items():
        argv += [flag, name]
    proc = subprocess.run(argv, capture_output=True, text=True, cwd=tmp_path, timeout=120,
                          preexec_fn=lambda: os.umask(0o002))
    assert proc.returncode == 0, proc.stderr
    for name in outputs.values():
        assert _mode(tmp_path / name) == 0o664, name
