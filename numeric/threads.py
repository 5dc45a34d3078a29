"""BLAS thread count under control, with threadpoolctl when installed (bench extra) and without it otherwise.

Small GEMMs (batch 64) gain little from a second thread, and OpenBLAS threads that spin while another
process holds the other core can make an epoch 20x slower, so training defaults to one BLAS thread.
Without threadpoolctl, the OpenBLAS bundled with numpy is driven through ctypes (its documented
``openblas_set_num_threads``, under the symbol prefix of the scipy-openblas wheels).
"""

from __future__ import annotations

import contextlib
import ctypes
import glob
import os
from collections.abc import Iterator

import numpy as np

__all__ = ["blas_threads", "blas_info"]

_SETTERS = ("scipy_openblas_set_num_threads64_", "scipy_openblas_set_num_threads", "openblas_set_num_threads")
_GETTERS = ("scipy_openblas_get_num_threads64_", "scipy_openblas_get_num_threads", "openblas_get_num_threads")


def _openblas():
    libdir = os.path.join(os.path.dirname(os.path.dirname(np.__file__)), "numpy.libs")
    for path in sorted(glob.glob(os.path.join(libdir, "*openblas*"))):
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        setter = next((getattr(lib, s) for s in _SETTERS if hasattr(lib, s)), None)
        getter = next((getattr(lib, g) for g in _GETTERS if hasattr(lib, g)), None)
        if setter is not None and getter is not None:
            return setter, getter
    return None


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Limit BLAS to ``n`` threads inside the block (None: leave it alone)."""
    if n is None:
        yield
        return
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        threadpool_limits = None
    if threadpool_limits is not None:
        with threadpool_limits(limits=int(n), user_api="blas"):
            yield
        return
    funcs = _openblas()
    if funcs is None:
        yield
        return
    setter, getter = funcs
    old = int(getter())
    setter(int(n))
    try:
        yield
    finally:
        setter(old)


def blas_info() -> list[dict]:
    """threadpoolctl's description of the loaded BLAS libraries (kernel, threads), or [] without it."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return []
    return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
            for d in threadpool_info() if d.get("user_api") == "blas"]
