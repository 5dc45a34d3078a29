"""Checking a whole implementation (a user's or the engine) over several cases; the pytest-facing API.

``check_implementation(fn)`` -> :class:`CheckResult` (data); ``assert_backprop_correct(fn)`` raises
:class:`GradientMismatch` (an AssertionError) naming the worst entries and the diagnosis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .cases import Case, impl_cases
from .compare import Report, compare
from .diagnose import Diagnosis, combine
from .errors import check_impl_args

AUTO_LIMIT, AUTO_SAMPLE = 2000, 300

__all__ = ["CheckResult", "GradientMismatch", "assert_backprop_correct", "check_implementation"]


@dataclass
class CheckResult:
    """Reports of one subject (a function) over several cases, one combined diagnosis, the verdict."""

    subject: str
    reports: list = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    proof: object = None
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        proof_ok = self.proof is None or bool(getattr(self.proof, "ok", True))
        return proof_ok and all(r.ok for r in self.reports)

    @property
    def failing(self) -> list[Report]:
        return [r for r in self.reports if not r.ok]

    @property
    def exit_code(self) -> int:
        return 0 if self.ok else 1

    def __repr__(self) -> str:  # one line; the displays live in verify.notebook
        from .notebook import one_line

        return one_line(self)

    def _repr_html_(self) -> str:
        from .notebook import report_html

        return report_html(self)

    def __rich__(self):
        from .notebook import rich_view

        return rich_view(self)

    def focus(self) -> Report | None:
        """The failing report that best shows the bug: the diagnosed kind on the deepest network."""
        failing = self.failing
        if not failing:
            return None
        kind = self.diagnosis.kind if self.diagnosis else None
        matching = [r for r in failing if r.diagnosis is not None and r.diagnosis.kind == kind] or failing
        return max(matching, key=lambda r: (len(r.sizes), -len(r.problems)))

    def as_dict(self) -> dict:
        return {"subject": self.subject, "ok": self.ok, "exit_code": self.exit_code,
                "seconds": round(self.seconds, 3),
                "proof": None if self.proof is None else self.proof.as_dict(),
                "diagnosis": None if self.diagnosis is None else self.diagnosis.as_dict(),
                "reports": [r.as_dict() for r in self.reports]}


class GradientMismatch(AssertionError):
    """A backprop function disagrees with the ground truth; ``result`` holds the full CheckResult."""

    def __init__(self, result: CheckResult):
        from .report import mismatch_text

        self.result = result
        super().__init__(mismatch_text(result))


def _name(fn) -> str:
    module = getattr(fn, "__module__", None) or "?"
    return f"{module}.{getattr(fn, '__qualname__', getattr(fn, '__name__', repr(fn)))}"


def check_implementation(fn, *, sizes=None, batch: int | None = None, activation: str = "sigmoid",
                         cost: str = "logloss", truth: str = "symbolic", seed: int = 0,
                         sample: int | None = None, cases: list[Case] | None = None, oracles=(),
                         progress=None, name: str | None = None, bias: bool = False,
                         output_activation: str | None = None) -> CheckResult:
    """Run ``fn(weights, X, Y)`` on the reference case and adversarial sizes (or ``sizes``/``cases``).

    Networks with more than AUTO_LIMIT weights are sampled (AUTO_SAMPLE entries, corners included)
    unless ``sample`` says otherwise. Returns a :class:`CheckResult`; prints nothing.
    ``progress(done, total, label)`` is called per case.
    bias=True: the signature with biases, ``fn(weights, X, Y, biases) -> (grad_W, grad_b)`` with b_N of
    shape (m_{N+1}, 1); grad_b[N] may be (m_{N+1}, 1) or flat.
    """
    start = time.perf_counter()
    names = (activation, cost, output_activation, truth)
    sizes = check_impl_args(fn, sizes, batch, sample, seed, names, bias, (AUTO_LIMIT, AUTO_SAMPLE))
    cases = cases or impl_cases(seed, sizes, batch, activation=activation, cost=cost, bias=bias,
                                output_activation=output_activation)
    result = CheckResult(name or _name(fn))
    for k, case in enumerate(cases):
        if progress:
            progress(k, len(cases), case.label)
        weights, X, Y = case.data()
        total = sum(r * c for r, c in case.shapes)
        report = compare(fn, weights, X, Y, biases=case.biases(), activation=case.activation,
                         output_activation=case.output_activation, cost=case.cost, truth=truth,
                         sample=sample or (AUTO_SAMPLE if total > AUTO_LIMIT else None), seed=case.seed,
                         oracles=oracles, label=case.label)
        result.reports.append(report)
    result.diagnosis = combine([(r.diagnosis, len(r.sizes) - 1) for r in result.reports])
    result.seconds = time.perf_counter() - start
    return result


def assert_backprop_correct(fn, **options) -> CheckResult:
    """Like :func:`check_implementation`; raises :class:`GradientMismatch` unless every case agrees."""
    __tracebackhide__ = True  # pytest shows the caller's line, not ours
    result = check_implementation(fn, **options)
    if not result.ok:
        raise GradientMismatch(result)
    return result
