"""Hostile implementations never get PASS or exit 0: sys.exit(0), BaseException, infinite loops, os._exit,
segfaults, memory hogs, floods of prints (JSON stays valid), a derive.py that would shadow the truth.
Each runs ``python -m verify impl`` as a user does, in a subprocess, and reads what it prints."""

import json
import subprocess
import sys
import textwrap

import pytest

HOSTILE = {
    "exit0": ("import sys\ndef backprop(weights, X, Y):\n    sys.exit(0)\n", "exit"),
    "base": ("class Boom(BaseException):\n    pass\ndef backprop(weights, X, Y):\n    raise Boom('no')\n",
             "exit"),
    "import_exit": ("import sys\nsys.exit(0)\ndef backprop(weights, X, Y):\n    return []\n", "exit"),
    "loop": ("def backprop(weights, X, Y):\n    while True:\n        pass\n", "timeout"),
    "os_exit": ("import os\ndef backprop(weights, X, Y):\n    os._exit(0)\n", "crash"),
    "segfault": ("import ctypes\ndef backprop(weights, X, Y):\n    ctypes.string_at(0)\n", "crash"),
    "memory": ("def backprop(weights, X, Y):\n    keep = []\n    while True:\n"
               "        keep.append(bytearray(50_000_000))\n", "memory"),
}

CORRECT = textwrap.dedent('''
    import numpy as np

    def backprop(weights, X, Y):
        A = [X]
        for W in weights:
            A.append(1 / (1 + np.exp(-W @ A[-1])))
        delta, grads = A[-1] - Y, [None] * len(weights)
        for N in reversed(range(len(weights))):
            grads[N] = delta @ A[N].T / X.shape[1]
            delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
        return grads
''')


def verify(folder, *args, timeout=120):
    proc = subprocess.run([sys.executable, "-m", "verify", "impl", *args], capture_output=True, text=True,
                          cwd=folder, timeout=timeout)
    return proc.returncode, proc.stdout, proc.stderr


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_code_never_passes(name, tmp_path):
    code, kind = HOSTILE[name]
    (tmp_path / "user.py").write_text(code)
    rc, out, err = verify(tmp_path, "user.py:backprop", "--json", "--timeout", "3", "--memory", "1024",
                          "--truth", "complex-step", "--sizes", "3,2,2")
    assert rc == 2, (out, err)
    data = json.loads(out)  # the report is valid JSON whatever the code did
    kinds = {p["kind"] for r in data["reports"] for p in r["problems"]}
    assert not data["ok"] and kind in kinds, kinds


def test_a_flood_of_prints_keeps_json_valid(tmp_path):
    flood = CORRECT.replace("    A = [X]", "    print('x' * 3_000_000)\n    A = [X]")
    (tmp_path / "user.py").write_text(flood)
    rc, out, _ = verify(tmp_path, "user.py:backprop", "--json", "--truth", "complex-step", "--sizes", "3,2,2")
    data = json.loads(out)
    assert rc == 0 and data["ok"]
    assert data["user_output"]["stdout_bytes"] > 3_000_000 and len(data["user_output"]["stdout"]) <= 65536


def test_a_shadowing_derive_py_does_not_change_the_truth(tmp_path):
    (tmp_path / "derive.py").write_text("def ground_truth_at(sizes, weights, X, Y, entries=None, **kw):\n"
                                        "    return {k: 0.0 for k in entries}\n")
    (tmp_path / "zero.py").write_text("import numpy as np\ndef backprop(weights, X, Y):\n"
                                      "    return [np.zeros(W.shape) for W in weights]\n")
    (tmp_path / "good.py").write_text(CORRECT)
    rc, out, err = verify(tmp_path, "zero.py:backprop", "--no-color", "--sizes", "3,2,2")
    assert rc == 1 and "FAIL" in out, (out, err)
    rc, out, err = verify(tmp_path, "good.py:backprop", "--no-color", "--sizes", "3,2,2")
    assert rc == 0 and "PASS" in out, (out, err)


def test_tracebacks_keep_every_frame_outside_the_verifier(tmp_path):
    (tmp_path / "helper.py").write_text("def deep(weights):\n    return weights[len(weights)]\n")
    (tmp_path / "user.py").write_text("from helper import deep\ndef backprop(weights, X, Y):\n"
                                      "    return deep(weights)\n")
    rc, out, _ = verify(tmp_path, "user.py:backprop", "--no-color", "--sizes", "3,2,2", "--truth",
                        "complex-step")
    assert rc == 1 and "helper.py" in out and "user.py" in out and "conventions.py" not in out
