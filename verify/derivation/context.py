"""The state of an evaluation: the document's definitions (:class:`Rule`, :class:`Definitions`), the
evaluation context (:class:`Ctx`: the network at a point, the notation, index bindings, overrides) and the
reproducible values of symbols and functions the document leaves arbitrary."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

import mpmath

from . import syntax as S

__all__ = ["Rule", "Definitions", "Ctx", "generic_value", "abstract_function"]


@dataclass
class Rule:
    """A definition from the document: ``pattern`` (the defined symbol's AST), ``rhs`` (the defining
    member), the family key it defines, the layers it covers (None: all/no layer) and its label."""

    kind: str
    pattern: S.Node
    rhs: S.Node
    layers: frozenset | None
    label: str
    binds: dict = field(default_factory=dict)


class Definitions:
    """Symbols introduced by the document, in order; the first rule covering a (kind, layer) wins."""

    def __init__(self):
        self.rules: list[Rule] = []

    def find(self, kind: str, layer) -> Rule | None:
        for rule in self.rules:
            if rule.kind == kind and (rule.layers is None or layer in rule.layers):
                return rule
        return None

    def add(self, rule: Rule) -> None:
        replaced = rule.binds.get("replaces") if isinstance(rule.binds, dict) else None
        if replaced is not None and replaced in self.rules:
            self.rules.remove(replaced)
        self.rules.append(rule)

    def variables(self) -> frozenset:
        """Names the document introduced as arbitrary entries of a named matrix (``X = [x_i^j]``)."""
        return frozenset(r.pattern.name for r in self.rules if r.kind == "var")


class Ctx:
    """Evaluation state: model (network at a point), notation, definitions, index bindings, overrides."""

    def __init__(self, model, notation, defs: Definitions, point: int = 0):
        self.model, self.notation, self.defs, self.point = model, notation, defs, point
        self.bind: dict[str, int] = {}
        self.free: set[str] = set()
        self.overrides: tuple = ()
        self.sample_hint: int | None = None
        self.layer_ctx = None
        self.abstract: set[str] = set()
        self.memo: dict = {}
        self.variables: frozenset = frozenset()
        self.deadline: float | None = None

    def child(self, bind=None, overrides=None) -> Ctx:
        c = Ctx(self.model, self.notation, self.defs, self.point)
        c.bind = dict(self.bind if bind is None else bind)
        c.free = set(self.free) if bind is None else set()
        c.overrides = self.overrides if overrides is None else overrides
        c.sample_hint, c.layer_ctx = self.sample_hint, self.layer_ctx
        c.abstract, c.memo, c.variables = self.abstract, self.memo, self.variables
        c.deadline = self.deadline
        return c


def generic_value(name: str, point: int):
    """A reproducible 'random' rational in (-2, 2) for a plain symbol, fixed per name and point."""
    h = int(hashlib.sha256(f"{name}|{point}".encode()).hexdigest()[:8], 16)
    return mpmath.mpf((h % 255) - 127) / 64


def abstract_function(name: str, point: int):
    c1, c2, c3 = (generic_value(f"{name}#{k}", point) for k in range(3))
    return lambda t: mpmath.exp(c1 * t / 3) + c2 * t ** 3 + c3 * t
