"""Gradients a document defines (Ng's D^{(l)} = dJ/dTheta^{(l)}): their value from the document's
definition, and the truth they are checked against (the sympy ground truth, bias column 0 included)."""
from __future__ import annotations

from dataclasses import replace

from .families import evaluate_rule
from .indexing import flat
from .symbols import strip, transpose_of
from .values import Mat, OutOfRange, Unsupported

__all__ = ["grad_truth", "grad_value", "grad_layer"]


def grad_truth(model, N: int, bias: bool) -> Mat:
    """d cost / d [b_N | W_N] (mean cost), the bias as column 0 when the network has biases."""
    W = model.truth_matrix(N)
    if not (bias and model.b is not None):
        return W
    keys = [("b", N, r) for r in range(model.sizes[N + 1])]
    values = model.truth_entries(keys)
    return Mat([[values[("b", N, r)]] + W.data[r] for r in range(W.rows)])


def grad_layer(notation, spec, bind, ctx, pos) -> int:
    """The paper weight index N of a gradient spec (read like the weights of the same layer)."""
    return notation._paper(replace(spec, quantity="Wb"), bind, ctx, pos)


def grad_value(notation, spec, bind, T, sym, ctx):
    N = grad_layer(notation, spec, bind, ctx, sym.pos)
    rule = ctx.defs.find("grad", N)
    if rule is None:
        raise Unsupported(f"the gradient of layer {N + notation.base} is not defined before this equation",
                          sym.pos)
    letter = rule.binds.get("layer")
    value = evaluate_rule(rule, {letter: N + notation.base} if letter else {}, ctx)
    if not isinstance(value, Mat):
        raise Unsupported(f"({rule.label}) does not define a matrix", sym.pos)
    if not spec.index:
        return transpose_of(value) if T else value
    lo = 0 if notation.config.bias else 1
    r, c = (notation._node(spec, bind, 0, ctx, value.rows, sym.pos),
            notation._node(spec, bind, 1, ctx, value.cols, sym.pos, lo=lo))
    if not (1 <= r <= value.rows and 0 <= c - lo < value.cols):
        raise OutOfRange(f"entry ({r},{c}) does not exist", sym.pos)
    return value.data[r - 1][c - lo]


def layer_letter(spec, bind, free) -> str | None:
    item = bind.get(spec.layer) if spec.layer else None
    text = flat(strip(item)) if item is not None else None
    return text if text in free else None
