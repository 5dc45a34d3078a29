"""Parse one LaTeX relation chain (``a = b := c``) into a small immutable AST with our own lark grammar.

Nothing is ``eval``-ed and nothing is guessed: an unknown command or character is a :class:`ParseError`
carrying the column. :func:`preprocess` (:mod:`.layout`) only blanks out pure layout (``\\left``,
``\\mathbf{..}``, ``aligned``, ``&``/``\\\\`` outside matrices) by spaces of the same length, so every column
still points into the author's text; :mod:`.transform` turns lark's tree into the AST of :mod:`.nodes`. The
AST knows nothing about networks; :mod:`.notation` gives symbols their meaning.
"""
from __future__ import annotations

from functools import lru_cache

from lark import Lark
from lark.exceptions import (
    LarkError,
    UnexpectedCharacters,
    UnexpectedEOF,
    UnexpectedInput,
    UnexpectedToken,
    VisitError,
)

from .layout import ParseError, preprocess
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
from .transform import GRAMMAR, ToAST

__all__ = ["ParseError", "Node", "Num", "Sym", "Group", "Frac", "Deriv", "Sum", "Bin", "Neg", "Matrix",
           "Dots", "Text", "Func", "Scripted", "Indicator", "Partial", "parse_chain", "preprocess", "walk",
           "replace", "children"]


# ---------------------------------------------------------------- parser --------------------------------
@lru_cache(maxsize=1)
def _parser() -> Lark:
    return Lark(GRAMMAR, parser="lalr", propagate_positions=True, maybe_placeholders=False)


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
        members, rels = ToAST().transform(tree)
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
