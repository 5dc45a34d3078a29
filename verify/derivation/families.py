"""Symbols the document defines (δ, out-δ, D^φ, θ, out-of-network W, plain names): lookup and evaluation."""
from __future__ import annotations

from dataclasses import replace

from . import syntax as S
from .evaluate import ev, flat, index_value
from .patterns import FAMILIES
from .symbols import label, strip, transpose_of
from .values import Mat, OutOfRange, Unsupported

__all__ = ["Families", "evaluate_rule", "family_entry"]


class Families:
    """Families of a table notation that the document defines (``delta[l]``, ``outdelta``, ``D[l]``,
    ``theta[l]``; a weight matrix beyond the network; any other symbol as a plain name): which family a
    symbol belongs to, the index pattern of its definition, and its value from that definition."""

    def family(self, sym, ctx):
        """(kind, key) for a symbol the document may define, else None."""
        sym = self.in_layer(sym, ctx)
        found = self.resolve(sym) if isinstance(sym, S.Sym) else None
        if found is not None:
            spec, bind, _ = found
            if spec.quantity == "grad_Wb":
                return ("grad", self._paper(replace(spec, quantity="Wb"), bind, ctx, sym.pos))
            if spec.quantity == "outdelta":
                return ("outdelta", None)
            if spec.quantity in FAMILIES:
                return (spec.quantity, self._doc_layer(spec, bind, ctx, sym.pos) - self.base)
            if spec.quantity == "W":
                N = self._weight_index(spec, bind, ctx, sym.pos)
                return ("W", N) if not 0 <= N < ctx.model.L else None
            return None
        if self.function_kind(sym) is not None or sym.name in ("e",) or self.is_cost(sym):
            return None
        if sym.name in self.table.layered and sym.sub and not sym.pre:
            return None
        return ("plain", self.plain_name(sym, ctx))

    def family_label(self, fam) -> str:
        """How the report names a defined family: δ^(3), {}_3δ, {}_{out}δ, ... (the table's labels)."""
        kind, key = fam
        text = dict(self.table.labels).get(kind)
        if text is None:
            return str(key)
        return text.replace("{l}", str(key + self.base) if isinstance(key, int) else str(key))

    def pattern(self, sym, ctx) -> dict:
        """The index pattern of a defining left side: which letters bind layer, node and sample."""
        out = {"layer": None, "node": None, "sample": None, "entry": False, "column": True}
        sym = self.in_layer(sym, ctx)
        found = self.resolve(sym)
        if found is None:
            return out
        spec, bind, _ = found
        item = bind.get(spec.layer) if spec.layer else None
        if item is not None and flat(strip(item)) in ctx.free:
            out["layer"] = flat(strip(item))
        if spec.index and spec.index[0] != "*":
            out["node"] = flat(strip(bind[spec.index[0]]))
            out["entry"] = True
        out["column"] = out["entry"]
        prefix = self.table.sample_prefix
        if len(spec.index) > 1 and prefix:   # {}_N\delta_{Sx}: a column per sample (S1: one sample only)
            rest = (flat(strip(bind[spec.index[1]])) or "")[len(prefix):]
            if rest.isalpha() and rest != self.table.batch:
                out["sample"], out["column"] = rest, True
            elif rest.isdigit():
                out["sample_const"], out["column"] = int(rest), True
        elif len(spec.index) > 1:
            text = flat(strip(bind[spec.index[1]]))
            if text and text.isalpha():
                out["sample"] = text
        elif out["entry"]:   # an entry per sample: the free sample letter of the notation (Nielsen's x)
            out["sample"] = next((x for x in self.table.sample_letters if x in ctx.free), None)
        return out

    def _weight_index(self, spec, bind, ctx, pos) -> int:
        return self._doc_layer(spec, bind, ctx, pos) - self.base - (1 if self.table.weights == "into" else 0)

    def _defined_weight(self, spec, bind, T, sym, ctx, exc):
        """{}_E W (no such weight matrix in the network) as the document defines it, else ``exc``."""
        N = self._weight_index(spec, bind, ctx, sym.pos)
        rule = ctx.defs.find("W", N)
        if rule is None:
            raise exc
        value = evaluate_rule(rule, {}, ctx)
        if len(spec.index) == 2 and isinstance(value, Mat):
            j, i = (index_value(strip(bind[x]), ctx) for x in spec.index)
            if not (1 <= j <= value.rows and 1 <= i <= value.cols):
                raise OutOfRange(f"{label(sym)}: entry ({j},{i}) does not exist", sym.pos)
            return value.data[j - 1][i - 1]
        return transpose_of(value) if T else value

    def _defined(self, spec, bind, T, sym, ctx):
        """The value of a family the document defines, from its definition (entry, column or matrix)."""
        kind = spec.quantity
        P = ctx.model.L if kind == "outdelta" else self._doc_layer(spec, bind, ctx, sym.pos) - self.base
        key = None if kind == "outdelta" else P
        name = self.family_label((kind, key))
        rule = ctx.defs.find(kind, key)
        if rule is None:
            if key is not None and self._free(bind, spec.layer, ctx):
                raise OutOfRange(f"{name} is not defined for layer {P + self.base}", sym.pos, True)
            raise Unsupported(f"{name} is not defined before this equation", sym.pos)
        if not (1 if kind == "delta" else 0) <= P <= ctx.model.L:
            raise OutOfRange(f"layer {P + self.base} does not exist", sym.pos,
                             self._free(bind, spec.layer, ctx))
        rows = ctx.model.sizes[P]
        if spec.index and spec.index[0] != "*":
            j = self._node(spec, bind, 0, ctx, rows, sym.pos)
            s = self._sample(spec, bind, 1, ctx, sym.pos)
            if s == "all":
                return Mat([[family_entry(rule, key, j, t, ctx) for t in range(1, ctx.model.n + 1)]])
            return family_entry(rule, key, j, s, ctx)
        cols = range(1, ctx.model.n + 1)
        if len(spec.index) > 1:
            s = self._sample(spec, bind, 1, ctx, sym.pos)
            cols = cols if s == "all" else [s]
        M = Mat([[family_entry(rule, key, r, s, ctx) for s in cols] for r in range(1, rows + 1)])
        M = transpose_of(M) if self.table.layout == "rows" else M
        return transpose_of(M) if T else M


def evaluate_rule(rule, bind, ctx, sample_hint=None):
    key = ("rule", id(rule), tuple(sorted(bind.items())), ctx.overrides, ctx.point)
    if key in ctx.memo:
        return ctx.memo[key]
    inner = ctx.child(bind={**rule.binds.get("const", {}), **bind})
    inner.layer_ctx = None
    inner.sample_hint = sample_hint
    value = ev(rule.rhs, inner)
    ctx.memo[key] = value
    return value


def family_entry(rule, layer, row, sample, ctx):
    p = rule.binds
    bind = {}
    if p.get("layer"):
        bind[p["layer"]] = ctx.notation.layer_binding(layer)
    if p.get("entry") and p.get("node") and p["node"].isalpha():
        bind[p["node"]] = row
    if p.get("sample"):
        bind[p["sample"]] = sample
    elif "sample_const" in p and p["sample_const"] != sample:
        raise Unsupported(f"({rule.label}) defines this only for sample S{p['sample_const']}")
    value = evaluate_rule(rule, bind, ctx, sample_hint=sample if p.get("column") else None)
    if p.get("entry"):
        return value
    if not isinstance(value, Mat):
        if row == 1 and (p.get("column") or sample == 1):
            return value  # a 1×1 matrix evaluates to its entry
        raise Unsupported(f"({rule.label}) does not define a matrix")
    if p.get("column"):
        return value.data[row - 1][0]
    return value.data[row - 1][sample - 1]
