"""Symbols the document defines (δ, D^φ, θ, out-of-network W, plain names): lookup and evaluation."""
from __future__ import annotations

from .evaluate import ev, flat, index_value, is_free_index
from .symbols import is_phi, is_T, label, transpose_of
from .values import Mat, OutOfRange, Unsupported

__all__ = ["FamilyMixin", "evaluate_rule", "family_entry"]


class FamilyMixin:
    """Methods of a notation that read document-defined families (the notation supplies ``decode``)."""

    def family_rows(self, kind, layer, ctx):
        if kind == "outdelta":
            return ctx.model.sizes[-1]
        if not isinstance(layer, int) or not 0 <= layer <= ctx.model.L:
            raise OutOfRange(f"layer {layer} does not exist", -1, True)
        return ctx.model.sizes[layer]

    def _family(self, fam, sym, ctx):
        kind, layer = fam
        rule = ctx.defs.find(kind, layer)
        name = label(sym)
        if rule is None:
            items = self.layer_items(sym, ctx)
            if items and is_free_index(items[0], ctx):
                raise OutOfRange(f"{name} is not defined for layer {layer}", sym.pos, True)
            raise Unsupported(f"{name} is not defined before this equation", sym.pos)
        d = self.decode(sym, ctx)
        if kind == "W":
            value = evaluate_rule(rule, {}, ctx)
            if d.node is not None and d.node2 is not None and isinstance(value, Mat):
                j, i = index_value(d.node, ctx), index_value(d.node2, ctx)
                if not (1 <= j <= value.rows and 1 <= i <= value.cols):
                    raise OutOfRange(f"{name}: entry ({j},{i}) does not exist", sym.pos)
                return value.data[j - 1][i - 1]
            return transpose_of(value) if d.T else value
        if kind == "theta" or kind == "D" or kind == "delta" or kind == "outdelta":
            if kind == "D" and d.node2 is not None:
                d.node = d.node2
            rows = self.family_rows(kind, layer if kind != "outdelta" else ctx.model.L, ctx)
            if d.node is not None:
                row = index_value(d.node, ctx)
                if not 1 <= row <= rows:
                    raise OutOfRange(f"node {row} of {name} does not exist ({rows} nodes)", d.node.pos,
                                     is_free_index(d.node, ctx))
                sample = d.sample if d.sample is not None else ctx.sample_hint
                if sample is None:
                    raise Unsupported(f"{name} needs a sample index", sym.pos)
                if sample == "all":
                    return Mat([[family_entry(rule, layer, row, s, ctx) for s in range(1, ctx.model.n + 1)]])
                return family_entry(rule, layer, row, sample, ctx)
            if d.sample is None:
                raise Unsupported(f"{name} needs _S or a sample index", sym.pos)
            cols = range(1, ctx.model.n + 1) if d.sample == "all" else [d.sample]
            value = Mat([[family_entry(rule, layer, r, s, ctx) for s in cols] for r in range(1, rows + 1)])
            return transpose_of(value) if d.T else value
        return evaluate_rule(rule, {}, ctx)

    def pattern(self, sym, ctx) -> dict:
        """The index pattern of a defining left side: which letters bind layer, node and sample."""
        out = {"layer": None, "node": None, "sample": None, "entry": False, "column": False}
        if sym.pre and flat(sym.pre[0]) and flat(sym.pre[0]).isalpha() and flat(sym.pre[0]) in ctx.free:
            out["layer"] = flat(sym.pre[0])
        sup = [x for x in sym.sup if not is_T(x) and not is_phi(x)]
        sub = list(sym.sub)
        node = sup[0] if sup else (sub[0] if len(sub) == 2 else None)
        if node is not None:
            out["node"] = flat(node)
            out["entry"] = True
        sample = sub[-1] if sub else None
        if sample is not None:
            text = flat(sample) or ""
            if len(text) == 2 and text[1].isalpha() and text[1] != "n":
                out["sample"] = text[1]
                out["column"] = True
            elif text[1:].isdigit():
                out["sample_const"] = int(text[1:])
                out["column"] = True
        return out



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
