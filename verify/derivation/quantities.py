"""Network quantities of a table notation: their values, entries, derivative variables and the truth.

A spec (``W[l](j,k)``, ``a[L](k,i)``, ...) is turned into numbers of the document's model: the whole
matrix in the paper's orientation (one column per sample, W_N of shape (m_{N+1}, m_N)), transposed for a
row-per-sample layout, or one entry picked by its node/sample indices.
"""
from __future__ import annotations

from dataclasses import replace

import mpmath

from .evaluate import flat, index_value, is_free_index
from .gradients import grad_value
from .patterns import FAMILIES, is_sample_word
from .symbols import strip, transpose_of
from .values import Mat, OutOfRange, Unsupported

__all__ = ["Quantities"]

_ARRAYS = ("b", "z", "a", "a1", "x", "y", "delta", "grad_a")


class Quantities:
    """Values of table specs (used by :class:`verify.derivation.table.TableNotation`)."""

    def _sample_item(self, item, ctx, pos):
        """(sample, free) of a sample index: a number or letter, or S1, Sx, Sn, S (all) with a prefix."""
        prefix = self.table.sample_prefix
        if not prefix:
            return index_value(strip(item), ctx), is_free_index(strip(item), ctx)
        text = flat(strip(item))
        if not is_sample_word(text, prefix):
            raise Unsupported(f"expected a sample index such as {prefix}1, {prefix}x, {prefix}n or {prefix}",
                              pos)
        rest = text[len(prefix):]
        if rest == "":
            return "all", False
        if rest.isdigit():
            return int(rest), False
        if rest == self.table.batch:
            return ctx.model.n, False
        if rest in ctx.bind:
            return ctx.bind[rest], True
        raise Unsupported(f"sample index {text} has no value here", pos)

    # ---------------------------------------------------------- layers
    def _doc_layer(self, spec, bind, ctx, pos):
        key = spec.layer
        if key is None:
            return None
        if key in bind:
            return index_value(strip(bind[key]), ctx)
        if key == "L":
            return ctx.model.L + self.base
        if key.startswith("L-"):
            return ctx.model.L + self.base - int(key[2:])
        return int(key)

    def _free(self, bind, key, ctx) -> bool:
        return key in bind and is_free_index(strip(bind[key]), ctx)

    def _paper(self, spec, bind, ctx, pos):
        """The paper layer P of a node array, or the paper weight index N of W/Wb."""
        doc = self._doc_layer(spec, bind, ctx, pos)
        if spec.quantity in ("x", "y", "label"):
            return 0 if spec.quantity == "x" else ctx.model.L
        if spec.quantity in ("W", "Wb"):
            N = doc - self.base - (1 if self.table.weights == "into" else 0)
            if not 0 <= N < ctx.model.L:
                raise OutOfRange(f"{spec.quantity} of layer {doc} does not exist", pos,
                                 self._free(bind, spec.layer, ctx))
            return N
        P = doc - self.base
        lo = 1 if spec.quantity in ("z", "b", "delta") else 0
        if not lo <= P <= ctx.model.L:
            raise OutOfRange(f"{spec.quantity} of layer {doc} does not exist", pos,
                             self._free(bind, spec.layer, ctx))
        return P

    # ---------------------------------------------------------- whole matrices (paper orientation)
    def _matrix(self, q, P, ctx, pos):
        Z, A, W = ctx.model.forward(ctx.overrides)
        if q == "W":
            return W[P]
        if q == "Wb":
            if not self.config.bias:
                return W[P]
            B = ctx.model.biases(ctx.overrides)[P]
            return Mat([[B.data[r][0]] + W[P].data[r] for r in range(W[P].rows)])
        if q == "b":
            if ctx.model.b is None:
                raise Unsupported("the network has no biases (front matter bias: true)", pos)
            return ctx.model.biases(ctx.overrides)[P - 1]
        if q in ("z", "a", "x"):
            return (Z if q == "z" else A)[P]
        if q == "a1":
            M = A[P]
            return M if not self.config.bias or P == ctx.model.L else Mat([[1] * M.cols] + M.data)
        if q == "y":
            return ctx.model.targets(ctx.overrides)
        if q == "grad_a":
            from .truth import delta_truth

            if ctx.overrides:
                raise Unsupported("the gradient inside a derivative", pos)
            return delta_truth(ctx.model, "outdelta", ctx.model.L)
        raise Unsupported(f"cannot evaluate {q}", pos)

    def quantity(self, found, sym, ctx):
        spec, bind, T = found
        q = spec.quantity
        if q == "cost":
            return ctx.model.cost(ctx.overrides)
        if q == "sample_cost":
            return self._sample_cost(self._sample(spec, bind, 0, ctx, sym.pos), ctx)
        if q == "batch":
            return mpmath.mpf(ctx.model.n)
        if q == "size":
            return mpmath.mpf(ctx.model.sizes[self._doc_layer(spec, bind, ctx, sym.pos) - self.base])
        if q in FAMILIES:
            return self._defined(spec, bind, T, sym, ctx)
        if q == "grad_W":
            return self._cost_gradient(spec, bind, T, sym, ctx)
        if q == "grad_Wb":
            return grad_value(self, spec, bind, T, sym, ctx)
        if q == "label":
            return mpmath.mpf(self._label(self._sample(spec, bind, 0, ctx, sym.pos), ctx))
        try:
            P = self._paper(spec, bind, ctx, sym.pos)
        except OutOfRange as exc:   # {}_E W: a weight matrix beyond the network, if the document defines it
            if q == "W" and not exc.free:
                return self._defined_weight(spec, bind, T, sym, ctx, exc)
            raise
        M = self._matrix(q, P, ctx, sym.pos)
        return self._pick(M, spec, bind, T, ctx, sym.pos, lo=self._first_index(q, P, ctx))

    def _cost_gradient(self, spec, bind, T, sym, ctx):
        """grad_W: d cost / d W of a layer, the ground truth (the paper's {}_N\\nabla_{B_k})."""
        N = self._paper(replace(spec, quantity="W"), bind, ctx, sym.pos)
        if ctx.overrides:
            raise Unsupported("the gradient inside a derivative", sym.pos)
        value = ctx.model.truth_matrix(N)
        return transpose_of(value) if T else value

    def _first_index(self, q, P, ctx) -> int:
        """0 where a bias unit/column sits at index 0 (theta with bias: true), else 1."""
        if self.config.bias and (q == "Wb" or (q == "a1" and P < ctx.model.L)):
            return 0
        return 1

    def _sample_cost(self, s, ctx):
        _, A, _ = ctx.model.forward(ctx.overrides)
        Y = ctx.model.targets(ctx.overrides)
        out = A[ctx.model.L]
        return mpmath.fsum(ctx.model.lam(out.data[j][s - 1], Y.data[j][s - 1]) for j in range(out.rows))

    def _label(self, sample, ctx):
        Y = ctx.model.targets(ctx.overrides)
        col = [Y.data[r][sample - 1] for r in range(Y.rows)]
        return col.index(max(col)) + 1

    def _default_sample(self, ctx, pos):
        if ctx.sample_hint is not None:
            return ctx.sample_hint
        if ctx.model.n == 1:
            return 1
        raise Unsupported("an entry needs a sample here (n > 1): use the matrix or sum over the samples", pos)

    def _sample(self, spec, bind, k, ctx, pos):
        if len(spec.index) > k and spec.index[k] in bind:
            s, free = self._sample_item(bind[spec.index[k]], ctx, pos)
            if s != "all" and not 1 <= s <= ctx.model.n:
                raise OutOfRange(f"sample {s} does not exist (n = {ctx.model.n})", pos, free)
            return s
        if len(spec.index) > k and spec.index[k] == "*":
            return "all"
        return self._default_sample(ctx, pos)

    def _node(self, spec, bind, k, ctx, size, pos, lo=1):
        """The index written in slot k, checked against lo..size-1+lo; None for '*'."""
        letter = spec.index[k]
        if letter == "*":
            return None
        j = index_value(strip(bind[letter]), ctx)
        if not lo <= j <= size - 1 + lo:
            why = " (0 is the bias)" if lo == 0 else ""
            if j == 0 and spec.quantity in ("Wb", "a1") and not self.config.bias:
                why = ": no bias column or unit (front matter bias: false)"
            what = {("W", 0): "target node", ("W", 1): "source node", ("Wb", 0): "target node",
                    ("Wb", 1): "source node"}.get((spec.quantity, k), "node")
            raise OutOfRange(f"{what} {j} out of range {lo}..{size - 1 + lo} (it does not exist){why}", pos,
                             self._free(bind, letter, ctx))
        return j

    def _pick(self, M, spec, bind, T, ctx, pos, lo=1):
        """The whole matrix (in the document's layout) or the entry the spec's indices name."""
        rows_layout = self.table.layout == "rows"
        if not spec.index:
            out = transpose_of(M) if rows_layout else M
            return transpose_of(out) if T else out
        if spec.quantity in ("W", "Wb"):
            if len(spec.index) < 2:
                raise Unsupported("a weight needs both indices", pos)
            r = self._node(spec, bind, 0, ctx, M.rows, pos)
            c = self._node(spec, bind, 1, ctx, M.cols, pos, lo=lo)
            return M.data[r - 1][c - lo]
        j = self._node(spec, bind, 0, ctx, M.rows, pos, lo=lo)
        if spec.quantity == "b" and j is not None:   # a bias has no sample
            return M.data[j - 1][0]
        s = self._sample(spec, bind, 1, ctx, pos) if (j is not None or len(spec.index) > 1) else "all"
        if j is None and s == "all":   # {}_N A_S: every sample
            out = transpose_of(M) if rows_layout else M
            return transpose_of(out) if T else out
        if j is None:
            col = Mat([[row[s - 1]] for row in M.data])
            return transpose_of(col) if rows_layout != T else col
        if s == "all":
            return Mat([M.data[j - lo]])
        return M.data[j - lo][s - 1]

    def entry_of(self, value, sub, ctx, pos, col0=False):
        """Entry (i, j) (1-based; j from 0 with ``col0``) of a defined matrix, or component k of a vector."""
        from .patterns import split_items

        if not isinstance(value, Mat):
            raise Unsupported("an index on a scalar", pos)
        items = split_items(sub)
        idx = [index_value(x, ctx) for x in items]
        if len(idx) == 1 and 1 in (value.rows, value.cols):
            idx = [idx[0], 1] if value.cols == 1 else [1, idx[0]]
        if len(idx) != 2:
            raise Unsupported("an entry needs a row and a column", pos)
        r, c = idx
        c += 1 if col0 else 0
        if not (1 <= r <= value.rows and 1 <= c <= value.cols):
            raise OutOfRange(f"entry ({r},{c}) of a {value.rows}×{value.cols} matrix", pos,
                             all(is_free_index(x, ctx) for x in items))
        return value.data[r - 1][c - 1]

    def network_output(self, x, ctx, pos):
        """h(x): the network's output for the input column(s) ``x`` (the forward pass of eqs 9, 13)."""
        if not isinstance(x, Mat) or x.rows != ctx.model.sizes[0]:
            raise Unsupported("h(x) needs an input column of the input layer's size", pos)
        _, _, W = ctx.model.forward(ctx.overrides)
        B = ctx.model.biases(ctx.overrides)
        a = x
        for N in range(ctx.model.L):
            z = Mat([[mpmath.fsum(W[N].data[r][k] * a.data[k][s] for k in range(a.rows))
                      + (B[N].data[r][0] if B else 0) for s in range(a.cols)] for r in range(W[N].rows)])
            if N + 1 == ctx.model.L and ctx.model.softmax:
                raise Unsupported("h(x) with a softmax output", pos)
            a = z.map(ctx.model.phi_out if N + 1 == ctx.model.L else ctx.model.phi)
        return a
