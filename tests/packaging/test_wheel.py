"""A built wheel carries MNIST and its checksums and trains outside the repository (issue 16.3).

The wheel is built once (``pip wheel . --no-deps``, ~10 s); "installing" it is unzipping it into a folder
put first on PYTHONPATH, with the working directory outside the repository, so nothing of the checkout is
used (the test asserts where the modules were imported from).
"""

import gzip
import hashlib
import json
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
MNIST_FILES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
               "t10k-labels-idx1-ubyte")

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory):
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "pip", "wheel", str(ROOT), "--no-deps", "-q", "-w", str(out)]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    (path,) = out.glob("backprop_verifier-*.whl")
    return path


def test_wheel_contains_mnist_checksums_and_entry_points(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = set(z.namelist())
        for name in MNIST_FILES:
            assert f"numeric/data/mnist/{name}.gz" in names
        readme = z.read("numeric/data/mnist/README.md").decode()
        code = z.read("numeric/mnist.py").decode()
        for name in MNIST_FILES:  # the published checksum is in the README and in the reader
            digest = re.search(rf'"{name}": "([0-9a-f]{{64}})"', code).group(1)
            assert digest in readme
            content = gzip.decompress(z.read(f"numeric/data/mnist/{name}.gz"))
            assert hashlib.sha256(content).hexdigest() == digest
        assert "verify/derivation/grammar.lark" in names and "pytest_backprop_verifier.py" in names
        dist_info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
        entry_points = z.read(dist_info).decode()
    assert "backprop_verifier = pytest_backprop_verifier" in entry_points
    for script in ("backprop-verify", "backprop-derive", "backprop-train"):
        assert script in entry_points


def test_unpacked_wheel_trains_outside_the_repository(wheel, tmp_path):
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as z:
        z.extractall(site)
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    where = subprocess.run([sys.executable, "-c", "import numeric.mnist as m; print(m.DEFAULT_DIR)"],
                           capture_output=True, text=True, cwd=work, env=env, timeout=60)
    assert where.stdout.strip() == str(site / "numeric" / "data" / "mnist"), where.stdout + where.stderr
    proc = subprocess.run([sys.executable, "-m", "numeric", "train", "--sizes", "784-32-10", "--epochs", "1",
                           "--no-progress", "--json", "-"], capture_output=True, text=True, cwd=work, env=env,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"test accuracy \d+\.\d+ %", proc.stderr), proc.stderr  # the text goes to stderr
    doc = json.loads(proc.stdout)  # with --json -, stdout is the JSON document alone
    assert doc["command"] == "numeric train" and doc["test_accuracy"] > 0.85, doc["test_accuracy"]
