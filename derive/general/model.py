"""Index form of the MLP with symbolic layer widths m_0..m_L and batch size n (eqs 9, 13, 14, 18-21, 83-96).

Everything is 0-based, as in sympy's matrix-expression indexing: weight ``{}_N w_i^j`` of the paper (node i of
L(N) to node j of L(N+1), 1-based) is ``W_N[j-1, i-1]`` here; sample ``Sx`` is column ``x-1``.

- ``W_N[k, l]``: IndexedBase per layer, ``W_N`` has shape (m_{N+1}, m_N); ``b_N[k]`` the optional bias of
  L(N+1); ``X[l, s]`` inputs (= A_0), ``Y[k, s]`` targets, ``Z_M[k, s]`` names of the pre-activations.
- ``cost(net)``: Lambda = (1/n) Sum_s Sum_k lambda(A_L[k, s], Y[k, s]) with every pre-activation written out
  as the nested sum Z_{M+1}[k, s] = Sum_l W_M[k, l] A_M[l, s] (+ b_M[k]) (eqs 9/13), so that ``sympy.diff``
  sees the whole network. The output layer has its own activation (eqs 95-96) or, for ``softmax_ce``, the
  softmax A_L[k, s] = exp(Z_L[k, s]) / Sum_c exp(Z_L[c, s]) over a symbolic number m_L of classes.
- the closed form of the claim: delta_L (eqs 84-88; A_L - Y by eq 27; A_L * (1 1^T Y) - Y for softmax_ce),
  delta_N = (W_N^T delta_{N+1}) * D_phi_N (eq 92), grad W_N = (1/n) delta_{N+1} A_N^T (eq 93),
  grad b_N = (1/n) delta_{N+1} 1_n, written with sympy MatrixSymbols of symbolic shape, indexed by sympy.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy import IndexedBase, MatrixSymbol, OneMatrix, Sum, Symbol, symbols
from sympy import hadamard_product as hadamard
from sympy.matrices.expressions.matexpr import MatrixElement

from derive.general.table import (
    ACTIVATIONS,
    ASSUMPTIONS,
    COSTS,
    DPHI,
    act,
    dact,
    delta_out,
    index,
    lam,
    normal_dphi,
    phi,
    width,
)

__all__ = ["ACTIVATIONS", "COSTS", "DPHI", "IndexNet", "act", "cost", "dact", "generic_indices", "index",
           "lam", "normal_dphi", "phi", "width"]


@dataclass
class IndexNet:
    """The network in index form: depth L (number of weight matrices), symbolic widths and batch size.

    ``output`` is the output layer's activation (None: the hidden one; eqs 95-96); ``softmax_ce`` puts a
    softmax there. ``bias`` adds b_N to every pre-activation (eq 9 with bias).
    """

    L: int = 3
    activation: str = "sigmoid"
    cost: str = "logloss"
    output: str | None = None
    bias: bool = False
    m: list = field(init=False)
    n: Symbol = field(init=False)
    W: list = field(init=False)
    Z: list = field(init=False)

    def __post_init__(self):
        if self.L < 1:
            raise ValueError("the network needs at least one weight matrix (L >= 1)")
        for a in (self.activation, self.output or self.activation):
            if a not in ACTIVATIONS:
                raise ValueError(f"unknown activation {a!r}; choose one of {', '.join(ACTIVATIONS)}")
        if self.cost not in COSTS:
            raise ValueError(f"unknown cost {self.cost!r}; choose one of {', '.join(COSTS)}")
        if self.softmax and self.output is not None:
            raise ValueError(f"cost softmax_ce fixes the output activation to softmax, not {self.output!r}")
        self.m = [width(f"m{N}") for N in range(self.L + 1)]
        self.n = width("n")
        self.W = [IndexedBase(f"W{N}") for N in range(self.L)]
        self.b = [IndexedBase(f"b{N}") for N in range(self.L)] if self.bias else None
        self.Z = [None] + [IndexedBase(f"Z{M}") for M in range(1, self.L + 1)]
        self.X, self.Y = IndexedBase("X"), IndexedBase("Y")

    @property
    def softmax(self):
        return self.cost == "softmax_ce"

    @property
    def out_activation(self):
        """Name of the output layer's activation ("softmax" for softmax_ce)."""
        return "softmax" if self.softmax else (self.output or self.activation)

    def act_name(self, M):
        """Activation of layer L(M), M >= 1 (the output layer may differ, eqs 95-96)."""
        return self.out_activation if M == self.L else self.activation

    def assumptions(self):
        """Conditions under which the statements hold (relu away from its kink)."""
        names = {self.activation, self.out_activation}
        return [text for name, text in ASSUMPTIONS.items() if name in names]

    def bound(self, M):
        """Upper bound m_M - 1 of an index running over the nodes of layer L(M)."""
        return self.m[M] - 1

    def softmax_of(self, z_of, r, c):
        """A_L[r, c] = exp(Z_L[r, c]) / Sum_u exp(Z_L[u, c]), with Z_L entries z_of(row, column)."""
        u = index(f"c{self.L}")
        return sp.exp(z_of(r, c)) / Sum(sp.exp(z_of(u, c)), (u, 0, self.bound(self.L)))

    def A_of(self, M, z_of, r, c):
        """A_M[r, c] from the pre-activation entries z_of(row, column) of layer M (M >= 1)."""
        name = self.act_name(M)
        if name == "softmax":
            return self.softmax_of(z_of, r, c)
        return act(name, z_of(r, c))

    def A_folded(self, M, r, c):
        """A_M[r, c] in terms of the name Z_M (after folding): X for M = 0."""
        return self.X[r, c] if M == 0 else self.A_of(M, lambda a, b: self.Z[M][a, b], r, c)

    def A_nested(self, M, r, c, bias=True):
        """A_M[r, c] with all pre-activations written out as nested sums (eqs 9/13)."""
        if M == 0:
            return self.X[r, c]
        return self.A_of(M, lambda a, b: self.Z_nested(M, a, b, bias), r, c)

    def Z_nested(self, M, r, c, bias=True):
        """Z_M[r, c] = Sum_l W_{M-1}[r, l] A_{M-1}[l, c] (+ b_{M-1}[r]) (eqs 9/13), nested down to X.

        ``bias=False`` leaves the biases out even when the network has them (a planted error in tests).
        """
        lv = index(f"l{M - 1}")
        z = Sum(self.W[M - 1][r, lv] * self.A_nested(M - 1, lv, c, bias), (lv, 0, self.bound(M - 1)))
        return z + self.b[M - 1][r] if self.bias and bias else z

    def fold_layers(self):
        """Arguments for general.rules.fold, innermost layer first."""
        return [(M, self.W[M - 1], lambda r, c, M=M: self.A_folded(M - 1, r, c), self.bound(M - 1), self.Z[M],
                 self.b[M - 1] if self.bias else None) for M in range(1, self.L + 1)]

    # ------------------------------------------------------------------------------ closed form (matrix)

    def matrices(self):
        """MatrixSymbols of symbolic shape for W_N, A_N, D_phi_N, Y and delta_out."""
        m, n = self.m, self.n
        Wm = [MatrixSymbol(f"W{N}", m[N + 1], m[N]) for N in range(self.L)]
        Am = [MatrixSymbol("X" if N == 0 else f"A{N}", m[N], n) for N in range(self.L + 1)]
        Dm = [None] + [MatrixSymbol(f"D{N}", m[N], n) for N in range(1, self.L + 1)]
        return Wm, Am, Dm, MatrixSymbol("Y", m[self.L], n), MatrixSymbol("O", m[self.L], n)

    def delta_out_matrix(self):
        """delta_L: A_L * (1 1^T Y) - Y (softmax_ce), A_L - Y (sigmoid + log-loss, eq 27), else O * D_L."""
        _, Am, Dm, Ym, Om = self.matrices()
        mL = self.m[self.L]
        if self.softmax:
            return hadamard(Am[self.L], OneMatrix(mL, mL) * Ym) - Ym
        if self.out_activation == "sigmoid" and self.cost == "logloss":
            return Am[self.L] - Ym
        return hadamard(Om, Dm[self.L])

    def delta_matrices(self, delta_L=None):
        """delta_M as matrix expressions: delta_L (or the given one), then eq 92 downwards."""
        Wm, _, Dm, _, _ = self.matrices()
        d = [None] * (self.L + 1)
        d[self.L] = self.delta_out_matrix() if delta_L is None else delta_L
        for M in range(self.L - 1, 0, -1):
            d[M] = hadamard(Wm[M].T * d[M + 1], Dm[M])
        return d

    def grad_matrix(self, N):
        """(1/n) delta_{N+1} A_N^T (eq 93 with the factor 1/n)."""
        _, Am, _, _, _ = self.matrices()
        return self.delta_matrices()[N + 1] * Am[N].T / self.n

    def grad_bias_matrix(self, N):
        """(1/n) delta_{N+1} 1_n: the bias gradient, an (m_{N+1}, 1) matrix."""
        return self.delta_matrices()[N + 1] * OneMatrix(self.n, 1) / self.n

    def entries(self, expr, z_of=None):
        """Replace MatrixElements of the closed form by index-form entries (their definitions).

        ``z_of(M, r, c)`` gives the pre-activation entry (default: the name Z_M[r, c]).
        """
        z_of = z_of or (lambda M, r, c: self.Z[M][r, c])
        L = self.L

        def entry(e):
            name, r, c = e.args[0].name, e.args[1], e.args[2]
            kind, num = name[0], name[1:]
            if name in ("X", "Y"):
                return (self.X if name == "X" else self.Y)[r, c]
            if name == "O":
                return delta_out(self.cost, self.A_of(L, lambda a, b: z_of(L, a, b), r, c), self.Y[r, c])
            if kind == "W":
                return self.W[int(num)][r, c]
            if kind == "A":
                return self.A_of(int(num), lambda a, b: z_of(int(num), a, b), r, c)
            if kind == "D":  # on a softmax layer only in a planted error: the hidden phi' there
                name = self.act_name(int(num))
                return dact(self.activation if name == "softmax" else name, z_of(int(num), r, c))
            raise ValueError(f"unexpected matrix {name}")

        return expr.replace(lambda e: isinstance(e, MatrixElement), entry)


def cost(net: IndexNet):
    """Lambda = (1/n) Sum_{s=0}^{n-1} Sum_{k=0}^{m_L-1} lambda(A_L[k, s], Y[k, s]) (eq 83), fully nested."""
    k, s = index(f"k{net.L}"), index("s")
    body = lam(net.cost, net.A_nested(net.L, k, s), net.Y[k, s])
    return Sum(body, (k, 0, net.bound(net.L)), (s, 0, net.n - 1)) / net.n


def generic_indices(net: IndexNet, N):
    """The generic weight W_N[j, i] and the ranges of j (node of L(N+1)) and i (node of L(N))."""
    j, i = symbols("j i", integer=True, nonnegative=True)
    return j, i, {j: net.bound(N + 1), i: net.bound(N)}
