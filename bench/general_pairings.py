"""Time and verdict of the general proof (symbolic sizes) for every pairing the registry accepts.

A pairing is (hidden activation, output activation, cost, biases) as `python -m derive prove --general`
accepts it: the same registry and the same pairing check as the fixed-size prover (`python -m derive`).
Each pairing runs `derive.general.prove_all` (direct proofs for 4 layers, weights and biases, plus the
induction lemmas) in this process with sympy's cache cleared first; the target is <= 10 s per pairing.
Beside it, the exact fixed-size proof of the same pairing at the paper's sizes 3,2,3,2, n = 2
(`derive.prove`) is timed in the same run, as the point of comparison: one size vs every size.

    python bench/general_pairings.py                 # every pairing (about 110)
    python bench/general_pairings.py --quick         # one output activation per hidden one
    python bench/general_pairings.py --cli           # also time one CLI run (imports included), slowest
"""
from __future__ import annotations

import argparse
import itertools
import os
import statistics
import subprocess
import sys
import time

from sympy.core.cache import clear_cache

from derive import build_network, prove
from derive.functions import ACTIVATIONS, COSTS
from derive.general import prove_all

TARGET = 10.0


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return f.read().split()[0]
    except OSError:
        return "?"


def pairings(quick=False):
    """Every (activation, output, cost, bias) the fixed-size prover accepts; output None = the hidden one."""
    outputs = [None, *ACTIVATIONS]
    for a, o, c, b in itertools.product(ACTIVATIONS, outputs, COSTS, (False, True)):
        if o == a or (quick and o not in (None, "sigmoid")):
            continue  # output == hidden is the same network as no output activation
        try:
            build_network((1, 1), 1, a, c, b, o)
        except ValueError:
            continue
        yield a, o, c, b


def run_one(a, o, c, b):
    clear_cache()
    t0 = time.perf_counter()
    proofs = prove_all(a, c, output=o, bias=b)
    general = time.perf_counter() - t0
    clear_cache()
    t0 = time.perf_counter()
    fixed = prove(build_network((3, 2, 3, 2), 2, a, c, b, o))
    fixed_s = time.perf_counter() - t0
    slowest = max(proofs, key=lambda p: p.seconds)
    return all(p.proven for p in proofs), general, slowest, fixed.proved, fixed_s


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one output activation per hidden activation")
    parser.add_argument("--cli", action="store_true", help="time the slowest pairing once through the CLI")
    args = parser.parse_args(argv)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load average at start {load_average()}")
    print(f"{'activation':<10} {'output':<9} {'cost':<11} {'bias':<5} {'general s':>9} {'verdict':<10} "
          f"{'slowest statement':<22} {'fixed 3,2,3,2 s':>15}  ratio")
    rows, failures = [], 0
    for a, o, c, b in pairings(args.quick):
        ok, sec, slowest, fixed_ok, fixed_s = run_one(a, o, c, b)
        rows.append((sec, a, o, c, b))
        failures += (not ok) or sec > TARGET
        out = "softmax" if c == "softmax_ce" else (o or a)
        verdict = "PROVEN" if ok else "NOT PROVEN"
        print(f"{a:<10} {out:<9} {c:<11} {'on' if b else 'off':<5} {sec:>9.2f} {verdict:<10} "
              f"{slowest.name + f' {slowest.seconds:.2f}':<22} {fixed_s:>15.2f}  {sec / fixed_s:5.1f}x"
              + ("" if fixed_ok else "  (fixed-size proof failed)"), flush=True)
    secs = [r[0] for r in rows]
    print(f"\n{len(rows)} pairings: median {statistics.median(secs):.2f} s, max {max(secs):.2f} s "
          f"({', '.join(str(x) for x in max(rows)[1:])}); {sum(s <= TARGET for s in secs)} within the "
          f"{TARGET:g} s target; {failures} not proven or over the target")
    if args.cli:
        _, a, o, c, b = max(rows)
        cmd = [sys.executable, "-m", "derive", "prove", "--general", "--json", "--activation", a, "--cost", c]
        cmd += (["--output-activation", o] if o else []) + (["--bias"] if b else [])
        t0 = time.perf_counter()
        res = subprocess.run(cmd, capture_output=True, text=True, check=False)
        print(f"CLI, slowest pairing, imports included: {time.perf_counter() - t0:.2f} s, "
              f"exit {res.returncode}")
    print(f"load average at end {load_average()}")
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
