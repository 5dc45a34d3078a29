"""Speed of derive.ground_truth_at (sympy.diff truth at numbers, 30 digits) on deep and wide networks.

Prints seconds for the default stage-by-stage route (``method="layers"``) and, as the peer in the same run,
the older tail-template route (``method="tail"``) where it finishes, plus the largest difference between
the two routes on the network both can do.

Run: python bench/ground_truth_speed.py   (about 1 minute on 2 cores)
"""

import sys
import time
from pathlib import Path

import mpmath
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from derive import ground_truth_at  # noqa: E402


def data(sizes, n, seed):
    """W_N ~ N(0, 1.5^2 / m_N), X ~ N(0, 1), Y ~ U(0.05, 0.95) (as verify's cases)."""
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0.0, 1.5 / np.sqrt(m_in), size=(m_out, m_in))
          for m_in, m_out in zip(sizes, sizes[1:], strict=False)]
    return Ws, rng.normal(size=(sizes[0], n)), rng.uniform(0.05, 0.95, size=(sizes[-1], n))


def sample(sizes, total, seed):
    """A seeded sample of about ``total`` weight entries, the same number from every layer."""
    rng = np.random.default_rng(seed)
    per = max(1, total // (len(sizes) - 1))
    keys = []
    for N in range(len(sizes) - 1):
        size = sizes[N] * sizes[N + 1]
        keys += [(N, int(f) // sizes[N], int(f) % sizes[N])
                 for f in sorted(rng.choice(size, size=min(per, size), replace=False))]
    return keys


def every_entry(sizes):
    """Every weight entry (N, r, c) of the network."""
    return [(N, r, c) for N in range(len(sizes) - 1) for r in range(sizes[N + 1]) for c in range(sizes[N])]


def timed(sizes, n, keys, method, seed=21):
    Ws, X, Y = data(sizes, n, seed)
    t = time.perf_counter()
    values = ground_truth_at(sizes, Ws, X, Y, entries=keys, method=method)
    return time.perf_counter() - t, values


def main():
    cases = [("6 layers x 32 units, n=8", (32,) * 7, 8, 300),
             ("6 layers x 8 units, n=3 (every entry)", (8,) * 7, 3, None),
             ("784-30-10, n=10", (784, 30, 10), 10, 300)]
    print(f"{'network':40s} {'entries':>8s} {'layers s':>9s}")
    for label, sizes, n, total in cases:
        keys = sample(sizes, total, 0) if total else every_entry(sizes)
        seconds, _ = timed(sizes, n, keys, "layers")
        print(f"{label:40s} {len(keys):>8d} {seconds:9.1f}", flush=True)
    sizes, n = (4,) * 5, 3
    keys = every_entry(sizes)
    t_new, new = timed(sizes, n, keys, "layers")
    t_old, old = timed(sizes, n, keys, "tail")
    worst = max(abs(new[k] - old[k]) / abs(old[k]) for k in keys)
    print(f"peer: 4 layers x 4 units, n=3, every entry (64): layers {t_new:.2f} s, tail {t_old:.2f} s "
          f"(x{t_old / t_new:.0f}); max rel difference between the routes {mpmath.nstr(worst, 2)}")


if __name__ == "__main__":
    main()
