"""Derivative variables of the paper notation: which network quantity a denominator names, its value, and
when the answer is the ground truth."""
from __future__ import annotations

from . import syntax as S
from .evaluate import generic_value, is_free_index
from .symbols import label, show, strip
from .values import Mat, OutOfRange, Unsupported

__all__ = ["DerivativeMixin"]


class DerivativeMixin:
    """refs / ref_value / cost_gradient of the paper notation."""

    # ---------------------------------------------------------- derivatives
    def refs(self, den, ctx):
        den = strip(den)
        if not isinstance(den, S.Sym):
            raise Unsupported("can only differentiate with respect to a symbol", getattr(den, "pos", -1))
        low = den.name.lower() if len(den.name) == 1 else den.name
        if low in ("a", "z", "w") and (den.pre or ctx.layer_ctx):
            d = self.decode(den, ctx)
            layer = d.layer
            if low == "w":
                if d.node is None:
                    return [[("w", layer, r, c) for c in range(ctx.model.sizes[layer])]
                            for r in range(ctx.model.sizes[layer + 1])]
                return ("w", layer, self._check_node(d.node, layer + 1, ctx) - 1,
                        self._check_node(d.node2, layer, ctx) - 1)
            return self._array_refs(low, layer, d, ctx)
        if den.name == "y" and (den.sub or den.sup):
            d = self.decode(den, ctx)
            return self._array_refs("y", ctx.model.L, d, ctx)
        if low in ("a", "z") and den.sub:
            raise Unsupported(f"the derivative variable {show(den)} names no layer "
                              f"(write {{}}_N{den.name}...)", den.pos)
        if self.family(den, ctx) and self.family(den, ctx)[0] == "plain":
            return ("plain", self.plain_name(den, ctx), 0, 0)
        raise Unsupported(f"cannot differentiate with respect to {label(den)}", den.pos)

    def _array_refs(self, kind, layer, d, ctx):
        if kind != "y" and (not isinstance(layer, int) or not 0 <= layer <= ctx.model.L
                            or (kind == "z" and layer == 0)):
            items = d.sym.pre or ctx.layer_ctx
            raise OutOfRange(f"{{}}_{layer}{kind} does not exist", d.sym.pos,
                             bool(items) and is_free_index(items[0], ctx))
        sample = d.sample if d.sample is not None else ctx.sample_hint
        key = "y" if kind == "y" else kind
        lay = -1 if kind == "y" else layer
        if d.node is not None:
            if sample is None or sample == "all":
                raise Unsupported("the derivative variable needs a sample index", d.sym.pos)
            return (key, lay, self._check_node(d.node, layer, ctx) - 1, sample - 1)
        if sample is None:
            raise Unsupported("the derivative variable needs _S or a sample index", d.sym.pos)
        cols = range(ctx.model.n) if sample == "all" else [sample - 1]
        return [[(key, lay, r, s) for s in cols] for r in range(ctx.model.sizes[layer])]

    def ref_value(self, ref, ctx):
        kind, layer, r, c = ref
        if kind == "plain":
            for key, value in ctx.overrides:
                if key == ref:
                    return value
            return generic_value(layer, ctx.point)
        if kind == "y":
            return ctx.model.targets(ctx.overrides).data[r][c]
        Z, A, W = ctx.model.forward(ctx.overrides)
        return {"w": W, "a": A, "z": Z}[kind][layer].data[r][c]

    def is_cost(self, node) -> bool:
        node = strip(node)
        return isinstance(node, S.Sym) and node.name == "\\Lambda"

    def cost_gradient(self, num, refs, ctx):
        """The ground truth when d Lambda / d w is asked for at the unperturbed point, else None."""
        if not self.is_cost(num) or ctx.overrides:
            return None
        if isinstance(refs, tuple) and refs[0] == "w":
            key = tuple(refs[1:])
            return ctx.model.truth_entries([key])[key]
        if isinstance(refs, list) and refs and refs[0][0][0] == "w":
            values = ctx.model.truth_entries([tuple(ref[1:]) for row in refs for ref in row])
            return Mat([[values[tuple(ref[1:])] for ref in row] for row in refs])
        return None
