"""Figures of ``verify impl`` on the corpus of tests/impl_corpus (issue 12), printed, never asserted.

    python bench/impl_corpus.py

styles checked with flags only; planted bugs caught and with the right diagnosis; false alarms (correct
styles over several seeds); hostile implementations (never PASS, never exit 0); the child process's
overhead per call against the old in-process route, measured in the same run.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.impl_corpus.test_hostile import HOSTILE  # noqa: E402
from tests.impl_corpus.test_impl_corpus import HERE, PLANTED, STYLES  # noqa: E402
from verify import check_implementation  # noqa: E402
from verify.cli import main  # noqa: E402


def cli(target: str, flags: str, *more) -> tuple[int, dict]:
    buf = io.StringIO()
    with contextlib.redirect_stdout(buf), contextlib.redirect_stderr(io.StringIO()):
        code = main(["impl", target, *flags.split(), "--json", "--truth", "complex-step", *more])
    return code, json.loads(buf.getvalue())


def kinds(data) -> set:
    found = {p["kind"] for r in data["reports"] for p in r["problems"]}
    return found | ({data["diagnosis"]["kind"]} if data["diagnosis"] else set())


def main_bench() -> None:
    print(f"load average: {Path('/proc/loadavg').read_text().split()[:3]}")
    passed = sum(cli(str(HERE / t), f)[0] == 0 for t, f in STYLES.values())
    print(f"styles checked with flags only: {passed}/{len(STYLES)} pass")
    false_alarms = total = 0
    for seed in (1, 2, 3):
        for target, flags in STYLES.values():
            total += 1
            false_alarms += cli(str(HERE / target), flags, "--seed", str(seed))[0] != 0
    print(f"false alarms: {false_alarms}/{total} (correct styles, seeds 1-3)")
    caught = right = 0
    with tempfile.TemporaryDirectory() as tmp:
        for style, old, new, kind in PLANTED:
            target, flags = STYLES[style]
            file, _, name = target.partition(":")
            path = Path(tmp) / file
            path.write_text((HERE / file).read_text().replace(old, new))
            code, data = cli(f"{path}:{name}", flags, "--no-shrink")
            caught += code == 1
            right += kind == "any" or kind in kinds(data)
        print(f"planted bugs: {caught}/{len(PLANTED)} caught, {right}/{len(PLANTED)} right diagnosis")
        outcomes = []
        for name, (code_text, kind) in sorted(HOSTILE.items()):
            path = Path(tmp) / f"hostile_{name}.py"
            path.write_text(code_text)
            code, data = cli(f"{path}:backprop", "--sizes 3,2,2 --timeout 3 --memory 1024")
            verdict = "PASS" if data["ok"] else "not PASS"
            outcomes.append(f"{name}: exit {code} {verdict} ({kind in kinds(data)})")
        print("hostile (exit code, verdict, reported as such): " + "; ".join(outcomes))
    target = f"{HERE / 'paper_style.py'}:backprop"
    timings = {}
    for isolate in (False, True):
        start = time.perf_counter()
        check_implementation(target, truth="complex-step", isolate=isolate, shrink=False)
        timings[isolate] = time.perf_counter() - start
    from verify.cases import impl_cases
    from verify.conventions import load_target
    from verify.runner import Child, InProcess
    from verify.session import Session

    session = Session.create(target, name=target, **SESSION)
    requests = [session.request(c, *c.data(), None) for c in impl_cases(0)]
    start = time.perf_counter()
    with Child(target, session.convention.as_dict()) as child:
        startup = time.perf_counter() - start
        start = time.perf_counter()
        for req in requests * 10:
            child.call(req)
        per_child = (time.perf_counter() - start) / (10 * len(requests))
    here = InProcess(load_target(target), session.convention.as_dict())
    start = time.perf_counter()
    for req in requests * 10:
        here.call(req)
    per_here = (time.perf_counter() - start) / (10 * len(requests))
    print(f"whole check of paper_style.py (12 networks, complex-step truth): child process "
          f"{timings[True]:.2f} s, in-process (old route) {timings[False]:.2f} s")
    print(f"child process: start {1000 * startup:.0f} ms once; per call (2 runs of the user's code each) "
          f"{1000 * per_child:.2f} ms vs {1000 * per_here:.2f} ms in-process: "
          f"{1000 * (per_child - per_here):.2f} ms overhead per call ({os.cpu_count()} cpus)")


SESSION = {"activation": "sigmoid", "cost": "logloss", "truth": "complex-step", "bias": False,
           "output_activation": None, "samples": "columns", "weights": "out-in", "bias_shape": "column",
           "targets": "onehot", "factory": None, "params": None, "args": None, "per_sample": None,
           "grads": None, "update": None, "cost_expr": None, "batch_reduction": "mean",
           "node_reduction": "sum", "l2": None, "l2_form": "alpha/2n", "timeout": 60, "memory": 4096,
           "isolate": True, "repeat": 2}


if __name__ == "__main__":
    main_bench()
