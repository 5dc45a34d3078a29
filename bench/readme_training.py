"""Every ``python -m numeric train`` example of the README, run as written: test accuracy, wall time and
any "does not learn" warning (issue 16.7: every README example must reach a sensible accuracy).

    python bench/readme_training.py            # all examples but --preset best (~1 min on 2 cores)
    python bench/readme_training.py --best     # also --preset best (~3 min more)

Output files named in an example (--save, --plot, --json) go to a temporary folder; ``--resume`` examples
are skipped (they continue another example's model). Prints one row per example and the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SENSIBLE = 0.95  # a network that learns MNIST at all is far above this after a few epochs


def examples(readme: str) -> list[list[str]]:
    """The argument lists after ``python -m numeric train`` in the README's code blocks (unique)."""
    found: list[list[str]] = []
    for line in readme.splitlines():
        m = re.match(r"\s*python -m numeric train\b(.*)", line)
        if m:
            argv = shlex.split(m.group(1).split("#")[0])
            if argv not in found:
                found.append(argv)
    return found


def run(argv: list[str], folder: Path) -> dict:
    argv = [a if not a.endswith((".npz", ".png", ".json")) else str(folder / Path(a).name) for a in argv]
    if "--json" in argv:
        summary = Path(argv[argv.index("--json") + 1])
    else:
        summary = folder / "summary.json"
        argv += ["--json", str(summary)]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "numeric", "train", *argv, "--no-progress", "--no-color"],
                          capture_output=True, text=True, cwd=folder)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        return {"error": proc.stderr.strip().splitlines()[-1:], "wall": wall}
    doc = json.loads(summary.read_text())
    return {"accuracy": doc["test_accuracy"], "wall": wall, "warnings": doc.get("warnings", [])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--best", action="store_true", help="also run --preset best (minutes)")
    args = parser.parse_args()
    todo = [a for a in examples((ROOT / "README.md").read_text()) if "--resume" not in a]
    if not args.best:
        todo = [a for a in todo if "best" not in a]
    print(f"load average before: {os.getloadavg()[0]:.2f} (2 cores); {len(todo)} README examples")
    bad = 0
    with tempfile.TemporaryDirectory() as tmp:
        for argv in todo:
            result = run(argv, Path(tmp))
            shown = " ".join(argv) or "(defaults)"
            if "error" in result:
                bad += 1
                print(f"ERROR {shown}: {result['error']}")
                continue
            ok = result["accuracy"] >= SENSIBLE and not result["warnings"]
            bad += not ok
            note = f"  [{result['warnings'][0]}]" if result["warnings"] else ""
            print(f"{'ok  ' if ok else 'LOW '} {100 * result['accuracy']:6.2f} %  {result['wall']:6.1f} s  "
                  f"python -m numeric train {shown}{note}")
    print(f"load average after: {os.getloadavg()[0]:.2f}; {len(todo) - bad} of {len(todo)} examples reach "
          f">= {100 * SENSIBLE:.0f} % without a warning")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
