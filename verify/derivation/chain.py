"""The check of one relation chain: every '=' over points and index combinations, definitions, verdict."""
from __future__ import annotations

import hashlib
import itertools
import time

import mpmath

from . import syntax as S
from .evaluate import TIME_LIMIT, Ctx, Rule, ev
from .families import evaluate_rule, family_entry
from .gradients import grad_truth
from .indexing import flat
from .indices import concrete_samples, domain, free_indices, mentions, node_bounds, uses_truth
from .symbols import show
from .truth import DELTA_KINDS, delta_truth
from .values import (
    EvalError,
    Mat,
    OutOfRange,
    ShapeError,
    Undefined,
    Unsupported,
    fmt,
    require_finite,
    scale,
    shape_text,
)
from .verdict import DEFINITION, FAILS, HOLDS, NOT_CHECKED, Verdict, compare

__all__ = ["Run", "digest"]


def digest(rule) -> str:
    """A short fingerprint of a rule's content (cached on the rule, per set of layers it covers)."""
    cached = rule.__dict__.get("_digest")
    if cached is None or cached[0] != rule.layers:
        text = hashlib.sha1(repr((rule.pattern, rule.rhs, rule.layers)).encode()).hexdigest()[:12]
        cached = rule.__dict__["_digest"] = (rule.layers, text)
    return cached[1]


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
        self.entries = self._entry_variables()
        self.deadline = time.monotonic() + TIME_LIMIT
        self.truth_checked: set = set()
        self.truth_notes: set = set()
        self.truth_ok = False
        self.truth_matched: set = set()
        self.variables = variables_of(members, notation) | defs.variables() | self.entries

    def _ctx(self, p, combo):
        ctx = Ctx(self.models[p], self.notation, self.defs, p)
        ctx.bind = dict(combo)
        ctx.free = set(self.free)
        ctx.variables = self.variables
        ctx.deadline = self.deadline
        sample_vars = [v for v, r in self.free.items() if r == "sample"]
        if len(self.samples) == 1 and not sample_vars:
            ctx.sample_hint = next(iter(self.samples))
        elif len(sample_vars) == 1 and not self.samples:
            ctx.sample_hint = ctx.bind[sample_vars[0]]
        return ctx

    def run(self):
        broken = self._broken()
        if broken is not None:
            return Verdict(status=NOT_CHECKED, reason=broken, **self.base), []
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
        order = list(enumerate(self.members))
        if is_def:   # the definition first; the defined symbol's own value is that definition
            order = [(self.definer, self.members[self.definer])] + [
                (k, m) for k, m in order if k not in (0, self.definer)]
        if is_def and self.definer in self.unsupported:   # its definition cannot be evaluated
            self._undefine(fam, is_def)
            return
        for k, member in order:
            if k in self.unsupported:
                continue
            ctx.abstract = set()
            try:
                values[k] = (require_finite(ev(member, ctx), member.pos), frozenset(ctx.abstract))
                if is_def and k == self.definer and ctx.abstract:   # an arbitrary function defines nothing
                    raise Undefined(sorted(ctx.abstract)[0], member.pos)
            except OutOfRange as exc:
                if exc.free:
                    self._undefine(fam, is_def)
                    return
                self._fail(k, None, p, combo, exc)
            except Unsupported as exc:
                exc = self._located(exc)
                if is_def and k == self.definer:
                    self._undefine(fam, is_def)
                    self.def_problems.append(str(exc))
                    return
                self.unsupported[k] = exc
            except ShapeError as exc:
                if is_def and k == 0:   # the defined symbol itself: its definition's error is reported
                    continue
                target = self._truth_target(fam, ctx) if is_def and k == self.definer else None
                self._fail(k, None, p, combo, exc, target=target)
            except Exception as exc:  # noqa: BLE001 - never a traceback: report it as not evaluable
                self.unsupported[k] = Unsupported(f"cannot evaluate ({type(exc).__name__}: {exc})")
        self.combos += 1
        if is_def and self.definer in values:
            self.defined_ok.add(fam)
            if fam[0] in (*DELTA_KINDS, "grad") and (p, fam) not in self.truth_checked:
                self.truth_checked.add((p, fam))
                self._against_truth(fam, p, combo, ctx)
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

    def _broken(self):
        """A reason when the chain uses (or restates) a symbol whose defining equation does not parse."""
        names = {(x.name, x.pre) for m in self.members for x in S.walk(m) if isinstance(x, S.Sym)}
        for rule in self.defs.rules:
            if rule.kind == "broken" and (rule.pattern.name, rule.pattern.pre) in names:
                return (f"uses {show(rule.pattern)}, whose defining equation ({rule.label}) does not parse: "
                        "fix that equation first")
        return None

    def _entry_variables(self) -> frozenset:
        """``X = [x_1^1 & x_2^1 ...]`` names a matrix of arbitrary entries: its plain entries are variables"""
        if self.head is None or self.definer is None or not isinstance(self.members[self.definer],
                                                                         S.Matrix):
            return frozenset()
        return frozenset(x.name for x in S.walk(self.members[self.definer])
                         if isinstance(x, S.Sym) and len(x.name) == 1 and not x.pre and x.name != "e")

    def _located(self, exc):
        """An undefined symbol names its line and column in the file."""
        if isinstance(exc, Undefined) and exc.pos >= 0 and "(line" not in str(exc):
            line, col = self.doc.position(self.part.offset + exc.pos)
            located = Undefined(f"{exc.name} (line {line}, column {col})", exc.pos)
            return located
        return exc

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
        if kind == "plain":   # a general-l definition: remember the index values of each instance
            self.rule.binds.setdefault("keys", {})[key] = dict(ctx.bind)
        self.defining.add(fam)

    def _fail(self, where, diff, p, combo, exc, values=None, target=None):
        known = next((f for f in self.failures if f["where"] == where), None)
        if known is not None:   # a few more instances: a hint may only show at another one
            if len(known["more"]) < 3 and combo != known["bind"]:
                known["more"].append({"where": where, "diff": diff, "point": p, "bind": combo, "error": exc,
                                      "values": values, "target": target, "more": []})
            return
        self.failures.append({"where": where, "diff": diff, "point": p, "bind": combo, "error": exc,
                              "values": values, "target": target, "more": []})

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


def variables_of(members, notation=None) -> frozenset:
    """Names that an identity quantifies over: the variable of a derivative (d/dx, d f/d u) and the plain
    argument of a function (sigma(x), g'(z)). Only these may take arbitrary values; any other symbol
    that neither the notation nor the document defines is undefined."""
    out = set()
    for member in members:
        for node in S.walk(member):
            if isinstance(node, S.Deriv):
                den = node.den
                while isinstance(den, S.Group) and len(den.items) == 1:
                    den = den.items[0]
                if isinstance(den, S.Sym) and not den.pre:
                    out.add(den.name)
            elif (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.right, S.Group)
                  and node.right.kind == "(" and len(node.right.items) == 1
                  and isinstance(node.left, S.Sym | S.Func)
                  and not (notation is not None and notation.is_cost(node.left))):
                arg = node.right.items[0]
                if isinstance(arg, S.Sym) and not (arg.pre or arg.sub or arg.sup):
                    out.add(arg.name)
    return frozenset(out)


def _all_samples(sym) -> bool:
    from .evaluate import flat

    return any(flat(x) in ("S", "s") for x in sym.sub)
