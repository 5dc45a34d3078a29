"""One ``verify impl`` run: options -> a runner (child process or in-process) -> one Report per case.

Per case: the verifier's numbers (paper layout) are handed over in the user's layout, the user's code is
called (twice, to see nondeterminism), its gradients are read back into the paper's layout and compared
with the truth computed here, in the parent (sympy.diff, the L2 term included). Side effects (inputs
changed in place, two calls that differ) are problems; downcasts are notes. After the cases: a fixed-depth
implementation is told apart from a wrong one, and a failure is shrunk to the smallest failing network.
"""

from __future__ import annotations

import inspect
from dataclasses import replace

import numpy as np

from .cases import Case
from .compare import Report, compare
from .conventions import Convention, Loaded
from .diagnose import Diagnosis, combine
from .explain import explain
from .impl import Problem, UserCodeError, pin_verifier_modules
from .layouts import Layout
from .tolerances import Tolerance, tolerance_for
from .usercost import CostSpec

__all__ = ["AUTO_LIMIT", "AUTO_SAMPLE", "FATES", "Session"]

AUTO_LIMIT, AUTO_SAMPLE = 2000, 300  # networks above AUTO_LIMIT weights: AUTO_SAMPLE sampled entries
FATES = ("exit", "crash", "timeout", "memory")  # the user's code took the process down: exit status 2

_CALL_KINDS = ("exception", "exit", "crash", "timeout", "memory", "binding", "type", "count", "shape")


class Session:
    def __init__(self, subject, name, network, layout, convention, spec, truth, limits, isolate, repeat):
        self.subject, self.name, self.network = subject, name, network
        self.layout, self.convention, self.spec, self.truth = layout, convention, spec, truth
        self.limits, self.isolate, self.repeat = limits, isolate, repeat

    @classmethod
    def create(cls, fn, *, name, activation, cost, truth, bias, output_activation, samples, weights,
               bias_shape, targets, factory, params, args, per_sample, grads, update, cost_expr,
               batch_reduction, node_reduction, l2, l2_form, timeout, memory, isolate, repeat):
        """Validate every option up front (ValueError / UserCodeError: one line, exit 2)."""
        pin_verifier_modules()  # first: a derive.py in the current folder must not stand in for ours
        layout = Layout(samples, weights, bias_shape, targets)
        if samples == "flat" and not per_sample:
            raise ValueError("--samples flat only makes sense with --per-sample")
        if targets == "labels" and cost != "softmax_ce":
            raise ValueError("--targets labels needs one-hot targets: use it with --cost softmax_ce")
        target = fn if isinstance(fn, str) else ""
        if target:
            path, sep, attr = target.rpartition(":")
            if not sep or not path or not attr:
                raise UserCodeError(f"expected FILE.py:FUNCTION or FILE.py:Class.method, got {target!r}")
            from pathlib import Path

            if not Path(path).is_file():
                raise UserCodeError(f"no such file: {path}")
        convention = Convention(target, factory, params, args, per_sample, grads, update, bias)
        convention.check()
        spec = CostSpec(cost, cost_expr, batch_reduction, node_reduction, l2, l2_form)
        spec.check()
        if not (timeout > 0 and memory >= 256):
            raise ValueError("--timeout must be > 0 s and --memory >= 256 MiB")
        network = {"activation": activation, "output_activation": output_activation}
        return cls(fn, name, network, layout, convention, spec, truth, (timeout, memory),
                   bool(target) if isolate is None else isolate, repeat)

    def _runner(self):
        from .runner import Child, InProcess

        if isinstance(self.subject, str):
            if self.isolate:
                return Child(self.subject, self.convention.as_dict(), *self.limits)
            from .conventions import ConventionError, load_target

            try:
                return InProcess(load_target(self.subject), self.convention.as_dict())
            except ConventionError as exc:
                raise UserCodeError(exc.message) from None
        if self.isolate:
            file = inspect.getsourcefile(self.subject)
            target = f"{file}:{self.subject.__qualname__}"
            return Child(target, replace(self.convention, target=target).as_dict(), *self.limits)
        return InProcess(Loaded(None, function=self.subject), self.convention.as_dict())

    def request(self, case: Case, weights, X, Y, biases) -> dict:
        lay = self.layout
        n = X.shape[1]
        return {"weights": [lay.weight(W) for W in weights],
                "biases": None if biases is None else [lay.bias_vector(b) for b in biases],
                "X": lay.batch(X), "Y": lay.targets_batch(Y),
                "labels": lay.labels(Y) if self.spec.cost == "softmax_ce" else None,
                "xs": [lay.sample(X, s) for s in range(n)],
                "ys": [lay.targets_sample(Y, s) for s in range(n)],
                "sizes": list(case.sizes), "n": n, "lr": self.convention.update,
                "weight_sizes": [int(W.size) for W in weights],
                "bias_sizes": [int(W.shape[0]) for W in weights],
                "repeat": self.repeat}

    def _tolerance(self, arrays, weights) -> Tolerance | None:
        if self.convention.update is None:
            return None
        tol = tolerance_for(np.result_type(*arrays) if arrays else float)
        eps = float(np.finfo(np.result_type(*arrays) if arrays else float).eps)
        lr = self.convention.update
        scale = max(float(np.max(np.abs(W))) for W in weights) + lr * max(float(np.max(np.abs(a)))
                                                                          for a in arrays)
        return Tolerance(f"{tol.dtype} (update, lr={lr:g})", tol.rtol, max(tol.atol, 4 * eps * scale / lr))

    def run_case(self, runner, case: Case, sample=None, oracles=()) -> tuple[Report, list[str]]:
        weights, X, Y = case.data()
        biases = case.biases()
        n, m_L = X.shape[1], Y.shape[0]
        cost = self.spec.case_cost(n, m_L)
        truth = self.spec.truth(self.truth, n)
        outcome = runner.call(self.request(case, weights, X, Y, biases))
        notes = []
        if not outcome.get("ok"):
            p = outcome["problem"]
            report = Report(case.label, case.sizes, n, self.network["activation"], cost, truth,
                            tolerance_for(float), output_activation=self.network["output_activation"])
            report.problems = [Problem(p["kind"], p["message"], p.get("detail", ""))]
            return report, notes
        grad_W = [self.layout.grad_weight(g, W.shape) for g, W in zip(outcome["W"], weights, strict=False)]
        grad_b = None
        if biases is not None:
            grad_b = [self.layout.grad_bias(g, W.shape[0]) for g, W in zip(outcome["b"] or [], weights,
                                                                           strict=False)]
        got = grad_W if biases is None else (grad_W, grad_b if outcome["b"] is not None else None)
        total = sum(r * c for r, c in case.shapes)
        arrays = [np.asarray(g) for g in grad_W if np.asarray(g).dtype.kind == "f"]
        report = compare(got, weights, X, Y, biases=biases, cost=cost, truth=truth,
                         sample=sample or (AUTO_SAMPLE if total > AUTO_LIMIT else None), seed=case.seed,
                         oracles=oracles, label=case.label,
                         tolerance=self._tolerance(arrays, weights), **self.network)
        low = sorted({str(a.dtype) for a in arrays if a.dtype.itemsize < 8})
        if low:
            notes.append(f"gradients returned as {', '.join(low)} although the inputs are float64: precision "
                         "is lost (judged at that dtype's tolerance)")
        for name in outcome.get("mutated") or []:
            report.problems.append(Problem("mutation", f"the code changed its input {name} in place (a "
                                           "backprop must leave the caller's arrays as they were)"))
        if outcome.get("nondeterministic"):
            report.problems.append(Problem("nondeterministic", outcome["nondeterministic"]))
        if not report.ok and all(np.asarray(g).dtype.kind in "fiu" for g in grad_W):
            report.diagnosis = self._explain(report, grad_W, weights, X, Y, biases, cost) or report.diagnosis
        return report, [f"{outcome.get('form')}"] + notes

    def _explain(self, report, grad_W, weights, X, Y, biases, cost) -> Diagnosis | None:
        exp = [np.zeros(W.shape) for W in weights]
        full = {e.key: e.expected for e in report.entries if e.param == "W"}
        if len(full) < sum(W.size for W in weights):
            from .oracles import complex_step, full_gradient

            exp = full_gradient(complex_step, weights, X, Y, cost=cost, biases=biases, **self.network)
            l2 = self.spec.l2_gradient(weights, X.shape[1])
            exp = exp if l2 is None else [e + t for e, t in zip(exp, l2, strict=True)]
        else:
            for (N, r, c), v in full.items():
                exp[N][r, c] = v
        options = {"cost": cost, "biases": biases, **self.network}
        return explain(grad_W, exp, weights, X, Y, spec=self.spec, layout=self.layout,
                       per_sample=self.convention.per_sample, tolerance=report.tolerance, options=options)

    def _other_layout(self, runner, cases) -> Diagnosis | None:
        """Another layout under which the code agrees on every network (complex-step truth: this only
        words a suggestion; the verdict stays FAIL). The two most revealing networks are tried first."""
        from .layouts import alternatives

        probe = [c for c in cases if c.n > 1 and len(set(c.sizes)) == len(c.sizes)][:1] + cases[:1]
        probe += [c for c in cases if c not in probe]
        saved = (self.layout, self.truth)
        try:
            for alt in alternatives(self.layout, bool(self.convention.per_sample)):
                self.layout, self.truth = alt, "complex-step"
                if all(self.run_case(runner, c)[0].ok for c in probe):
                    flags = alt.flags(saved[0])
                    self._layout_diagnosis = Diagnosis(
                        "layout", f"another layout: your code agrees with the truth when called with "
                        f"{flags}: pass {'these options' if ' --' in flags else 'this option'}",
                        [flags], ())
                    return self._layout_diagnosis
        finally:
            self.layout, self.truth = saved
        return None

    def run(self, result, cases, sample=None, oracles=(), progress=None, shrink=True, declared_depths=None):
        """Fill ``result`` (an empty CheckResult) with one Report per case, the diagnosis and notes."""
        result.setup = {"layout": self.layout.as_dict(), "convention": self.convention.as_dict(),
                        "cost": self.spec.as_dict(), "isolated": bool(self.isolate)}
        forms = []
        with self._runner() as runner:
            ready = runner.ready if hasattr(runner, "ready") else {"ok": True}
            if not ready.get("ok"):
                p = ready["problem"]
                if p["kind"] == "binding":
                    raise UserCodeError(p["message"])
                case = cases[0]
                report = Report(case.label, case.sizes, case.n, self.network["activation"], self.spec.cost,
                                self.truth, tolerance_for(float))
                report.problems = [Problem(p["kind"], p["message"], p.get("detail", ""))]
                result.reports.append(report)
            else:
                for k, case in enumerate(cases):
                    if progress:
                        progress(k, len(cases), case.label)
                    report, notes = self.run_case(runner, case, sample, oracles)
                    result.reports.append(report)
                    forms += notes
                    if any(p.kind in FATES for p in report.problems):
                        break  # the child is gone: nothing more can be called
                if not result.ok and result.fate is None:
                    found = self._other_layout(runner, cases)
                    if found is not None:
                        result.notes.append(found.title)
                        forms.append(f"layout detection: {found.title}")
                        result.setup["detected_layout"] = found.evidence[0]
                if shrink and not result.ok and result.fate is None:
                    from .shrink import shrink_failure

                    result.shrunk = shrink_failure(self, runner, result)
        result.output = runner.output()  # after close: the child's pipes are drained
        result.notes = sorted(set(forms))
        result.diagnosis = combine([(r.diagnosis, len(r.sizes) - 1) for r in result.reports])
        if "detected_layout" in result.setup:
            result.diagnosis = self._layout_diagnosis
        if "detected_layout" in result.setup:
            result.notes = [n for n in result.notes if not n.startswith("layout detection")]
        depth = _depth_diagnosis(result.reports, declared_depths)
        if depth is not None:
            result.diagnosis = depth
        return result


def _depth_diagnosis(reports, declared) -> Diagnosis | None:
    """A code that is right at some depths and cannot run at others: "unsupported depth", not "wrong"."""
    if declared:
        return None
    by_depth: dict[int, list] = {}
    for r in reports:
        by_depth.setdefault(len(r.sizes) - 1, []).append(r)
    good = sorted(d for d, rs in by_depth.items() if all(r.ok for r in rs))
    bad = sorted(d for d, rs in by_depth.items() if not all(r.ok for r in rs))
    if not good or not bad:
        return None
    structural = all(any(p.kind in _CALL_KINDS for p in r.problems) or any(m.checked == 0 for m in r.matrices)
                     for d in bad for r in by_depth[d] if not r.ok)
    if not structural:
        return None
    return Diagnosis("unsupported_depth", f"unsupported depth: right at depth {', '.join(map(str, good))}, "
                     f"cannot run at depth {', '.join(map(str, bad))} (a fixed-depth implementation?); "
                     f"declare what it supports: --depths {','.join(map(str, good))}",
                     [f"depth {d}: {len(by_depth[d])} networks" for d in bad], ())
