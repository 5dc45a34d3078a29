"""Re-check latency of ``python -m verify derivation --watch`` on derivations/paper.md, and paper coverage.

Prints:
- the first check (cold: ground truth at 2 points + every equation) and a full re-check without cache (peer);
- re-check after editing one equation (cache: only that equation is evaluated again), median of runs;
- re-check after editing the definition of {}_out delta (21), which many later equations use (worst case);
- end-to-end watch latency: from writing the file to the new verdicts, through watchfiles (inotify);
- coverage of paper.md: checked % (holds or fails), the failing equations (the paper's errors).

Usage: python bench/derivation_watch.py [--runs 5]
"""
from __future__ import annotations

import argparse
import queue
import shutil
import statistics
import tempfile
import threading
import time
from pathlib import Path

from verify.derivation.check import Checker
from verify.derivation.extract import read_document
from verify.derivation.watch import updates

ROOT = Path(__file__).resolve().parents[1]
PAPER = ROOT / "derivations" / "paper.md"


def _timed(checker, text):
    start = time.perf_counter()
    report = checker.check(read_document(text), "paper.md")
    return time.perf_counter() - start, report


def _edit_one(text: str, k: int) -> str:
    """Change equation (47) in a way that keeps it failing differently each run (a new factor)."""
    old = r"{}_2\nabla_{B_k} = {}_3\boldsymbol{\delta}_S"
    return text.replace(old, old.replace("= ", f"= {k + 2} \\cdot "), 1)


def _edit_definition(text: str, k: int) -> str:
    """Scale the definition of {}_out delta (21): every equation that uses it must be re-checked."""
    old = r"{}_{out} \delta^j_{Sx} := \left( {}_3a^j_{Sx} - y^j_{Sx} \right)"
    assert old in text
    return text.replace(old, old.replace(":=", f":= {k + 2} \\cdot"), 1)


def _watch_latency(runs: int) -> list[float]:
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "paper.md"
        shutil.copy(PAPER, path)
        q: queue.Queue = queue.Queue()
        stop = threading.Event()

        def run():
            for up in updates(path, stop_event=stop):
                q.put((time.perf_counter(), up))

        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        q.get(timeout=300)  # first check
        base = PAPER.read_text(encoding="utf-8")
        for k in range(runs):
            time.sleep(0.5)
            written = time.perf_counter()
            path.write_text(_edit_one(base, k), encoding="utf-8")
            while True:
                stamp, up = q.get(timeout=60)
                if up.report is not None and "47" in up.changed:
                    out.append(stamp - written)
                    break
        stop.set()
        thread.join(timeout=5)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args(argv)
    text = PAPER.read_text(encoding="utf-8")

    checker = Checker()
    first, report = _timed(checker, text)
    cold_checker = Checker()
    cold_checker._models = checker._models  # same ground truth, no per-equation cache: the peer
    full, _ = _timed(cold_checker, text)

    one, definition = [], []
    for k in range(args.runs):
        seconds, r = _timed(checker, _edit_one(text, k))
        one.append((seconds, r.rechecked))
        seconds, r = _timed(checker, _edit_definition(text, k))
        definition.append((seconds, r.rechecked))
        _timed(checker, text)
    watch = _watch_latency(args.runs)

    med = statistics.median

    def row(label, seconds, note=""):
        print(f"  {label:<62} {seconds:7.3f} s  {note}")

    print("derivations/paper.md re-check latency (2 cores shared)")
    row(f"first check (cold: ground truth at {report.config.points} points, every equation)", first)
    row("full re-check without the per-equation cache (peer)", full)
    one_med = med(s for s, _ in one)
    row(f"re-check after editing one equation (median of {args.runs})", one_med,
        f"{one[0][1]} of {len(report.verdicts)} displays re-evaluated; "
        f"{full / one_med:.1f}x faster than the peer")
    row("re-check after editing the definition (21) (median)", med(s for s, _ in definition),
        f"{definition[0][1]} displays re-evaluated")
    if watch:
        row(f"end-to-end watch: save -> new verdicts (median of {len(watch)})", med(watch),
            f"max {max(watch):.3f} s; target <= 2 s")
    nums = report.numbered
    failing = [v.label for v in nums if v.status == "fails"]
    print("derivations/paper.md coverage")
    print(f"  numbered equations: {len(nums)}; holds {report.count('holds')}, fails {report.count('fails')}, "
          f"definitions {report.count('definition')}, not checked {report.count('not checked')}")
    print(f"  checked (holds or fails): {100 * report.checked_fraction:.1f} %   (target >= 80 %)")
    print(f"  errors found ({len(failing)}): {', '.join(f'({x})' for x in failing)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
