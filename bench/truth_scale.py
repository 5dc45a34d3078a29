"""Issue 14's targets: the exact truth at MNIST scale and the start-up of the commands, with the old routes
measured in the same run.

Prints, with the load average:
* every entry of 784-30-10 and 784-100-50-10 (n = 10) against the sympy truth: ``python -m verify sizes
  ... --sample all`` as a whole process (engine + per-layer truth + both bulk oracles), and the per-layer
  truth alone (``derive.layer_truth``); the old routes (``ground_truth_at(method="layers")``, one entry at a
  time, and the per-entry complex step) on a seeded sample of entries, extrapolated linearly to all
  entries (marked "extrapolated": running them on every entry takes minutes);
* accuracy: the largest relative difference between the per-layer truth and the old route on that sample,
  and the certified bound of the per-layer truth (arb balls);
* ``python -m verify impl examples/my_backprop.py:backprop`` whole process, cold (empty cache dir) and
  warm; ``python -m derive`` on the paper's case, whole process.

Run: python bench/truth_scale.py   (about 1-2 minutes on 2 cores)
"""

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from derive import ground_truth_at, layer_truth  # noqa: E402
from verify.oracles import complex_step  # noqa: E402

OLD_SAMPLE = 240  # entries for the old per-entry routes


def data(sizes, n, seed=0):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(0.0, 1.5 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes, sizes[1:], strict=False)]
    return Ws, rng.normal(size=(sizes[0], n)), rng.uniform(0.05, 0.95, size=(sizes[-1], n))


def run(args, env=None) -> float:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **(env or {})})
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()[-300:]}")
    return seconds


def network(sizes, n, cache_env):
    total = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    name = "-".join(map(str, sizes))
    whole = run(["-m", "verify", "sizes", ",".join(map(str, sizes)), "--batch", str(n), "--sample", "all"],
                cache_env)
    Ws, X, Y = data(sizes, n)
    start = time.perf_counter()
    truth = layer_truth(Ws, X, Y)
    alone = time.perf_counter() - start
    rng = np.random.default_rng(1)
    flat = rng.choice(total, size=OLD_SAMPLE, replace=False)
    keys, offset = [], 0
    for N, (a, b) in enumerate(zip(sizes, sizes[1:], strict=False)):
        keys += [(N, int(f - offset) // a, int(f - offset) % a) for f in flat if offset <= f < offset + a * b]
        offset += a * b
    start = time.perf_counter()
    old = ground_truth_at(sizes, Ws, X, Y, entries=keys, method="layers")
    old_s = (time.perf_counter() - start) * total / len(keys)
    start = time.perf_counter()
    complex_step(Ws, X, Y, keys, bulk=False)
    old_cs = (time.perf_counter() - start) * total / len(keys)
    worst = max(abs(float((truth.grad_W[N].mpf(r, c) - v) / v)) for (N, r, c), v in old.items())
    print(f"{name}, n={n}, all {total} entries: verify sizes --sample all {whole:.1f} s (whole process); "
          f"per-layer truth alone {alone:.2f} s")
    print(f"  old truth (one entry at a time) {old_s:.0f} s extrapolated from {len(keys)} entries: "
          f"{old_s / alone:.0f}x; old per-entry complex step {old_cs:.1f} s extrapolated")
    print(f"  accuracy: max rel difference to the old route {worst:.1e}; certified bound of the truth "
          f"{truth.max_rel_bound():.1e} (rel)")


def main():
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores)")
    with tempfile.TemporaryDirectory() as cold_dir, tempfile.TemporaryDirectory() as warm_dir:
        warm = {"BACKPROP_VERIFIER_CACHE_DIR": warm_dir}
        impl = ["-m", "verify", "impl", "examples/my_backprop.py:backprop"]
        cold = run(impl, {"BACKPROP_VERIFIER_CACHE_DIR": cold_dir})
        run(impl, warm)
        warm_s = min(run(impl, warm) for _ in range(2))
        print(f"verify impl examples/my_backprop.py:backprop: cold cache {cold:.2f} s, warm {warm_s:.2f} s "
              "(whole process, targets 2 s / 1 s)")
        derive_s = min(run(["-m", "derive"]) for _ in range(2))
        print(f"python -m derive (the paper's case): {derive_s:.2f} s whole process (target 1.2 s)")
        network((784, 30, 10), 10, warm)
        network((784, 100, 50, 10), 10, warm)
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
