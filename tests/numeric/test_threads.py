"""BLAS thread control through threadpoolctl (a declared dependency, no ctypes fallback)."""

from threadpoolctl import threadpool_info

from numeric import threads


def _counts():
    return [d["num_threads"] for d in threadpool_info() if d["user_api"] == "blas"]


def test_blas_threads_limits_and_restores():
    before = _counts()
    assert before, "numpy's BLAS is not visible to threadpoolctl"
    with threads.blas_threads(1):
        assert all(c == 1 for c in _counts())
    assert _counts() == before


def test_none_leaves_the_counts_alone():
    before = _counts()
    with threads.blas_threads(None):
        assert _counts() == before


def test_blas_info_describes_the_loaded_blas():
    info = threads.blas_info()
    assert info and all(set(d) == {"internal_api", "version", "architecture", "num_threads", "filepath"}
                        for d in info)
