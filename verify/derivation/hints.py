"""Hints for a failing equation: which small change would make it hold.

First the two sides' values are compared for a pattern (opposite sign, a factor n or 1/n, a transpose,
transposed entries); then small edits of the written expression are tried one by one (a ``-`` turned into
``+``, a ``^T`` added or removed, a layer index moved by one, ``a`` and ``z`` swapped inside a derivative,
a concrete sample S1 replaced by the free sample Sx) and the edited side is re-evaluated. The first edit
that makes the equation hold at the counterexample is reported.
"""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .evaluate import ev, flat
from .model import TOL
from .values import Mat, OutOfRange, as_scalar, close, neg, scale, transpose

__all__ = ["hint_for", "value_hint"]

MAX_EDITS = 80
_BIAS_SWAP = {"\\theta": "\\bar\\theta", "\\Theta": "\\bar\\Theta", "\\bar\\theta": "\\theta",
              "\\bar\\Theta": "\\Theta"}


def _eq(a, b) -> bool:
    a, b = as_scalar(a), as_scalar(b)
    if isinstance(a, Mat) != isinstance(b, Mat):
        return False
    if not isinstance(a, Mat):
        return close(a, b, TOL)
    if (a.rows, a.cols) != (b.rows, b.cols):
        return False
    return all(close(x, y, TOL) for ra, rb in zip(a.data, b.data, strict=False) for x, y in zip(ra, rb,
                                                                                                strict=False))


def value_hint(left, right, n: int) -> str:
    """A pattern relating the two sides' values, or ''."""
    if _eq(left, neg(right)):
        return "sign: the two sides differ by a factor -1"
    if n > 1 and _eq(left, scale(right, Fraction(1, n))):
        return f"factor n: the right side is n = {n} times the left (a 1/n is missing on the right)"
    if n > 1 and _eq(scale(left, Fraction(1, n)), right):
        return f"factor n: the left side is n = {n} times the right (an extra 1/n on the right)"
    if isinstance(left, Mat) and isinstance(right, Mat):
        if _eq(left, transpose(right)) and (left.rows, left.cols) != (right.rows, right.cols):
            return "transpose: the right side is the transpose of the left"
        if (left.rows, left.cols) == (right.rows, right.cols):
            return _swapped_entries(left, right)
    return ""


def _swapped_entries(left: Mat, right: Mat) -> str:
    bad = [(r, c) for r in range(left.rows) for c in range(left.cols)
           if not close(left.data[r][c], right.data[r][c], TOL)]
    if not bad:
        return ""
    explained = []
    for r, c in bad:
        if c < left.rows and r < left.cols and close(right.data[r][c], left.data[c][r], TOL):
            explained.append((r, c))
    if len(explained) == len(bad):
        cells = ", ".join(f"({r + 1},{c + 1})" for r, c in bad)
        plural = "ies" if len(bad) > 1 else "y"
        return (f"transposed entries: entr{plural} {cells} of the right side hold the "
                "value of the mirrored entry (i.e. w_i^j written as w_j^i)")
    return ""


# ------------------------------------------------------------------ edits of the written expression
def _edits(member):
    """(description, edited member) candidates."""
    nodes = list(S.walk(member))
    for node in nodes:
        if isinstance(node, S.Bin) and node.op in "+-":
            flipped = "+" if node.op == "-" else "-"
            yield (f"sign: the '{node.op}' at column {{col}} should be '{flipped}'", node.pos,
                   _swap(member, node, S.Bin(node.pos, flipped, node.left, node.right)))
    for node in nodes:
        if isinstance(node, S.Bin) and node.op == "-":
            yield ("sign: the operands of the '-' at column {col} are swapped (write b - a, not a - b)",
                   node.pos,
                   _swap(member, node, S.Bin(node.pos, "-", node.right, node.left)))
    for node in nodes:
        if isinstance(node, S.Sym) and node.pre and flat(node.pre[0]) and flat(node.pre[0]).isdigit():
            layer = int(flat(node.pre[0]))
            for new in (layer - 1, layer + 1):
                if new < 0:
                    continue
                edited = S.Sym(node.pos, node.name, (S.Num(-1, Fraction(new)),), node.sub, node.sup,
                               node.primes)
                yield (f"wrong layer index: {{}}_{layer}{_name(node)} at column {{col}} should be "
                       f"{{}}_{new}{_name(node)}", node.pos, _swap(member, node, edited))
    for node in nodes:
        matrix_like = ("\\delta", "D", "W", "A", "Z", "a", "z", "w", "x", "y", "\\theta", "\\Theta",
                       "\\bar\\theta", "\\bar\\Theta")
        if isinstance(node, S.Sym) and node.name in matrix_like and (node.pre or node.sup
                                                                      or node.name in "WAZ"):
            has_t = bool(node.sup) and isinstance(node.sup[-1], S.Sym) and node.sup[-1].name == "T"
            sup = node.sup[:-1] if has_t else node.sup + (S.Sym(-1, "T"),)
            edited = S.Sym(node.pos, node.name, node.pre, node.sub, sup, node.primes)
            what = "remove the ^T" if has_t else "a ^T is missing"
            yield (f"transpose: {what} on {_name(node)} at column {{col}}", node.pos, _swap(member, node,
                                                                                            edited))
    for node in nodes:  # theta notation: the bias column of theta (the bias row of theta^T)
        if isinstance(node, S.Sym) and node.name in _BIAS_SWAP and node.sup:
            edited = S.Sym(node.pos, _BIAS_SWAP[node.name], node.pre, node.sub, node.sup, node.primes)
            if node.name.startswith("\\bar"):
                text = ("bias column: {name} at column {{col}} should be {new} (the bias column is part of "
                        "the parameters here)")
            else:
                text = ("bias row: {name} at column {{col}} should be {new}: the bias unit's row has to be "
                        "dropped (the bias unit a_0 = 1 does not depend on z)")
            yield (text.format(name=node.name, new=_BIAS_SWAP[node.name]), node.pos,
                   _swap(member, node, edited))
    for node in nodes:
        if (isinstance(node, S.Bin) and node.op in "+-" and isinstance(node.left,
                                                                       S.Sym) and node.left.name == "m"
                and node.left.sub):
            inner = S.Bin(node.pos, node.op, node.left.sub[0], node.right)
            edited = S.Sym(node.left.pos, "m", (), (inner,), (), 0)
            yield ("index: m_N" + node.op + "1 at column {col} should be m_{N" + node.op + "1} (the size of "
                   "the "
                   "neighbouring layer)", node.pos, S.replace(member, lambda x, node=node, edited=edited:
                                                              edited if x == node else None))
    for node in nodes:
        if isinstance(node, S.Deriv):
            edited = S.replace(node, _az_swap)
            if edited != node:
                yield ("a/z mix-up: inside the derivative at column {col} the variable should be z, not a "
                       "(or the other way round)", node.pos, _swap(member, node, edited))


def _az_swap(node):
    if isinstance(node, S.Sym) and node.name in ("a", "z", "A", "Z") and node.pre:
        other = {"a": "z", "z": "a", "A": "Z", "Z": "A"}[node.name]
        return S.Sym(node.pos, other, node.pre, node.sub, node.sup, node.primes)
    return None


def _sample_edits(member, free_samples, concrete):
    for var in free_samples:
        for value in sorted(concrete):
            def fix(node, value=value, var=var):
                if isinstance(node, S.Bin) and node.op == "juxt" and flat(node) in (f"S{value}", f"s{value}"):
                    return S.Bin(node.pos, "juxt", S.Sym(node.pos, "S"), S.Sym(node.pos, var))
                return None

            edited = S.replace(member, fix)
            if edited != member:
                yield (f"sample index: S{value} should be the free sample S{var}", -1, edited)


def _index_edits(member, letters):
    """Replace one node index letter (j) by another free one (i) in one symbol."""
    for node in S.walk(member):
        if not isinstance(node, S.Sym):
            continue
        for part in ("sup", "sub"):
            items = getattr(node, part)
            for k, item in enumerate(items):
                if isinstance(item, S.Sym) and item.name in letters and not item.sub and not item.sup:
                    for other in letters:
                        if other == item.name:
                            continue
                        new_items = items[:k] + (S.Sym(item.pos, other),) + items[k + 1:]
                        fields = {"sub": node.sub, "sup": node.sup, part: new_items}
                        edited = S.Sym(node.pos, node.name, node.pre, fields["sub"], fields["sup"],
                                       node.primes)
                        yield (f"index: {item.name} at column {{col}} should be {other}", item.pos,
                               _swap(member, node, edited))


def _name(node) -> str:
    name = node.name
    return name[1:] if name.startswith("\\") and "\\" not in name[1:] else name


def _swap(root, target, new):
    return S.replace(root, lambda n: new if n is target else None)


def hint_for(run, failure) -> str:
    """The hint for a failure of a chain check (``run`` is the check's _Run)."""
    n = run.models[0].n
    if failure["error"] is None and failure["values"] is not None:
        left, right = failure["values"]
        text = value_hint(left, right, n)
        if text:
            return text
    if failure["error"] is not None:
        message = str(failure["error"])
        if message.startswith("the entry after \\dots"):
            return ("the entry after \\dots must name the last sample Sn (or the last node m_N), as the "
                    "other rows do")
    edit = _edit_hint(run, failure)
    if edit:
        return edit
    shape = _shape_hint(run, failure)
    if shape:
        return shape
    if isinstance(failure["error"], OutOfRange):
        return ("index out of range: the equation names a node, sample or layer that does not exist at the "
                "document's sizes (a row or column too many?)")
    return ""


def _shape_hint(run, failure) -> str:
    if failure["error"] is None and failure["diff"] is not None and failure["diff"][3].startswith("shapes"):
        for member in run.members:
            if isinstance(member, S.Matrix) and not any(all(isinstance(c, S.Dots) for c in row)
                                                        for row in member.rows):
                last = member.rows[-1]
                if any(isinstance(x, S.Sym) and x.name == "m" and x.sub for c in last for x in S.walk(c)):
                    return ("shape: the matrix literal's last row is indexed by a size m_.. but no row of "
                            "\\dots precedes it, so it has a fixed number of rows")
    return ""


def _edit_hint(run, failure) -> str:
    where = failure["where"]
    ctx = run._ctx(failure["point"], failure["bind"])
    pairs = [where] if isinstance(where, tuple) else _neighbours(run, where)
    sides = [(side, other, side == b) for a, b in pairs for side, other in ((b, a), (a, b))]
    if failure.get("target") is not None:  # a definition compared with the truth: edit the definition
        sides = [(where[1], None, True)]
    tried = 0
    for side, other, right in sides:
        try:
            target = failure["target"] if other is None else ev(run.members[other], ctx)
        except Exception:  # noqa: BLE001
            continue
        for text, pos, value in _edited_values(run, run.members[side], ctx):
            tried += 1
            if tried > MAX_EDITS:
                return ""
            if _eq(value, target):
                return _with_col(text, pos, run)
            extra = value_hint(target, value, run.models[0].n) if right else ""
            if extra.startswith("sign"):
                return _with_col(text, pos, run) + "; and the overall sign is flipped (a factor -1)"
            if extra.startswith("factor"):
                return _with_col(text, pos, run) + "; and " + extra
    return ""


def _edited_values(run, member, ctx):
    """(text, pos, value) of every edit of ``member`` that changes its value."""
    try:
        original = ev(member, ctx)
    except Exception:  # noqa: BLE001
        original = None
    free_samples = [v for v, r in run.free.items() if r == "sample"]
    letters = [v for v, r in run.free.items() if r == "node"]
    candidates = (list(_edits(member)) + list(_sample_edits(member, free_samples, run.samples))
                  + list(_index_edits(member, letters)))
    for text, pos, edited in candidates:
        try:
            value = ev(edited, ctx)
        except Exception:  # noqa: BLE001 - an edit may break anything; it is just not the hint
            continue
        if original is None or not _eq(value, original):
            yield text, pos, value


def _neighbours(run, k):
    out = []
    if k > 0:
        out.append((k - 1, k))
    if k + 1 < len(run.members):
        out.append((k, k + 1))
    return out


def _with_col(text, pos, run) -> str:
    if pos is None or pos < 0:
        return text.replace(" at column {col}", "")
    line, col = run.doc.position(run.part.offset + pos)
    return text.replace("{col}", f"{col} (line {line})")
