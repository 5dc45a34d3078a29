"""The engine's jobs: ``python -m verify`` (proof + engine vs sympy on the reference and random networks)
and ``python -m verify sizes`` (one network of any size, sampled entries). Return data, print nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from .cases import REFERENCE_N, REFERENCE_SIZES, Case, main_cases
from .check import CheckResult
from .compare import compare
from .impl import Problem
from .sampling import resolve_sample
from .truth import api

__all__ = ["ProofSummary", "engine_report", "main_job", "prove_reference", "sizes_job"]

ORACLES = ("complex-step", "central-diff")


@dataclass(frozen=True)
class ProofSummary:
    """derive.prove's verdict for the reference case, reduced to what the tables show."""

    ok: bool
    text: str
    seconds: float
    detail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"ok": self.ok, "text": self.text, "seconds": round(self.seconds, 3), "detail": self.detail}


def prove_reference(sizes=REFERENCE_SIZES, n: int = REFERENCE_N, **network) -> ProofSummary:
    """Closed form (eqs 86-93) == sympy.diff, exactly, for every weight of the reference network.

    network: activation, cost, bias, output_activation as derive.build_network takes them."""
    start = time.perf_counter()
    proof = api("derive", "prove")(api("derive", "build_network")(sizes, n, **network))
    seconds = time.perf_counter() - start
    count = sum(len(m.entries) for m in proof.matrices)
    net = "-".join(map(str, sizes))
    if proof.proved:
        text = f"eqs (86)-(93) == sympy.diff, {count} weights, {net}, n={n}"
    else:
        text = f"closed form differs from sympy.diff in {len(proof.failures)} of {count} weights of {net}"
    return ProofSummary(proof.proved, text, seconds, proof.to_dict())


def engine_report(case: Case, *, truth: str = "symbolic", sample: int | None = None, oracles=ORACLES):
    """numeric.gradients (float64) on ``case`` against the truth; the engine's errors become problems."""
    gradients = api("numeric", "gradients")
    weights, X, Y = case.data()
    biases = case.biases()
    try:
        got = gradients(weights, X, Y, activation=case.activation, cost=case.cost, biases=biases,
                        output_activation=case.output_activation)
    except Exception as exc:  # an engine bug is a finding, not a crash of the checker
        got = None
        problem = Problem("exception", f"numeric.gradients raised {type(exc).__name__}: {exc}")
    if got is None:
        report = compare([], weights, X, Y, biases=biases, activation=case.activation,
                         output_activation=case.output_activation, cost=case.cost,
                         truth=truth,
                         sample=sample, seed=case.seed, oracles=oracles, label=case.label, diagnose=False)
        report.problems = [problem]
        return report
    return compare(got, weights, X, Y, biases=biases, activation=case.activation,
                   output_activation=case.output_activation, cost=case.cost, truth=truth,
                   sample=sample, seed=case.seed, oracles=oracles, label=case.label)


def main_job(seed: int = 0, truth: str = "symbolic", prove: bool = True, progress=None,
             **network) -> CheckResult:
    """The proof of the reference case, then the engine against sympy on the main cases.

    network: activation, cost, bias, output_activation (as for derive.build_network and Case)."""
    start = time.perf_counter()
    result = CheckResult("numeric.gradients")
    cases = main_cases(seed, **network)
    steps = len(cases) + int(prove)
    if prove:
        if progress:
            progress(0, steps, "proof")
        result.proof = prove_reference(**network)
    for k, case in enumerate(cases, start=int(prove)):
        if progress:
            progress(k, steps, case.label)
        result.reports.append(engine_report(case, truth=truth))
    result.seconds = time.perf_counter() - start
    return result


def sizes_job(sizes, batch: int = 10, sample: int | str | None = None, seed: int = 0,
              truth: str = "symbolic", **network) -> CheckResult:
    """The engine on one network of any size: every entry (``sample`` None up to ``ALL_LIMIT`` weights, or
    "all"), else ``sample`` entries from every layer (corners included)."""
    start = time.perf_counter()
    sample = resolve_sample(sample, sum(a * b for a, b in zip(sizes, sizes[1:], strict=False)))
    case = Case("network", tuple(sizes), batch, seed, **network)
    result = CheckResult("numeric.gradients")
    result.reports.append(engine_report(case, truth=truth, sample=sample))
    result.seconds = time.perf_counter() - start
    return result
