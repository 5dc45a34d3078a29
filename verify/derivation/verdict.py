"""Verdicts and reports: the data a check returns (presentation lives in present.py)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..display import render
from .extract import Config
from .model import TOL
from .values import Mat, as_scalar, close, shape, shape_text

__all__ = ["HOLDS", "FAILS", "DEFINITION", "NOT_CHECKED", "Verdict", "Report", "compare"]

HOLDS, FAILS, DEFINITION, NOT_CHECKED = "holds", "fails", "definition", "not checked"


@dataclass
class Verdict:
    label: str
    status: str
    line: int
    numbered: bool = True
    how: str = ""
    reason: str = ""
    column: int | None = None
    defines: list = field(default_factory=list)
    counterexample: dict | None = None
    hint: str = ""
    hint_kind: str = ""
    notes: list = field(default_factory=list)
    source: str = ""

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in ("label", "status", "line", "how", "reason", "column", "defines",
                                             "hint", "hint_kind", "notes")}
        out["counterexample"] = self.counterexample
        return out


@dataclass
class Report:
    path: str
    config: Config
    verdicts: list
    seconds: float
    rechecked: int = 0
    error: str | None = None

    @property
    def numbered(self):
        return [v for v in self.verdicts if v.numbered]

    def count(self, status) -> int:
        return sum(1 for v in self.numbered if v.status == status)

    @property
    def checked_fraction(self) -> float:
        n = len(self.numbered)
        return (self.count(HOLDS) + self.count(FAILS)) / n if n else 0.0

    @property
    def exit_code(self) -> int:
        """2 bad input (an equation that does not parse), 1 an equation fails, else 0."""
        if self.error or any(v.column is not None for v in self.numbered):
            return 2
        return 1 if any(v.status == FAILS for v in self.verdicts) else 0

    @property
    def method(self) -> str:
        """How every '=' is checked, stated once for the whole report."""
        pts = self.config.points
        return (f"every '=' is checked at {pts} random exact rational point{'s' if pts > 1 else ''} of the "
                "network to 50 digits, for every valid value of its free indices; derivatives of the cost "
                "with respect to weights and biases come from the sympy ground truth "
                "(derive.ground_truth_at)")

    def __repr__(self) -> str:  # one line; the displays: verify.display
        return render("line", self)

    def _repr_html_(self) -> str:
        return render("html", self)

    def __rich__(self):
        return render("rich", self)


# ------------------------------------------------------------------ comparison
def compare(left, right):
    """None when equal, else (entry or None, left value, right value, message)."""
    left, right = as_scalar(left), as_scalar(right)
    if isinstance(left, Mat) != isinstance(right, Mat) or shape(left) != shape(right):
        return (None, left, right, f"shapes differ: {shape_text(left)} vs {shape_text(right)}")
    if not isinstance(left, Mat):
        return None if close(left, right, TOL) else (None, left, right, "values differ")
    for r in range(left.rows):
        for c in range(left.cols):
            if not close(left.data[r][c], right.data[r][c], TOL):
                return ((r + 1, c + 1), left.data[r][c], right.data[r][c], "values differ")
    return None

