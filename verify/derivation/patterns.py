"""Symbol patterns of a notation table: ``"w^{l}_{jk}" = "W[l](j,k)"`` read as data.

A pattern is LaTeX parsed by our own grammar; its script letters are slots. A spec names the network
quantity, the slot that gives its layer (in the document's numbering) and the slots of its entry:
``W[l](j,k)`` weight row j (node on the later layer), column k; ``a[l](j)`` node j (sample from the
context); ``a[L](k,i)`` node k of sample i; ``delta[l]`` the whole matrix. Layers may also be numbers or
``L`` (the output layer). Matching a document symbol binds each slot to the AST item written there; a
script that holds no slot letters (``{}_{out}``, ``^{\\phi}``) must be written exactly so, and a slot letter
the spec does not use (``\\Lambda_{k}``) accepts any item and is no index of the equation.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction

from . import syntax as S
from .indexing import flat
from .symbols import is_T, strip

__all__ = ["Pattern", "Spec", "compile_pattern", "parse_spec", "match", "split_items", "is_sample_word",
           "SpecError", "FAMILIES"]

QUANTITIES = {"W", "Wb", "b", "z", "a", "a1", "x", "y", "label", "delta", "outdelta", "D", "theta", "cost",
              "sample_cost", "grad_a", "grad_W", "grad_b", "grad_Wb", "size", "batch"}
FAMILIES = ("delta", "outdelta", "D", "theta")   # defined by the document, one column per sample
_SPEC = re.compile(r"^(?P<q>[A-Za-z_][A-Za-z_0-9]*)(\[(?P<layer>[^\]]+)\])?(\((?P<idx>[^)]*)\))?$")


class SpecError(ValueError):
    """A notation table entry that does not read."""


@dataclass(frozen=True)
class Spec:
    quantity: str
    layer: str | None = None     # a slot letter, a number, "L" or "L-1"
    index: tuple = ()            # slot letters (or "*") of the entry: (row[, column])

    def uses(self, letter) -> bool:
        return letter == self.layer or letter in self.index


@dataclass(frozen=True)
class Pattern:
    latex: str
    sym: S.Sym
    spec: Spec
    keep: str = ""               # sample prefix: S1, Sx, Sn, S are one item, not split per character
    scripts: tuple = ()          # slot letters of pre, sub, sup ([] for a literal script)

    @property
    def slots(self) -> int:
        return len(self.sym.pre) + len(self.sym.sub) + len(self.sym.sup)


def parse_spec(text: str) -> Spec:
    m = _SPEC.match(text.replace(" ", ""))
    if not m or m.group("q") not in QUANTITIES:
        raise SpecError(f"unknown quantity {text!r} (known: {', '.join(sorted(QUANTITIES))})")
    idx = tuple(x for x in (m.group("idx") or "").split(",") if x)
    return Spec(m.group("q"), m.group("layer"), idx)


def compile_pattern(latex: str, spec: str, keep: str = "") -> Pattern:
    try:
        members, _ = S.parse_chain(latex)
    except S.ParseError as exc:
        raise SpecError(f"symbol pattern {latex!r} does not parse: {exc}") from None
    sym = strip(members[0])
    if (len(members) != 1 or not isinstance(sym, S.Sym)) and not _is_applied(sym):
        raise SpecError(f"symbol pattern {latex!r} is not one symbol")
    if _is_applied(sym):
        sym = S.Sym(sym.pos, "@apply", (), (sym,), ())
    scripts = tuple(tuple(_slot_letters(part, keep)) for part in (sym.pre, sym.sub, sym.sup))
    return Pattern(latex, sym, parse_spec(spec), keep, scripts)


def _is_applied(node) -> bool:
    """``\\nabla_a C``: a symbol applied to a symbol (kept as one pattern)."""
    return isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym) and isinstance(
        node.right, S.Sym)


def split_items(items, keep: str = "") -> list:
    """Script items as separate indices: ``_{jk}`` and ``_{12}`` split per character, ``_{j,k}`` kept (and
    with ``keep`` = "S" a sample index S1, Sx, Sn)."""
    items = [strip(x) for x in items]
    if len(items) == 1 and _terms(items[0]) is not None:   # _{i y_i}: an index and a label
        return _terms(items[0])
    if len(items) == 1:
        text = flat(items[0])
        whole = _is_word(text) or is_sample_word(text, keep) if text else True
        if text and len(text) > 1 and text.isalnum() and not whole:
            return [S.Num(items[0].pos, Fraction(int(ch))) if ch.isdigit() else S.Sym(items[0].pos, ch)
                    for ch in text]
    return items


def _terms(node):
    """The two index terms of ``i y_i`` (a juxtaposition with a subscripted symbol), else None."""
    if (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
            and isinstance(node.right, S.Sym) and (node.left.sub or node.right.sub)
            and not (node.left.sup or node.right.sup)):
        return [node.left, node.right]
    return None


def is_sample_word(text, prefix: str) -> bool:
    """S, S1, S12, Sn, Sx: a sample index of a notation whose sample indices carry ``prefix``."""
    if not prefix or not text or text[:len(prefix)].lower() != prefix.lower():
        return False
    rest = text[len(prefix):]
    return rest == "" or rest.isdigit() or (len(rest) == 1 and rest.isalpha())


def _is_word(text: str) -> bool:
    return text in ("out", "in")


def _slot_letters(items, keep="") -> list:
    """The slot letters of a pattern's script items (``{jk}`` -> [j, k], ``{x,l}`` -> [x, l]); none for a
    literal script (``{out}``, ``{\\phi}``, and the sample prefix alone: ``W_{S}``, every sample)."""
    out = []
    for item in split_items(items):
        text = flat(item)
        if not text or not text.isalpha() or _is_word(text) or (keep and text == keep):
            return []
        out.extend(text)
    return out


def _same(mine, theirs, keep) -> bool:
    if len(mine) != len(theirs):
        return False
    for a, b in zip(mine, theirs, strict=True):
        a, b = strip(a), strip(b)
        if keep and flat(a) == keep:   # the sample prefix alone, in either case: _S, _s
            if (flat(b) or "").lower() != keep.lower():
                return False
        elif a != b:
            return False
    return True


def match(pattern: Pattern, sym, transposed_ok: bool = True):
    """{slot letter: AST item} and the transpose flag when ``sym`` fits ``pattern``, else None."""
    p = pattern.sym
    if p.name == "@apply" or isinstance(sym, S.Bin):
        if isinstance(sym, S.Bin) and p.name == "@apply" and sym == p.sub[0]:
            return {}, False
        return None
    if not isinstance(sym, S.Sym) or sym.name != p.name:
        return None
    sup, T = list(sym.sup), False
    if transposed_ok and sup and is_T(sup[-1]):
        sup, T = sup[:-1], True
    bind: dict = {}
    for mine, theirs, letters in zip((p.pre, p.sub, p.sup), (sym.pre, sym.sub, tuple(sup)), pattern.scripts,
                                     strict=True):
        if len(mine) != 0 and not letters:   # a literal script: {}_{out}, ^{\phi}, _{S}
            if not _same(mine, theirs, pattern.keep):
                return None
            continue
        items = split_items(theirs, pattern.keep) if theirs else []
        if len(items) != len(letters):
            return None
        for letter, item in zip(letters, items, strict=True):
            bind[letter] = item
    return bind, T
