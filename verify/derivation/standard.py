"""The standard textbook notation (seeds 002 and 003, Nielsen's book): layers l = 1 (input) .. L.

==============================  ===============================================================
``W^{(l)}``, ``w^{(l)}_{jk}``   weights into layer l from layer l-1 (row j on layer l, column k)
``a^{(l)}``, ``z^{(l)}``        (m_l × n) matrices, a column vector for n = 1; ``a^{(l)}_j`` entry
``x``, ``y``                    input a^{(1)} and targets; ``x_j``, ``y_j`` entries
``C``, ``E``, ``J``             the batch cost (front matter cost), a scalar
``\\sigma``, ``\\sigma'``         activation and its derivative (``\\phi`` too)
``\\delta^{(l)}``                defined by the document (``:=``), then checked where used
``\\odot``                       Hadamard product; juxtaposition and ``\\cdot`` the matrix product
``L``                           the output layer; the superscript may be ``^{(l)}`` or ``^{l}``
==============================  ===============================================================

``input_layer: 0`` in the front matter numbers the input layer 0 instead of 1.
"""
from __future__ import annotations

from fractions import Fraction

import mpmath

from . import syntax as S
from .evaluate import ev, flat, generic_value, index_value, is_free_index
from .notation import PaperNotation
from .symbols import Decoded, is_T, label, strip, transpose_of
from .values import Mat, OutOfRange, Unsupported, elementwise, hadamard, matmul, scale

__all__ = ["StandardNotation"]

_COSTS = ("C", "E", "J")


class StandardNotation(PaperNotation):
    name = "standard"

    @property
    def base(self) -> int:
        return int(self.config.input_layer)

    def index_constant(self, name, ctx):
        if name == "n":
            return ctx.model.n
        if name == "L":
            return ctx.model.L + self.base
        return None

    def layer_size(self, layer, ctx, pos=-1):
        return super().layer_size(layer - self.base, ctx, pos)

    def layer_domain(self, model):
        return range(self.base, model.L + self.base + 1)

    def layer_items(self, sym, ctx):
        return [strip(x) for x in sym.sup if not is_T(x)]

    def layer_binding(self, paper_layer):
        return paper_layer + self.base

    def product(self, op, a, b, pos):
        if op in ("odot", "*", "circ"):
            return hadamard(a, b, pos, "⊙")
        if not (isinstance(a, Mat) and isinstance(b, Mat)):
            return scale(a, b)
        if op == "juxt" and a.cols != b.rows and (a.rows, a.cols) == (b.rows, b.cols):
            return hadamard(a, b, pos, "")  # sigma(z)(1 - sigma(z)) of vectors: only element-wise fits
        return matmul(a, b, pos, "·")

    # ---------------------------------------------------------- decoding
    def _std_layer(self, sym, ctx):
        sup = [x for x in sym.sup if not is_T(x)]
        if not sup:
            return None
        return index_value(strip(sup[0]), ctx)

    def _nodes(self, sym, ctx):
        """Subscript indices: ``_{jk}``, ``_{j,k}``, ``_{12}`` -> list of index nodes/ints."""
        if not sym.sub:
            return []
        if len(sym.sub) > 1:
            return list(sym.sub)
        item = sym.sub[0]
        text = flat(item)
        if text and len(text) > 1 and (text.isdigit() or text.isalpha()):
            return [S.Num(item.pos, Fraction(int(ch))) if ch.isdigit() else S.Sym(item.pos, ch)
                    for ch in text]
        return [item]

    def decode(self, sym, ctx) -> Decoded:
        d = Decoded(sym)
        d.T = bool(sym.sup) and is_T(sym.sup[-1])
        layer = self._std_layer(sym, ctx)
        d.layer = None if layer is None else layer - self.base
        nodes = self._nodes(sym, ctx)
        d.node = nodes[0] if nodes else None
        d.node2 = nodes[1] if len(nodes) > 1 else None
        d.sample = "all" if d.node is None else (1 if ctx.model.n == 1 else ctx.sample_hint)
        return d

    def _paper_layer_ok(self, sym, layer, ctx, lo, hi, what):
        if not lo <= layer <= hi:
            sup = [x for x in sym.sup if not is_T(x)]
            raise OutOfRange(f"{what} of layer {layer + self.base} does not exist", sym.pos,
                             bool(sup) and is_free_index(strip(sup[0]), ctx))

    # ---------------------------------------------------------- values
    def value(self, sym, ctx):
        name = sym.name
        if name == "n" and not (sym.sub or sym.sup or sym.pre):
            return mpmath.mpf(ctx.model.n)
        if name == "e" and sym.sup and not sym.sub:
            return elementwise(mpmath.exp, ev(sym.sup[0], ctx))
        if name in _COSTS and not sym.sub and not sym.sup:
            return ctx.model.cost(ctx.overrides)
        if name in ("W", "w", "a", "z") and self._std_layer(sym, ctx) is not None:
            return self._std_network(sym, ctx)
        if name in ("x", "y"):
            return self._io(sym, ctx)
        fam = self.family(sym, ctx)
        if fam is not None and fam[0] != "plain":
            return self._family(fam, sym, ctx)
        if name in ("\\phi", "\\varphi", "\\sigma", "\\lambda"):
            raise Unsupported(f"{name} needs an argument", sym.pos)
        return self._plain(sym, ctx)

    def _std_network(self, sym, ctx):
        d = self.decode(sym, ctx)
        Z, A, W = ctx.model.forward(ctx.overrides)
        if sym.name in ("W", "w"):
            pw = d.layer - 1
            self._paper_layer_ok(sym, pw, ctx, 0, ctx.model.L - 1, "W")
            M = W[pw]
            if d.node is None:
                return transpose_of(M) if d.T else M
            if d.node2 is None:
                raise Unsupported("a weight needs two indices w^{(l)}_{jk}", sym.pos)
            j, k = index_value(d.node, ctx), index_value(d.node2, ctx)
            self._node_ok(d.node, j, M.rows, ctx)
            self._node_ok(d.node2, k, M.cols, ctx)
            return M.data[j - 1][k - 1]
        lo = 1 if sym.name == "z" else 0
        self._paper_layer_ok(sym, d.layer, ctx, lo, ctx.model.L, sym.name)
        M = (Z if sym.name == "z" else A)[d.layer]
        return self._pick(M, d, sym, ctx)

    def _node_ok(self, node, value, size, ctx):
        if not 1 <= value <= size:
            raise OutOfRange(f"index {value} out of range 1..{size}", node.pos, is_free_index(node, ctx))

    def _pick(self, M, d, sym, ctx):
        if d.node is None:
            return transpose_of(M) if d.T else M
        j = index_value(d.node, ctx)
        self._node_ok(d.node, j, M.rows, ctx)
        if d.sample is None:
            raise Unsupported(f"{sym.name}_j with n > 1 samples needs a sample (use the matrix)", sym.pos)
        return M.data[j - 1][d.sample - 1]

    def _io(self, sym, ctx):
        d = self.decode(sym, ctx)
        M = ctx.model.X if sym.name == "x" else ctx.model.targets(ctx.overrides)
        if sym.name == "x":
            M = ctx.model.forward(ctx.overrides)[1][0]
        return self._pick(M, d, sym, ctx)

    # ---------------------------------------------------------- definable families
    def family(self, sym, ctx):
        name = sym.name
        if name == "\\delta" and self._std_layer(sym, ctx) is not None:
            return ("delta", self._std_layer(sym, ctx) - self.base)
        if name in ("W", "w", "a", "z", "x", "y", "e", "n") or name in _COSTS:
            return None
        if name in ("\\phi", "\\varphi", "\\sigma", "\\lambda"):
            return None
        return ("plain", self.plain_name(sym, ctx))

    def pattern(self, sym, ctx) -> dict:
        out = {"layer": None, "node": None, "sample": None, "entry": False, "column": False}
        sup = [x for x in sym.sup if not is_T(x)]
        if sup:
            text = flat(strip(sup[0]))
            if text and text.isalpha() and text in ctx.free:
                out["layer"] = text
        nodes = self._nodes(sym, ctx)
        if nodes:
            out["node"] = flat(nodes[0])
            out["entry"] = True
            out["sample_const"] = 1
        return out

    def family_label(self, fam) -> str:
        kind, key = fam
        if kind == "delta":
            return f"δ^({key + self.base})"
        return super().family_label(fam)

    def index_bounds(self, sym, model):
        name = sym.name
        if name in ("x", "y"):
            layer = 0 if name == "x" else model.L
        elif name in ("a", "z", "w", "W", "\\delta"):
            sup = [x for x in sym.sup if not is_T(x)]
            text = flat(strip(sup[0])) if sup else None
            if not text or not text.isdigit():
                return []
            layer = int(text) - self.base
        else:
            return []
        letters = [ch for ch in (flat(sym.sub[0]) or "") if ch.isalpha()] if len(sym.sub) == 1 else \
            [flat(x) for x in sym.sub if flat(x) and flat(x).isalpha()]
        if name in ("w", "W"):
            if not 1 <= layer <= model.L:
                return []
            sizes = [model.sizes[layer], model.sizes[layer - 1]]
            return [(ch, size) for ch, size in zip(letters, sizes, strict=False)]
        if not 0 <= layer <= model.L or not letters:
            return []
        return [(letters[0], model.sizes[layer])]

    def index_roles(self, sym):
        out = []
        if sym.name == "e":
            return out
        for item in sym.sup:
            if not is_T(item):
                out.extend((x, "layer") for x in _plain_letters(item))
        for item in sym.sub:
            text = flat(item)
            if text and text.isalpha():
                out.extend((ch, "node") for ch in text)
            else:
                out.extend((x, "node") for x in _plain_letters(item))
        return [(x, r) for x, r in out if x not in ("n", "L", "T")]

    # ---------------------------------------------------------- derivatives
    def refs(self, den, ctx):
        den = strip(den)
        if not isinstance(den, S.Sym):
            raise Unsupported("can only differentiate with respect to a symbol", getattr(den, "pos", -1))
        name = den.name
        if name in ("W", "w", "a", "z") and self._std_layer(den, ctx) is not None:
            d = self.decode(den, ctx)
            if name in ("W", "w"):
                pw = d.layer - 1
                self._paper_layer_ok(den, pw, ctx, 0, ctx.model.L - 1, "W")
                rows, cols = ctx.model.sizes[pw + 1], ctx.model.sizes[pw]
                if d.node is None:
                    return [[("w", pw, r, c) for c in range(cols)] for r in range(rows)]
                if d.node2 is None:
                    raise Unsupported("a weight needs two indices w^{(l)}_{jk}", den.pos)
                j, k = index_value(d.node, ctx), index_value(d.node2, ctx)
                self._node_ok(d.node, j, rows, ctx)
                self._node_ok(d.node2, k, cols, ctx)
                return ("w", pw, j - 1, k - 1)
            lo = 1 if name == "z" else 0
            self._paper_layer_ok(den, d.layer, ctx, lo, ctx.model.L, name)
            rows = ctx.model.sizes[d.layer]
            if d.node is None:
                return [[(name, d.layer, r, s) for s in range(ctx.model.n)] for r in range(rows)]
            if d.sample is None:
                raise Unsupported("the derivative variable needs a sample", den.pos)
            j = index_value(d.node, ctx)
            self._node_ok(d.node, j, rows, ctx)
            return (name, d.layer, j - 1, d.sample - 1)
        if name == "x":
            d = self.decode(den, ctx)
            if d.node is None:
                return [[("a", 0, r, s) for s in range(ctx.model.n)] for r in range(ctx.model.sizes[0])]
            j = index_value(d.node, ctx)
            self._node_ok(d.node, j, ctx.model.sizes[0], ctx)
            return ("a", 0, j - 1, (d.sample or 1) - 1)
        if name == "y":
            d = self.decode(den, ctx)
            rows = ctx.model.sizes[-1]
            if d.node is None:
                return [[("y", -1, r, s) for s in range(ctx.model.n)] for r in range(rows)]
            j = index_value(d.node, ctx)
            self._node_ok(d.node, j, rows, ctx)
            return ("y", -1, j - 1, (d.sample or 1) - 1)
        fam = self.family(den, ctx)
        if fam and fam[0] == "plain":
            return ("plain", self.plain_name(den, ctx), 0, 0)
        raise Unsupported(f"cannot differentiate with respect to {label(den)}", den.pos)

    def ref_value(self, ref, ctx):
        if ref[0] == "plain":
            for key, value in ctx.overrides:
                if key == ref:
                    return value
            return generic_value(ref[1], ctx.point)
        return super().ref_value(ref, ctx)

    def is_cost(self, node) -> bool:
        node = strip(node)
        return isinstance(node, S.Sym) and node.name in _COSTS and not node.sub and not node.sup


def _plain_letters(item):
    return [x.name for x in S.walk(item) if isinstance(x, S.Sym) and len(x.name) == 1 and x.name.isalpha()
            and not x.sub and not x.sup and not x.pre]
