"""The theta notation (seed 002, Andrew Ng's course): parameters theta^{(l)} with the bias as column 0.

==================================  ==============================================================
``\\theta^{(l)}``, ``\\Theta^{(l)}``    parameters from layer l to layer l+1: (m_{l+1} x (1 + m_l)),
                                    column 0 the bias b, columns 1..m_l the weights W (paper W_{l-1}
                                    with the input layer l = 1)
``\\theta^{(l)}_{jk}``               row j = 1..m_{l+1} (node on layer l+1), column k = 0..m_l (0: bias)
``\\bar\\theta^{(l)}``                theta without its bias column (= W), columns 1..m_l
``a^{(l)}``                         activations of layer l with the bias unit a_0 = 1 on top
                                    ((1 + m_l) x n) for every layer but the output one
``a^{(l)}_j``, ``z^{(l)}``           unit j (j = 0 is the bias unit), pre-activations (m_l x n)
``x``, ``y``                        input (without the bias unit) and targets
``J``, ``J(\\theta)``, ``C``, ``E``    the batch cost of the front matter, a scalar
``g``, ``g'``                       the activation and its derivative (``\\sigma``, ``\\phi`` too)
``\\delta^{(l)}``                    defined by the document
``\\odot``, ``*``                    element-wise (MATLAB's ``.*``); juxtaposition the matrix product
==================================  ==============================================================

Without ``bias: true`` theta is W and a^{(l)} has no bias unit. ``input_layer: 0`` numbers layers from 0.
"""
from __future__ import annotations

from . import syntax as S
from .evaluate import ev, flat, index_value
from .standard import StandardNotation
from .symbols import derivative_of, strip, transpose_of
from .values import Mat, OutOfRange, Unsupported, elementwise

__all__ = ["ThetaNotation", "THETAS", "BARS"]

THETAS = ("\\theta", "\\Theta", "\\vartheta")
BARS = ("\\bar\\theta", "\\bar\\Theta", "\\bar\\vartheta")
_COSTS = ("C", "E", "J")


class ThetaNotation(StandardNotation):
    name = "theta"

    @property
    def bias(self) -> bool:
        return bool(self.config.bias)

    # ---------------------------------------------------------- decoding
    def _nodes(self, sym, ctx):
        """``_{jk}``, ``_{j0}``, ``_{10}``: one index per character; ``_{j,k}`` as written."""
        if len(sym.sub) == 1:
            text = flat(sym.sub[0])
            if text and len(text) > 1 and text.isalnum():
                return [S.Num(sym.sub[0].pos, int(ch)) if ch.isdigit() else S.Sym(sym.sub[0].pos, ch)
                        for ch in text]
        return super()._nodes(sym, ctx)

    def _theta_layer(self, sym, ctx) -> int:
        """The paper index N of theta^{(l)} (it maps layer l to layer l+1), checked."""
        N = self._std_layer(sym, ctx) - self.base
        if not 0 <= N < ctx.model.L:
            raise OutOfRange(f"theta^({N + self.base}) does not exist (theta^({self.base}).."
                             f"theta^({ctx.model.L - 1 + self.base}))", sym.pos, self._free_layer(sym, ctx))
        return N

    def _free_layer(self, sym, ctx) -> bool:
        from .evaluate import is_free_index
        from .symbols import is_T

        sup = [x for x in sym.sup if not is_T(x)]
        return bool(sup) and is_free_index(strip(sup[0]), ctx)

    def _has_bias_column(self, sym) -> bool:
        return self.bias and sym.name in THETAS

    def _column(self, sym, node, ctx, cols) -> int:
        """Column k of theta (0 = bias) -> 0-based column of [b | W] or of W."""
        k = index_value(node, ctx)
        lo = 0 if self._has_bias_column(sym) else 1
        if not lo <= k <= cols:
            what = "theta has columns 0..{}" if lo == 0 else "columns 1..{} (no bias column)"
            raise OutOfRange(f"column {k} out of range: {what.format(cols)}", node.pos,
                             self._free_node(node, ctx))
        return k

    @staticmethod
    def _free_node(node, ctx) -> bool:
        from .evaluate import is_free_index

        return is_free_index(node, ctx)

    # ---------------------------------------------------------- values
    def value(self, sym, ctx):
        if sym.name in THETAS + BARS and self._std_layer(sym, ctx) is not None:
            return self._theta(sym, ctx)
        if sym.name == "a" and self.bias and self._std_layer(sym, ctx) is not None:
            return self._activation(sym, ctx)
        return super().value(sym, ctx)

    def _theta(self, sym, ctx):
        N = self._theta_layer(sym, ctx)
        d = self.decode(sym, ctx)
        W = ctx.model.forward(ctx.overrides)[2][N]
        B = ctx.model.biases(ctx.overrides)
        with_bias = self._has_bias_column(sym)
        if d.node is None:
            M = Mat([[B[N].data[r][0]] + W.data[r] for r in range(W.rows)]) if with_bias else W
            return transpose_of(M) if d.T else M
        if d.node2 is None:
            raise Unsupported("a parameter needs two indices theta^{(l)}_{jk}", sym.pos)
        j = index_value(d.node, ctx)
        self._node_ok(d.node, j, W.rows, ctx)
        k = self._column(sym, d.node2, ctx, W.cols)
        return B[N].data[j - 1][0] if k == 0 else W.data[j - 1][k - 1]

    def _activation(self, sym, ctx):
        """a^{(l)} with the bias unit as row 0 (every layer but the output one)."""
        d = self.decode(sym, ctx)
        self._paper_layer_ok(sym, d.layer, ctx, 0, ctx.model.L, "a")
        A = ctx.model.forward(ctx.overrides)[1][d.layer]
        if d.layer == ctx.model.L:
            return self._pick(A, d, sym, ctx)
        M = Mat([[1] * A.cols] + A.data)
        if d.node is None:
            return transpose_of(M) if d.T else M
        j = index_value(d.node, ctx)
        if not 0 <= j <= A.rows:
            from .evaluate import is_free_index

            raise OutOfRange(f"unit {j} out of range 0..{A.rows} (0 is the bias unit)", d.node.pos,
                             is_free_index(d.node, ctx))
        if d.sample is None:
            raise Unsupported("a_j with n > 1 samples needs a sample (use the matrix)", sym.pos)
        return M.data[j][d.sample - 1]

    def apply(self, sym, args, ctx):
        if sym.name in _COSTS and not sym.sub and not sym.sup:
            return ctx.model.cost(ctx.overrides)  # J(theta): the argument only names the parameters
        if sym.name == "g" and not sym.sub and not sym.sup:
            if len(args) != 1:
                raise Unsupported("g takes one argument", sym.pos)
            fn, value = ctx.model.phi, ev(args[0], ctx)
            if sym.primes:
                return elementwise(lambda z: derivative_of(fn, z), value)
            return elementwise(fn, value)
        return super().apply(sym, args, ctx)

    def family(self, sym, ctx):
        if sym.name in THETAS + BARS and sym.sup:
            return None
        if sym.name == "g" and not sym.sub and not sym.sup:
            return None
        return super().family(sym, ctx)

    def is_cost(self, node) -> bool:
        node = strip(node)
        if (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
                and isinstance(node.right, S.Group) and node.right.kind == "("):
            node = node.left
        return super().is_cost(node)

    def index_bounds(self, sym, model):
        if sym.name in THETAS + BARS:
            from .symbols import is_T

            sup = [x for x in sym.sup if not is_T(x)]
            text = flat(strip(sup[0])) if sup else None
            if not text or not text.isdigit() or len(sym.sub) != 1:
                return []
            N = int(text) - self.base
            letters = [ch for ch in (flat(sym.sub[0]) or "") if ch.isalpha()]
            if not 0 <= N < model.L or not letters:
                return []
            return [(letters[0], model.sizes[N + 1])]
        return super().index_bounds(sym, model)

    # ---------------------------------------------------------- derivatives
    def refs(self, den, ctx):
        den = strip(den)
        if isinstance(den, S.Sym) and den.name in THETAS + BARS and self._std_layer(den, ctx) is not None:
            N = self._theta_layer(den, ctx)
            rows, cols = ctx.model.sizes[N + 1], ctx.model.sizes[N]

            def ref(r, k):
                return ("b", N, r, 0) if k == 0 else ("w", N, r, k - 1)

            d = self.decode(den, ctx)
            if d.node is None:
                first = 0 if self._has_bias_column(den) else 1
                return [[ref(r, k) for k in range(first, cols + 1)] for r in range(rows)]
            if d.node2 is None:
                raise Unsupported("a parameter needs two indices theta^{(l)}_{jk}", den.pos)
            j = index_value(d.node, ctx)
            self._node_ok(d.node, j, rows, ctx)
            return ref(j - 1, self._column(den, d.node2, ctx, cols))
        return super().refs(den, ctx)

    def ref_value(self, ref, ctx):
        if ref[0] == "b":
            return ctx.model.biases(ctx.overrides)[ref[1]].data[ref[2]][0]
        return super().ref_value(ref, ctx)

    def cost_gradient(self, num, refs, ctx):
        """The ground truth (weights and biases) when d J / d theta is asked for at the unperturbed point."""
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
