"""A notation read from a table (:mod:`.presets`): what each symbol of the document means.

One class serves every notation (paper, standard, theta/ng, nielsen, index, cs231n and the user's own
``symbols:``); the differences are data: patterns, layer numbering, layout, operators, functions, costs,
sample prefix, layer context. A symbol that matches no pattern and that the document does not define is
undefined.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath

from . import syntax as S
from .evaluate import ev, flat, generic_value, index_value, is_free_index
from .families import Families, evaluate_rule
from .functions import Functions
from .patterns import match
from .quantities import Quantities
from .ranges import Ranges
from .symbols import show, strip
from .values import Mat, OutOfRange, Undefined, Unsupported, elementwise, exp, hadamard, matmul, scale
from .variables import Variables

__all__ = ["TableNotation"]


class TableNotation(Quantities, Families, Variables, Ranges, Functions):
    def __init__(self, config, table):
        self.config, self.table, self.name = config, table, table.name
        self.base = table.input_layer
        self._functions = {}
        self._by_name: dict = {}   # symbol name -> its patterns, in the table's order
        self._resolved: dict = {}  # id(symbol) -> (symbol, what resolve found)
        self._sample_sums: dict = {}   # id(sum) -> (sum, letter, whether it runs over the samples)
        for pattern in table.patterns:
            self._by_name.setdefault(pattern.sym.name, []).append(pattern)
        for latex, kind in table.functions.items():
            members, _ = S.parse_chain(latex)
            self._functions[members[0]] = kind

    # ---------------------------------------------------------- numbering and sizes
    def index_constant(self, name, ctx):
        if name == self.table.batch and not self._is_quantity(name):
            return ctx.model.n
        if name == self.table.output_layer and not self._is_quantity(name):
            return ctx.model.L + self.base
        found = self.resolve(S.Sym(-1, name))
        if found is not None and found[0].quantity in ("size", "batch"):
            return int(self.quantity(found, S.Sym(-1, name), ctx))
        return None

    def counterpart(self, sym):
        """The symbol naming z where ``sym`` names a (or a where it names z), same layer and indices."""
        found = self.resolve(sym) if isinstance(sym, S.Sym) else None
        if found is None or found[0].quantity not in ("a", "a1", "z"):
            return None
        spec, bind, T = found
        want = ("z",) if spec.quantity != "z" else ("a", "a1")
        layer = bind.get(spec.layer) if spec.layer in bind else (
            S.Num(-1, Fraction(int(spec.layer))) if spec.layer and spec.layer.isdigit() else None)
        if layer is None:
            return None
        same_case = sorted(self.table.patterns, key=lambda p: p.sym.name.isupper() != sym.name.isupper())
        for pattern in same_case:   # {}_2A_S -> {}_2Z_S, {}_2a_{S1}^j -> {}_2z_{S1}^j
            other = pattern.spec
            if other.quantity not in want or len(other.index) != len(spec.index) or other.layer is None:
                continue
            if any((o == "*") != (m == "*") for o, m in zip(other.index, spec.index, strict=True)):
                continue
            fill = {other.layer: layer} if not other.layer.isdigit() else {}
            if other.layer.isdigit() and not (isinstance(layer, S.Num) and layer.value == int(other.layer)):
                continue
            fill.update({o: bind[m] for o, m in zip(other.index, spec.index, strict=True) if m in bind})
            made = S.replace(pattern.sym, lambda x, fill=fill: fill.get(x.name) if isinstance(x, S.Sym)
                             and not (x.sub or x.sup or x.pre) and x.name in fill else None)
            if T:
                made = S.Sym(made.pos, made.name, made.pre, made.sub, made.sup + (S.Sym(-1, "T"),),
                             made.primes)
            if self.resolve(made) is not None:
                return S.Sym(sym.pos, made.name, made.pre, made.sub, made.sup, made.primes)
        return None

    def _is_quantity(self, name) -> bool:
        found = self.resolve(S.Sym(-1, name))
        return found is not None and found[0].quantity not in ("size", "batch")

    def applied(self, left, right, ctx):
        """``\\nabla_a C``: a pattern written as one symbol applied to another, else None."""
        found = self.resolve(S.Bin(-1, "juxt", left, right))
        return None if found is None else self.quantity(found, left, ctx)

    def layer_size(self, layer, ctx, pos=-1):
        paper = layer - self.base
        if not 0 <= paper <= ctx.model.L:
            raise OutOfRange(f"layer {layer} does not exist (layers {self.base}..{ctx.model.L + self.base})",
                             pos)
        return ctx.model.sizes[paper]

    def size_of(self, sym, ctx):
        if sym.name in self.table.sizes and len(sym.sub) == 1 and not sym.sup and not sym.pre:
            try:
                return self.layer_size(index_value(strip(sym.sub[0]), ctx), ctx, sym.pos)
            except OutOfRange as exc:
                raise OutOfRange(str(exc), sym.pos, is_free_index(strip(sym.sub[0]), ctx)) from None
        raise Unsupported(f"index {show(sym)} has no value here", sym.pos)

    def index_symbol(self, sym, ctx) -> int:
        """The integer value of a subscripted index symbol: a layer size M_{l-1} or a label y_i."""
        if sym.name in self.table.sizes and len(sym.sub) == 1 and not sym.sup:
            return self.size_of(sym, ctx)
        found = self.resolve(sym)
        if found is not None and found[0].quantity == "label":
            return int(self.quantity(found, sym, ctx))
        raise Unsupported(f"index {show(sym)} has no value here", sym.pos)

    def layer_domain(self, model):
        return range(self.base, model.L + self.base + 1)

    def layer_binding(self, paper_layer):
        return paper_layer + self.base

    def product(self, op, a, b, pos):
        kind = self.table.operators.get(op, "matmul")
        if not (isinstance(a, Mat) and isinstance(b, Mat)):
            return scale(a, b)
        if kind == "hadamard":
            return hadamard(a, b, pos, "*" if op in ("*", "circ") else "⊙")
        if kind == "dot":   # the matrix product only
            return matmul(a, b, pos, "⊙" if op == "odot" else "·")
        if op == "juxt" and a.cols != b.rows and (a.rows, a.cols) == (b.rows, b.cols) and 1 in (a.rows,
                                                                                                a.cols):
            return hadamard(a, b, pos, "")  # sigma(z)(1 - sigma(z)) of vectors: only element-wise fits
        return matmul(a, b, pos, "·")

    # ---------------------------------------------------------- values
    def in_layer(self, sym, ctx):
        """``sym`` inside ``{}_N(...)``: with the layer N when the table has layer context and the symbol
        then names a quantity of the table ({}_2(A^T) is {}_2A^T); else ``sym`` as written."""
        if not (self.table.layer_context and ctx.layer_ctx and isinstance(sym, S.Sym)) or sym.pre:
            return sym
        made = S.Sym(sym.pos, sym.name, tuple(ctx.layer_ctx), sym.sub, sym.sup, sym.primes)
        return made if self.resolve(made) is not None else sym

    def value(self, sym, ctx):
        sym = self.in_layer(sym, ctx)
        name = sym.name
        found = self.resolve(sym)
        if found is not None:   # the table (and the user's symbols:) first: \mathcal{L} may be the cost
            return self.quantity(found, sym, ctx)
        if not (sym.sub or sym.sup or sym.pre) and self.index_constant(name, ctx) is not None:
            return mpmath.mpf(self.index_constant(name, ctx))
        if name == "e" and sym.sup and not sym.sub and not sym.pre:
            return elementwise(lambda x: exp(x, sym.pos), ev(sym.sup[0], ctx))
        if name in self.table.sizes and len(sym.sub) == 1 and not sym.sup:
            return mpmath.mpf(self.size_of(sym, ctx))
        if self.function_kind(sym) is not None:
            raise Unsupported(f"{show(sym)} needs an argument", sym.pos)
        self.check_layered(sym)
        return self._plain(sym, ctx)

    def check_layered(self, sym, what="") -> None:
        """a_{Sx}^j where the table wants {}_N a_{Sx}^j: the layer is missing (not a plain symbol)."""
        if sym.name in self.table.layered and sym.sub and not sym.pre:
            raise Unsupported(f"{what}{show(sym)} names no layer (write {{}}_N{sym.name}...)", sym.pos)

    def resolve(self, sym):
        """(spec, bind, transposed) of the first pattern ``sym`` fits, else None."""
        known = self._resolved.get(id(sym))
        if known is not None and known[0] is sym:
            return known[1]
        name = sym.name if isinstance(sym, S.Sym) else "@apply"
        found = None
        for pattern in self._by_name.get(name, ()):
            hit = match(pattern, sym)
            if hit is not None:
                found = pattern.spec, hit[0], hit[1]
                break
        if len(self._resolved) > 50_000:
            self._resolved.clear()
        self._resolved[id(sym)] = (sym, found)   # the symbol is kept: its id is not reused meanwhile
        return found

    def _plain(self, sym, ctx):
        name = self.plain_name(sym, ctx)
        for ref, value in ctx.overrides:
            if ref == ("plain", name, 0, 0):
                return value
        rule = ctx.defs.find("plain", name)
        if rule is not None:
            return evaluate_rule(rule, rule.binds.get("keys", {}).get(name, {}), ctx)
        if sym.sub and not sym.pre:  # an entry of a defined matrix: D^{(l)}_{ij}
            whole = S.Sym(sym.pos, sym.name, (), (), sym.sup, sym.primes)
            rule = ctx.defs.find("plain", self.plain_name(whole, ctx))
            if rule is not None:
                value = evaluate_rule(rule, rule.binds.get("keys", {}).get(self.plain_name(whole, ctx), {}),
                                      ctx)
                col0 = self.config.bias and sym.name in self.table.bias_column_symbols
                return self.entry_of(value, sym.sub, ctx, sym.pos, col0)
        if sym.name in ctx.variables:
            return generic_value(name, ctx.point)
        raise Undefined(show(sym), sym.pos)

    def plain_name(self, sym, ctx) -> str:
        """A stable name with index letters replaced by their current values: D^{(2)}, dZ_{1}, {}_{3}X."""

        def item(x):
            x = strip(x)
            text = flat(x)
            if text is not None and not (len(text) == 1 and text in ctx.bind):
                return text
            try:
                return str(index_value(x, ctx))
            except Exception:  # noqa: BLE001 - a name, not a value
                return text or "?"

        parts = [sym.name]
        if sym.pre:
            parts.insert(0, "{}_{" + item(sym.pre[0]) + "}")
        for mark, items in (("_", sym.sub), ("^", sym.sup)):
            if items:
                parts.append(mark + "{" + ",".join(item(x) for x in items) + "}")
        return "".join(parts) + "'" * sym.primes

    def describe_layer(self, paper_layer: int) -> str:
        return str(paper_layer + self.base)
