"""Proof speed of derive.prove on the three target sizes, against a naive route measured in the same run.

Naive route (the peer): abstract phi = sympy.Function("phi"), sympy.diff of the whole cost per weight,
each Subs(Derivative(phi)) replaced by phi (1 - phi), each phi(z) by a symbol, then
sympy.cancel(truth - closed) == 0 entry by entry. It is run only where it finishes in reasonable time
(estimated from its growth); otherwise the line says "skipped".

    python bench/derive_speed.py            # all three targets
    python bench/derive_speed.py --quick    # reference case and (4,4,4,3) only
"""
from __future__ import annotations

import argparse
import os
import platform
import sys
import time

import sympy
from sympy import Matrix, Rational, Subs, Symbol

from derive import build_network, prove
from derive.cost_model import proof_units

TARGETS = [((3, 2, 3, 2), 2, 1.0), ((4, 4, 4, 3), 2, 3.0), ((8, 8, 8, 4), 4, 60.0)]
NAIVE_LIMIT_UNITS = 5000  # proof_units above which the naive route is skipped (it needs minutes or hours)


def naive_proof(sizes, n) -> tuple[bool, float]:
    """The straightforward abstract-phi + cancel route; returns (all entries zero, seconds)."""
    start = time.perf_counter()
    phi = sympy.Function("phi")
    L = len(sizes) - 1
    W = [Matrix(sizes[N + 1], sizes[N], lambda r, c, N=N: Symbol(f"w{N}_{r}_{c}")) for N in range(L)]
    X = Matrix(sizes[0], n, lambda r, s: Symbol(f"x{r}_{s}"))
    Y = Matrix(sizes[L], n, lambda r, s: Symbol(f"y{r}_{s}"))
    A = [X]
    for N in range(L):
        A.append((W[N] * A[N]).applyfunc(phi))
    cost = -Rational(1, n) * sum(Y[j, s] * sympy.log(A[L][j, s]) + (1 - Y[j, s]) * sympy.log(1 - A[L][j, s])
                                 for j in range(sizes[L]) for s in range(n))
    atoms = {A[N][j, s]: Symbol(f"a{N}_{j}_{s}") for N in range(1, L + 1) for j in range(sizes[N])
             for s in range(n)}
    delta, grads = A[L] - Y, [None] * L
    for N in range(L - 1, -1, -1):
        grads[N] = Rational(1, n) * delta * A[N].T
        if N:
            delta = (W[N].T * delta).multiply_elementwise(A[N].applyfunc(lambda a: a * (1 - a)))
    ok = True
    for N in range(L):
        for r in range(W[N].rows):
            for c in range(W[N].cols):
                truth = sympy.diff(cost, W[N][r, c]).replace(
                    lambda e: isinstance(e, Subs), lambda e: phi(e.point[0]) * (1 - phi(e.point[0])))
                ok &= sympy.cancel((truth - grads[N][r, c]).xreplace(atoms)) == 0
    return ok, time.perf_counter() - start


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="only the two small targets")
    args = p.parse_args(argv)
    print(f"derive proof speed - python {platform.python_version()}, sympy {sympy.__version__}, "
          f"{os.cpu_count()} cpus, load {os.getloadavg()[0]:.1f}")
    print(f"{'sizes':>12} {'n':>2} {'entries':>7} {'ours s':>8} {'target s':>8} {'met':>4} "
          f"{'naive s':>8} {'speed-up':>8}")
    per_unit, skipped = None, []  # naive seconds per proof unit, from the largest naive run so far
    for sizes, n, target in TARGETS[:2] if args.quick else TARGETS:
        net = build_network(sizes, n)
        t0 = time.perf_counter()
        proof = prove(net)
        ours = time.perf_counter() - t0
        assert proof.proved, "the closed form must be proven"
        entries = sum(len(W) for W in net.W)
        if proof_units(sizes, n) <= NAIVE_LIMIT_UNITS:
            ok, naive = naive_proof(sizes, n)
            assert ok, "the naive route must agree"
            naive_text, ratio = f"{naive:8.2f}", f"{naive / ours:7.1f}x"
            per_unit = naive / proof_units(sizes, n)
        else:
            naive_text, ratio = "skipped", "-"
            if per_unit:
                skipped.append(f"naive route skipped for {','.join(map(str, sizes))}, n={n}: scaling its "
                               f"last run by proof size gives >= {per_unit * proof_units(sizes, n):.0f} s "
                               f"(a lower bound: it grows faster than the proof size)")
        print(f"{','.join(map(str, sizes)):>12} {n:>2} {entries:>7} {ours:8.2f} {target:8.0f} "
              f"{'yes' if ours <= target else 'NO':>4} {naive_text:>8} {ratio:>8}   ({proof.method})")
        sys.stdout.flush()
        if ours > 10:  # big case: also with two processes
            t0 = time.perf_counter()
            prove(net, workers=2)
            double = time.perf_counter() - t0
            met = "yes" if double <= target else "NO"
            print(f"{'':>12} {'':>2} {'':>7} {double:8.2f} {target:8.0f} {met:>4} {'':>8} {'':>8}"
                  "   (the same with workers=2)")
    for line in skipped:
        print(line)
    print("'ours' is the wall time of derive.prove, sympy.diff included; the naive route is run only up to "
          f"{NAIVE_LIMIT_UNITS} proof units (derive.cost_model.proof_units)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
