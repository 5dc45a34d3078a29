"""sympy expressions as plain data (nested lists of str/int), and their evaluation without sympy.

Why: the stage derivatives that ``sympy.diff`` produces (``derive.stages``) are cached on disk and read
back in a later process that never imports sympy. Data, not code: a tree is JSON (no pickle, no
``eval``/``sympify`` of stored text), and reading one accepts only the node kinds below, so a corrupt or
foreign cache file can never run code; it is refused as a whole (``TreeError``).

Node kinds (``to_tree`` refuses anything else, so an expression we cannot evaluate exactly is never cached):

    ["sym", name]          a symbol (an argument of the compiled function)
    ["int", "123"]         an integer (decimal text: no size limit of JSON numbers)
    ["rat", "p", "q"]      the rational p/q, q > 1
    ["add", t1, t2, ...]   sum;  ["mul", t1, t2, ...] product
    ["pow", t, k]          t**k for an integer k (k < 0 is 1 / t**|k|)
    ["fn", name, t]        a function of one argument from FUNCTIONS (exp, log, tanh, Heaviside,
                           sigmoid, relu, identity). Heaviside(0), where relu' does not exist, is stored
                           without sympy's H0 = 1/2: the evaluator uses 0 there, as the stage-by-stage
                           route does (verify reports such entries as kinks, never as a verdict).
    ["max", t1, t2]        Max (relu's definition max(0, z))

``compile_tree(tree, names, table)`` turns a tree into a Python closure f(*values) over any number type
that has + * / ** (here python-flint ``arb`` balls); ``table`` maps each function name to the number
type's own function. Nothing is evaluated approximately here: every operation is the number type's own.
"""
from __future__ import annotations

import re

__all__ = ["FUNCTIONS", "TreeError", "compile_tree", "to_tree", "tree_functions", "tree_symbols",
           "validate_tree"]

FUNCTIONS = ("exp", "log", "tanh", "Heaviside", "sigmoid", "relu", "identity")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,40}$")
_INT = re.compile(r"^-?[0-9]{1,400}$")
MAX_NODES = 200_000


class TreeError(ValueError):
    """A tree (or a sympy expression) outside the accepted node kinds."""


def to_tree(expr) -> list:
    """The tree of a sympy expression; raises TreeError for a node kind that is not listed above."""
    if expr.is_Symbol:
        return ["sym", _checked_name(expr.name)]
    if expr.is_Integer:
        return ["int", str(int(expr))]
    if expr.is_Rational:
        return ["rat", str(int(expr.p)), str(int(expr.q))]
    if expr.is_Add:
        return ["add", *[to_tree(a) for a in expr.args]]
    if expr.is_Mul:
        return ["mul", *[to_tree(a) for a in expr.args]]
    if expr.is_Pow:
        if not expr.exp.is_Integer or (expr.base.is_Number and not expr.base.is_Rational):
            raise TreeError(f"not an integer power of an exact base: {expr}")
        return ["pow", to_tree(expr.base), int(expr.exp)]
    name = type(expr).__name__
    if name == "Max" and len(expr.args) == 2:
        return ["max", to_tree(expr.args[0]), to_tree(expr.args[1])]
    if name in FUNCTIONS and len(expr.args) == 1:
        return ["fn", name, to_tree(expr.args[0])]
    if name == "Heaviside" and len(expr.args) == 2:  # sympy's Heaviside(z, H0): see HEAVISIDE_AT_0
        return ["fn", name, to_tree(expr.args[0])]
    raise TreeError(f"cannot store {name} exactly: {expr}")


def _checked_name(name: str) -> str:
    if not isinstance(name, str) or not _NAME.match(name):
        raise TreeError(f"bad symbol name {name!r}")
    return name


def validate_tree(tree, names=None, _count=None) -> None:
    """Raise TreeError unless ``tree`` is a well-formed tree (symbols among ``names`` when given)."""
    count = _count if _count is not None else [0]
    count[0] += 1
    if count[0] > MAX_NODES:
        raise TreeError("tree too large")
    if not isinstance(tree, list) or not tree or not isinstance(tree[0], str):
        raise TreeError(f"bad node {tree!r:.60}")
    kind, args = tree[0], tree[1:]
    if kind == "sym":
        if len(args) != 1 or _checked_name(args[0]) is None or (names is not None and args[0] not in names):
            raise TreeError(f"unknown symbol {args!r:.60}")
    elif kind in ("int", "rat"):
        if len(args) != (1 if kind == "int" else 2) or not all(isinstance(a, str) and _INT.match(a)
                                                                for a in args):
            raise TreeError(f"bad number {tree!r:.60}")
        if kind == "rat" and int(args[1]) < 2:
            raise TreeError(f"bad denominator {tree!r:.60}")
    elif kind in ("add", "mul", "max"):
        if len(args) < 2 or (kind == "max" and len(args) != 2):
            raise TreeError(f"bad {kind} node")
        for a in args:
            validate_tree(a, names, count)
    elif kind == "pow":
        if len(args) != 2 or isinstance(args[1], bool) or not isinstance(args[1], int) \
                or abs(args[1]) > 64:
            raise TreeError("bad pow node")
        validate_tree(args[0], names, count)
    elif kind == "fn":
        if len(args) != 2 or args[0] not in FUNCTIONS:
            raise TreeError(f"unknown function {args[:1]!r:.60}")
        validate_tree(args[1], names, count)
    else:
        raise TreeError(f"unknown node kind {kind!r:.40}")


def tree_symbols(tree) -> set:
    """The symbol names a (valid) tree uses."""
    if tree[0] == "sym":
        return {tree[1]}
    if tree[0] in ("int", "rat"):
        return set()
    children = tree[1:] if tree[0] != "fn" else tree[2:]
    if tree[0] == "pow":
        children = tree[1:2]
    out: set = set()
    for child in children:
        out |= tree_symbols(child)
    return out


def tree_functions(tree) -> set:
    """The function names a (valid) tree applies."""
    if tree[0] in ("sym", "int", "rat"):
        return set()
    if tree[0] == "fn":
        return {tree[1]} | tree_functions(tree[2])
    if tree[0] == "pow":
        return tree_functions(tree[1])
    out: set = set()
    for child in tree[1:]:
        out |= tree_functions(child)
    return out


def compile_tree(tree, names, table: dict, number):
    """f(*values) evaluating ``tree`` with the symbols ``names`` bound in order.

    table: function name -> callable on numbers (also "max"); number(p) -> the exact number type for the
    integer p (rationals become number(p) / number(q)). The tree must be valid (``validate_tree``)."""
    index = {name: k for k, name in enumerate(names)}
    body = _build(tree, index, table, number)
    return lambda *values: body(values)


def _build(tree, index, table, number):
    kind = tree[0]
    if kind == "sym":
        k = index[tree[1]]
        return lambda v: v[k]
    if kind == "int":
        c = number(int(tree[1]))
        return lambda v: c
    if kind == "rat":
        p, q = number(int(tree[1])), number(int(tree[2]))
        return lambda v: p / q
    if kind == "pow":
        base, k = _build(tree[1], index, table, number), tree[2]
        if k >= 0:
            return lambda v: base(v) ** k
        return lambda v: 1 / base(v) ** (-k)
    if kind == "fn":
        fn, arg = table[tree[1]], _build(tree[2], index, table, number)
        return lambda v: fn(arg(v))
    parts = [_build(t, index, table, number) for t in tree[1:]]
    if kind == "max":
        fmax, (a, b) = table["max"], parts
        return lambda v: fmax(a(v), b(v))
    if kind == "add":
        def add(v):
            total = parts[0](v)
            for f in parts[1:]:
                total = total + f(v)
            return total
        return add

    def mul(v):
        prod = parts[0](v)
        for f in parts[1:]:
            prod = prod * f(v)
        return prod
    return mul
