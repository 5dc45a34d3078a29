"""Evaluate a parsed expression to a number or a matrix at one point of the document's network.

Operators follow the notation: in ``paper`` notation ``\\odot`` is the matrix (numpy ``dot``) product of eqs
(2)-(5) and ``*`` is element-wise (eq 10); in ``standard`` notation ``\\odot`` is the Hadamard product and
juxtaposition the matrix product. ``\\sum`` takes everything to its right up to the next ``=``, ``,`` or
closing bracket. A derivative d f / d v is evaluated by recomputing the network with v overridden and
differentiating numerically at high precision, except d Lambda / d w, which is the ground truth. The state of
an evaluation (definitions, :class:`Ctx`) lives in :mod:`.context`, the entry of a matrix in :mod:`.indexing`.
"""
from __future__ import annotations

import time

import mpmath

from . import syntax as S
from .context import Ctx, Definitions, Rule, abstract_function, generic_value
from .indexing import element, flat, index_value, is_free_index
from .matrices import expand
from .values import (
    Mat,
    ShapeError,
    TooExpensive,
    UndefinedValue,
    Unsupported,
    add,
    as_scalar,
    combine,
    elementwise,
    exp,
    neg,
    power,
    scale,
    transpose,
)

TIME_LIMIT = 10.0   # seconds per equation; beyond it the equation is "not checked: too expensive"

__all__ = ["TIME_LIMIT", "Ctx", "Rule", "Definitions", "ev", "flat", "index_value", "is_free_index",
           "generic_value", "abstract_function"]


# ------------------------------------------------------------------ evaluator
def ev(node, ctx: Ctx):
    if ctx.deadline is not None and time.monotonic() > ctx.deadline:
        raise TooExpensive(f"the equation needs more than {TIME_LIMIT:g} s to evaluate")
    method = _DISPATCH.get(type(node))
    if method is None:
        raise Unsupported(f"cannot evaluate {type(node).__name__}", getattr(node, "pos", -1))
    return method(node, ctx)


def _num(node, ctx):
    return mpmath.mpf(node.value.numerator) / node.value.denominator


def _sym(node, ctx):
    return ctx.notation.value(node, ctx)


def _group(node, ctx):
    if node.kind == "norm":
        value = ev(node.items[0], ctx)
        entries = [x for row in value.data for x in row] if isinstance(value, Mat) else [value]
        return mpmath.sqrt(mpmath.fsum(x * x for x in entries))
    if len(node.items) != 1:
        raise Unsupported("a tuple (a, b, ...) or bracket indexing X[i, j] is not supported here", node.pos)
    return ev(node.items[0], ctx)


def _scripted(node, ctx):
    if node.pre:
        inner = ctx.child()
        inner.layer_ctx = node.pre
        value = ev(node.base, inner)
    else:
        value = ev(node.base, ctx)
    sup = node.sup
    if sup and len(sup) == 1 and isinstance(sup[0], S.Sym) and sup[0].name == "T" and not sup[0].sub:
        value, sup = transpose(value), ()
    if node.sub:
        value = element(value, node.sub, sup, ctx, node.pos)
        sup = ()
    if sup:
        if len(sup) != 1:
            raise Unsupported("unsupported superscript", node.pos)
        exponent = ev(sup[0], ctx)
        if isinstance(exponent, Mat):
            raise Unsupported("a matrix exponent", node.pos)
        if isinstance(value, Mat):
            raise Unsupported("powers of matrices (use explicit products)", node.pos)
        value = power(value, exponent, node.pos)
    return value


def _frac(node, ctx):
    num, den = ev(node.num, ctx), as_scalar(ev(node.den, ctx))
    if isinstance(den, Mat):
        raise Unsupported("division by a matrix", node.pos)
    if den == 0:
        raise UndefinedValue("division by zero", node.pos)
    return scale(num, 1 / den)


def _neg(node, ctx):
    return neg(ev(node.arg, ctx))


def _bin(node, ctx):
    op = node.op
    if op == "juxt":
        applied = _apply(node, ctx)
        if applied is not None:
            return applied
    a, b = ev(node.left, ctx), ev(node.right, ctx)
    if op in "+-":
        return add(a, b, 1 if op == "+" else -1, node.pos)
    if op == "/":
        b = as_scalar(b)
        if isinstance(b, Mat):
            raise Unsupported("division by a matrix", node.pos)
        if b == 0:
            raise UndefinedValue("division by zero", node.pos)
        return scale(a, 1 / b)
    return ctx.notation.product(op, a, b, node.pos)


def _apply(node, ctx):
    """Function application f(x), derivative operator (d/dz)(...), or None for a plain product."""
    left, right = node.left, node.right
    if isinstance(left, S.Sym) and isinstance(right, S.Sym) and hasattr(ctx.notation, "applied"):
        value = ctx.notation.applied(left, right, ctx)
        if value is not None:
            return value
    if isinstance(left, S.Deriv) and left.num is None:
        return derivative(right, left.den, left.componentwise, ctx)
    if (isinstance(left, S.Bin) and left.op == "juxt" and isinstance(left.left, S.Deriv)
            and left.left.num is None and isinstance(right, S.Group) and right.kind == "("):
        applied = S.Bin(left.right.pos, "juxt", left.right, right)   # d/dTheta J(Theta)
        return derivative(applied, left.left.den, left.left.componentwise, ctx)
    if not (isinstance(right, S.Group) and right.kind == "("):
        if isinstance(left, S.Func):
            return _call_func(left.name, right, ctx)
        if isinstance(left, S.Scripted) and isinstance(left.base, S.Func) and left.sup and not left.sub:
            return ev(S.Scripted(left.pos, S.Bin(left.pos, "juxt", left.base, right), (), (), left.sup), ctx)
        return None
    if isinstance(left, S.Func):
        return _call_func(left.name, right, ctx)
    if isinstance(left, S.Scripted) and isinstance(left.base, S.Func) and left.sup and not left.sub:
        power = S.Scripted(left.pos, S.Bin(left.pos, "juxt", left.base, right), (), (), left.sup)
        return ev(power, ctx)   # \tanh^2(z) = (\tanh z)^2
    if isinstance(left, S.Sym):
        return ctx.notation.apply(left, right.items, ctx)
    return None


def _call_func(name, arg, ctx):
    items = arg.items if isinstance(arg, S.Group) and arg.kind == "(" else (arg,)
    if name in ("max", "min") and len(items) == 2:
        pick = max if name == "max" else min
        return combine(lambda x, y: pick(x, y), ev(items[0], ctx), ev(items[1], ctx), arg.pos)
    if len(items) != 1 or name in ("max", "min"):
        raise Unsupported(f"\\{name} with these arguments", arg.pos)
    value = ev(items[0], ctx)
    if name in ("log", "ln"):
        return elementwise(lambda x: _log(x, arg.pos), value)
    return elementwise({"exp": lambda x: exp(x, arg.pos), "tanh": mpmath.tanh}[name], value)


def _log(x, pos=-1):
    if not x > 0:
        raise UndefinedValue(f"log of {'0' if x == 0 else 'a negative number'}", pos)
    return mpmath.log(x)


def _sum(node, ctx):
    var = flat(node.var) if node.var is not None else None
    if var is None:
        raise Unsupported("\\sum needs a summation index", node.pos)
    lo, hi, name = ctx.notation.sum_range(var, node, ctx)
    sample = getattr(ctx.notation, "is_sample_var", lambda *a: False)(name, node, ctx)
    if hi - lo > 10_000:
        raise Unsupported(f"a sum of {hi - lo + 1} terms is too expensive", node.pos)
    total = None
    for k in range(lo, hi + 1):
        inner = ctx.child()
        inner.bind[name] = k
        inner.free.discard(name)
        if sample:
            inner.sample_hint = k
        term = ev(node.body, inner)
        total = term if total is None else add(total, term, 1, node.pos)
    if total is None:
        raise Unsupported("empty sum", node.pos)
    return total


def _matrix(node, ctx):
    rows = expand(node, ctx)
    data = []
    for row in rows:
        cells = []
        for cell in row:
            value = as_scalar(ev(cell, ctx))
            if isinstance(value, Mat):
                raise Unsupported("a matrix inside a matrix literal", cell.pos)
            cells.append(value)
        data.append(cells)
    if len({len(r) for r in data}) != 1:
        raise ShapeError("matrix literal rows of different lengths", node.pos)
    return Mat(data)


def _deriv(node, ctx):
    if node.num is None:
        raise Unsupported("a derivative operator without anything to differentiate", node.pos)
    return derivative(node.num, node.den, node.componentwise, ctx)


def _indicator(node, ctx):
    tests = {"=": lambda x, y: x == y, ">": lambda x, y: x > y, "<": lambda x, y: x < y,
             "geq": lambda x, y: x >= y, "leq": lambda x, y: x <= y, ":=": lambda x, y: x == y}
    test = tests.get(node.op)
    if test is None:
        raise Unsupported(f"indicator of {node.op}", node.pos)
    return combine(lambda x, y: mpmath.mpf(1 if test(x, y) else 0), _side(node.left, ctx),
                   _side(node.right, ctx), node.pos)


def _side(node, ctx):
    """A side of a comparison: an index (j, y_i, 3) when it reads as one, else its value."""
    try:
        return mpmath.mpf(index_value(node, ctx))
    except Unsupported:
        return ev(node, ctx)


def _partial_alone(node, ctx):
    raise Unsupported("\\partial outside a derivative", node.pos)


def _text(node, ctx):
    raise Unsupported(f"prose inside the equation (\\text{{{node.text.strip()}}})", node.pos)


def _dots(node, ctx):
    raise Unsupported("\\dots outside a matrix row or column", node.pos)


def _func(node, ctx):
    raise Unsupported(f"\\{node.name} without an argument", node.pos)


_DISPATCH = {S.Num: _num, S.Sym: _sym, S.Group: _group, S.Scripted: _scripted, S.Frac: _frac, S.Neg: _neg,
             S.Bin: _bin, S.Sum: _sum, S.Matrix: _matrix, S.Deriv: _deriv, S.Text: _text, S.Dots: _dots,
             S.Func: _func, S.Indicator: _indicator, S.Partial: _partial_alone}


# ------------------------------------------------------------------ derivatives
def derivative(num, den, componentwise: bool, ctx: Ctx):
    """d num / d den. den names network quantities (an entry, a column or a matrix) or a plain symbol."""
    while isinstance(den, S.Group) and len(den.items) == 1:
        den = den.items[0]
    if isinstance(num, S.Sym) and num.name in ("\\phi", "\\varphi",
                                               "\\sigma") and not num.sub and not num.sup:
        num = S.Bin(num.pos, "juxt", num, S.Group(den.pos, "(", (den,)))   # d phi / d z means d phi(z) / d z
    refs = ctx.notation.refs(den, ctx)
    if isinstance(refs, tuple) and refs[0] == "plain" and isinstance(den, S.Sym) and not any(
            isinstance(x, S.Sym) and x.name == den.name and x.sub == den.sub and x.sup == den.sup
            for x in S.walk(num)):
        raise Unsupported(f"the numerator does not contain the variable {den.name} of the derivative "
                          "(name its "
                          "layer, node and sample, e.g. {}_N z_{Sx}^j)", den.pos)
    truth = ctx.notation.cost_gradient(num, refs, ctx)
    if truth is not None:
        return truth
    if isinstance(refs, list):
        if componentwise or _same_shape_valued(num, refs, ctx):
            return Mat([[_partial(num, ref, ctx, entry=(r, c)) for c, ref in enumerate(row)]
                        for r, row in enumerate(refs)])
        return Mat([[_partial(num, ref, ctx) for ref in row] for row in refs])
    return _partial(num, refs, ctx)


def _same_shape_valued(num, refs, ctx) -> bool:
    value = ev(num, ctx)
    return isinstance(value, Mat) and (value.rows, value.cols) == (len(refs), len(refs[0]))


def _partial(num, ref, ctx: Ctx, entry=None):
    v0 = ctx.notation.ref_value(ref, ctx)

    def f(t):
        inner = ctx.child(overrides=ctx.overrides + ((ref, t),))
        inner.memo = {}
        value = ev(num, inner)
        if entry is not None and isinstance(value, Mat):
            if entry[0] >= value.rows or entry[1] >= value.cols:
                raise ShapeError("component-wise derivative of matrices of different shapes", num.pos)
            value = value.data[entry[0]][entry[1]]
        if isinstance(value, Mat):
            raise Unsupported("d(matrix)/d(scalar): write the derivative entry by entry", num.pos)
        return value

    with mpmath.workdps(mpmath.mp.dps + 15):
        return +mpmath.diff(f, v0)
