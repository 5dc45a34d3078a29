"""The lark parse tree of one relation chain turned into the AST of :mod:`.nodes` (:class:`ToAST`): operators,
juxtaposition (function application binds tighter), sums with their limits (trailing terms without the
summation index stay outside, :func:`_narrow`), scripts, primes, accents, fractions and derivatives.
"""
from __future__ import annotations

import re
from fractions import Fraction
from pathlib import Path

from lark import Token, Transformer, v_args

from .layout import ParseError
from .nodes import (
    Bin,
    Deriv,
    Dots,
    Frac,
    Func,
    Group,
    Indicator,
    Matrix,
    Neg,
    Node,
    Num,
    Partial,
    Scripted,
    Sum,
    Sym,
    Text,
    walk,
)

__all__ = ["ToAST", "GRAMMAR"]

GRAMMAR = Path(__file__).with_name("grammar.lark").read_text(encoding="utf-8")   # read once, parsed by syntax
_GREEK_NAMES = re.search(r"GREEK\.1: /\\\\\((.*?)\)", GRAMMAR).group(1)

_MULOPS = {".*": "*", "*": "*",
           "\\odot": "odot", "\\cdot": "cdot", "\\times": "times", "/": "/", "\\circ": "circ"}


def _pos(tok) -> int:
    if isinstance(tok, Token):
        return tok.start_pos
    return getattr(tok, "pos", -1)


_FUNCTION_NAMES = {"\\phi", "\\varphi", "\\sigma", "\\lambda"}


def _is_function(node) -> bool:
    if isinstance(node, Func):
        return True
    if isinstance(node, Sym) and not node.sub:
        return node.name in _FUNCTION_NAMES or (node.name.startswith("\\") and node.name[1:2].isupper()
                                                and node.name not in ("\\Lambda", "\\nabla"))
    return False


@v_args(inline=True)
class ToAST(Transformer):
    def start(self, chain):
        return chain

    def chain(self, *parts):
        members = [p for i, p in enumerate(parts) if i % 2 == 0]
        rels = [str(p) for i, p in enumerate(parts) if i % 2 == 1]
        return members, [":=" if r in (":=", "\\coloneqq") else "≠" if r == "\\neq" else "=" for r in rels]

    def add(self, a, op, b):
        return Bin(_pos(op), "+", a, b)

    def sub(self, a, op, b):
        return Bin(_pos(op), "-", a, b)

    def neg(self, op, a):
        return Neg(_pos(op), a)

    def pos(self, op, a):
        return a

    def binop(self, a, op, b):
        if str(op) == "/" and isinstance(a, Partial) and isinstance(b, Partial):
            return Deriv(a.pos, a.arg, b.arg)   # \partial L / \partial W
        if (str(op) == "/" and isinstance(b, Partial) and isinstance(a, Bin) and a.op == "juxt"
                and isinstance(a.right, Partial)):   # n \partial C / \partial z
            return Bin(a.pos, "juxt", a.left, Deriv(a.right.pos, a.right.arg, b.arg))
        return Bin(_pos(op), _MULOPS[str(op)], a, b)

    def norm(self, _open, expr, _close):
        return Group(expr.pos, "norm", (expr,))

    def indicator(self, tok, left, op, right):
        return Indicator(_pos(tok), left, str(op).lstrip("\\"), right)

    def partialatom(self, tok, arg):
        return Partial(_pos(tok), arg)

    def juxt(self, a, b):
        if (isinstance(a, Sym) and a.name == "d" and not (a.sub or a.sup or a.pre or a.primes)
                and isinstance(b, Sym) and b.name[:1].isupper() and not b.pre):
            return Sym(a.pos, "d" + b.name, (), b.sub, b.sup, b.primes)   # dW, dZ_1: code-style names
        if isinstance(a, Bin) and a.op == "juxt" and (isinstance(a.right, Func) or (
                isinstance(a.right, Scripted) and isinstance(a.right.base, Func))):
            return Bin(a.pos, "juxt", a.left, Bin(_pos(b), "juxt", a.right, b))   # y \ln a, x \tanh^2(z)
        # function application binds tighter than juxtaposition: y \log(a) is y * log(a)
        if (isinstance(b, Group) and b.kind == "(" and isinstance(a, Bin) and a.op == "juxt"
                and _is_function(a.right)):
            return Bin(a.pos, "juxt", a.left, Bin(_pos(b), "juxt", a.right, b))
        return Bin(_pos(b), "juxt", a, b)

    def bigsum(self, tok, *rest):
        var, kind, rng, upper = None, "", None, None
        body = rest[-1]
        for part in rest[:-1]:
            if part[0] == "sub":
                var, kind, rng = part[1], part[2], part[3]
            else:
                upper = part[1]
        return _narrow(Sum(_pos(tok), var, kind, rng, upper, body))

    def sumsub(self, _tok, lim):
        return ("sub", *lim) if isinstance(lim, tuple) else ("sub", lim, "", None)

    def sumsup(self, _tok, arg):
        return ("sup", arg[0] if len(arg) == 1 else Group(arg[0].pos, "{", arg))

    def sumlim(self, *parts):
        parts = [p for p in parts if not (isinstance(p, Token) and p.type == "FORALL")]
        if len(parts) == 1:
            return (parts[0], "", None)
        kind = {"\\in": "in", "\\ON": "on"}.get(str(parts[1]), "eq")
        return (parts[0], kind, parts[2])

    def scripted(self, base, script):
        kind, items = script
        if kind == "prime":
            if isinstance(base, Sym):
                return Sym(base.pos, base.name, base.pre, base.sub, base.sup, base.primes + 1)
            raise ParseError("a prime ' only follows a function name", base.pos + 1)
        if isinstance(base, Sym) and not (kind == "sub" and base.sub) and not (kind == "sup" and base.sup):
            return Sym(base.pos, base.name, base.pre, items if kind == "sub" else base.sub,
                       items if kind == "sup" else base.sup, base.primes)
        if isinstance(base, Scripted) and not getattr(base, kind):
            return Scripted(base.pos, base.base, base.pre, items if kind == "sub" else base.sub,
                            items if kind == "sup" else base.sup)
        return Scripted(base.pos, base, (), items if kind == "sub" else (), items if kind == "sup" else ())

    def presub(self, tok, arg, base):
        if isinstance(base, Sym) and not base.pre:
            return Sym(_pos(tok), base.name, arg, base.sub, base.sup, base.primes)
        return Scripted(_pos(tok), base, arg, (), ())

    def subscript(self, _tok, arg):
        return ("sub", arg)

    def supscript(self, _tok, arg):
        return ("sup", arg)

    def prime(self, _tok):
        return ("prime", ())

    def arg(self, x):
        return x if isinstance(x, tuple) else (x,)

    def emptyarg(self):
        return ()

    def arglist(self, *items):
        return tuple(items)

    def letter(self, tok):
        return Sym(_pos(tok), str(tok))

    def greek(self, tok):
        return Sym(_pos(tok), str(tok))

    def accented(self, tok):
        """``\\bar{\\theta}``, ``\\bar\\theta``, ``\\tilde x``: one symbol named ``\\bar\\theta``."""
        m = re.fullmatch(r"\\(bar|tilde|overline|hat|widehat|vec)\s*\{?\s*(\\?[A-Za-z]+)\s*\}?", str(tok))
        if m.group(2).startswith("\\") and not re.fullmatch(_GREEK_NAMES, m.group(2)[1:]):
            raise ParseError(f"unknown command {m.group(2)} under \\{m.group(1)}", _pos(tok) + 1)
        if not m.group(2).startswith("\\") and len(m.group(2)) != 1:
            raise ParseError(f"\\{m.group(1)} takes one letter or Greek letter", _pos(tok) + 1)
        accent = {"overline": "bar", "widehat": "hat"}.get(m.group(1), m.group(1))
        return Sym(_pos(tok), f"\\{accent}{m.group(2)}")

    def func(self, tok):
        return Func(_pos(tok), str(tok)[1:])

    def number(self, tok):
        return Num(_pos(tok), Fraction(str(tok)))

    def infty(self, tok):
        raise ParseError("\\infty is not supported", _pos(tok) + 1)

    def paren(self, items):
        return Group(items[0].pos, "(", items)

    def bracket(self, items):
        return Group(items[0].pos, "[", items)

    def brace(self, item):
        return Group(item.pos, "{", (item,))

    def exprlist(self, *items):
        return tuple(items)

    def frac(self, tok, num, den):
        upright = _upright_d(num[2]) if num[0] == "plain" else None
        den_d = _upright_d(den[2]) if den[0] == "plain" else None
        if upright is not None and den_d not in (None, ()):  # \frac{d}{dx}, \frac{d f}{d x}
            return Deriv(_pos(tok), upright or None, den_d)
        num_partial, den_partial = num[0] == "partial", den[0] == "partial"
        if num_partial != den_partial:
            raise ParseError("a derivative needs \\partial in both numerator and denominator", _pos(tok) + 1)
        if num_partial:
            if den[2] is None:
                raise ParseError("\\partial in the denominator needs a variable", _pos(tok) + 1)
            return Deriv(_pos(tok), num[2], den[2], componentwise=bool(num[1] or den[1]))
        return Frac(_pos(tok), num[2], den[2])

    def plainpart(self, expr):
        return ("plain", None, expr)

    def partialpart(self, _tok, *rest):
        comp, expr = False, None
        rest = list(rest)
        if rest and isinstance(rest[0], Token) and rest[0].type == "SUP":
            comp = True
            rest = rest[2:]
        if rest:
            expr = rest[0]
        return ("partial", comp, expr)

    def matrix(self, begin, rows, _end):
        return Matrix(_pos(begin), rows)

    def rows(self, *items):
        return tuple(r for r in items if isinstance(r, tuple))

    def row(self, *items):
        return tuple(c for c in items if isinstance(c, Node))

    def cell(self, expr, *_comma):
        return expr

    def text(self, tok):
        return Text(_pos(tok), str(tok)[6:-1])

    def dots(self, *toks):
        return Dots(_pos(toks[0]))


def _mentions(node, var) -> bool:
    names = set()
    for x in walk(var) if var is not None else ():
        if isinstance(x, Sym):
            names.add(x.name)
    return any(isinstance(x, Sym) and x.name in names for x in walk(node))


def _narrow(node: Sum):
    """``\\sum_k w_{jk} a_k + b_j`` is (sum) + b_j: trailing terms without the summation index are
    outside the sum, as in ordinary mathematical writing; terms that use it stay inside."""
    body, outside = node.body, []
    while isinstance(body, Bin) and body.op in "+-" and not _mentions(body.right, node.var):
        outside.append((body.op, body.right, body.pos))
        body = body.left
    if not outside:
        return node
    out = Sum(node.pos, node.var, node.kind, node.rng, node.upper, body)
    for op, term, pos in reversed(outside):
        out = Bin(pos, op, out, term)
    return out


def _upright_d(node):
    """For ``d`` alone: (); for ``d f`` (a juxtaposition starting with the letter d): f; else None."""
    if isinstance(node, Sym) and node.name == "d" and not (node.sub or node.sup or node.pre or node.primes):
        return ()
    if isinstance(node, Bin) and node.op == "juxt":
        rest = _upright_d(node.left)
        if rest == ():
            return node.right
        if rest is not None:
            return Bin(node.pos, "juxt", rest, node.right)
    return None
