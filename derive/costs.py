"""Costs as data: a user's own cost expression, batch/node reductions and L2 terms, all for ``sympy.diff``.

* ``parse_cost("-(y*log(a) + (1-y)*log(1-a))")`` reads an expression in ``a`` (one output activation) and
  ``y`` (its target) with Python's ``ast`` parser and builds the sympy expression node by node from a
  whitelist (numbers - decimals taken exactly -, ``a``, ``y``, ``pi``, ``E``, + - * / **, and the functions
  log, exp, sqrt, abs, tanh, sigmoid). Nothing is eval-ed; anything else is refused with a one-line reason.
* ``register_cost(pointwise, scale, softmax)`` puts ``scale * pointwise`` into the registry that
  ``get_cost`` reads (under a name derived from the expression), so the ground truth, the closed form and
  the proofs differentiate it like the built-in costs. A reduction is a scale: the batch sum is n times the
  batch mean (eq 19 has the mean), the mean over the m_L output nodes is 1/m_L times their sum.
* ``l2_gradient_at(weights, entries, coefficient)``: d/dw of ``coefficient * sum W^2`` by ``sympy.diff``,
  at the exact float64 values, to ``dps`` digits; ``L2_FORMS`` holds the common conventions as data.
"""
from __future__ import annotations

import ast
import hashlib

import mpmath
import sympy
from sympy import Lambda, Rational, Symbol

from .functions import COSTS, EXTRA_COSTS, Cost, get_cost, sigmoid

__all__ = ["L2_FORMS", "CostError", "get_cost", "l2_coefficient", "l2_gradient_at", "parse_cost",
           "register_cost"]

A, Y = Symbol("a"), Symbol("y")
_FUNCTIONS = {"log": sympy.log, "exp": sympy.exp, "sqrt": sympy.sqrt, "abs": sympy.Abs, "tanh": sympy.tanh,
              "sigmoid": sigmoid}
_NAMES = {"a": A, "y": Y, "pi": sympy.pi, "E": sympy.E}
_OPS = {ast.Add: lambda p, q: p + q, ast.Sub: lambda p, q: p - q, ast.Mult: lambda p, q: p * q,
        ast.Div: lambda p, q: p / q, ast.Pow: lambda p, q: p ** q}

# L2 conventions: name -> (formula, coefficient c of sum W^2 as a function of the strength and n)
L2_FORMS = {
    "alpha/2n": ("alpha/(2n) sum W^2 (scikit-learn MLP, Nielsen's network2 with n the batch)",
                 lambda s, n: s / (2 * n)),
    "reg": ("reg sum W^2 (CS231n)", lambda s, n: s),
    "half": ("lambda/2 sum W^2", lambda s, n: s / 2),
}


class CostError(ValueError):
    """A cost expression outside the whitelist; the message is one line."""


def _build(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float) and not isinstance(node.value,
                                                                                                  bool):
        return Rational(repr(node.value)) if isinstance(node.value, float) else sympy.Integer(node.value)
    if isinstance(node, ast.Name):
        if node.id not in _NAMES:
            raise CostError(f"unknown name {node.id!r} in the cost; use a, y, pi, E")
        return _NAMES[node.id]
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        value = _build(node.operand)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp) and type(node.op) in _OPS:
        return _OPS[type(node.op)](_build(node.left), _build(node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and not node.keywords:
        if node.func.id not in _FUNCTIONS:
            raise CostError(f"unknown function {node.func.id!r} in the cost; use {', '.join(_FUNCTIONS)}")
        if len(node.args) != 1:
            raise CostError(f"{node.func.id} takes one argument")
        return _FUNCTIONS[node.func.id](_build(node.args[0]))
    raise CostError(f"not allowed in a cost expression: {ast.unparse(node)!r}")


def parse_cost(text: str) -> sympy.Expr:
    """The per-node cost lambda(a, y) as a sympy expression; raises CostError."""
    if not isinstance(text, str) or not text.strip():
        raise CostError("the cost expression is empty")
    if len(text) > 400:
        raise CostError("the cost expression is longer than 400 characters")
    try:
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise CostError(f"cannot read the cost {text!r}: {exc.msg}") from None
    expr = _build(tree.body)
    if A not in expr.free_symbols:
        raise CostError(f"the cost {text!r} does not depend on a (the output activation)")
    return expr


def register_cost(pointwise: sympy.Expr, scale=1, softmax: bool = False, label: str = "") -> str:
    """Register ``scale * pointwise(a, y)`` as a cost; returns its registry name (stable for equal input)."""
    scale = sympy.nsimplify(scale)
    expr = sympy.sympify(scale * pointwise)
    digest = hashlib.sha1(f"{sympy.srepr(expr)}|{softmax}".encode()).hexdigest()[:10]
    name = f"user:{digest}"
    if name not in EXTRA_COSTS and name not in COSTS:
        latex = sympy.latex(expr)
        EXTRA_COSTS[name] = Cost(name, Lambda((A, Y), expr), rf"\lambda(a, y) = {latex}", label or "user",
                                 softmax=softmax)
    return name


def l2_coefficient(strength: float, form: str, n: int) -> sympy.Rational:
    """The exact coefficient c of c * sum W^2 for a convention of ``L2_FORMS`` (strength taken exactly)."""
    if form not in L2_FORMS:
        raise CostError(f"unknown L2 form {form!r}; choose one of {', '.join(L2_FORMS)}")
    return sympy.nsimplify(L2_FORMS[form][1](Rational(strength), n), rational=True)


def l2_gradient_at(weights, entries, coefficient, dps: int = 30) -> dict:
    """{(N, r, c): mpmath.mpf} of d/dw [coefficient * sum over all W_N entries of w^2] by sympy.diff, at the
    given float64 weights (exact), to ``dps`` digits. Bias keys ("b", N, r) get 0 (biases are not
    regularized in these conventions)."""
    w = Symbol("w", real=True)
    term = sympy.diff(sympy.sympify(coefficient) * w ** 2, w)  # the only summand that depends on w
    out = {}
    with mpmath.workdps(dps + 10):
        for key in entries:
            if key[0] == "b":
                out[key] = mpmath.mpf(0)
                continue
            N, r, c = key
            value = term.subs(w, Rational(float(weights[N][r, c])))
            out[key] = mpmath.mpf(sympy.Float(value, dps + 10))
    return out
