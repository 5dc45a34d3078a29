"""derive/cache.py: entries in the chosen directory, reused by a new process without sympy, self-healing on
corrupt files, atomic under concurrent writers, off on request."""
import json
import os
import subprocess
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pytest

from derive import cache
from derive.bulk_truth import layer_truth, stage_bundle, validate_bundle

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_in(tmp_path, monkeypatch):
    monkeypatch.setenv(cache.ENV_DIR, str(tmp_path))
    monkeypatch.delenv(cache.ENV_OFF, raising=False)
    cache.configure()
    from derive import bulk_truth as module

    monkeypatch.setattr(module, "_memo", {})
    return tmp_path / "truth"


def _files(folder):
    return sorted(p for p in folder.glob("*.json")) if folder.exists() else []


def test_store_then_reuse_and_the_directory_is_the_env_var(cache_in):
    _, hit = stage_bundle(3, 2, "sigmoid", None, "logloss")
    assert not hit and len(_files(cache_in)) == 1
    from derive import bulk_truth as module

    module._memo.clear()
    _, hit = stage_bundle(3, 2, "sigmoid", None, "logloss")
    assert hit


def test_a_corrupt_entry_is_removed_and_derived_again(cache_in):
    bundle, _ = stage_bundle(2, 1, "tanh", None, "mse")
    (path,) = _files(cache_in)
    for garbage in ("{not json", json.dumps({"key": "other", "value": bundle}),
                    json.dumps({"key": json.loads(path.read_text())["key"],
                                "value": {**bundle, "hidden": {"phi": ["fn", "eval", ["sym", "z"]]}}})):
        from derive import bulk_truth as module

        module._memo.clear()
        path.write_text(garbage)
        again, hit = stage_bundle(2, 1, "tanh", None, "mse")
        assert not hit and again == bundle
        validate_bundle(json.loads(path.read_text())["value"])  # healed: a valid entry again


def test_off_by_env_or_configure(cache_in, monkeypatch):
    monkeypatch.setenv(cache.ENV_OFF, "1")
    stage_bundle(2, 2, "sigmoid", None, "mse", use_cache=True)
    assert _files(cache_in) == []
    monkeypatch.delenv(cache.ENV_OFF)
    cache.configure(enabled=False)
    try:
        stage_bundle(2, 3, "sigmoid", None, "mse")
        assert _files(cache_in) == []
    finally:
        cache.configure()


def test_an_unwritable_directory_only_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv(cache.ENV_DIR, str(blocker))  # a file where a directory should be
    assert cache.store({"k": 1}, {"v": 1}) is False
    assert cache.load({"k": 1}, lambda v: None) is None


def _write(args):
    folder, k = args
    os.environ[cache.ENV_DIR] = folder
    value = {"payload": "x" * 200_000, "k": k}
    return all(cache.store({"same": "key"}, value) for _ in range(20))


def test_concurrent_writers_never_leave_a_partial_entry(tmp_path):
    with ProcessPoolExecutor(2) as pool:
        assert all(pool.map(_write, [(str(tmp_path), k) for k in range(2)]))
    (path,) = list((tmp_path / "truth").glob("*.json"))
    data = json.loads(path.read_text())
    assert data["value"]["k"] in (0, 1) and len(data["value"]["payload"]) == 200_000
    assert not list((tmp_path / "truth").glob(".tmp-*"))


def test_a_warm_process_does_not_import_sympy(cache_in):
    rng = np.random.default_rng(0)
    Ws = [rng.normal(size=(3, 4)), rng.normal(size=(2, 3))]
    X, Y = rng.normal(size=(4, 2)), rng.uniform(size=(2, 2))
    cold = layer_truth(Ws, X, Y)
    np.savez(cache_in.parent / "data.npz", W0=Ws[0], W1=Ws[1], X=X, Y=Y)
    code = ("import sys, numpy as np; from derive.bulk_truth import layer_truth; "
            f"d = np.load({str(cache_in.parent / 'data.npz')!r}); "
            "t = layer_truth([d['W0'], d['W1']], d['X'], d['Y']); "
            "g = t.grad_W[0]; "
            "print(t.cached, 'sympy' in sys.modules, float(g.hi[1, 2]).hex(), float(g.lo[1, 2]).hex())")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                         env={**os.environ, cache.ENV_DIR: str(cache_in.parent)}, check=True).stdout.split()
    assert out[:2] == ["True", "False"]
    G = cold.grad_W[0]
    assert float.fromhex(out[2]) == G.hi[1, 2] and float.fromhex(out[3]) == G.lo[1, 2]
