"""Index letters of a table notation: the role of each letter a symbol carries (layer, node, sample), the
sizes that bound a node letter, and the range of a summation index (``\\sum_{Sx}`` over the samples with a
sample prefix, ``\\sum_{j=1}^{m}``, ``\\sum_{j \\text{ on } L3}``, or read from the summand)."""
from __future__ import annotations

from . import syntax as S
from .evaluate import flat, index_value
from .patterns import is_sample_word
from .symbols import strip
from .values import Unsupported

__all__ = ["Ranges"]

_WORDS = ("out", "in")


class Ranges:
    """Roles, bounds and summation ranges (a part of :class:`.table.TableNotation`)."""

    def is_sample_var(self, name, node, ctx) -> bool:
        if name in self.table.sample_letters:
            return True
        memo = self._sample_sums   # id(sum) -> (sum, name, answer)
        known = memo.get(id(node))
        if known is None or known[0] is not node or known[1] != name:
            if len(memo) > 10_000:
                memo.clear()
            known = memo[id(node)] = (node, name, self._role_in(name, node.body, ctx) == "sample")
        return known[2]

    def sum_range(self, var, node, ctx):
        prefix = self.table.sample_prefix
        if prefix and is_sample_word(var, prefix) and var[len(prefix):].isalpha():
            if node.kind not in ("in", ""):
                raise Unsupported("a sum over samples runs over B_k", node.pos)
            return 1, ctx.model.n, var[len(prefix):]
        if len(var) != 1:
            raise Unsupported(f"summation index {var}", node.pos)
        if node.kind == "on":
            return 1, self.layer_size(self._layer_ref(node.rng, ctx), ctx, node.pos), var
        if node.kind == "eq" and node.upper is not None:
            return index_value(node.rng, ctx), index_value(node.upper, ctx), var
        if node.kind == "eq" or node.upper is not None:
            raise Unsupported(f"\\sum_{{{var}}} needs both bounds", node.pos)
        if var in self.table.sample_letters or self._role_in(var, node.body, ctx) == "sample":
            return 1, ctx.model.n, var
        size = self._extent(var, node.body, ctx)
        if size is None:
            raise Unsupported(f"\\sum_{{{var}}} needs its range: it cannot be read from the summand "
                              f"(write {var}=1..m, or \\forall {var} \\text{{ on }} L3)", node.pos)
        return size[0], size[1], var

    def _layer_ref(self, rng, ctx):
        """The layer of ``j on L3``: L3, L<output layer> (LE), or L(N)."""
        text = flat(rng)
        if text and text[0] == "L" and text[1:].isdigit():
            return int(text[1:])
        if text and text == "L" + self.table.output_layer:
            return ctx.model.L + self.base
        if isinstance(rng, S.Bin) and rng.op == "juxt" and flat(rng.left) == "L":
            return index_value(rng.right, ctx)
        raise Unsupported("expected a layer such as L3, LE or L(N)", rng.pos)

    def index_roles(self, sym):
        found = self.resolve(sym) if isinstance(sym, S.Sym) else None
        prefix = self.table.sample_prefix
        out = []
        if found is not None:
            spec, bind, _ = found
            for letter, item in bind.items():
                if not spec.uses(letter):   # \Lambda_{B_k}: any subscript, no index
                    continue
                role = self.slot_role(spec, letter)
                if role == "sample" and prefix:
                    out.extend(_sample_letter(item, prefix))
                else:
                    out.extend((x, role) for x in _letters(item))
        elif isinstance(sym, S.Sym) and sym.name != "e" and sym.name not in self.table.sizes:
            for part, role in self.table.unmatched:
                for item in getattr(sym, part):
                    text = flat(strip(item))
                    if text in _WORDS:
                        continue
                    if part == "sub" and prefix and is_sample_word(text, prefix):
                        out.extend(_sample_letter(item, prefix))
                    else:
                        out.extend((x, role) for x in _letters(item))
        skip = {self.table.batch, self.table.output_layer, "T", prefix}
        return [(x, r) for x, r in out if x not in skip]

    def index_bounds(self, sym, model):
        found = self.resolve(sym) if isinstance(sym, S.Sym) else None
        if found is None:
            return []
        spec, bind, _ = found
        if spec.quantity in ("Wb", "a1"):
            return []
        output = model.L + self.base
        if spec.quantity == "y":
            layer = output
        elif spec.layer is None:
            return []
        elif spec.layer not in bind and spec.layer == "L":
            layer = output
        else:
            item = bind.get(spec.layer)
            text = flat(item) if item is not None else spec.layer
            if text is None or not (text.isdigit() or text == self.table.output_layer):
                return []
            layer = output if text == self.table.output_layer else int(text)
        out = []
        for k, letter in enumerate(spec.index):
            item = bind.get(letter)
            if item is not None and flat(item) and flat(item).isalpha() and len(flat(item)) == 1:
                size = self._slot_size(spec, k, layer, model)
                if size:
                    out.append((flat(item), size))
        return out


def _letters(item):
    return [x.name for x in S.walk(item) if isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha()
            and not x.sub and not x.sup and not x.pre]


def _sample_letter(item, prefix):
    """[(x, "sample")] for Sx; [] for S, S1, Sn (no letter to enumerate)."""
    text = flat(strip(item)) or ""
    if is_sample_word(text, prefix):
        rest = text[len(prefix):]
        return [(rest, "sample")] if rest.isalpha() else []
    return [(x, "sample") for x in _letters(item)]
