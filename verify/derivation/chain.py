"""The check of one relation chain: every '=' over points and index combinations, definitions, verdict."""
from __future__ import annotations

import hashlib
import itertools

from . import syntax as S
from .evaluate import Ctx, Rule, ev
from .indices import concrete_samples, domain, free_indices, mentions, node_bounds, sum_vars, uses_truth
from .values import EvalError, Mat, OutOfRange, ShapeError, Unsupported, fmt, shape_text
from .verdict import DEFINITION, FAILS, HOLDS, NOT_CHECKED, Verdict, compare

__all__ = ["Run", "digest"]


def digest(rule) -> str:
    return hashlib.sha1(repr((rule.pattern, rule.rhs, rule.layers)).encode()).hexdigest()[:12]


class Run:
    """The evaluation of one chain over points and index combinations."""

    def __init__(self, members, rels, models, defs, notation, base, part, doc):
        self.members, self.rels, self.models, self.defs = members, rels, models, defs
        self.notation, self.base, self.part, self.doc = notation, base, part, doc
        self.free = free_indices(members, notation)
        self.samples = concrete_samples(members)
        self.head = members[0] if isinstance(members[0], S.Sym) else None
        self.definer = next((k for k in range(1, len(members)) if self.head is None
                             or not mentions(members[k], self.head)), None)
        self.defining: set = set()
        self.rule: Rule | None = None
        self.unsupported: dict = {}
        self.failures: list = []
        self.checked_links: set = set()
        self.compared_links: set = set()
        self.unchecked_links: dict = {}
        self.combos = 0
        self.defined_ok: set = set()
        self.def_problems: list = []

    def _ctx(self, p, combo):
        ctx = Ctx(self.models[p], self.notation, self.defs, p)
        ctx.bind = dict(combo)
        ctx.free = set(self.free)
        sample_vars = [v for v, r in self.free.items() if r == "sample"]
        if len(self.samples) == 1 and not sample_vars:
            ctx.sample_hint = next(iter(self.samples))
        elif len(sample_vars) == 1 and not self.samples:
            ctx.sample_hint = ctx.bind[sample_vars[0]]
        return ctx

    def run(self):
        shadow = sorted(sum_vars(self.members) & set(self.free))
        if shadow:
            letters = ", ".join(shadow)
            return Verdict(status=NOT_CHECKED,
                           reason=f"ambiguous: the summation index {letters} is also a free "
                           "index of the equation (the sum rebinds it); rename the summation index",
                           **self.base), []
        names = list(self.free)
        bounds = node_bounds(self.members, self.notation, self.models[0])
        domains = [domain(self.free[v], self.models[0], self.notation, bounds.get(v)) for v in names]
        try:
            for p in range(len(self.models)):
                for values in itertools.product(*domains):
                    self._one(p, dict(zip(names, values, strict=False)))
        finally:
            if self.rule is not None:
                self.defs.rules.remove(self.rule)
        return self._verdict()

    def _family(self, ctx):
        if self.head is None:
            return None
        try:
            fam = self.notation.family(self.head, ctx)
        except EvalError:
            return None
        return fam

    def _one(self, p, combo):
        ctx = self._ctx(p, combo)
        fam = self._family(ctx)
        is_def = False
        if fam is not None and self.definer is not None:
            if fam in self.defining:
                is_def = True
            elif self.defs.find(*fam) is None and not (self.rule and fam[1] in self.rule.layers
                                                        and fam[0] == self.rule.kind):
                is_def = True
                self._register(fam, ctx)
        values = {}
        for k, member in enumerate(self.members):
            if k in self.unsupported:
                continue
            ctx.abstract = set()
            try:
                values[k] = (ev(member, ctx), frozenset(ctx.abstract))
            except OutOfRange as exc:
                if exc.free:
                    self._undefine(fam, is_def)
                    return
                self._fail(k, None, p, combo, exc)
            except Unsupported as exc:
                if is_def and k == self.definer:
                    self._undefine(fam, is_def)
                    self.def_problems.append(str(exc))
                    return
                self.unsupported[k] = exc
            except ShapeError as exc:
                self._fail(k, None, p, combo, exc)
            except Exception as exc:  # noqa: BLE001 - never a traceback: report it as not evaluable
                self.unsupported[k] = Unsupported(f"cannot evaluate ({type(exc).__name__}: {exc})")
        self.combos += 1
        if is_def:
            self.defined_ok.add(fam)
        order = sorted(values)
        for a, b in zip(order, order[1:], strict=False):
            if is_def and a == 0 and b == self.definer == 1:
                continue
            (va, fa), (vb, fb) = values[a], values[b]
            if fa != fb:
                self.unchecked_links[(a, b)] = (f"{', '.join(sorted(fa ^ fb))} is not defined: only "
                                                "f(u) = f(v) can be compared")
                continue
            diff = compare(va, vb)
            self.compared_links.add((a, b))
            if diff is None:
                self.checked_links.add((a, b))
            else:
                self._fail((a, b), diff, p, combo, None, values=(va, vb))

    def _undefine(self, fam, is_def):
        if not is_def or self.rule is None or fam not in self.defining:
            return
        if not any(f == fam for f in self.defined_ok):
            self.defining.discard(fam)
            self.rule.layers = self.rule.layers - {fam[1]}

    def _register(self, fam, ctx):
        kind, key = fam
        pattern = self.notation.pattern(self.head, ctx) if kind != "plain" and kind != "W" else {}
        if self.rule is None:
            self.rule = Rule(kind, self.head, self.members[self.definer], frozenset([key]),
                             self.base["label"],
                             pattern)
            self.defs.add(self.rule)
        else:
            self.rule.layers = self.rule.layers | {key}
        self.defining.add(fam)

    def _fail(self, where, diff, p, combo, exc, values=None):
        if any(f["where"] == where for f in self.failures):
            return
        self.failures.append({"where": where, "diff": diff, "point": p, "bind": combo, "error": exc,
                              "values": values})

    # -------------------------------------------------------------- verdict
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
            rules = [self.rule]
        how = self._how()
        if self.failures:
            first = self.failures[0]
            ce, hint = self._counterexample(first), hint_for(self, first)
            for other in self.failures[1:]:
                where = other["where"]
                what = (f"= between members {where[0] + 1} and {where[1] + 1}" if isinstance(where, tuple)
                        else f"member {where + 1}")
                extra = hint_for(self, other)
                notes.append(f"also fails: {what}" + (f" ({extra})" if extra else
                                                      f" ({other['error']})" if other["error"] else ""))
            return Verdict(status=FAILS, how=how, counterexample=ce, hint=hint, defines=defines, notes=notes,
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
