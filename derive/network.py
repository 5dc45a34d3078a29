"""The symbolic MLP of the paper: symbols, forward pass (eqs 3-13) and the batch cost (eq 19).

Layers L0 (input) .. L_L (output) with m_0 .. m_L nodes; ``W[N]`` couples L(N) to L(N+1) and has shape
(m_{N+1}, m_N) (eq 8); its entry ``W[N][j-1, i-1]`` is the weight {}_N w_i^j from node i on L(N) to node j
on L(N+1). A mini-batch has one column per sample Sx (x = 1..n): X = A_0 (m_0 x n), Y (m_L x n).
Forward pass: Z_{N+1} = W_N A_N (+ b_N) (eq 9), A_{N+1} = phi(Z_{N+1}) (eq 13).
"""
from __future__ import annotations

import numbers
from dataclasses import dataclass

import sympy
from sympy import Matrix, Rational, Symbol

from .errors import LIMITS, InvalidArgument, check_sizes
from .functions import Activation, Cost, get_activation, get_cost

__all__ = [
    "Network", "PaperSymbol", "build_network", "weight_symbol", "bias_symbol", "a_symbol", "z_symbol",
    "d_symbol", "activate", "batch_cost", "check_network",
]

_LATEX: dict[str, str] = {}


class PaperSymbol(Symbol):
    """A Symbol that prints in LaTeX the way the paper writes it, e.g. {}_1 w_2^3 or {}_2 a_{S1}^3."""

    def _latex(self, printer, exp=None):
        body = _LATEX.get(self.name, self.name)
        return body if exp is None else r"\left(" + body + r"\right)^{" + str(exp) + "}"


def _paper_symbol(name: str, latex: str) -> PaperSymbol:
    _LATEX[name] = latex
    return PaperSymbol(name, real=True)


def weight_symbol(N: int, i: int, j: int) -> PaperSymbol:
    """{}_N w_i^j: weight from node i on L(N) to node j on L(N+1) (1-based, eq 3)."""
    return _paper_symbol(f"{N}w_{i}^{j}", f"{{}}_{{{N}}}w_{{{i}}}^{{{j}}}")


def bias_symbol(N: int, j: int) -> PaperSymbol:
    """{}_N b^j: bias added to node j on L(N+1) (not in the paper, which has no biases)."""
    return _paper_symbol(f"{N}b^{j}", f"{{}}_{{{N}}}b^{{{j}}}")


def sample_symbol(letter: str, j: int, s: int, N: int | None = None) -> PaperSymbol:
    """x_{Ss}^j, y_{Ss}^j, or {}_N a_{Ss}^j / {}_N z_{Ss}^j: node j, sample Ss (eqs 6-7)."""
    prefix = "" if N is None else f"{N}"
    tex = "" if N is None else f"{{}}_{{{N}}}"
    return _paper_symbol(f"{prefix}{letter}_S{s}^{j}", f"{tex}{letter}_{{S{s}}}^{{{j}}}")


def a_symbol(N: int, j: int, s: int) -> PaperSymbol:
    """{}_N a_{Ss}^j as a plain symbol (stands for phi({}_N z_{Ss}^j) in the proof)."""
    return sample_symbol("a", j, s, N)


def z_symbol(N: int, j: int, s: int) -> PaperSymbol:
    """{}_N z_{Ss}^j as a plain symbol (for display; the network's Z entries are expressions)."""
    return sample_symbol("z", j, s, N)


def d_symbol(N: int, j: int, s: int) -> PaperSymbol:
    """{}_N D^phi_{j,Ss} (eq 86) as a plain symbol (stands for an abstract phi'(z) in the proof)."""
    return _paper_symbol(f"{N}D_S{s}^{j}", f"{{}}_{{{N}}}D^{{\\phi}}_{{{j},S{s}}}")


@dataclass
class Network:
    """A symbolic MLP. Shapes: W[N] (m_{N+1}, m_N); b[N] (m_{N+1}, 1) or None; X = A[0] (m_0, n);
    Z[N], A[N] (m_N, n) for N >= 1 (Z[0] is None); Y (m_L, n); ``cost`` the scalar Lambda (eq 19)."""

    sizes: tuple[int, ...]
    n: int
    L: int
    W: list[Matrix]
    b: list[Matrix] | None
    X: Matrix
    Y: Matrix
    Z: list[Matrix | None]
    A: list[Matrix]
    cost: sympy.Expr
    activation: Activation
    output_activation: Activation | None
    cost_spec: Cost

    @property
    def softmax(self) -> bool:
        """True when the output layer is a softmax (cost ``softmax_ce``)."""
        return self.cost_spec.softmax

    def weights(self) -> list[tuple[int, int, int, Symbol]]:
        """Every weight as (N, r, c, symbol), r/c 0-based row/column of W[N]."""
        return [(N, r, c, W[r, c]) for N, W in enumerate(self.W)
                for r in range(W.rows) for c in range(W.cols)]

    def describe(self) -> str:
        """One line: sizes, batch, activation(s), cost, biases."""
        out = self.output_activation.name if self.output_activation else self.activation.name
        if self.softmax:
            out = "softmax"
        return (f"sizes {','.join(map(str, self.sizes))}, n={self.n}, activation {self.activation.name}"
                f" (output {out}), cost {self.cost_spec.name}, biases {'on' if self.b else 'off'}")


def _check_sizes(sizes, n) -> tuple[tuple[int, ...], int]:
    """Layer sizes and batch checked against derive.errors.LIMITS (InvalidArgument, one line)."""
    sizes = check_sizes(sizes)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 1 <= n <= LIMITS["batch"]:
        raise InvalidArgument(f"batch size n must be an integer >= 1 (at most {LIMITS['batch']}); got {n!r}")
    n = int(n)
    symbols = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False)) + n * (sizes[0] + sizes[-1])
    if symbols > LIMITS["weights"]:
        raise InvalidArgument(f"sizes {','.join(map(str, sizes))} with n={n} need {symbols} symbols "
                              f"(limit {LIMITS['weights']}); use smaller layers or batch")
    return sizes, n


def check_network(net, name: str = "net") -> Network:
    """``net`` if it is a Network built by ``build_network``, else InvalidArgument (one line)."""
    if not isinstance(net, Network):
        raise InvalidArgument(f"{name} must be a derive.Network (from derive.build_network), "
                              f"got {type(net).__name__}")
    return net


def _softmax_columns(Z: Matrix) -> Matrix:
    """Column-wise softmax a_j = e^{z_j} / sum_k e^{z_k} (one column per sample)."""
    out = sympy.zeros(Z.rows, Z.cols)
    for s in range(Z.cols):
        exps = [sympy.exp(Z[k, s]) for k in range(Z.rows)]
        total = sympy.Add(*exps)
        for k in range(Z.rows):
            out[k, s] = exps[k] / total
    return out


def build_network(sizes, n, activation="sigmoid", cost="logloss", bias=False,
                  output_activation=None) -> Network:
    """Build the symbolic MLP with layer sizes m_0..m_L and a batch of n samples (eqs 3-13, 19).

    ``activation`` is used on every layer, or on the hidden layers only when ``output_activation`` is given
    (the paper's supposition 3, eqs 95-96). ``cost="softmax_ce"`` puts a softmax on the output layer.
    """
    sizes, n = _check_sizes(sizes, n)
    act = get_activation(activation)
    cost_spec = get_cost(cost)
    out_act = None
    if cost_spec.softmax:
        if output_activation not in (None, "softmax"):
            raise InvalidArgument(f"cost softmax_ce fixes the output activation to softmax, "
                             f"not {output_activation!r}")
    elif output_activation == "softmax":
        raise InvalidArgument("a softmax output layer goes with cost softmax_ce")
    elif output_activation is not None:
        out_act = get_activation(output_activation)
    L = len(sizes) - 1
    W = [Matrix(sizes[N + 1], sizes[N], lambda r, c, N=N: weight_symbol(N, c + 1, r + 1)) for N in range(L)]
    b = [Matrix(sizes[N + 1], 1, lambda r, c, N=N: bias_symbol(N, r + 1)) for N in range(L)] if bias else None
    X = Matrix(sizes[0], n, lambda r, s: sample_symbol("x", r + 1, s + 1))
    Y = Matrix(sizes[L], n, lambda r, s: sample_symbol("y", r + 1, s + 1))
    Z: list[Matrix | None] = [None]
    A: list[Matrix] = [X]
    for N in range(L):
        z = W[N] * A[N]
        if b is not None:
            z = z + b[N] * sympy.ones(1, n)
        Z.append(z)
        A.append(activate(z, N + 1 == L, act, out_act, cost_spec))
    return Network(sizes, n, L, W, b, X, Y, Z, A, batch_cost(A[L], Y, cost_spec), act, out_act, cost_spec)


def activate(z: Matrix, output: bool, act: Activation, out_act: Activation | None, cost_spec: Cost) -> Matrix:
    """A = phi(Z) element-wise (eq 13); on the output layer the output activation (eq 95) or softmax."""
    if output and cost_spec.softmax:
        return _softmax_columns(z)
    layer_act = out_act if (output and out_act is not None) else act
    return z.applyfunc(layer_act.func)


def batch_cost(A_L: Matrix, Y: Matrix, cost_spec: Cost) -> sympy.Expr:
    """Lambda = (1/n) sum_Sx sum_j lambda(a_Sx^j, y_Sx^j) (eq 19, correct signs)."""
    terms = [cost_spec.pointwise(A_L[j, s], Y[j, s]) for s in range(Y.cols) for j in range(Y.rows)]
    return Rational(1, Y.cols) * sympy.Add(*terms)
