"""Measures verify's targets and prints them (the README's verify figures come from this script only).

  1. engine (numeric.gradients, float64) vs sympy.diff values (derive.ground_truth_at): max rel error per
     network, beside the two oracles (complex step, central differences) against the same truth;
  2. engine vs sympy.diff values on 6 layers x 32 units (seeded sample of 300 entries from every layer), and
     vs complex step on every entry of the same network;
  3. the planted-bug suite of tests/verify: caught, right diagnosis, distinct kinds;
  4. false alarms over 200 seeded random correct cases (5 implementation styles) + 30 against sympy;
  5. sensitivity: the smallest relative error in one entry that verify flags, against
     torch.autograd.gradcheck (the peer) on the same gradients;
  6. wall time of `python -m verify` and of the sizes example, and gradcheck on the same 784-30-10 case.

Run: python bench/verify_targets.py   (about 3 minutes on 2 cores)
"""

import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests" / "verify")]

from verify_correct import CORRECT  # noqa: E402
from verify_planted import BUGS, BUGS_BEYOND  # noqa: E402

import numeric  # noqa: E402
from verify import check_implementation, compare  # noqa: E402
from verify.cases import Case, main_cases  # noqa: E402
from verify.functions import total_cost  # noqa: E402


def engine_vs_sympy():
    print("1. engine (float64) vs sympy.diff at 30 digits; target: every entry rel <= 1e-12 or abs <= 1e-15")
    print(f"   {'network':30s} {'entries':>11s} {'max rel':>8s} {'ULPs':>6s} {'c-step':>8s} {'c-diff':>8s}"
          f" {'met':>4s} {'s':>5s}")
    nets = [(c.label, c, None) for c in main_cases()]
    nets += [("6 layers x 4 units", Case("", (4,) * 7, 3, 11), None),
             ("4 layers x 8 units (sampled)", Case("", (8,) * 5, 3, 12), 30),
             ("2 layers x 32 units (sampled)", Case("", (32,) * 3, 4, 13), 200)]
    all_met = True
    for label, case, sample in nets:
        weights, X, Y = case.data()
        t = time.perf_counter()
        r = compare(numeric.gradients(weights, X, Y), weights, X, Y, sample=sample, seed=case.seed,
                    label=label)
        met = all(e.rel_err <= 1e-12 or e.abs_err <= 1e-15 for e in r.entries)
        all_met &= met
        rel = max(m.max_rel for m in r.matrices)
        ulps = max(m.max_ulps for m in r.matrices)
        cs = max(m.oracle_rel["complex-step"] for m in r.matrices)
        cd = max(m.oracle_rel["central-diff"] for m in r.matrices)
        name = f"{label} {'-'.join(map(str, case.sizes))}" if len(label) < 12 else label
        print(f"   {name:30s} {r.checked:>5d}/{r.total:<5d} {rel:8.1e} {ulps:6.0f} {cs:8.1e} {cd:8.1e}"
              f" {'yes' if met else 'NO':>4s} {time.perf_counter() - t:5.1f}")
    print(f"   all entries within target: {'yes' if all_met else 'NO'}")


def engine_vs_complex_step():
    case = Case("", (32,) * 7, 8, 21)
    weights, X, Y = case.data()
    t = time.perf_counter()
    r = compare(numeric.gradients(weights, X, Y), weights, X, Y, sample=300, seed=case.seed, oracles=())
    met = all(e.rel_err <= 1e-12 or e.abs_err <= 1e-15 for e in r.entries)
    print(f"2. engine vs sympy.diff, 6 layers x 32 units, n=8: {r.checked}/{r.total} entries (sampled, every "
          f"layer), max rel {max(m.max_rel for m in r.matrices):.1e}, max abs "
          f"{max(m.max_abs for m in r.matrices):.1e}, within target: {'yes' if met else 'NO'} "
          f"({time.perf_counter() - t:.1f} s)")
    t = time.perf_counter()
    r = compare(numeric.gradients(weights, X, Y), weights, X, Y, truth="complex-step", oracles=())
    met = all(e.rel_err <= 1e-12 or e.abs_err <= 1e-15 for e in r.entries)
    print(f"   engine vs complex step, same network: {r.checked}/{r.total} entries, max rel "
          f"{max(m.max_rel for m in r.matrices):.1e}, max abs {max(m.max_abs for m in r.matrices):.1e}, "
          f"within target: {'yes' if met else 'NO'} ({time.perf_counter() - t:.1f} s)")


def planted():
    caught = right = 0
    kinds = set()
    wrong = []
    t = time.perf_counter()
    for name, (fn, kind) in sorted(BUGS.items()):
        result = check_implementation(fn)
        caught += not result.ok
        problems = {p.kind for rep in result.reports for p in rep.problems}
        if result.diagnosis is not None and result.diagnosis.kind == kind:
            right += 1
            kinds.add(kind)
        elif kind in problems or (kind == "type" and "count" in problems):
            right += 1
        else:
            wrong.append((name, result.diagnosis.kind if result.diagnosis else None))
    print(f"3. planted bugs (sympy truth): {caught}/{len(BUGS)} caught ({100 * caught / len(BUGS):.0f} %), "
          f"right diagnosis or problem {right}/{len(BUGS)}, distinct diagnosis kinds named {len(kinds)}"
          f"{'' if not wrong else f', misdiagnosed {wrong}'} ({time.perf_counter() - t:.1f} s)")
    beyond = [check_implementation(fn, **options) for fn, _, options in BUGS_BEYOND.values()]
    named = sum(r.diagnosis is not None and r.diagnosis.kind == kind
                for r, (_, kind, _) in zip(beyond, BUGS_BEYOND.values(), strict=True))
    print(f"   beyond the paper (mse, softmax_ce, tanh + sigmoid output, biases): "
          f"{sum(not r.ok for r in beyond)}/{len(beyond)} caught, {named}/{len(beyond)} right diagnosis")


def false_alarms():
    rng = np.random.default_rng(2024)
    styles = sorted(CORRECT)
    alarms, t = 0, time.perf_counter()
    for k in range(200):
        depth = int(rng.integers(1, 7))
        sizes = tuple(int(m) for m in rng.integers(1, 7, size=depth + 1))
        case = Case("", sizes, int(rng.integers(1, 6)), int(rng.integers(0, 2**31)))
        weights, X, Y = case.data()
        r = compare(CORRECT[styles[k % len(styles)]], weights, X, Y, truth="complex-step", oracles=(),
                    diagnose=False)
        alarms += not r.ok
    sym = 0
    for k in range(30):
        sizes = tuple(int(m) for m in rng.integers(1, 4, size=int(rng.integers(2, 5))))
        case = Case("", sizes, int(rng.integers(1, 4)), k)
        weights, X, Y = case.data()
        sym += not compare(CORRECT[styles[k % len(styles)]], weights, X, Y, oracles=()).ok
    print(f"4. false alarms: {alarms}/200 random correct cases (complex-step truth), {sym}/30 against sympy "
          f"({time.perf_counter() - t:.1f} s)")


def _gradcheck(fn, weights, X, Y):
    import torch

    class Cost(torch.autograd.Function):
        @staticmethod
        def forward(ctx, *Ws):
            ctx.save_for_backward(*Ws)
            return torch.tensor(total_cost([w.detach().numpy() for w in Ws], X, Y), dtype=torch.float64)

        @staticmethod
        def backward(ctx, g):
            grads = fn([w.detach().numpy() for w in ctx.saved_tensors], X, Y)
            return tuple(g * torch.from_numpy(np.asarray(gr, dtype=np.float64)) for gr in grads)

    inputs = tuple(torch.tensor(W, dtype=torch.float64, requires_grad=True) for W in weights)
    return torch.autograd.gradcheck(Cost.apply, inputs, raise_exception=False)


def sensitivity():
    weights, X, Y = Case("", (3, 2, 3, 2), 3, 0).data()
    found = {"verify": None, "gradcheck": None}
    for exp in range(1, 13):
        eps = 10.0 ** -exp

        def bumped(W, X_, Y_, eps=eps):
            g = CORRECT["vectorized"](W, X_, Y_)
            g[0][0, 0] *= 1 + eps
            return g

        if not compare(bumped, weights, X, Y, oracles=(), diagnose=False).ok:
            found["verify"] = eps
        if not _gradcheck(bumped, weights, X, Y):
            found["gradcheck"] = eps
    ratio = found["gradcheck"] / found["verify"] if found["verify"] and found["gradcheck"] else float("nan")
    print(f"5. smallest relative error in one entry that is flagged: verify {found['verify']:.0e}, "
          f"torch.autograd.gradcheck {found['gradcheck']:.0e} (verify {ratio:.0e}x finer)")


def timings():
    def wall(*args):
        t = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "verify", *args, "--json"], capture_output=True,
                              cwd=ROOT)
        return time.perf_counter() - t, proc.returncode

    t_main, rc_main = wall()
    t_sizes, rc_sizes = wall("sizes", "784,30,10", "--batch", "10", "--sample", "300", "--seed", "0")
    weights, X, Y = Case("", (784, 30, 10), 10, 0).data()
    t = time.perf_counter()
    ok = _gradcheck(lambda W, X_, Y_: numeric.gradients(W, X_, Y_), weights, X, Y)
    t_gc = time.perf_counter() - t
    print(f"6. wall time: python -m verify {t_main:.1f} s (exit {rc_main}, target <= 30 s); sizes 784,30,10 "
          f"--batch 10 --sample 300: {t_sizes:.1f} s (exit {rc_sizes}, target <= 20 s); torch gradcheck on "
          f"the same network (all 23820 entries, central differences): {t_gc:.1f} s (passed: {ok})")


if __name__ == "__main__":
    start = time.perf_counter()
    engine_vs_sympy()
    engine_vs_complex_step()
    planted()
    false_alarms()
    sensitivity()
    timings()
    print(f"total {time.perf_counter() - start:.0f} s")
