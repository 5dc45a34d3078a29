"""The cost a user's code differentiates, as data: registry cost or own expression, reductions, L2 term.

A :class:`CostSpec` turns, per network, into a cost name that ``derive`` (the truth, sympy.diff) and
verify's numeric oracles both know, and into a truth source that adds the L2 term's sympy.diff derivative.
The reductions are exact scales of eq (19)'s batch mean: ``batch="sum"`` multiplies by n, ``nodes="mean"``
divides by m_L. Nothing here computes a verdict.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from .functions import BASE_COST, SOFTMAX, USER_COSTS
from .truth import TRUTHS

__all__ = ["REDUCTIONS", "CostSpec"]

REDUCTIONS = {"batch": ("mean", "sum"), "nodes": ("sum", "mean")}


def _derive_costs():
    """derive.costs (imported on use: the truth package is loaded only in the parent process)."""
    import importlib

    try:
        return importlib.import_module("derive.costs")
    except ImportError as exc:
        raise RuntimeError(f"derive.costs is not available ({exc})") from None


def _numeric(expr, scale: float):
    """A numpy (complex-safe) per-sample cost from the sympy expression: sum over nodes of scale*lambda."""
    import sympy

    a, y = sympy.Symbol("a"), sympy.Symbol("y")
    fn = sympy.lambdify((a, y), expr, modules=[{"sigmoid": lambda z: 1 / (1 + np.exp(-z))}, "numpy"])

    def cost(A, Y, Z):
        with np.errstate(all="ignore"):
            return scale * np.sum(fn(A, Y) * np.ones_like(A), axis=0)

    return cost


@dataclass(frozen=True)
class CostSpec:
    cost: str = "logloss"
    expr: str | None = None
    batch: str = "mean"
    nodes: str = "sum"
    l2: float | None = None
    l2_form: str = "alpha/2n"

    def check(self) -> None:
        """Validate up front (one-line ValueError): names, reductions, the expression's whitelist."""
        if self.batch not in REDUCTIONS["batch"]:
            raise ValueError(f"--batch-reduction must be mean or sum, got {self.batch!r}")
        if self.nodes not in REDUCTIONS["nodes"]:
            raise ValueError(f"--node-reduction must be sum or mean, got {self.nodes!r}")
        # derive.costs imports sympy: only load it when an L2 term or a non-default form asks for it
        default = self.l2 is None and self.l2_form == "alpha/2n"
        forms = (self.l2_form,) if default else _derive_costs().L2_FORMS
        if self.l2_form not in forms:
            raise ValueError(f"--l2-form must be one of {', '.join(forms)}, got {self.l2_form!r}")
        if self.l2 is not None and not (np.isfinite(self.l2) and self.l2 >= 0):
            raise ValueError(f"--l2 must be a finite number >= 0, got {self.l2!r}")
        if self.expr is not None:
            if self.cost == "softmax_ce":
                raise ValueError("--cost-expr replaces --cost; a softmax output is only available as "
                                 "--cost softmax_ce")
            try:
                _derive_costs().parse_cost(self.expr)
            except ValueError as exc:
                raise ValueError(f"--cost-expr: {exc}") from None

    @property
    def plain(self) -> bool:
        return self.expr is None and self.batch == "mean" and self.nodes == "sum"

    def case_cost(self, n: int, m_L: int) -> str:
        """The cost name for a network with batch n and m_L output nodes (registered when needed)."""
        if self.plain:
            return self.cost
        import sympy

        derive_costs = _derive_costs()
        if self.expr:
            base = derive_costs.parse_cost(self.expr)
        else:
            base = derive_costs.get_cost(self.cost).pointwise(derive_costs.A, derive_costs.Y)
        scale = sympy.Integer(n if self.batch == "sum" else 1) / (m_L if self.nodes == "mean" else 1)
        softmax = self.expr is None and self.cost in SOFTMAX
        name = derive_costs.register_cost(base, scale, softmax=softmax, label=self.describe())
        if name not in USER_COSTS:
            USER_COSTS[name] = _numeric(base, float(scale))
            if softmax:
                SOFTMAX.add(name)
            if self.expr is None:
                BASE_COST[name] = self.cost
        return name

    def truth(self, base: str, n: int) -> str:
        """The truth source: ``base`` alone, or base + the L2 term's sympy.diff (registered in TRUTHS)."""
        if not self.l2:
            return base
        derive_costs = _derive_costs()
        key = f"{base} + L2 {self.l2_form} {self.l2:g}"
        if key not in TRUTHS:
            def source(weights, X, Y, entries, _base=TRUTHS[base], _spec=self, **options):
                values = _base(weights, X, Y, entries, **options)
                c = derive_costs.l2_coefficient(_spec.l2, _spec.l2_form, int(np.shape(X)[1]))
                extra = derive_costs.l2_gradient_at(weights, list(values), c)
                return {k: v + extra[k] for k, v in values.items()}
            TRUTHS[key] = source
        return key

    def l2_gradient(self, weights, n: int) -> list[np.ndarray] | None:
        """The L2 term's gradient 2 c W_N as floats (for diagnoses only, never for the verdict)."""
        if not self.l2:
            return None
        c = float(_derive_costs().l2_coefficient(self.l2, self.l2_form, n))
        return [2 * c * np.asarray(W, float) for W in weights]

    def describe(self) -> str:
        """Words for the report, e.g. "logloss, sum over the batch, L2 reg 0.1 (reg sum W^2)"."""
        words = [f"cost {self.expr!r}" if self.expr else self.cost]
        if self.batch != "mean":
            words.append("summed over the batch")
        if self.nodes != "sum":
            words.append("averaged over the output nodes")
        if self.l2:
            words.append(f"L2 {self.l2:g} as {self.l2_form}")
        return ", ".join(words)

    def as_dict(self) -> dict:
        return asdict(self)
