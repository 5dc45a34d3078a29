"""Check a derivation equation by equation: one verdict per numbered display.

Every ``=``/``:=`` of a chain is checked at ``points`` random exact rational points of the document's
network (weights k/64, inputs k/16, targets k/16), evaluated to 50 digits, for every valid value of the
free indices (i, j, m, N, Sx, ...). d Lambda / d w and the gradient matrices come from the sympy ground
truth (``derive.ground_truth_at``). A chain whose left side is a symbol the document has not defined yet
(``{}_3\\delta_{Sx}^j := ...``) defines it; later equations use that definition.

Results are cached per equation by its text, the configuration and the definitions it uses, so a re-check
after an edit only evaluates what the edit can affect.
"""
from __future__ import annotations

import hashlib
import itertools
import time
from dataclasses import dataclass, field

import mpmath

from . import syntax as S
from .evaluate import Ctx, Definitions, Rule, ev, flat
from .extract import Config, Document, read_document
from .model import DPS, TOL, Model
from .notation import make_notation
from .values import EvalError, Mat, OutOfRange, ShapeError, Unsupported, as_scalar, close, fmt, shape

__all__ = ["Verdict", "Report", "Checker", "check_text"]

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
    notes: list = field(default_factory=list)
    source: str = ""

    def to_json(self) -> dict:
        out = {k: getattr(self, k) for k in ("label", "status", "line", "how", "reason", "column", "defines",
                                             "hint", "notes")}
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
        if self.error:
            return 2
        return 1 if any(v.status == FAILS for v in self.verdicts) else 0


# ------------------------------------------------------------------ free indices
def _free_indices(members, notation) -> dict:
    roles: dict[str, str] = {}

    def visit(node, bound):
        if isinstance(node, S.Sum):
            var = flat(node.var) if node.var is not None else None
            name = var[1] if var and len(var) == 2 and var[0] in "Ss" else var
            visit(node.body, bound | {name})
            return
        if isinstance(node, S.Sym) and node.name == "e" and node.sup and not node.sub and not node.pre:
            visit(node.sup[0], bound)
            return
        if isinstance(node, S.Sym):
            for letter, role in notation.index_roles(node):
                if letter not in bound and letter not in roles:
                    roles[letter] = role
            for item in node.sup + node.sub + node.pre:
                if isinstance(item, S.Node) and not isinstance(item, S.Sym):
                    visit(item, bound)
            return
        if isinstance(node, S.Scripted):
            for item in node.sub + node.sup:
                for x in S.walk(item):
                    if isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha() and x.name not in "nTm":
                        roles.setdefault(x.name, "node")
            for item in node.pre:
                for x in S.walk(item):
                    if isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha() and x.name != "E":
                        roles.setdefault(x.name, "layer")
            visit(node.base, bound)
            return
        for child in S._children(node):
            visit(child, bound)

    for member in members:
        visit(member, frozenset())
    return roles


def _domain(role, model, notation):
    if role == "layer":
        return list(notation.layer_domain(model))
    if role == "sample":
        return list(range(1, model.n + 1))
    return list(range(1, max(model.sizes) + 1))


def _sum_vars(members) -> set:
    out = set()
    for m in members:
        for node in S.walk(m):
            if isinstance(node, S.Sum) and node.var is not None:
                var = flat(node.var) or ""
                out.add(var[1] if len(var) == 2 and var[0] in "Ss" else var)
    return out


def _concrete_samples(members) -> set:
    out = set()
    for m in members:
        for node in S.walk(m):
            if isinstance(node, S.Sym):
                for item in node.sub:
                    text = flat(item)
                    if text and text[0] in "Ss" and text[1:].isdigit():
                        out.add(int(text[1:]))
    return out


def _mentions(member, head: S.Sym) -> bool:
    return any(isinstance(x, S.Sym) and x.name == head.name and x.pre == head.pre for x in S.walk(member))


def _uses_truth(members, notation) -> bool:
    for m in members:
        for x in S.walk(m):
            if isinstance(x, S.Sym) and x.name == "\\nabla":
                return True
            if isinstance(x, S.Deriv) and x.num is not None and notation.is_cost(x.num):
                return True
    return False


# ------------------------------------------------------------------ comparison
def compare(left, right):
    """None when equal, else (entry or None, left value, right value, message)."""
    left, right = as_scalar(left), as_scalar(right)
    if isinstance(left, Mat) != isinstance(right, Mat) or shape(left) != shape(right):
        return (None, left, right, f"shapes differ: {_shape(left)} vs {_shape(right)}")
    if not isinstance(left, Mat):
        return None if close(left, right, TOL) else (None, left, right, "values differ")
    for r in range(left.rows):
        for c in range(left.cols):
            if not close(left.data[r][c], right.data[r][c], TOL):
                return ((r + 1, c + 1), left.data[r][c], right.data[r][c], "values differ")
    return None


def _shape(v) -> str:
    return f"{v.rows}×{v.cols}" if isinstance(v, Mat) else "scalar"


# ------------------------------------------------------------------ the checker
class Checker:
    """Checks documents; keeps models (ground truth) and per-equation results between runs."""

    def __init__(self):
        self._models: dict = {}
        self._cache: dict = {}

    def models(self, config: Config) -> list[Model]:
        key = (config.sizes, config.batch, config.activation, config.cost, config.output_activation,
               config.seed, config.points)
        if key not in self._models:
            self._models[key] = [Model(config.sizes, config.batch, config.activation, config.cost,
                                       config.output_activation, config.seed, k)
                                 for k in range(config.points)]
        return self._models[key]

    def check(self, doc: Document, path: str = "") -> Report:
        with mpmath.workdps(DPS):
            return self._check(doc, path)

    def _check(self, doc: Document, path: str) -> Report:
        start = time.perf_counter()
        notation = make_notation(doc.config)
        models = self.models(doc.config)
        defs = Definitions()
        verdicts, rechecked, seen, used = [], 0, set(), set()
        for display in doc.displays:
            parts_out = []
            prose = any(_has_text(p.text) for p in display.parts)
            for part in display.parts:
                key = self._key(doc.config, part.text, defs)
                used.update(label for _, label, _ in key[2])
                cached = self._cache.get(key)
                if cached is None:
                    rechecked += 1
                    result = self._check_part(part, display, doc, models, defs, notation, prose)
                    self._cache[key] = result
                else:
                    result = cached
                verdict, rules = result
                for rule in rules:
                    defs.add(rule)
                parts_out.append(verdict)
                seen.add(key)
            verdict = _combine(display, parts_out, doc)
            if display.label is None and verdict.status in (HOLDS, FAILS):
                verdict.notes.insert(0,
                                     f"unnumbered display: {verdict.status} (only its definitions are used)")
                verdict.status = NOT_CHECKED
                verdict.reason = "unnumbered display"
            verdicts.append(verdict)
        for verdict in verdicts:
            if verdict.defines and verdict.label not in used:
                verdict.notes.append("what it defines is not used by a later equation")
        for key in list(self._cache):
            if key not in seen and len(self._cache) > 4000:
                del self._cache[key]
        return Report(path, doc.config, verdicts, time.perf_counter() - start, rechecked)

    @staticmethod
    def _key(config, text, defs):
        names = {x.name for x in _syms(text)}
        deps = tuple((r.kind, r.label, _digest(r)) for r in defs.rules if r.pattern.name in names)
        return (config, text, deps)

    # -------------------------------------------------------------- one relation chain
    def _check_part(self, part, display, doc, models, defs, notation, prose):
        label = display.label or f"line {display.line}"
        line, col = doc.position(part.offset)
        base = dict(label=label, line=line, numbered=display.label is not None, source=part.text.strip())
        try:
            members, rels = S.parse_chain(part.text)
        except S.ParseError as exc:
            offset = part.offset + (exc.column - 1 if exc.column else 0)
            eline, ecol = doc.position(offset)
            return Verdict(status=NOT_CHECKED, reason=f"parse error at line {eline}, column {ecol}: {exc}",
                           column=ecol, **{**base, "line": eline}), []
        if prose or any(isinstance(x, S.Text) for m in members for x in S.walk(m)):
            return Verdict(status=NOT_CHECKED, reason="prose inside the equation (\\text{...}): a statement, "
                           "not an identity", **base), []
        if len(members) == 1:
            return Verdict(status=NOT_CHECKED, reason="no relation (=) to check", **base), []
        fn = _function_head(members[0], defs)
        if fn is not None:
            rule = Rule("func", fn, members[1], frozenset([fn.name]), base["label"], {})
            return Verdict(status=DEFINITION, defines=[fn.name.lstrip("\\") + "(...)"],
                           notes=["a function of the document: it is not evaluated"], **base), [rule]
        return _Run(members, rels, models, defs, notation, base, part, doc).run()


def _function_head(member, defs):
    """The Sym f when ``member`` is f(...) with f an undefined capital-Greek name (Psi, Delta, ...)."""
    if (isinstance(member, S.Bin) and member.op == "juxt" and isinstance(member.left, S.Sym)
            and isinstance(member.right, S.Group) and member.right.kind == "("):
        name = member.left.name
        if (name.startswith("\\") and name[1:2].isupper() and name not in ("\\Lambda", "\\nabla")
                and defs.find("func", name) is None):
            return member.left
    return None


def _has_text(text) -> bool:
    try:
        members, _ = S.parse_chain(text)
    except S.ParseError:
        return False
    return any(isinstance(x, S.Text) for m in members for x in S.walk(m))


def _syms(text):
    try:
        members, _ = S.parse_chain(text)
    except S.ParseError:
        return []
    return [x for m in members for x in S.walk(m) if isinstance(x, S.Sym)]


def _digest(rule) -> str:
    return hashlib.sha1(repr((rule.pattern, rule.rhs, rule.layers)).encode()).hexdigest()[:12]


class _Run:
    """The evaluation of one chain over points and index combinations."""

    def __init__(self, members, rels, models, defs, notation, base, part, doc):
        self.members, self.rels, self.models, self.defs = members, rels, models, defs
        self.notation, self.base, self.part, self.doc = notation, base, part, doc
        self.free = _free_indices(members, notation)
        self.samples = _concrete_samples(members)
        self.head = members[0] if isinstance(members[0], S.Sym) else None
        self.definer = next((k for k in range(1, len(members)) if self.head is None
                             or not _mentions(members[k], self.head)), None)
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
        shadow = sorted(_sum_vars(self.members) & set(self.free))
        if shadow:
            letters = ", ".join(shadow)
            return Verdict(status=NOT_CHECKED,
                           reason=f"ambiguous: the summation index {letters} is also a free "
                           "index of the equation (the sum rebinds it); rename the summation index",
                           **self.base), []
        names = list(self.free)
        domains = [_domain(self.free[v], self.models[0], self.notation) for v in names]
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

        defines = sorted({_fam_label(f) for f in self.defining})
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
        if _uses_truth(self.members, self.notation):
            parts.append("against the sympy ground truth (derive.ground_truth_at)")
        return ", ".join(parts)

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
        if not isinstance(left, Mat):
            out["left"] = fmt(left)
        if not isinstance(right, Mat):
            out["right"] = fmt(right)
        if isinstance(left, Mat) or isinstance(right, Mat):
            out["shapes"] = [_shape(left), _shape(right)]
        return out


def _fam_label(fam) -> str:
    kind, key = fam
    return {"delta": f"{{}}_{key}δ", "outdelta": "{}_{out}δ", "D": f"{{}}_{key}D^φ", "theta": f"{{}}_{key}θ",
            "W": f"{{}}_{key}W"}.get(kind, str(key))


def _copy(v: Verdict) -> Verdict:
    """A copy safe to annotate (cached verdicts are shared between runs)."""
    return Verdict(**{**v.__dict__, "notes": list(v.notes), "defines": list(v.defines)})


def _combine(display, parts, doc) -> Verdict:
    if not parts:
        line, _ = doc.position(display.offset)
        return Verdict(display.label or f"line {line}", NOT_CHECKED, line, display.label is not None,
                       reason="empty display equation")
    if len(parts) == 1:
        return _copy(parts[0])
    order = [FAILS, HOLDS, DEFINITION, NOT_CHECKED]
    main = min(parts, key=lambda v: order.index(v.status))
    if main.status == NOT_CHECKED and any(p.status == NOT_CHECKED and p.column for p in parts):
        main = next(p for p in parts if p.column)
    out = Verdict(**{**main.__dict__})
    out.line = parts[0].line
    out.defines = sorted({d for p in parts for d in p.defines})
    out.notes = [f"part {k + 1}: {p.status}" + (f" ({p.reason})" if p.reason else "")
                 for k, p in enumerate(parts) if p is not main] + main.notes
    out.source = " \\quad ".join(p.source for p in parts)
    return out


_DEFAULT = Checker()


def check_text(text: str, path: str = "", checker: Checker | None = None) -> Report:
    """Check a whole document given as text (front matter + Markdown)."""
    return (checker or _DEFAULT).check(read_document(text), path)
