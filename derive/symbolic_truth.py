"""The ground truth: d Lambda / d ({}_N w_i^j) by ``sympy.diff`` of the batch cost (eq 19), nothing else.

No chain rule is written by hand here: sympy differentiates the cost expression built by
``build_network``. The cost is a sum over samples and output nodes (eq 19); differentiation is linear,
so we let ``sympy.diff`` differentiate each summand and add the results (exactly what sympy's own
``Add._eval_derivative`` does); summands in which the weight does not occur (their free symbols are
computed once) are skipped instead of being walked for every weight.
"""
from __future__ import annotations

import sympy
from sympy import Matrix

from .network import Network, check_network

__all__ = ["derivative", "ground_truth", "ground_truth_bias", "cost_terms"]


def cost_terms(cost: sympy.Expr) -> list[tuple[sympy.Expr, set]]:
    """The summands of Lambda (one per sample and output node for pointwise costs) with their free
    symbols, computed once."""
    return [(t, t.free_symbols) for t in sympy.Add.make_args(cost)]


def derivative(cost: sympy.Expr, symbol: sympy.Symbol, terms=None) -> sympy.Expr:
    """sympy.diff(cost, symbol), summand by summand (linearity); summands free of ``symbol`` give 0."""
    terms = cost_terms(cost) if terms is None else terms
    return sympy.Add(*[sympy.diff(t, symbol) for t, free in terms if symbol in free])


def ground_truth(net: Network) -> list[Matrix]:
    """grad_W[N] = d Lambda / d W_N entry by entry (same shapes as W[N], eqs 23-25 as sympy computes them)."""
    check_network(net)
    terms = cost_terms(net.cost)
    return [W.applyfunc(lambda w: derivative(net.cost, w, terms)) for W in net.W]


def ground_truth_bias(net: Network) -> list[Matrix] | None:
    """grad_b[N] = d Lambda / d b_N (shape (m_{N+1}, 1)), or None for a network without biases."""
    check_network(net)
    if net.b is None:
        return None
    terms = cost_terms(net.cost)
    return [b.applyfunc(lambda v: derivative(net.cost, v, terms)) for b in net.b]
