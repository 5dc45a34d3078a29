"""The verdict of one checked relation chain (a part of :class:`.chain.Run`): holds, fails (with the
counterexample and the hint), a definition, or not checked with the reason; and how it was checked."""
from __future__ import annotations

from . import syntax as S
from .context import Rule
from .indices import uses_truth
from .values import Mat, fmt, shape_text
from .verdict import DEFINITION, FAILS, HOLDS, NOT_CHECKED, Verdict

__all__ = ["ChainVerdict"]


class ChainVerdict:
    """The verdict and the counterexample of a chain's :class:`.chain.Run`."""

    def _verdict(self):
        from .hints import hint_for

        defines = sorted({self.notation.family_label(f) for f in self.defining})
        notes = [f"member {k + 1} not evaluated: {exc}" for k, exc in sorted(self.unsupported.items())
                 if not (self.defining and k == self.definer)]
        notes += [f"= between members {a + 1} and {b + 1} not checked: {why}"
                  for (a, b), why in sorted(self.unchecked_links.items())]
        rules = []
        if self.rule is not None and not self.rule.layers:
            self.rule = None
        if self.rule is None and self.def_problems and not self.checked_links and not self.failures:
            return Verdict(status=NOT_CHECKED,
                           reason=f"definition could not be evaluated: {self.def_problems[0]}",
                           **self.base), []
        if self.rule is not None:
            rules = [self.rule] + [Rule("var", S.Sym(-1, name), None, None, self.base["label"])
                                   for name in sorted(self.entries)]
        how = self._how()
        if self.failures:
            first = self.failures[0]
            ce, (hint, kind) = self._counterexample(first), hint_for(self, first)
            for other in self.failures[1:]:
                where = other["where"]
                what = (f"= between members {where[0] + 1} and {where[1] + 1}" if isinstance(where, tuple)
                        else f"member {where + 1}")
                extra = hint_for(self, other)[0]
                notes.append(f"also fails: {what}" + (f" ({extra})" if extra else
                                                      f" ({other['error']})" if other["error"] else ""))
            return Verdict(status=FAILS, how=how, counterexample=ce, hint=hint, hint_kind=kind,
                           defines=defines, notes=notes,
                           **self.base), rules
        partial = [k for k in self.unsupported if not (self.defining and k == self.definer)]
        if self.checked_links and (partial or self.unchecked_links):
            # every '=' must be checked for a 'holds': say what could not be, and that the rest holds
            if partial:
                k = partial[0]
                reason = f"member {k + 1}: {self.unsupported[k]}"
            else:
                (a, b), why = next(iter(sorted(self.unchecked_links.items())))
                reason = f"= between members {a + 1} and {b + 1}: {why}"
            n_ok = len(self.checked_links)
            reason += f" (the other {n_ok} '=' hold{'s' if n_ok == 1 else ''})"
            drop = ({f"member {partial[0] + 1} not evaluated: {self.unsupported[partial[0]]}"} if partial else
                    {f"= between members {a + 1} and {b + 1} not checked: {why}"})
            notes = [x for x in notes if x not in drop]
            return Verdict(status=NOT_CHECKED, reason=reason, how=how, defines=defines, notes=notes,
                           **self.base), rules
        if self.checked_links:
            return Verdict(status=HOLDS, how=how, defines=defines, notes=notes, **self.base), rules
        if self.defining:
            if self.truth_ok:
                var = "a" if any(f[0] == "outdelta" for f in self.defining) else "z"
                what = (f"d cost / d {var} of the network (per sample)" if not any(
                    f[0] == "grad" for f in self.defining) else "the sympy ground truth of the gradient")
                notes.insert(0, f"checked against the truth: {what}")
            notes += sorted(self.truth_notes)
            every = {(p, f) for p in range(len(self.models)) for f in self.defining}
            if self.truth_ok and not self.truth_notes and every <= self.truth_matched and not partial:
                how = (f"the definition equals the truth at {len(self.models)} random exact rational points "
                       f"for every layer it defines")
                return Verdict(status=HOLDS, how=how, defines=defines, notes=notes, **self.base), rules
            return Verdict(status=DEFINITION, defines=defines, notes=notes, **self.base), rules
        if self.unsupported:
            k, exc = next(iter(sorted(self.unsupported.items())))
            reason = f"member {k + 1}: {exc}"
            notes = [x for x in notes if x != f"member {k + 1} not evaluated: {exc}"]
            return Verdict(status=NOT_CHECKED, reason=reason, notes=notes, **self.base), rules
        if self.unchecked_links:
            return Verdict(status=NOT_CHECKED, reason=next(iter(self.unchecked_links.values())),
                           **self.base), rules
        return Verdict(status=NOT_CHECKED, reason="no index combination of this equation exists at the "
                       "document's sizes", **self.base), rules

    def _how(self) -> str:
        pts = len(self.models)
        links = len(self.compared_links | self.checked_links) or "no"
        parts = [f"{links} '=' checked at {pts} random exact rational point"
                 f"{'s' if pts > 1 else ''} to 50 digits"]
        if self.free:
            names = ", ".join(f"{'S' if r == 'sample' else ''}{v}" for v, r in self.free.items())
            parts.append(f"for all {self.combos // pts} valid values of {names}")
        if uses_truth(self.members, self.notation):
            parts.append("against the sympy ground truth (derive.ground_truth_at)")
        return ", ".join(parts)

    def _has_sample_matrices(self) -> bool:
        """True when the chain works with whole-batch matrices (``{}_N A_S``: one column per sample)."""
        return any(isinstance(x, S.Sym) and _all_samples(x) for m in self.members for x in S.walk(m))

    def _counterexample(self, f) -> dict:
        bind = {(f"S{v}" if self.free.get(v) == "sample" else v): val for v, val in f["bind"].items()}
        out = {"point": f["point"] + 1, "indices": bind}
        if f["error"] is not None:
            out["member"] = f["where"] + 1
            out["error"] = str(f["error"])
            return out
        a, b = f["where"]
        entry, left, right, message = f["diff"]
        out.update({"link": [a + 1, b + 1], "message": message})
        if entry is not None:
            out["entry"] = list(entry)
            values = f["values"]
            full = values and isinstance(values[0], Mat) and values[0].cols == self.models[0].n
            if full and self._has_sample_matrices():
                out["sample"] = f"S{entry[1]}"  # one column per sample
        if not isinstance(left, Mat):
            out["left"] = fmt(left)
        if not isinstance(right, Mat):
            out["right"] = fmt(right)
        if isinstance(left, Mat) or isinstance(right, Mat):
            out["shapes"] = [shape_text(left), shape_text(right)]
        return out


def _all_samples(sym) -> bool:
    from .evaluate import flat

    return any(flat(x) in ("S", "s") for x in sym.sub)
