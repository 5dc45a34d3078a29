"""The stage derivatives of the per-layer truth, as ``sympy.diff`` produces them, stored as data.

The network is a chain of stages (eqs 9, 13, 19). For the per-layer truth (``derive.bulk_truth``) sympy
differentiates each stage once, with plain symbols for its inputs:

* activation stage (eq 13): ``sympy.diff(phi(z), z)`` for the hidden activation (eq 16/17, 96), then
  phi(z) is named ``a`` (its forward value) - e.g. sigmoid gives a*(1 - a);
* output stage (eq 19, one sample): Lambda_Sx = (1/n) sum_j lambda(a_j, y_j) built by ``activate`` and
  ``batch_cost`` exactly as the network's own cost, with a_j = phi_out(z_j) (or the softmax of z);
  ``sympy.diff(Lambda_Sx, z_j)`` for every output node j gives dLambda/dZ_L[j, Sx];
* affine stage (eq 9): one term z = W a + b; ``sympy.diff`` by W, a and b gives a, W and 1 (by linearity,
  sympy's ``Add._eval_derivative``, every term of Z_{N+1}[j] = sum_k W_N[j, k] A_N[k] + b_N[j] has these
  derivatives: dZ/dW_N[j, i] = A_N[i], dZ/dA_N[k] = W_N[j, k], dZ/db_N[j] = 1);
* the definitions of the activations (eq 14: sigmoid = 1/(1 + e^-z); relu = Max(0, z); ...) for the
  forward values.

``derive_bundle`` returns these as trees (``derive.exprtree``): JSON data that ``derive.cache`` stores and
a later process evaluates without importing sympy. Nothing here is written by hand but the stage
definitions, which are the registry's (``derive.functions``) and the network's (``derive.network``).
"""
from __future__ import annotations

import sympy
from sympy import Matrix, Rational, Symbol

from .exprtree import to_tree
from .functions import get_activation, get_cost
from .network import activate, batch_cost

__all__ = ["FORMAT", "derive_bundle"]

FORMAT = 1


def _symbols(prefix: str, count: int) -> list[Symbol]:
    return [Symbol(f"{prefix}{k}", real=True) for k in range(count)]


def _activation_stage(name: str) -> dict:
    """Forward value (definition) and sympy.diff(phi(z), z) with phi(z) named a."""
    act = get_activation(name)
    if act.definition is None:
        raise ValueError(f"activation {name!r} is abstract; the truth at numbers needs a concrete one")
    z, a = Symbol("z", real=True), Symbol("a", real=True)
    derivative = sympy.diff(act.func(z), z).xreplace({act.func(z): a})
    return {"phi": to_tree(act.definition(z)), "dphi": to_tree(derivative)}


def _output_stage(m_L: int, n: int, act_name: str, out_name: str | None, cost_name: str) -> list:
    """[dLambda_Sx / dz_j for j < m_L] as trees in z0.., a0.. (a_j = phi_out(z_j)), y0.."""
    cost = get_cost(cost_name)
    out = get_activation(out_name) if out_name else None
    z, a, y = _symbols("z", m_L), _symbols("a", m_L), _symbols("y", m_L)
    A_L = activate(Matrix(z), True, get_activation(act_name), out, cost)
    Lambda = Rational(1, n) * batch_cost(A_L, Matrix(y), cost)
    phi_out = None if cost.softmax else (out or get_activation(act_name)).func
    trees = []
    for j in range(m_L):
        d = sympy.diff(Lambda, z[j])
        if phi_out is not None:
            d = d.xreplace({phi_out(zk): ak for zk, ak in zip(z, a, strict=True)})
        trees.append(to_tree(d))
    return trees


def _affine_stage() -> dict:
    """sympy.diff of one term z = W a + b of eq 9 by W, a and b."""
    W, a, b = (Symbol(s, real=True) for s in ("W", "a", "b"))
    z = W * a + b
    return {"dW": to_tree(sympy.diff(z, W)), "dA": to_tree(sympy.diff(z, a)), "db": to_tree(sympy.diff(z, b))}


def derive_bundle(m_L: int, n: int, activation: str, output_activation: str | None, cost: str) -> dict:
    """Every stage derivative the per-layer truth needs for this output size, batch, activation, cost."""
    cost_spec = get_cost(cost)  # one-line errors for unknown or abstract names before any work
    for name in (activation, output_activation):
        if name not in (None, "softmax") and get_activation(name).definition is None:
            raise ValueError(f"activation {name!r} is abstract; the truth at numbers needs a concrete one")
    if cost_spec.softmax and output_activation not in (None, "softmax"):
        raise ValueError(f"cost softmax_ce fixes the output activation to softmax, not {output_activation!r}")
    out_name = None if output_activation == "softmax" else output_activation
    output = {"dLambda_dz": _output_stage(m_L, n, activation, out_name, cost)}
    if not cost_spec.softmax:
        output.update(_activation_stage(out_name or activation))
    return {"format": FORMAT, "m_L": m_L, "n": n, "hidden": _activation_stage(activation),
            "output": output, "softmax": cost_spec.softmax, "affine": _affine_stage()}
