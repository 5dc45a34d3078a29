"""Activations and costs of the general proof, as data: phi(z), its closed-form derivative, lambda(a, y).

The names and the accepted pairings are those of the fixed-size registry ``derive.functions`` (the tests
check that the keys agree); here each entry is written with sympy's own functions so that ``sympy.diff``
derives everything by itself from the definitions:

- ``sigmoid``  1 / (1 + e^{-z}) (eq 14); claimed phi' = phi (1 - phi) (eq 16/17)
- ``tanh``     sympy's tanh; claimed phi' = 1 - tanh^2
- ``relu``     Max(0, z) (one atom ``relu``); claimed phi' = Heaviside(z). relu is not differentiable at
               its kink z = 0, so every statement with relu holds where no pre-activation of a relu layer
               is 0 (``ASSUMPTIONS``); sympy's derivative of Max(0, z) is Heaviside(z), the derivative
               wherever z != 0.
- ``identity`` z itself; phi' = 1
- ``phi``      an undefined function; phi'(z) is written Dphi(z), so the proof holds for every
               differentiable activation.

Costs, per output node and sample: ``logloss`` -[y log a + (1-y) log(1-a)] (eqs 18/19 fixed), ``mse``
(a - y)^2 / 2, ``softmax_ce`` -y log a with a softmax output layer (its own output activation).
"""

from __future__ import annotations

import sympy as sp
from sympy import Derivative, Function, Subs, Symbol

__all__ = ["ACTIVATIONS", "ASSUMPTIONS", "COSTS", "DPHI", "act", "dact", "delta_out", "index", "lam",
           "normal_dphi", "phi", "width"]

DPHI = Function("Dphi")  # Dphi(z) is the notation for phi'(z) = d phi(xi)/d xi at xi = z
_xi = Symbol("xi", real=True)


class phi(Function):  # noqa: N801 - sympy function classes are lower case
    """The abstract activation: undefined, its derivative at z is the undefined Dphi(z).

    sympy's own undefined function would write phi'(p) as Subs(Derivative(phi(xi), xi), xi, p), building
    and rewriting that Subs around every nested Sum p (seconds for the softmax networks); naming the
    derivative Dphi from the start is the same notation ``normal_dphi`` gives afterwards.
    """

    def fdiff(self, argindex=1):
        return DPHI(self.args[0])

    def _eval_evalf(self, prec):
        return None  # no value: sympy would otherwise call mpmath.phi (the golden ratio)


class relu(Function):  # noqa: N801 - sympy function classes are lower case
    """Max(0, z), kept as one atom: sympy's Max re-examines its arguments (is z >= 0?) every time an
    expression containing it is rebuilt, which is slow with nested Sums. Its derivative is sympy's own
    derivative of the definition Max(0, xi) (Heaviside(xi)), taken at the argument; numbers evaluate."""

    @classmethod
    def eval(cls, z):
        if z.is_number:
            return sp.Max(0, z)
        return None

    def fdiff(self, argindex=1):
        return sp.diff(sp.Max(0, _xi), _xi).xreplace({_xi: self.args[0]})

    def _eval_rewrite_as_Max(self, z, **kwargs):
        return sp.Max(0, z)

_ACT = {
    "sigmoid": lambda z: 1 / (1 + sp.exp(-z)),
    "tanh": sp.tanh,
    "relu": relu,
    "identity": lambda z: z,
    "phi": phi,
}
_DACT = {
    "sigmoid": lambda z: _ACT["sigmoid"](z) * (1 - _ACT["sigmoid"](z)),
    "tanh": lambda z: 1 - sp.tanh(z) ** 2,
    "relu": sp.Heaviside,
    "identity": lambda z: sp.S.One,
    "phi": DPHI,
}
ACTIVATIONS = tuple(_ACT)
COSTS = ("logloss", "mse", "softmax_ce")
ASSUMPTIONS = {
    "relu": "relu = Max(0, z) is differentiable only at z != 0: the statement holds for every weight (and "
            "bias) at which no pre-activation of a relu layer is 0, with phi'(z) = Heaviside(z)",
}


def index(name):
    """A 0-based index symbol."""
    return Symbol(name, integer=True, nonnegative=True)


def width(name):
    """A symbolic layer width or batch size (a positive integer)."""
    return Symbol(name, integer=True, positive=True)


def act(activation, z):
    """phi(z) for a registry activation name (sympy's own functions; phi undefined)."""
    return _ACT[activation](z)


def dact(activation, z):
    """Claimed closed form of phi'(z) (entry of D_phi, eqs 80/96)."""
    return _DACT[activation](z)


def lam(cost_name, a, y):
    """Per-entry cost lambda(a, y): log-loss (eqs 18/19 fixed), (a - y)^2 / 2, or -y log a (softmax_ce)."""
    if cost_name == "logloss":
        return -(y * sp.log(a) + (1 - y) * sp.log(1 - a))
    if cost_name == "softmax_ce":
        return -y * sp.log(a)
    return (a - y) ** 2 / 2


def delta_out(cost_name, a, y):
    """Claimed closed form of d lambda / d a (eq 84, eqs 20/21 for log-loss; -y/a for softmax_ce)."""
    if cost_name == "logloss":
        return (a - y) / (a * (1 - a))
    if cost_name == "softmax_ce":
        return -y / a
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
