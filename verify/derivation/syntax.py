"""Parse one LaTeX relation chain (``a = b := c``) into a small immutable AST with our own lark grammar.

Nothing is ``eval``-ed and nothing is guessed: an unknown command or character is a :class:`ParseError`
carrying the column. :func:`preprocess` only blanks out pure layout (``\\left``, ``\\mathbf{..}``,
``aligned``, ``&``/``\\\\`` outside matrices) by spaces of the same length, so every column still points into
the author's text. The AST knows nothing about networks; :mod:`.notation` gives symbols their meaning.
"""
from __future__ import annotations

import re
from fractions import Fraction
from functools import lru_cache
from pathlib import Path

from lark import Lark, Token, Transformer, v_args
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

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
    children,
    replace,
    walk,
)

__all__ = ["ParseError", "Node", "Num", "Sym", "Group", "Frac", "Deriv", "Sum", "Bin", "Neg", "Matrix",
           "Dots", "Text", "Func", "Scripted", "Indicator", "Partial", "parse_chain", "preprocess", "walk",
           "replace", "children"]


class ParseError(ValueError):
    """Unparsable input; ``column`` is 1-based within the equation text given to :func:`parse_chain`."""

    def __init__(self, message: str, column: int | None = None):
        super().__init__(message)
        self.column = column


# ---------------------------------------------------------------- preprocessing -------------------------
_LAYOUT = re.compile(r"\\(left|right)[.]|"
                     r"\\(left|right|bigl|bigr|Bigl|Bigr|big|Big|bigg|Bigg|displaystyle|limits|nonumber)"
                     r"(?![A-Za-z])|(?<!\\)\\[,;!: ]|\\q?quad(?![A-Za-z])")
_WRAPPERS = re.compile(r"\\(mathbf|boldsymbol|mathrm|mathit|mathsf|mathcal|bm|mathbb|operatorname)\{")
_INDICATOR = re.compile(r"\\(mathbb|mathbf|mathds)\s*\{\s*[1I]\s*\}|\\mathbb\s*1")
_TRANSPOSE = re.compile(r"\\(top|intercal|(mathsf|mathrm|rm|sf)\s*\{\s*T\s*\}|(mathsf|mathrm)\s+T)"
                        r"(?![A-Za-z])")
_LONE_SUB = re.compile(r"((?:^|[=(,+\-*&\[])\s*)_(?=[0-9{])")   # _0\nabla: a layer in front, no {}
_SLASHED = re.compile(r"\\partial(\s*[^/=\s][^/=]*?)/(\s*)\\partial")
_OLDFONT = re.compile(r"\\(cal|bf|rm|it)(?![A-Za-z])")
_ENVS = re.compile(r"\\(begin|end)\{(aligned|align\*?|equation\*?|split|gathered)\}")
_ON = re.compile(r"\\text\{\s*on(\s+[A-Za-z0-9]+)?\s*\}")
_MATRIX = re.compile(r"\\(begin|end)\{[pbBvV]?matrix\}")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def preprocess(text: str) -> str:
    """Blank out layout-only LaTeX, keeping every other character at its column."""
    text = text.replace("\t", " ")
    text = _INDICATOR.sub(lambda m: "\\IND".ljust(len(m.group(0))), text)
    text = _TRANSPOSE.sub(lambda m: "T".ljust(len(m.group(0))), text)
    text = _OLDFONT.sub(lambda m: " " * len(m.group(0)), text)
    text = _norms(text)
    text = _LONE_SUB.sub(lambda m: m.group(1) + "⌊", text)
    text = _SLASHED.sub(lambda m: "\\PARTX  " + m.group(1) + "/" + m.group(2) + "\\PARTX  ", text)
    text = _ON.sub(lambda m: ("\\ON " + (m.group(1) or "").strip()).ljust(len(m.group(0))), text)
    text = _LAYOUT.sub(lambda m: " " * len(m.group(0)), text)
    text = _ENVS.sub(lambda m: " " * len(m.group(0)), text)
    while True:
        m = _WRAPPERS.search(text)
        if not m:
            break
        close = _matching_brace(text, m.end() - 1)
        if close is None:
            raise ParseError(f"unbalanced braces after \\{m.group(1)}", m.start() + 1)
        text = _blank(_blank(text, close, close + 1), m.start(), m.end())
    # & and \\ are layout outside matrices (aligned), separators inside
    out, depth, i = list(text), 0, 0
    while i < len(text):
        m = _MATRIX.match(text, i)
        if m:
            depth += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        if depth == 0 and text.startswith("\\\\", i):
            out[i] = out[i + 1] = " "
            i += 2
            continue
        if depth == 0 and text[i] == "&":
            out[i] = " "
        i += 1
    return "".join(out)


def _norms(text: str) -> str:
    """``\\|v\\|`` -> ``⟦ v ⟧`` (same length): distinct open and close tokens for the grammar."""
    out, opened, i = [], False, 0
    while i < len(text):
        if text.startswith("\\|", i):
            out.append("⟦ " if not opened else " ⟧")
            opened = not opened
            i += 2
            continue
        out.append(text[i])
        i += 1
    return "".join(out)


def _matching_brace(text: str, open_at: int) -> int | None:
    depth = 0
    for k in range(open_at, len(text)):
        if text[k] == "{" and (k == 0 or text[k - 1] != "\\"):
            depth += 1
        elif text[k] == "}" and (k == 0 or text[k - 1] != "\\"):
            depth -= 1
            if depth == 0:
                return k
    return None


_GREEK_NAMES = re.search(r"GREEK\.1: /\\\\\((.*?)\)", (Path(__file__).with_name("grammar.lark"))
                         .read_text(encoding="utf-8")).group(1)

# ---------------------------------------------------------------- parser --------------------------------
_GRAMMAR = (Path(__file__).with_name("grammar.lark")).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(_GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


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
class _ToAST(Transformer):
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


MAX_LENGTH = 20_000   # characters of one equation
MAX_DEPTH = 60        # levels of nested brackets and braces


def _check_depth(text: str) -> None:
    depth = 0
    for k, ch in enumerate(text):
        if ch in "({[":
            depth += 1
            if depth > MAX_DEPTH:
                raise ParseError(f"brackets nested more than {MAX_DEPTH} levels deep", k + 1)
        elif ch in ")}]":
            depth -= 1


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


@lru_cache(maxsize=4096)
def parse_chain(text: str) -> tuple[tuple[Node, ...], tuple[str, ...]]:
    """Parse ``text`` (one relation chain) into (members, relations) with relations in {'=', ':='}.

    Positions in the AST are 0-based offsets into ``text``; errors carry 1-based columns."""
    if not text.strip():
        raise ParseError("empty equation", 1)
    if len(text) > MAX_LENGTH:
        raise ParseError(f"the equation is {len(text)} characters long (limit {MAX_LENGTH})", 1)
    _check_depth(text)
    clean = preprocess(text)
    try:
        tree = _parser().parse(clean)
        members, rels = _ToAST().transform(tree)
    except ParseError:
        raise
    except RecursionError:
        raise ParseError(f"the equation is too deeply nested or too long to read (limit {MAX_DEPTH} levels)",
                         1) from None
    except VisitError as exc:
        if isinstance(exc.orig_exc, RecursionError):
            raise ParseError(f"the equation is too deeply nested or too long to read (limit {MAX_DEPTH} "
                             "levels)", 1) from None
        if isinstance(exc.orig_exc, ParseError):
            raise exc.orig_exc from None
        raise ParseError(str(exc.orig_exc)) from None
    except UnexpectedCharacters as exc:
        rest = clean[exc.pos_in_stream:exc.pos_in_stream + 12]
        snippet = rest.split()[0] if rest.strip() else clean[exc.pos_in_stream]
        raise ParseError(f"unknown token {snippet!r}", exc.column) from None
    except UnexpectedToken as exc:
        tok = exc.token
        if tok.type == "$END":
            raise ParseError("unexpected end of equation (unbalanced bracket or dangling operator?)",
                             len(text)) from None
        raise ParseError(f"unexpected {str(tok)!r}", tok.column) from None
    except UnexpectedEOF:
        raise ParseError("unexpected end of equation", len(text)) from None
    except UnexpectedInput as exc:  # pragma: no cover - other lark input errors
        raise ParseError(str(exc).splitlines()[0], getattr(exc, "column", None)) from None
    except LarkError as exc:
        cause = exc.__context__ if isinstance(exc.__context__, ParseError) else None
        if cause is not None:
            raise cause from None
        raise ParseError(str(exc).splitlines()[0]) from None
    return tuple(members), tuple(rels)
