"""Index roles, summation ranges and derivative variables of a table notation, and where the truth answers.

``refs`` turns a derivative's denominator into the model entries it names (("w", N, r, c), ("b", N, r, 0),
("z"|"a", P, r, s), ("y", -1, r, s), or ("plain", name, 0, 0) for a variable of an identity); d cost / d W
and d cost / d b at the unperturbed point come from the sympy ground truth (``derive.ground_truth_at``).
"""
from __future__ import annotations

from . import syntax as S
from .evaluate import generic_value
from .symbols import show, strip
from .values import Mat, OutOfRange, Unsupported

__all__ = ["Variables"]

_KIND = {"W": "w", "Wb": "w", "b": "b", "z": "z", "a": "a", "a1": "a", "x": "a", "y": "y"}


class Variables:
    """Roles of index letters and derivative variables (a part of :class:`.table.TableNotation`)."""

    def slot_role(self, spec, letter) -> str:
        if letter == spec.layer:
            return "layer"
        if letter not in spec.index:
            return "node"
        k = spec.index.index(letter)
        bias0 = self.config.bias and spec.quantity in ("Wb", "a1")
        if spec.quantity in ("W", "Wb"):
            return "node0" if k == 1 and spec.quantity == "Wb" and bias0 else "node"
        if spec.quantity in ("label", "sample_cost") or k == 1:
            return "sample"
        return "node0" if bias0 else "node"

    def _uses(self, var, body):
        for node in S.walk(body):
            if isinstance(node, S.Sym):
                found = self.resolve(node)
                if found is None:
                    continue
                spec, bind, _ = found
                for letter, item in bind.items():
                    if isinstance(strip(item), S.Sym) and strip(item).name == var and not strip(item).sub:
                        yield spec, bind, letter, node

    def _role_in(self, var, body, ctx):
        for spec, _, letter, _ in self._uses(var, body):
            return self.slot_role(spec, letter)
        return None

    def _extent(self, var, body, ctx):
        """(lo, hi) of a summation index read from the quantities it indexes in the summand."""
        missing = None
        for spec, bind, letter, node in self._uses(var, body):
            if letter not in spec.index:
                continue
            try:
                paper = self._paper(spec, bind, ctx, node.pos)
            except OutOfRange as exc:   # this instance of the equation does not exist
                missing = exc
                continue
            except Exception:  # noqa: BLE001 - the layer may not be known here; try the next use
                continue
            extent = self._slot_extent(spec, spec.index.index(letter), paper, ctx.model)
            if extent is not None:
                return extent
        if missing is not None and missing.free:
            raise missing
        return None

    def _slot_extent(self, spec, k, paper, model):
        q = spec.quantity
        if q in ("W", "Wb"):
            if k == 0:
                return 1, model.sizes[paper + 1]
            lo = 0 if q == "Wb" and self.config.bias else 1
            return lo, model.sizes[paper]
        if k == 1 or q == "label":
            return 1, model.n
        lo = 0 if q == "a1" and self.config.bias and paper < model.L else 1
        return lo, model.sizes[paper]

    def _slot_size(self, spec, k, doc_layer, model):
        q = spec.quantity
        paper = doc_layer - self.base - (1 if q in ("W", "Wb") and self.table.weights == "into" else 0)
        if q == "x":
            paper = 0
        elif q == "y":
            paper = model.L
        upper = model.L - 1 if q in ("W", "Wb") else model.L
        if not 0 <= paper <= upper:
            return None
        lo, hi = self._slot_extent(spec, k, paper, model)
        return hi if lo == 1 else None

    # ---------------------------------------------------------- derivatives
    def refs(self, den, ctx):
        den = strip(den)
        if isinstance(den, S.Scripted) and den.sub and not (den.sup or den.pre):   # (b_2)_k
            whole = self.refs(den.base, ctx)
            if isinstance(whole, list):
                return self.entry_of(Mat(whole), den.sub, ctx, den.pos)
        if not isinstance(den, S.Sym):
            raise Unsupported("can only differentiate with respect to a symbol", getattr(den, "pos", -1))
        den = self.in_layer(den, ctx)
        found = self.resolve(den)
        if found is not None and found[0].quantity in _KIND:
            spec, bind, T = found
            P = self._paper(spec, bind, ctx, den.pos)
            grid = self._ref_grid(spec.quantity, P, ctx, den.pos)
            lo = self._first_index(spec.quantity, P, ctx)
            picked = self._pick(grid, spec, bind, T, ctx, den.pos, lo=lo)
            if isinstance(picked, Mat):
                if any(r is None for row in picked.data for r in row):
                    raise Unsupported("the bias unit a_0 = 1 is not a variable", den.pos)
                return [list(row) for row in picked.data]
            if picked is None:
                raise Unsupported("the bias unit a_0 = 1 is not a variable", den.pos)
            return picked
        if found is None:
            self.check_layered(den, "the derivative variable ")
        if found is None and den.name in ctx.variables:
            return ("plain", self.plain_name(den, ctx), 0, 0)
        raise Unsupported(f"cannot differentiate with respect to {show(den)}", den.pos)

    def _ref_grid(self, q, P, ctx, pos) -> Mat:
        sizes, n = ctx.model.sizes, ctx.model.n
        if q in ("W", "Wb"):
            grid = [[("w", P, r, c) for c in range(sizes[P])] for r in range(sizes[P + 1])]
            if q == "Wb" and self.config.bias:
                grid = [[("b", P, r, 0)] + row for r, row in enumerate(grid)]
            return Mat(grid)
        if q == "b":
            return Mat([[("b", P - 1, r, 0)] for r in range(sizes[P])])
        kind = _KIND[q]
        layer = -1 if q == "y" else P
        grid = [[(kind, layer, r, s) for s in range(n)] for r in range(sizes[P])]
        if q == "a1" and self.config.bias and P < ctx.model.L:
            grid = [[None] * n] + grid
        return Mat(grid)

    def ref_value(self, ref, ctx):
        kind, layer, r, c = ref
        if kind == "plain":
            for key, value in ctx.overrides:
                if key == ref:
                    return value
            return generic_value(layer, ctx.point)
        if kind == "b":
            return ctx.model.biases(ctx.overrides)[layer].data[r][0]
        if kind == "y":
            return ctx.model.targets(ctx.overrides).data[r][c]
        Z, A, W = ctx.model.forward(ctx.overrides)
        return {"w": W, "a": A, "z": Z}[kind][layer].data[r][c]

    def is_cost(self, node) -> bool:
        node = strip(node)
        if (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
                and isinstance(node.right, S.Group) and node.right.kind == "("):
            node = node.left
        if not isinstance(node, S.Sym):
            return False
        found = self.resolve(node)
        return found is not None and found[0].quantity == "cost"

    def cost_gradient(self, num, refs, ctx):
        """The ground truth for d cost / d W and d cost / d b at the unperturbed point, else None."""
        if not self.is_cost(num) or ctx.overrides:
            return None

        def key(ref):
            if ref[0] == "b":
                return ("b", ref[1], ref[2])
            return tuple(ref[1:]) if ref[0] == "w" else None

        if isinstance(refs, tuple):
            k = key(refs)
            return None if k is None else ctx.model.truth_entries([k])[k]
        if isinstance(refs, list) and refs and all(key(r) is not None for row in refs for r in row):
            values = ctx.model.truth_entries([key(r) for row in refs for r in row])
            return Mat([[values[key(r)] for r in row] for row in refs])
        return None
