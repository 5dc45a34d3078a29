"""The check of one relation chain: every '=' over points and index combinations, definitions, verdict
(the truth comparisons in :mod:`.chain_truth`, the verdict in :mod:`.chain_verdict`)."""
from __future__ import annotations

import hashlib
import itertools
import time

from . import syntax as S
from .chain_truth import TruthChecks
from .chain_verdict import ChainVerdict
from .context import Ctx, Rule
from .evaluate import TIME_LIMIT, ev
from .indices import concrete_samples, domain, free_indices, mentions, node_bounds
from .symbols import show
from .truth import DELTA_KINDS
from .values import (
    EvalError,
    OutOfRange,
    ShapeError,
    Undefined,
    Unsupported,
    require_finite,
)
from .verdict import NOT_CHECKED, Verdict, compare

__all__ = ["Run", "digest"]


def digest(rule) -> str:
    """A short fingerprint of a rule's content (cached on the rule, per set of layers it covers)."""
    cached = rule.__dict__.get("_digest")
    if cached is None or cached[0] != rule.layers:
        text = hashlib.sha1(repr((rule.pattern, rule.rhs, rule.layers)).encode()).hexdigest()[:12]
        cached = rule.__dict__["_digest"] = (rule.layers, text)
    return cached[1]


class Run(TruthChecks, ChainVerdict):
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
