"""Proofs as data: ``Step``, ``GeneralProof``, and the final comparison of both sides.

Each ``Step`` records whether sympy did it by itself (``how="sympy"``), a rewrite rule of
``derive.general.rules`` did it (``how="rule"``, with the expression before it, so that tests replay it at
concrete sizes), or a definition was unfolded (``how="definition"``).

The comparison brings both sides to the normal form ``Sum_t c_t * Sum(f_t, *limits_t)`` (rule ``canonical``),
groups the terms by their index set and requires, for every index set, that ``sympy.cancel`` of the
difference of the summands is 0. Equal summands over equal index sets give equal sums, so this is sound; it
is not complete (a sum can vanish although its summand does not), which can only give "not proven".
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import sympy as sp
from sympy import Mul, Sum
from sympy.matrices.expressions.matexpr import MatrixElement
from sympy.printing.str import StrPrinter

from derive.general.rules import canonical, flatten

__all__ = ["FLAT", "GeneralProof", "Step", "apply_rule", "compare", "expand", "flat", "indexed", "run",
           "show"]

FLAT = "pull factors into the sums, merge nested sums, split sums of terms"


class _Printer(StrPrinter):
    """sympy's str, but a matrix of ones prints as ones(rows, cols) (sympy prints it as "1")."""

    def _print_OneMatrix(self, expr):
        return f"ones({self._print(expr.rows)}, {self._print(expr.cols)})"


def show(expr):
    """Text of an expression as the proof prints it."""
    return _Printer().doprint(expr)


@dataclass
class Step:
    """One step of a proof: what was done, by whom, and the expression it produced."""

    text: str
    expr: sp.Expr
    how: str  # "sympy" | "rule" | "definition" | "check"
    rule: str | None = None
    applications: int = 0
    before: sp.Expr | None = None  # for rule steps: the expression the rule was applied to


@dataclass
class GeneralProof:
    """A proved (or refuted) statement with its steps; ``residual`` is 0 exactly when proven."""

    name: str
    statement: str
    steps: list = field(default_factory=list)
    proven: bool = False
    residual: sp.Expr | None = None
    reason: str = ""
    seconds: float = 0.0
    assumptions: list = field(default_factory=list)


def apply_rule(proof, text, name, fn, expr, *args):
    """Apply rewrite rule ``fn`` (named ``name``) to ``expr``, record the step, return the new expression."""
    new, count = fn(expr, *args)
    proof.steps.append(Step(text, new, "rule", name, count, before=expr))
    return new


def expand(proof, expr, side):
    """sympy.expand (distributivity, linearity of Sum), recorded as an automatic sympy step."""
    new = sp.expand(expr, power_exp=False, power_base=False, log=False, multinomial=False)
    proof.steps.append(Step(f"sympy.expand ({side}): distribute products over sums of terms", new, "sympy"))
    return new


def flat(proof, expr):
    """The ``flatten`` rule, recorded."""
    return apply_rule(proof, FLAT, "flatten", flatten, expr)


def _groups(expr):
    """{limits: summand} of a normal form Sum_t c_t * Sum(f_t, *limits_t); sum-free terms under ()."""
    out: dict = {}
    for t in sp.Add.make_args(expr):
        sums = [a for a in Mul.make_args(t) if isinstance(a, Sum)]
        if len(sums) == 1:
            c = Mul(*[a for a in Mul.make_args(t) if a is not sums[0]])
            key, f = tuple(tuple(lim) for lim in sums[0].limits), c * sums[0].function
        else:
            key, f = (), t
        out[key] = out.get(key, sp.S.Zero) + f
    return out


def compare(proof, lhs, rhs, names):
    """Final step: canonical forms of both sides, then per index set cancel(summand difference) == 0."""
    before = sp.Eq(lhs, rhs, evaluate=False)
    lhs, n1 = canonical(lhs, names)
    rhs, n2 = canonical(rhs, names)
    proof.steps.append(Step("interchange finite sums, rename bound indices, symmetrize over indices of equal "
                            "range (both sides)", sp.Eq(lhs, rhs, evaluate=False), "rule", "canonical",
                            n1 + n2, before=before))
    left, right = _groups(lhs), _groups(rhs)
    parts = []
    for key in sorted(set(left) | set(right), key=sp.default_sort_key):
        diff = sp.cancel(sp.together(left.get(key, sp.S.Zero) - right.get(key, sp.S.Zero)))
        if diff != 0:
            parts.append(Sum(diff, *key) if key else diff)
    residual = sp.Add(*parts)
    text = "summands subtracted" + (" (per index set)" if len(set(left) | set(right)) > 1 else "")
    proof.steps.append(Step(text + "; sympy.cancel reduces the difference", residual, "sympy"))
    proof.residual = residual
    proof.proven = not parts
    if not proof.proven:
        proof.reason = "the summands differ (nonzero residual)"
    return proof


def indexed(expr, table):
    """Entries M[r, c] of the matrix symbols replaced by table[name of M](r, c) (their index form)."""
    return expr.replace(lambda e: isinstance(e, MatrixElement),
                        lambda e: table[e.args[0].name](e.args[1], e.args[2]))


def run(proof, build):
    """Run ``build(proof)`` and record the seconds it took."""
    t0 = time.perf_counter()
    try:
        build(proof)
    finally:
        proof.seconds = time.perf_counter() - t0
    return proof
