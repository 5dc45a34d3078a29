"""After a failure, the smallest network that still fails the same way (fewest layers, smallest widths,
smallest n), found by greedy reduction as hypothesis shrinks: one step at a time, each step kept when the
check still fails with the same diagnosis. Bounded: at most MAX_TRIES calls of the user's code."""

from __future__ import annotations

from .cases import Case

__all__ = ["MAX_TRIES", "shrink_failure"]

MAX_TRIES = 25


def _kind(report) -> tuple:
    d = report.diagnosis
    return (d.kind if d is not None else None, tuple(sorted({p.kind for p in report.problems})))


def _steps(sizes: tuple, n: int):
    """Smaller candidates, biggest cuts first: drop a hidden layer, narrow a layer, fewer samples."""
    for k in range(1, len(sizes) - 1):
        yield sizes[:k] + sizes[k + 1:], n
    for k in range(len(sizes)):
        if sizes[k] > 1:
            yield sizes[:k] + (sizes[k] - 1,) + sizes[k + 1:], n
    if n > 1:
        yield sizes, n - 1


def shrink_failure(session, runner, result) -> dict | None:
    """{"sizes", "n", "from", "tries", "diagnosis"} for the smallest failing network found, or None."""
    failing = [r for r in result.reports if not r.ok]
    if not failing:
        return None
    start = min(failing, key=lambda r: (len(r.sizes), sum(r.sizes), r.n))
    target = _kind(start)
    best, tries, improved = (tuple(start.sizes), start.n, start), 0, True
    while improved and tries < MAX_TRIES:
        improved = False
        for sizes, n in _steps(best[0], best[1]):
            if tries >= MAX_TRIES:
                break
            tries += 1
            case = Case("shrunk", sizes, n, 7, activation=session.network["activation"],
                        cost=session.spec.cost, bias=result.setup["convention"]["bias"],
                        output_activation=session.network["output_activation"])
            report, _ = session.run_case(runner, case)
            if not report.ok and _kind(report) == target:
                best, improved = (sizes, n, report), True
                break
    sizes, n, report = best
    return {"sizes": list(sizes), "n": n, "from": {"sizes": list(start.sizes), "n": start.n}, "tries": tries,
            "diagnosis": None if report.diagnosis is None else report.diagnosis.title}
