"""BLAS thread count under control, through threadpoolctl (a dependency).

Small GEMMs (batch 64) gain little from a second thread, and OpenBLAS threads that spin while another
process holds the other core can make an epoch 20x slower, so training defaults to one BLAS thread.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

from threadpoolctl import threadpool_info, threadpool_limits

__all__ = ["blas_threads", "blas_info"]


@contextlib.contextmanager
def blas_threads(n: int | None) -> Iterator[None]:
    """Limit BLAS to ``n`` threads inside the block (None: leave it alone)."""
    if n is None:
        yield
        return
    with threadpool_limits(limits=int(n), user_api="blas"):
        yield


def blas_info() -> list[dict]:
    """threadpoolctl's description of the loaded BLAS libraries (kernel, threads)."""
    return [{k: d.get(k) for k in ("internal_api", "version", "architecture", "num_threads", "filepath")}
            for d in threadpool_info() if d.get("user_api") == "blas"]
