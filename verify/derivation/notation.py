"""What a symbol means: the paper's notation (seed 001) and the standard one (seeds 002/003).

Paper notation (layers L0..L_E, ``{}_N W`` couples L(N) to L(N+1), one column per sample):

=======================================  =========================================================
``{}_N w_i^j``                           weight from node i on L(N) to node j on L(N+1)
``{}_N a_{Sx}^j``, ``{}_N z_{Sx}^j``     node j of layer N, sample Sx (S1, S2, Sn, or a letter)
``{}_N A_S``, ``{}_N Z_{Sx}``            the (m_N × n) matrix / the column of sample Sx
``y_{Sx}^j``                             target of output node j
``\\Lambda_{B_k}``, ``\\lambda(a[, y])``   batch cost (1/n) Σ Σ λ and its per-node term (front matter cost)
``{}_N\\nabla_{B_k}``                     d Λ / d {}_N W (the ground truth), shape of {}_N W
``\\phi``, ``{}_{out}\\phi``               activation (front matter), output activation
``{}_N\\delta``, ``{}_{out}\\delta``,      defined by the document (``:=``), then checked where used
``{}_N D^\\phi``, ``{}_E\\theta``, X, C…
``E``                                    index of the output layer (= L)
=======================================  =========================================================

Case and bold face are ignored (``{}_2Z_{S1}^1`` is an entry, ``{}_2\\mathbf{Z}_S`` the matrix): the
indices decide the shape. Anything else with indices is a plain symbol with a reproducible random value.
"""
from __future__ import annotations

import mpmath

from . import syntax as S
from .derivatives import DerivativeMixin
from .evaluate import abstract_function, ev, flat, generic_value, index_value, is_free_index
from .families import FamilyMixin, evaluate_rule
from .symbols import Decoded, derivative_of, index_or_text, is_phi, is_T, letters, show, strip, transpose_of
from .values import Mat, OutOfRange, Undefined, Unsupported, elementwise, exp, hadamard, matmul, scale

__all__ = ["PaperNotation", "make_notation", "DEFINABLE"]

DEFINABLE = {"delta", "outdelta", "D", "theta", "W", "plain", "func"}
_RESERVED_FUNCS = {"\\phi", "\\varphi", "\\sigma", "\\lambda"}


class PaperNotation(FamilyMixin, DerivativeMixin):
    name = "paper"

    def __init__(self, config):
        self.config = config

    # ---------------------------------------------------------- constants and sizes
    def index_constant(self, name, ctx):
        if name == "n":
            return ctx.model.n
        if name == "E":
            return ctx.model.L
        return None

    def layer_size(self, layer, ctx, pos=-1):
        if not 0 <= layer <= ctx.model.L:
            raise OutOfRange(f"layer L{layer} does not exist (layers L0..L{ctx.model.L})", pos)
        return ctx.model.sizes[layer]

    def layer_domain(self, model):
        return range(0, model.L + 1)

    def layer_items(self, sym, ctx):
        """The AST items that give ``sym`` its layer (the left sub-fix here)."""
        return sym.pre or ctx.layer_ctx

    def layer_binding(self, paper_layer):
        """The value a layer letter takes for a paper layer index (identity here)."""
        return paper_layer

    def product(self, op, a, b, pos):
        if op in ("*", "circ"):
            return hadamard(a, b, pos, "*")
        if op == "juxt" and not (isinstance(a, Mat) and isinstance(b, Mat)):
            return scale(a, b)
        return matmul(a, b, pos, "⊙" if op == "odot" else "·")

    # ---------------------------------------------------------- decoding
    def _layer(self, sym, ctx):
        items = sym.pre if sym.pre else ctx.layer_ctx
        if not items:
            return None
        if flat(items[0]) == "out":
            return "out"
        return index_value(items[0], ctx)

    def _sample(self, item, ctx):
        text = flat(item)
        if text is None or text[0] not in "Ss":
            raise Unsupported("expected a sample index such as S1, Sx, Sn or S", item.pos)
        rest = text[1:]
        if rest == "":
            return "all"
        if rest.isdigit():
            value, free = int(rest), False
        elif rest == "n":
            value, free = ctx.model.n, False
        elif len(rest) == 1 and rest in ctx.bind:
            value, free = ctx.bind[rest], True
        else:
            raise Unsupported(f"sample index {text} has no value here", item.pos)
        if not 1 <= value <= ctx.model.n:
            raise OutOfRange(f"sample S{value} does not exist (n = {ctx.model.n})", item.pos, free)
        return value

    def decode(self, sym, ctx) -> Decoded:
        d = Decoded(sym)
        d.layer = self._layer(sym, ctx)
        sup = list(sym.sup)
        if sup and is_T(sup[-1]):
            d.T = True
            sup.pop()
        if sup and is_phi(sup[-1]):
            d.phi = True
            sup.pop()
        if len(sup) > 1:
            raise Unsupported("too many superscripts", sym.pos)
        d.node = sup[0] if sup else None
        sub = list(sym.sub)
        letter = sym.name.lower() if len(sym.name) == 1 else sym.name
        if letter == "w" or sym.name in ("\\Lambda", "\\nabla"):
            if letter == "w" and sub and flat(sub[0]) not in ("S", "s"):
                d.node2 = sub[0]
            return d
        if len(sub) == 2:
            d.node2, sub = sub[0], sub[1:]
        if sub:
            d.sample = self._sample(sub[0], ctx)
        return d

    def _check_node(self, node_ast, layer, ctx, what="node"):
        value = index_value(node_ast, ctx)
        size = self.layer_size(layer, ctx, node_ast.pos)
        if not 1 <= value <= size:
            raise OutOfRange(f"{what} {value} does not exist on L{layer} ({size} nodes)", node_ast.pos,
                             is_free_index(node_ast, ctx))
        return value

    # ---------------------------------------------------------- values
    def value(self, sym, ctx):
        name = sym.name
        low = name.lower() if len(name) == 1 else name
        if name == "n" and not (sym.sub or sym.sup or sym.pre):
            return mpmath.mpf(ctx.model.n)
        if name == "m" and len(sym.sub) == 1 and not sym.sup and not sym.pre:
            return mpmath.mpf(index_value(sym, ctx))
        if name == "e" and sym.sup and not sym.sub and not sym.pre:
            return elementwise(lambda x: exp(x, sym.pos), ev(sym.sup[0], ctx))
        if name == "\\Lambda":
            return ctx.model.cost(ctx.overrides)
        if name == "\\nabla" and sym.pre:
            return self._nabla(sym, ctx)
        if low in ("a", "z", "w") and (sym.pre or ctx.layer_ctx):
            return self._network(sym, ctx)
        if name in ("y", "Y") and (sym.sub or sym.sup):
            d = self.decode(sym, ctx)
            if d.sample is None:
                if ctx.sample_hint is None:
                    return self._plain(sym, ctx)
                d.sample = ctx.sample_hint
            return self._targets(d, ctx)
        fam = self.family(sym, ctx)
        if fam is not None and fam[0] != "plain":
            return self._family(fam, sym, ctx)
        if name in _RESERVED_FUNCS:
            raise Unsupported(f"{name} needs an argument", sym.pos)
        if low in ("a", "z") and sym.sub:
            raise Unsupported(f"{show(sym)} names no layer (write {{}}_N{name}...)", sym.pos)
        return self._plain(sym, ctx)

    def _nabla(self, sym, ctx):
        layer = self._layer(sym, ctx)
        if not 0 <= layer < ctx.model.L:
            raise OutOfRange(f"{{}}_{layer}\\nabla: there is no weight matrix {layer}", sym.pos,
                             is_free_index(sym.pre[0], ctx))
        if ctx.overrides:
            raise Unsupported("the gradient inside a derivative", sym.pos)
        value = ctx.model.truth_matrix(layer)
        return transpose_of(value) if sym.sup and is_T(sym.sup[-1]) else value

    def _network(self, sym, ctx):
        d = self.decode(sym, ctx)
        kind = d.letter.lower()
        Z, A, W = ctx.model.forward(ctx.overrides)
        if kind == "w":
            layer = d.layer
            if not isinstance(layer, int) or not 0 <= layer < ctx.model.L:
                free = is_free_index((sym.pre or ctx.layer_ctx)[0], ctx)
                fam = self.family(sym, ctx)
                if fam and not free and ctx.defs.find("W", layer) is not None:
                    return self._family(fam, sym, ctx)
                raise OutOfRange(f"{{}}_{layer}W does not exist (weight matrices 0..{ctx.model.L - 1})",
                                 sym.pos,
                                 free)
            if d.node is None and d.node2 is None:
                return transpose_of(W[layer]) if d.T else W[layer]
            if d.node is None or d.node2 is None:
                raise Unsupported("a weight needs both w_i^j indices", sym.pos)
            j = self._check_node(d.node, layer + 1, ctx)
            i = self._check_node(d.node2, layer, ctx)
            return W[layer].data[j - 1][i - 1]
        layer = d.layer
        if layer == "out" or layer is None:
            raise Unsupported(f"{sym.name} needs a layer", sym.pos)
        if not 0 <= layer <= ctx.model.L or (kind == "z" and layer == 0):
            raise OutOfRange(f"{{}}_{layer}{kind} does not exist", sym.pos,
                             is_free_index((sym.pre or ctx.layer_ctx)[0], ctx))
        M = (Z if kind == "z" else A)[layer]
        return self._select(M, d, layer, ctx)

    def _select(self, M, d, layer, ctx, default_sample=True):
        sample = d.sample
        if sample is None and d.node is not None and default_sample:
            sample = ctx.sample_hint
        if d.node is not None:
            if sample is None:
                raise Unsupported(f"{d.sym.name}^j needs a sample index (_{{Sx}})", d.sym.pos)
            j = self._check_node(d.node, layer, ctx)
            if sample == "all":
                return Mat([M.data[j - 1]])
            return M.data[j - 1][sample - 1]
        if sample is None:
            raise Unsupported(f"{d.sym.name} needs _S (all samples) or a sample index", d.sym.pos)
        out = M if sample == "all" else Mat([[row[sample - 1]] for row in M.data])
        return transpose_of(out) if d.T else out

    def _targets(self, d, ctx):
        Y = ctx.model.targets(ctx.overrides)
        return self._select(Y, d, ctx.model.L, ctx)

    def _plain(self, sym, ctx):
        name = self.plain_name(sym, ctx)
        rule = ctx.defs.find("plain", name)
        if rule is not None:
            return evaluate_rule(rule, {}, ctx)
        for ref, value in ctx.overrides:
            if ref == ("plain", name, 0, 0):
                return value
        if sym.name in ctx.variables:
            return generic_value(name, ctx.point)
        raise Undefined(show(sym), sym.pos)

    def plain_name(self, sym, ctx) -> str:
        """A stable name with index letters replaced by their current values: x_{1}^{2}, {}_{3}W."""

        def item(x):
            text = flat(x)
            if text is not None and not (len(text) == 1 and text in ctx.bind):
                return text
            return str(index_or_text(x, ctx))

        parts = [sym.name]
        if sym.pre:
            parts.insert(0, "{}_{" + item(sym.pre[0]) + "}")
        for mark, items in (("_", sym.sub), ("^", sym.sup)):
            if items:
                parts.append(mark + "{" + ",".join(item(x) for x in items) + "}")
        return "".join(parts)

    # ---------------------------------------------------------- definable families
    def family(self, sym, ctx):
        """(kind, layer) for a symbol the document may define, else None."""
        name = sym.name
        if name == "\\delta":
            layer = self._layer(sym, ctx)
            if layer is None:
                return ("plain", self.plain_name(sym, ctx))
            return ("outdelta", None) if layer == "out" else ("delta", layer)
        if name == "\\theta" and (sym.pre or ctx.layer_ctx):
            return ("theta", self._layer(sym, ctx))
        if name == "D" and sym.sup and is_phi(sym.sup[-1]):
            return ("D", self._layer(sym, ctx))
        if name in ("W", "w") and (sym.pre or ctx.layer_ctx):
            layer = self._layer(sym, ctx)
            if isinstance(layer, int) and not 0 <= layer < ctx.model.L:
                return ("W", layer)
            return None
        if name in ("\\Lambda", "\\nabla", "\\lambda", "\\phi", "\\varphi", "\\sigma", "e"):
            return None
        if len(name) == 1 and name.lower() in "azy" and (sym.pre or sym.sub or sym.sup):
            return None
        return ("plain", self.plain_name(sym, ctx))

    # ---------------------------------------------------------- functions
    def apply(self, sym, args, ctx):
        name = sym.name
        if name in ("\\phi", "\\varphi", "\\sigma"):
            fn = ctx.model.phi
            if sym.pre and flat(sym.pre[0]) == "out":
                fn = ctx.model.phi_out
            if len(args) != 1:
                raise Unsupported(f"{name} takes one argument", sym.pos)
            value = ev(args[0], ctx)
            if sym.primes:
                return elementwise(lambda z: derivative_of(fn, z), value)
            return elementwise(fn, value)
        if name == "\\lambda":
            return self._lambda(sym, args, ctx)
        if name.startswith("\\") and name[1:2].isupper() and name not in ("\\Lambda", "\\nabla"):
            rule = ctx.defs.find("func", name)
            if rule is not None:
                raise Unsupported(f"applying the function {name} defined in ({rule.label})", sym.pos)
            ctx.abstract.add(name)
            fn = abstract_function(name, ctx.point)
            if len(args) != 1:
                raise Unsupported(f"{name} with {len(args)} arguments", sym.pos)
            return elementwise(fn, ev(args[0], ctx))
        return None

    def _lambda(self, sym, args, ctx):
        if len(args) not in (1, 2):
            raise Unsupported("\\lambda takes (a) or (a, y)", sym.pos)
        a = ev(args[0], ctx)
        if len(args) == 2:
            y = ev(args[1], ctx)
        else:
            ref = self.refs(strip(args[0]), ctx)
            if not isinstance(ref, tuple) or ref[0] != "a" or ref[1] != ctx.model.L:
                raise Unsupported("\\lambda(a) needs an output node value {}_E a_{Sx}^j", sym.pos)
            y = ctx.model.targets(ctx.overrides).data[ref[2]][ref[3]]
        if isinstance(a, Mat) or isinstance(y, Mat):
            raise Unsupported("\\lambda of a matrix", sym.pos)
        return ctx.model.lam(a, y)

    # ---------------------------------------------------------- sums and index roles
    def sum_range(self, var, node, ctx):
        if var[0] in "Ss" and len(var) == 2:
            if node.kind not in ("in", ""):
                raise Unsupported("a sum over samples runs over B_k", node.pos)
            return 1, ctx.model.n, var[1]
        if len(var) != 1:
            raise Unsupported(f"summation index {var}", node.pos)
        if node.kind == "on":
            return 1, self.layer_size(self._layer_ref(node.rng, ctx), ctx, node.pos), var
        if node.kind == "eq" and node.upper is not None:
            return index_value(node.rng, ctx), index_value(node.upper, ctx), var
        sizes = [size for x in S.walk(node.body) if isinstance(x, S.Sym)
                 for letter, size in self.index_bounds(x, ctx.model) if letter == var]
        if node.kind == "" and sizes:   # \sum_j of y^j_{Sx}, {}_3a^j_{Sx}: the nodes of that layer
            return 1, min(sizes), var
        raise Unsupported(f"\\sum_{{{var}}} needs its range (\\forall {var} \\text{{ on }} L3, "
                          f"or {var}=1..m)",
                          node.pos)

    def _layer_ref(self, rng, ctx):
        text = flat(rng)
        if text and text[0] == "L" and text[1:].isdigit():
            return int(text[1:])
        if text == "LE":
            return ctx.model.L
        if isinstance(rng, S.Bin) and rng.op == "juxt" and flat(rng.left) == "L":
            return index_value(rng.right, ctx)
        raise Unsupported("expected a layer such as L3, LE or L(N)", rng.pos)

    def family_label(self, fam) -> str:
        """How a defined family is named in the report: {}_3δ, {}_{out}δ, {}_2D^φ, ..."""
        kind, key = fam
        names = {"delta": f"{{}}_{key}δ", "outdelta": "{}_{out}δ", "D": f"{{}}_{key}D^φ",
                 "theta": f"{{}}_{key}θ", "W": f"{{}}_{key}W"}
        return names.get(kind, str(key))

    def index_bounds(self, sym, model):
        """(letter, size) for node letters of ``sym`` when its layer is constant (indices.node_bounds)."""
        low = sym.name.lower() if len(sym.name) == 1 else sym.name
        if low not in ("a", "z", "w", "y", "\\delta", "\\theta", "d"):
            return []
        if low == "y":
            layer = model.L
        elif not sym.pre:
            return []
        else:
            text = flat(sym.pre[0])
            if text in ("out", "E"):
                layer = model.L
            elif text and text.isdigit():
                layer = int(text)
            else:
                return []
        sup = [x for x in sym.sup if not is_T(x) and not is_phi(x)]
        out = []
        if low == "w":
            if 0 <= layer < model.L:
                out += [(flat(x), model.sizes[layer + 1]) for x in sup if _letter(x)]
                out += [(flat(x), model.sizes[layer]) for x in sym.sub[:1] if _letter(x)]
            return out
        if 0 <= layer <= model.L:
            out += [(flat(x), model.sizes[layer]) for x in sup if _letter(x)]
            if len(sym.sub) == 2 and _letter(sym.sub[0]):
                out.append((flat(sym.sub[0]), model.sizes[layer]))
        return out

    def index_roles(self, sym):
        """(letter, role) for the index letters of ``sym``; role in layer/node/sample."""
        out = []
        if sym.name == "e" and sym.sup and not sym.sub and not sym.pre:
            return out
        items_sub = [] if sym.name in ("\\Lambda", "\\nabla") else list(sym.sub)
        for item in sym.pre:
            if flat(item) != "out":
                out.extend((x, "layer") for x in letters(item))
        for item in items_sub:
            text = flat(item)
            if text and text[0] in "Ss" and len(text) == 2 and text[1].isalpha():
                out.append((text[1], "sample"))
            elif text and text[0] in "Ss" and (len(text) == 1 or text[1:].isdigit()):
                continue
            else:
                out.extend((x, "node") for x in letters(item))
        for item in sym.sup:
            if not is_T(item) and not is_phi(item):
                out.extend((x, "node") for x in letters(item))
        return [(x, r) for x, r in out if x not in ("n", "E", "m", "S", "T")]



def _letter(x) -> bool:
    text = flat(x)
    return bool(text) and len(text) == 1 and text.isalpha() and text not in ("n", "S", "T")


def make_notation(config):
    """The paper's notation, or a table notation (a preset plus the front matter's ``symbols:``)."""
    if config.notation == "paper":
        return PaperNotation(config)
    from .presets import load_table
    from .table import TableNotation

    return TableNotation(config, load_table(config.notation, config.symbols, config.input_layer))
