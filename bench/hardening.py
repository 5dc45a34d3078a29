"""Issue 13's reliability figures: runs every case of tests/hardening (bad options, hostile files, faults,
Ctrl-C over derive, numeric and verify, CLI and API) and prints the counts per class of failure.

    python bench/hardening.py            # counts, then one line per failing case
    python bench/hardening.py --list     # also every case with its seconds

Target (issue 13): 0 tracebacks, 0 wrong exits, 0 hangs, 0 partial files, 0 work lost.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(HERE), str(HERE / "tests" / "hardening")]

from hardening_cases import CASES  # noqa: E402
from hardening_harness import KINDS, run_case  # noqa: E402


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--list", action="store_true", help="print every case with its time")
    args = p.parse_args()
    counts = collections.Counter()
    failing = []
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as root:
        for k, case in enumerate(CASES):
            res = run_case(case, Path(root) / f"case{k}")
            for kind in {kind for kind, _ in res.problems}:
                counts[kind] += 1
            if res.problems:
                failing.append((case, res))
            if args.list:
                print(f"{res.seconds:6.2f} s  {case.package:8} {case.kind:6} {case.name}")
    wall = time.perf_counter() - start
    by_package = collections.Counter(c.package for c in CASES)
    by_kind = collections.Counter(c.kind for c in CASES)
    print(f"hardening: {len(CASES)} cases ({', '.join(f'{p} {n}' for p, n in sorted(by_package.items()))}; "
          f"{', '.join(f'{k} {n}' for k, n in sorted(by_kind.items()))}) in {wall:.1f} s, "
          f"load average {os.getloadavg()[0]:.1f}")
    for kind in KINDS:
        print(f"  {kind + 's' if not kind.endswith('lost') else kind:15} {counts[kind]}")
    print(f"  {'cases as documented':15} {len(CASES) - len(failing)} of {len(CASES)}")
    for case, res in failing:
        print(f"FAIL {case.package} {case.name}: {res.problems}")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
