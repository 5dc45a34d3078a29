"""Index form of the MLP with symbolic layer widths m_0..m_L and batch size n (eqs 9, 13, 14, 18-21, 83-93).

Everything is 0-based, as in sympy's matrix-expression indexing: weight ``{}_N w_i^j`` of the paper (node i of
L(N) to node j of L(N+1), 1-based) is ``W_N[j-1, i-1]`` here; sample ``Sx`` is column ``x-1``.

- ``W_N[k, l]``: IndexedBase per layer, ``W_N`` has shape (m_{N+1}, m_N); ``X[l, s]`` inputs (= A_0),
  ``Y[k, s]`` targets, ``Z_M[k, s]`` names of the pre-activations (used after folding).
- ``cost(net)``: Lambda = (1/n) Sum_s Sum_k lambda(A_L[k, s], Y[k, s]) with every pre-activation written out
  as the nested sum Z_{M+1}[k, s] = Sum_l W_M[k, l] A_M[l, s] (eqs 9/13), so that ``sympy.diff`` sees the
  whole network.
- the closed form of the claim: delta_L (eqs 84-88, 27), delta_N = (W_N^T delta_{N+1}) * D_phi_N (eq 92),
  grad W_N = (1/n) delta_{N+1} A_N^T (eq 93), written with sympy MatrixSymbols of symbolic shape and indexed
  by sympy itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sympy as sp
from sympy import Derivative, Function, IndexedBase, MatrixSymbol, Subs, Sum, Symbol, symbols
from sympy import hadamard_product as hadamard
from sympy.matrices.expressions.matexpr import MatrixElement

__all__ = ["ACTIVATIONS", "COSTS", "DPHI", "IndexNet", "cost", "normal_dphi", "phi"]

phi = Function("phi")
DPHI = Function("Dphi")  # Dphi(z) is the notation for phi'(z) = d phi(xi)/d xi at xi = z
ACTIVATIONS = ("sigmoid", "phi")
COSTS = ("logloss", "mse")


def index(name):
    """A 0-based index symbol."""
    return Symbol(name, integer=True, nonnegative=True)


def width(name):
    """A symbolic layer width or batch size (a positive integer)."""
    return Symbol(name, integer=True, positive=True)


def act(activation, z):
    """phi(z): eq 14 for sigmoid, an undefined function otherwise."""
    return 1 / (1 + sp.exp(-z)) if activation == "sigmoid" else phi(z)


def dact(activation, z):
    """Closed form of phi'(z) (entry of D_phi, eq 80): sigmoid(z)(1 - sigmoid(z)) (eq 16/17) or Dphi(z)."""
    if activation == "sigmoid":
        return act("sigmoid", z) * (1 - act("sigmoid", z))
    return DPHI(z)


def lam(cost_name, a, y):
    """Per-entry cost lambda(a, y): log-loss in its correct form (eqs 18/19 fixed) or (a - y)^2 / 2."""
    if cost_name == "logloss":
        return -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    return (a - y) ** 2 / 2


def delta_out(cost_name, a, y):
    """Closed form of d lambda / d a (eq 84, eqs 20/21 for log-loss)."""
    if cost_name == "logloss":
        return (a - y) / (a * (1 - a))
    return a - y


def normal_dphi(expr):
    """Write every derivative of the abstract phi at a point p as Dphi(p) (notation only).

    sympy writes phi'(p) as ``Subs(Derivative(phi(xi), xi), xi, p)`` when p is compound and as
    ``Derivative(phi(p), p)`` when p is a symbol or an undefined function.
    """
    def is_subs(e):
        return isinstance(e, Subs) and len(e.variables) == 1 and e.expr == Derivative(
            phi(e.variables[0]), e.variables[0])

    def is_deriv(e):
        return (isinstance(e, Derivative) and e.expr.func == phi and len(e.expr.args) == 1
                and e.variable_count == ((e.expr.args[0], 1),))

    expr = expr.replace(is_subs, lambda e: DPHI(e.point[0]))
    return expr.replace(is_deriv, lambda e: DPHI(e.expr.args[0]))


@dataclass
class IndexNet:
    """The network in index form: depth L (number of weight matrices), symbolic widths and batch size."""

    L: int = 3
    activation: str = "sigmoid"
    cost: str = "logloss"
    m: list = field(init=False)
    n: Symbol = field(init=False)
    W: list = field(init=False)
    Z: list = field(init=False)

    def __post_init__(self):
        if self.L < 1:
            raise ValueError("the network needs at least one weight matrix (L >= 1)")
        if self.activation not in ACTIVATIONS:
            choices = ", ".join(ACTIVATIONS)
            raise ValueError(f"unknown activation {self.activation!r}; choose one of {choices}")
        if self.cost not in COSTS:
            raise ValueError(f"unknown cost {self.cost!r}; choose one of {', '.join(COSTS)}")
        self.m = [width(f"m{N}") for N in range(self.L + 1)]
        self.n = width("n")
        self.W = [IndexedBase(f"W{N}") for N in range(self.L)]
        self.Z = [None] + [IndexedBase(f"Z{M}") for M in range(1, self.L + 1)]
        self.X, self.Y = IndexedBase("X"), IndexedBase("Y")

    def bound(self, M):
        """Upper bound m_M - 1 of an index running over the nodes of layer L(M)."""
        return self.m[M] - 1

    def A_folded(self, M, r, c):
        """A_M[r, c] in terms of the name Z_M (after folding): X for M = 0, phi(Z_M[r, c]) otherwise."""
        return self.X[r, c] if M == 0 else act(self.activation, self.Z[M][r, c])

    def A_nested(self, M, r, c):
        """A_M[r, c] with all pre-activations written out as nested sums (eqs 9/13)."""
        if M == 0:
            return self.X[r, c]
        return act(self.activation, self.Z_nested(M, r, c))

    def Z_nested(self, M, r, c):
        """Z_M[r, c] = Sum_l W_{M-1}[r, l] A_{M-1}[l, c] (eqs 9/13), nested down to X."""
        lv = index(f"l{M - 1}")
        return Sum(self.W[M - 1][r, lv] * self.A_nested(M - 1, lv, c), (lv, 0, self.bound(M - 1)))

    def fold_layers(self):
        """Arguments for general_rules.fold, innermost layer first."""
        return [(M, self.W[M - 1], lambda r, c, M=M: self.A_folded(M - 1, r, c), self.bound(M - 1), self.Z[M])
                for M in range(1, self.L + 1)]

    # ------------------------------------------------------------------------------ closed form (matrix)

    def matrices(self):
        """MatrixSymbols of symbolic shape for W_N, A_N, D_phi_N, Y and delta_out."""
        m, n = self.m, self.n
        Wm = [MatrixSymbol(f"W{N}", m[N + 1], m[N]) for N in range(self.L)]
        Am = [MatrixSymbol("X" if N == 0 else f"A{N}", m[N], n) for N in range(self.L + 1)]
        Dm = [None] + [MatrixSymbol(f"D{N}", m[N], n) for N in range(1, self.L + 1)]
        return Wm, Am, Dm, MatrixSymbol("Y", m[self.L], n), MatrixSymbol("O", m[self.L], n)

    def delta_matrices(self):
        """delta_M as matrix expressions: delta_L (eq 88, or A_L - Y by eq 27), then eq 92 downwards."""
        Wm, Am, Dm, Ym, Om = self.matrices()
        d = [None] * (self.L + 1)
        if self.activation == "sigmoid" and self.cost == "logloss":
            d[self.L] = Am[self.L] - Ym
        else:
            d[self.L] = hadamard(Om, Dm[self.L])
        for M in range(self.L - 1, 0, -1):
            d[M] = hadamard(Wm[M].T * d[M + 1], Dm[M])
        return d

    def grad_matrix(self, N):
        """(1/n) delta_{N+1} A_N^T (eq 93 with the factor 1/n)."""
        _, Am, _, _, _ = self.matrices()
        return self.delta_matrices()[N + 1] * Am[N].T / self.n

    def entries(self, expr, z_of=None):
        """Replace MatrixElements of the closed form by index-form entries (their definitions).

        ``z_of(M, r, c)`` gives the pre-activation entry (default: the name Z_M[r, c]).
        """
        z_of = z_of or (lambda M, r, c: self.Z[M][r, c])
        L, a = self.L, self.activation

        def entry(e):
            name, r, c = e.args[0].name, e.args[1], e.args[2]
            kind, num = name[0], name[1:]
            if name == "X":
                return self.X[r, c]
            if name == "Y":
                return self.Y[r, c]
            if name == "O":
                return delta_out(self.cost, act(a, z_of(L, r, c)), self.Y[r, c])
            if kind == "W":
                return self.W[int(num)][r, c]
            if kind == "A":
                return act(a, z_of(int(num), r, c))
            if kind == "D":
                return dact(a, z_of(int(num), r, c))
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
