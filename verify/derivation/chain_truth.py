"""A definition of delta or of a gradient compared with the truth of the network (a part of
:class:`.chain.Run`): d cost / d z per sample or mean, d cost / d [b | W] of a layer; and the truth a failing
delta should have given, for the hint."""
from __future__ import annotations

import mpmath

from .families import evaluate_rule, family_entry
from .gradients import grad_truth
from .indexing import flat
from .truth import DELTA_KINDS, delta_truth
from .values import EvalError, Mat, require_finite, scale
from .verdict import compare

__all__ = ["TruthChecks"]


class TruthChecks:
    """The truth comparisons of a chain's :class:`.chain.Run`."""

    def _truth_target(self, fam, ctx):
        """The truth a failing definition of delta should have given (for the hint), else None."""
        if fam is None or fam[0] not in DELTA_KINDS or not isinstance(fam[1], int) and fam[0] == "delta":
            return None
        truth = delta_truth(ctx.model, fam[0], fam[1] if isinstance(fam[1], int) else -1)
        whole = self.head is not None and (not self.head.sub or [flat(x) for x in self.head.sub] == ["S"])
        return truth if truth is not None and whole else None

    def _against_truth(self, fam, p, combo, ctx):
        """A definition of delta (or out-delta) must equal the truth: d cost / d z (per sample or mean)."""
        kind, layer = fam
        if kind == "grad":
            self._grad_against_truth(layer, p, combo, ctx)
            return
        truth = delta_truth(ctx.model, kind, layer if isinstance(layer, int) else -1)
        if truth is None:
            return
        try:
            value = Mat([[family_entry(self.rule, layer, r, s, ctx) for s in range(1, ctx.model.n + 1)]
                         for r in range(1, truth.rows + 1)])
            require_finite(value)
        except EvalError as exc:
            self.truth_notes.add(f"not compared with the truth: {exc}")
            return
        if compare(truth, value) is None or compare(scale(truth, mpmath.mpf(1) / ctx.model.n), value) is None:
            self.truth_ok = True
            self.truth_matched.add((p, fam))
            return
        diff = compare(truth, value)
        self._fail((0, self.definer), diff, p, combo, None, values=(truth, value), target=truth)

    def _grad_against_truth(self, N, p, combo, ctx):
        """A defined gradient (D^{(l)} := ...) must equal d cost / d [b | W] of its layer."""
        truth = grad_truth(ctx.model, N, bool(ctx.notation.config.bias))
        letter = self.rule.binds.get("layer")
        try:
            value = require_finite(evaluate_rule(self.rule, {letter: ctx.notation.layer_binding(N)}
                                                 if letter else {}, ctx))
        except EvalError as exc:
            self.truth_notes.add(f"not compared with the truth: {exc}")
            return
        diff = compare(truth, value)
        if diff is None:
            self.truth_ok = True
            self.truth_matched.add((p, ("grad", N)))
        else:
            self._fail((0, self.definer), diff, p, combo, None, values=(truth, value), target=truth)
