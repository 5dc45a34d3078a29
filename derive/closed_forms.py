"""The closed-form, vectorized EBP of eqs (86)-(93), with the factor 1/n the paper loses.

Shapes: delta[N], D_phi[N] (m_N, n); grad W_{N-1} (m_N, m_{N-1}); ``*`` is the element-wise product.

    out_delta  = d lambda / d a at A_L                           (eq 20/21, 87; derived by sympy)
    D_phi_N    = phi'(Z_N)                                       (eq 96; sigmoid: A_N * (1 - A_N), eq 17)
    delta_L    = out_delta * D_phi_L                             (eq 86/88; sympy cancels it to A_L - Y for
                                                                  sigmoid + logloss, eq 26/27)
    delta_N    = (W_N^T delta_{N+1}) * D_phi_N                   (eq 90/92)
    grad W_{N-1} = (1/n) delta_N A_{N-1}^T                       (eq 89/91/93, with 1/n)
    grad b_{N-1} = (1/n) delta_N 1_n                             (biases, when present)

The output delta is derived, never typed in: sympy differentiates the cost's lambda(a, y), multiplies by
the activation's phi' written in a (when it can be, eq 16), and cancels. For a softmax output it is the
full Jacobian product J^T out_delta, also computed by sympy.
"""
from __future__ import annotations

from functools import lru_cache

import sympy
from sympy import Matrix, Rational, Symbol, exp

from .functions import Activation, get_activation, get_cost
from .network import Network, check_network

__all__ = [
    "D_phi", "out_delta", "output_delta", "output_delta_rule", "backprop_deltas", "gradients_from_deltas",
    "closed_form", "closed_form_bias", "paper_identities", "formulas",
]


def _layer_activation(net: Network, N: int) -> Activation:
    return net.output_activation if (N == net.L and net.output_activation is not None) else net.activation


def D_phi(net: Network, N: int) -> Matrix:
    """D_phi_N = phi'(Z_N) element-wise (eq 96; eq 17 for the sigmoid), shape (m_N, n), N >= 1."""
    act = _layer_activation(net, N)
    return net.Z[N].applyfunc(act.prime)


def out_delta(net: Network) -> Matrix:
    """out_delta = d lambda / d a at A_L, shape (m_L, n) (eq 21/87, derived by sympy)."""
    return Matrix(net.Y.rows, net.n, lambda j, s: net.cost_spec.delta_out(net.A[net.L][j, s], net.Y[j, s]))


@lru_cache(maxsize=32)
def output_delta_rule(act_name: str, cost_name: str, m_out: int = 1):
    """(a, y, rule): the output delta written with symbols a, y as sympy derives it (eq 26/27).

    Pointwise costs: rule = cancel(d lambda/d a * phi'(a)), or None when phi' is not a function of a.
    softmax_ce: rule is a list over output nodes k of sum_j d lambda/d a_j * d a_j/d z_k, with a, y lists.

    >>> output_delta_rule("sigmoid", "logloss")[2]     # eq 27
    a - y
    >>> output_delta_rule("identity", "mse")[2]
    a - y
    >>> output_delta_rule("phi", "softmax_ce", 2)[2]   # A * colsum(Y) - Y
    [a0*y0 + a0*y1 - y0, a1*y0 + a1*y1 - y1]
    """
    cost = get_cost(cost_name)
    if cost.softmax:
        return _softmax_rule(m_out)
    a, y = Symbol("a"), Symbol("y")
    act = get_activation(act_name)
    if act.prime_in_a is None:
        return a, y, None
    return a, y, sympy.cancel(cost.delta_out(a, y) * act.prime_in_a(a))


def _softmax_rule(m: int):
    """delta_k = sum_j (d lambda / d a_j)(d a_j / d z_k) for a = softmax(z), written in a and y."""
    z = [Symbol(f"z{k}") for k in range(m)]
    a = [Symbol(f"a{k}") for k in range(m)]
    y = [Symbol(f"y{k}") for k in range(m)]
    total = Symbol("S", positive=True)
    denominator = sympy.Add(*[exp(v) for v in z])
    soft = [exp(z[k]) / denominator for k in range(m)]

    def in_a(expr):  # e^{c z_k} = (a_k S)^c with S = sum_k e^{z_k}
        expr = expr.xreplace({denominator: total})
        def power(e):
            coeff, zk = e.args[0].as_coeff_Mul()
            return (a[z.index(zk)] * total) ** coeff
        return expr.replace(lambda e: isinstance(e, exp), power)

    cost = get_cost("softmax_ce")
    rule = []
    for k in range(m):
        terms = [cost.delta_out(a[j], y[j]) * in_a(sympy.diff(soft[j], z[k])) for j in range(m)]
        rule.append(sympy.factor_terms(sympy.cancel(sympy.Add(*terms))))
    return a, y, rule


def output_delta(net: Network) -> Matrix:
    """delta_L (m_L, n): out_delta * D_phi_L (eq 86/88), simplified by sympy where phi' is a function of a
    (A_L - Y for sigmoid + logloss, eq 27); for softmax_ce A_L * colsum(Y) - Y (= A_L - Y for one-hot Y)."""
    check_network(net)
    L = net.L
    if net.softmax:
        a, y, rule = output_delta_rule("phi", "softmax_ce", net.Y.rows)
        m = net.Y.rows
        return Matrix(m, net.n, lambda k, s: rule[k].xreplace(
            {**{a[j]: net.A[L][j, s] for j in range(m)}, **{y[j]: net.Y[j, s] for j in range(m)}}))
    act = _layer_activation(net, L)
    a, y, rule = output_delta_rule(act.name, net.cost_spec.name)
    if rule is None:
        return out_delta(net).multiply_elementwise(D_phi(net, L))
    return Matrix(net.Y.rows, net.n, lambda j, s: rule.xreplace({a: net.A[L][j, s], y: net.Y[j, s]}))


def backprop_deltas(net: Network, delta_L: Matrix | None = None) -> list[Matrix | None]:
    """[None, delta_1, .., delta_L]: delta_N = (W_N^T delta_{N+1}) * D_phi_N (eq 92)."""
    check_network(net)
    deltas: list[Matrix | None] = [None] * (net.L + 1)
    deltas[net.L] = output_delta(net) if delta_L is None else delta_L
    for N in range(net.L - 1, 0, -1):
        deltas[N] = (net.W[N].T * deltas[N + 1]).multiply_elementwise(D_phi(net, N))
    return deltas


def gradients_from_deltas(net: Network, deltas: list[Matrix | None]) -> list[Matrix]:
    """grad W_{N-1} = (1/n) delta_N A_{N-1}^T for N = 1..L (eq 93 with 1/n)."""
    return [Rational(1, net.n) * deltas[N + 1] * net.A[N].T for N in range(net.L)]


def closed_form(net: Network) -> list[Matrix]:
    """The closed-form gradients grad W[N], N = 0..L-1 (eqs 86-93 with 1/n), same shapes as W[N]."""
    check_network(net)
    return gradients_from_deltas(net, backprop_deltas(net))


def closed_form_bias(net: Network, deltas: list[Matrix | None] | None = None) -> list[Matrix] | None:
    """grad b[N] = (1/n) delta_{N+1} 1_n, shape (m_{N+1}, 1); None without biases."""
    check_network(net)
    if net.b is None:
        return None
    deltas = backprop_deltas(net) if deltas is None else deltas
    return [Rational(1, net.n) * deltas[N + 1] * sympy.ones(net.n, 1) for N in range(net.L)]


def paper_identities() -> list[tuple[str, str, bool]]:
    """The paper's intermediate results, each checked by sympy: (equation, LaTeX, holds)."""
    z, a, y = Symbol("z", real=True), Symbol("a"), Symbol("y")
    sig = get_activation("sigmoid").definition(z)
    u = Symbol("u", positive=True)  # e^{-z}: the difference is then a rational function, cancel decides it
    eq16 = sympy.cancel((sympy.diff(sig, z) - sig * (1 - sig)).xreplace({sympy.exp(-z): u})) == 0
    logloss = get_cost("logloss")
    d = logloss.delta_out(a, y)
    eq21 = sympy.cancel(d - (a - y) / (a * (1 - a))) == 0
    rule = output_delta_rule("sigmoid", "logloss")[2]
    eq27 = sympy.expand(rule - (a - y)) == 0
    return [
        ("eq 16/17", r"\frac{\partial \phi(z)}{\partial z} = \phi(z)\,(1 - \phi(z))", eq16),
        ("eq 20/21", r"{}_{out}\delta = \frac{\partial \lambda}{\partial a} = \frac{a - y}{a (1 - a)}", eq21),
        ("eq 26/27", r"{}_{L}\delta = {}_{out}\delta \ast a\,(1 - a) = a - y", eq27),
    ]


def formulas(net: Network) -> list[dict]:
    """The closed form of this network as data: [{name, text, latex, equation}], the output delta as
    sympy derived it for the network's output activation and cost."""
    L = net.L
    a, y = Symbol("a"), Symbol("y")
    out_act = net.output_activation or net.activation
    d_out = net.cost_spec.delta_out(a, y)
    if net.softmax:
        delta_text, delta_tex = "A_L * (1^T Y) - Y  (= A_L - Y when each column of Y sums to 1)", \
            r"{}_{L}\delta = A_L \ast (\mathbf{1}^T Y) - Y"
    else:
        rule = output_delta_rule(out_act.name, net.cost_spec.name)[2]
        if rule is None:
            delta_text, delta_tex = "out_delta * D_phi_L", r"{}_{L}\delta = {}_{out}\delta \ast D^{\phi}_{L}"
        else:
            shown = sympy.factor(rule)
            delta_text = f"{sympy.sstr(shown)}  with a = A_L, y = Y (element-wise)"
            delta_tex = r"{}_{L}\delta = " + sympy.latex(shown.xreplace({a: Symbol("A_L"), y: Symbol("Y")}))
    def in_a(act):
        return sympy.sstr(act.prime_in_a(a)) + " with a = A_N" if act.prime_in_a is not None else "phi'(Z_N)"
    prime = "softmax Jacobian" if net.softmax else in_a(out_act)
    hidden_prime = in_a(net.activation)
    d_shown = sympy.factor(d_out)
    rows = [
        {"name": "out_delta", "text": f"d lambda/d a = {sympy.sstr(d_shown)}",
         "latex": r"{}_{out}\delta = \frac{\partial \lambda}{\partial a} = " + sympy.latex(d_shown),
         "equation": "eq 20/21, 87"},
        {"name": "D_phi_N", "text": f"phi'(Z_N) = {hidden_prime}" if prime == hidden_prime else
         f"phi'(Z_N) = {hidden_prime} (hidden), {prime} (output)",
         "latex": r"D^{\phi}_N = \phi'(Z_N)", "equation": "eq 17, 96"},
        {"name": f"delta_{L}", "text": delta_text, "latex": delta_tex, "equation": "eq 26/27, 86/88"},
        {"name": "delta_N", "text": "(W_N^T delta_{N+1}) * D_phi_N", "equation": "eq 90/92",
         "latex": r"{}_{N}\delta = \left( W_N^T\, {}_{N+1}\delta \right) \ast D^{\phi}_N"},
        {"name": "grad W_{N-1}", "text": f"(1/n) delta_N A_{{N-1}}^T   (n = {net.n})",
         "equation": "eq 93 (+1/n)",
         "latex": r"\nabla W_{N-1} = \frac{1}{n}\, {}_{N}\delta\, A_{N-1}^T"},
    ]
    if net.b is not None:
        rows.append({"name": "grad b_{N-1}", "text": "(1/n) delta_N 1_n", "equation": "-",
                     "latex": r"\nabla b_{N-1} = \frac{1}{n}\, {}_{N}\delta\, \mathbf{1}_n"})
    return rows
