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

import re
import time
from functools import lru_cache

import mpmath

from . import syntax as S
from .accumulate import accumulator_update
from .chain import Run, digest
from .context import Definitions, Rule
from .extract import Config, Document, read_document
from .hints import REPORT_HINT_EDITS
from .model import DPS, Model
from .notation import make_notation
from .verdict import DEFINITION, FAILS, HOLDS, NOT_CHECKED, Report, Verdict, compare

__all__ = ["Verdict", "Report", "Checker", "check_text", "compare", "HOLDS", "FAILS", "DEFINITION",
           "NOT_CHECKED"]


# ------------------------------------------------------------------ the checker
class Checker:
    """Checks documents; keeps models (ground truth) and per-equation results between runs."""

    def __init__(self):
        self._models: dict = {}
        self._cache: dict = {}

    def models(self, config: Config) -> list[Model]:
        key = (config.sizes, config.batch, config.activation, config.cost, config.output_activation,
               config.seed, config.points, config.bias)
        if key not in self._models:
            self._models[key] = [Model(config.sizes, config.batch, config.activation, config.cost,
                                       config.output_activation, config.seed, k, config.bias)
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
        defs.hint_edits = REPORT_HINT_EDITS
        verdicts, rechecked, seen, used = [], 0, set(), set()
        for display in doc.displays:
            parts_out = []
            prose = any(_has_text(p.text) for p in display.parts)
            for part in display.parts:
                key = self._key(doc.config, part.text, defs) + (display.label, doc.position(part.offset)[0])
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
        """Text, configuration and every definition the equation uses, directly or through others."""
        names, used, seen = set(_names(text)), [], set()
        changed = True
        while changed:
            changed = False
            for r in defs.rules:
                if id(r) not in seen and r.pattern.name in names:
                    used.append(r)
                    seen.add(id(r))
                    names |= _rhs_names(r)
                    changed = True
        deps = tuple((r.kind, r.label, digest(r)) for r in used)
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
            head = _broken_head(part.text)
            rules = [Rule("broken", head, None, None, label)] if head is not None else []
            return Verdict(status=NOT_CHECKED, reason=f"parse error at line {eline}, column {ecol}: {exc}",
                           column=ecol, **{**base, "line": eline}), rules
        if prose or any(isinstance(x, S.Text) for m in members for x in S.walk(m)):
            return Verdict(status=NOT_CHECKED, reason="prose inside the equation (\\text{...}): a statement, "
                           "not an identity", **base), []
        if len(members) == 1:
            return Verdict(status=NOT_CHECKED, reason="no relation (=) to check", **base), []
        if "≠" in rels:
            return Verdict(status=NOT_CHECKED, reason="a condition (≠), not an identity", **base), []
        update = accumulator_update(members, rels, defs, base, notation, models[0])
        if update is not None:
            return update
        fn = _function_head(members[0], defs)
        if fn is not None:
            rule = Rule("func", fn, members[1], frozenset([fn.name]), base["label"], {})
            return Verdict(status=DEFINITION, defines=[fn.name.lstrip("\\") + "(...)"],
                           notes=["a function of the document: it is not evaluated"], **base), [rule]
        return Run(members, rels, models, defs, notation, base, part, doc).run()


_HEAD = re.compile(r"^(.*?)(:=|\\coloneqq|\\equiv|=)")


def _broken_head(text):
    """The symbol an unparsable equation defines or states (its left side), if that much parses."""
    m = _HEAD.match(text)
    if not m or not m.group(1).strip():
        return None
    try:
        members, _ = S.parse_chain(m.group(1))
    except S.ParseError:
        return None
    return members[0] if len(members) == 1 and isinstance(members[0], S.Sym) else None


def _function_head(member, defs):
    """The Sym f when ``member`` is f(...) with f an undefined capital-Greek name (Psi, Delta, ...)."""
    if (isinstance(member, S.Bin) and member.op == "juxt" and isinstance(member.left, S.Sym)
            and isinstance(member.right, S.Group) and member.right.kind == "("):
        name = member.left.name
        if (name.startswith("\\") and name[1:2].isupper() and name not in ("\\Lambda", "\\nabla")
                and defs.find("func", name) is None):
            return member.left
    return None


@lru_cache(maxsize=8192)
def _has_text(text) -> bool:
    try:
        members, _ = S.parse_chain(text)
    except S.ParseError:
        return False
    return any(isinstance(x, S.Text) for m in members for x in S.walk(m))


@lru_cache(maxsize=8192)
def _names(text) -> frozenset:
    try:
        members, _ = S.parse_chain(text)
    except S.ParseError:
        return frozenset()
    return frozenset(x.name for m in members for x in S.walk(m) if isinstance(x, S.Sym))


def _rhs_names(rule) -> frozenset:
    """The symbol names of a rule's right side, computed once per rule."""
    if "_names" not in rule.__dict__:
        rule.__dict__["_names"] = frozenset(x.name for x in S.walk(rule.rhs) if isinstance(x, S.Sym)) \
            if rule.rhs is not None else frozenset()
    return rule.__dict__["_names"]


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
