"""Which weights to check: all of them, or a seeded sample from every layer with the corners included.

By default every entry is checked up to ALL_LIMIT weights (the per-layer truth does all 83,900 entries of
784-100-50-10 in seconds); above that, or with ``--sample k``, about k entries: every matrix W_N gets its
four corners (first/last row x first/last column, where
index bugs show) and random entries. The sample is shared equally between matrices (a small matrix is
checked whole and its unused share goes to the bigger ones), so no layer is checked only in passing.
"""

from __future__ import annotations

import numpy as np

__all__ = ["ALL", "ALL_LIMIT", "AUTO_SAMPLE", "corners", "resolve_sample", "select_entries"]

ALL = "all"            # --sample all: every entry
ALL_LIMIT = 100_000    # by default every entry is checked up to this many weights (784-100-50-10: 83,900)
AUTO_SAMPLE = 300      # above it, a seeded sample of this many entries (corners included)

Key = tuple[int, int, int]


def resolve_sample(sample, total: int) -> int | None:
    """The number of entries to sample, or None for every entry: ``"all"`` -> None; None (the default) ->
    None up to ALL_LIMIT weights, else AUTO_SAMPLE; a number stays as it is."""
    if sample == ALL:
        return None
    if sample is None:
        return None if total <= ALL_LIMIT else AUTO_SAMPLE
    return sample


def corners(N: int, shape: tuple[int, int]) -> list[Key]:
    """The (up to four) corner entries of W_N, as keys (N, r, c)."""
    rows, cols = shape
    return sorted({(N, r, c) for r in (0, rows - 1) for c in (0, cols - 1)})


def select_entries(shapes, sample: int | None = None, rng: np.random.Generator | None = None) -> list[Key]:
    """Keys (N, r, c) to check: every entry when ``sample`` is None or covers the total, else a sample.

    shapes: list of (m_{N+1}, m_N). The sample is reproducible from ``rng`` (default seed 0) and returned
    sorted; it contains each matrix's corners even when that exceeds ``sample`` slightly.
    """
    shapes = [tuple(int(d) for d in s) for s in shapes]
    total = sum(r * c for r, c in shapes)
    if sample is None or sample >= total:
        return [(N, r, c) for N, (rows, cols) in enumerate(shapes) for r in range(rows) for c in range(cols)]
    if sample < 1:
        raise ValueError(f"--sample must be at least 1, got {sample}")
    rng = rng if rng is not None else np.random.default_rng(0)
    chosen: set[Key] = set()
    for N, (shape, share) in enumerate(zip(shapes, _shares(shapes, sample), strict=True)):
        size = shape[0] * shape[1]
        picked = set(corners(N, shape))
        if share > len(picked):
            flat = rng.choice(size, size=min(size, share + len(picked)), replace=False)
            for f in flat:
                if len(picked) >= share:
                    break
                picked.add((N, int(f) // shape[1], int(f) % shape[1]))
        chosen |= picked
    return sorted(chosen)


def _shares(shapes, sample: int) -> list[int]:
    """Equal split of ``sample`` between matrices, capped by their sizes (water filling)."""
    sizes = [r * c for r, c in shapes]
    shares = [0] * len(sizes)
    left, open_ = sample, sorted(range(len(sizes)), key=lambda N: sizes[N])
    while open_:
        each = left // len(open_)
        N = open_.pop(0)
        shares[N] = min(sizes[N], max(each, 1))
        left -= shares[N]
    return shares
