"""BLAS thread control with threadpoolctl and through the ctypes fallback (threadpoolctl absent)."""

import sys

import pytest

from numeric import threads


def test_fallback_without_threadpoolctl(monkeypatch):
    funcs = threads._openblas()
    if funcs is None:
        pytest.skip("numpy is not linked to a bundled OpenBLAS")
    _, get = funcs
    monkeypatch.setitem(sys.modules, "threadpoolctl", None)  # import threadpoolctl -> ImportError
    before = get()
    with threads.blas_threads(1):
        assert get() == 1
    assert get() == before
    assert threads.blas_info() == []


def test_with_threadpoolctl():
    tpc = pytest.importorskip("threadpoolctl")
    with threads.blas_threads(1):
        assert all(d["num_threads"] == 1 for d in tpc.threadpool_info() if d["user_api"] == "blas")
    before = [d["num_threads"] for d in tpc.threadpool_info() if d["user_api"] == "blas"]
    with threads.blas_threads(None):  # None leaves the thread counts alone
        assert [d["num_threads"] for d in tpc.threadpool_info() if d["user_api"] == "blas"] == before
