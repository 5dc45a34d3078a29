"""Checking a whole implementation (a user's or the engine) over several cases; the pytest-facing API.

``check_implementation(fn)`` -> :class:`CheckResult` (data); ``assert_backprop_correct(fn)`` raises
:class:`GradientMismatch` (an AssertionError) naming the worst entries and the diagnosis.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .cases import Case, impl_cases
from .compare import Report
from .diagnose import Diagnosis
from .display import render
from .errors import check_impl_args
from .session import AUTO_LIMIT, AUTO_SAMPLE, FATES, Session
from .truth import TRUTHS

__all__ = ["CheckResult", "GradientMismatch", "assert_backprop_correct", "check_implementation"]


@dataclass
class CheckResult:
    """Reports of one subject (a function) over several cases, one combined diagnosis, the verdict."""

    subject: str
    reports: list = field(default_factory=list)
    diagnosis: Diagnosis | None = None
    proof: object = None
    seconds: float = 0.0
    notes: list = field(default_factory=list)       # said to the user, no effect on the verdict
    setup: dict = field(default_factory=dict)       # layout, convention, cost as used
    output: dict = field(default_factory=dict)      # what the user's code printed (captured apart)
    shrunk: dict | None = None                      # the smallest failing network found

    FATES = FATES

    @property
    def ok(self) -> bool:
        proof_ok = self.proof is None or bool(getattr(self.proof, "ok", True))
        return proof_ok and all(r.ok for r in self.reports)

    @property
    def failing(self) -> list[Report]:
        return [r for r in self.reports if not r.ok]

    @property
    def fate(self):
        """The first problem where the user's code took the process down (exit, crash, timeout, memory)."""
        return next((p for r in self.reports for p in r.problems if p.kind in self.FATES), None)

    @property
    def exit_code(self) -> int:
        if self.fate is not None:
            return 2
        return 0 if self.ok else 1

    def __repr__(self) -> str:  # one line; the displays: verify.display
        return render("line", self)

    def _repr_html_(self) -> str:
        return render("html", self)

    def __rich__(self):
        return render("rich", self)

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
                "notes": list(self.notes), "setup": self.setup, "user_output": self.output,
                "shrunk": self.shrunk,
                "diagnosis": None if self.diagnosis is None else self.diagnosis.as_dict(),
                "reports": [r.as_dict() for r in self.reports]}


class GradientMismatch(AssertionError):
    """A backprop function disagrees with the ground truth; ``result`` holds the full CheckResult."""

    def __init__(self, result: CheckResult):
        from .report import mismatch_text

        self.result = result
        super().__init__(mismatch_text(result))


def _named():
    """Stands for a FILE.py:NAME target in the argument checks (it is loaded in the child process)."""


def _name(fn) -> str:
    if isinstance(fn, str):
        return fn
    module = getattr(fn, "__module__", None) or "?"
    return f"{module}.{getattr(fn, '__qualname__', getattr(fn, '__name__', repr(fn)))}"


def check_implementation(fn, *, sizes=None, batch: int | None = None, activation: str = "sigmoid",
                         cost: str = "logloss", truth: str = "symbolic", seed: int = 0,
                         sample: int | None = None, cases: list[Case] | None = None, oracles=(),
                         progress=None, name: str | None = None, bias: bool = False,
                         output_activation: str | None = None, samples: str = "columns",
                         weights: str = "out-in", bias_shape: str = "column", targets: str = "onehot",
                         factory: str | None = None, params: str | None = None, args: str | None = None,
                         per_sample: str | None = None, grads: str | None = None, update: float | None = None,
                         cost_expr: str | None = None, batch_reduction: str = "mean",
                         node_reduction: str = "sum", l2: float | None = None, l2_form: str = "alpha/2n",
                         depths=None, shrink: bool = True, timeout: float = 60.0, memory: int = 4096,
                         isolate: bool | None = None, repeat: int = 2) -> CheckResult:
    """Check a backprop over the reference, adversarial and shape-coincident networks; prints nothing.

    ``fn``: a Python callable (run in this process unless ``isolate=True``) or ``"FILE.py:function"`` /
    ``"FILE.py:Class.method"`` (run in a child process with ``timeout`` seconds per call and ``memory``
    MiB; ``isolate=False`` runs it here). Every option is the CLI's: layouts (samples, weights,
    bias_shape, targets), conventions (factory, params, args, per_sample, grads, update), cost (cost,
    cost_expr, batch_reduction, node_reduction, l2, l2_form), ``depths`` the depths the code supports,
    ``shrink`` the smallest failing network. Networks above AUTO_LIMIT weights are sampled.
    """
    start = time.perf_counter()
    names = (activation, cost, output_activation, truth)
    checked_fn = fn if callable(fn) or not isinstance(fn, str) else _named  # a "FILE.py:f" string passes
    sizes = check_impl_args(checked_fn, sizes, batch, sample, seed, names, bias,
                            (AUTO_LIMIT, AUTO_SAMPLE), TRUTHS)
    session = Session.create(fn, name=name or _name(fn), activation=activation, cost=cost, truth=truth,
                             bias=bias, output_activation=output_activation, samples=samples,
                             weights=weights, bias_shape=bias_shape, targets=targets, factory=factory,
                             params=params, args=args, per_sample=per_sample, grads=grads, update=update,
                             cost_expr=cost_expr,
                             batch_reduction=batch_reduction, node_reduction=node_reduction, l2=l2,
                             l2_form=l2_form, timeout=timeout, memory=memory, isolate=isolate, repeat=repeat)
    cases = cases or impl_cases(seed, sizes, batch, depths=depths, activation=activation,
                                cost=cost, bias=bias, output_activation=output_activation)
    result = session.run(CheckResult(name or _name(fn)), cases, sample=sample, oracles=oracles,
                         progress=progress, shrink=shrink, declared_depths=depths)
    result.seconds = time.perf_counter() - start
    return result


def assert_backprop_correct(fn, flags: str | None = None, **options) -> CheckResult:
    """Like :func:`check_implementation`; raises :class:`GradientMismatch` unless every case agrees.
    ``flags``: the command line's options as one string ("--samples rows --weights in-out"); keywords win."""
    __tracebackhide__ = True  # pytest shows the caller's line, not ours
    if flags:
        from .impl_options import parse_flags

        options = {**parse_flags(flags), **options}
    result = check_implementation(fn, **options)
    if not result.ok:
        raise GradientMismatch(result)
    return result
