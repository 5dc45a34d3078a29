"""Small edits of a written expression, each with the hint it stands for: a sign, a ^T, a layer moved by
one, two indices swapped, a wrong summation index, Hadamard for matrix product, phi'(a) for phi'(z), a and z
mixed up, a concrete sample for the free one, theta with or without its bias column. Each yields
(text with {col}, position, edited expression, hint kind)."""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .evaluate import flat
from .patterns import split_items
from .symbols import is_T

__all__ = ["edits"]

_BIAS_SWAP = {"\\theta": "\\bar\\theta", "\\Theta": "\\bar\\Theta", "\\bar\\theta": "\\theta",
              "\\bar\\Theta": "\\Theta"}
_AZ = {"a": "z", "z": "a", "A": "Z", "Z": "A"}
_PRODUCTS = ("odot", "cdot", "*", "juxt")


def _swap(root, target, new):
    return S.replace(root, lambda n: new if n is target else None)


def _name(node) -> str:
    name = node.name
    return name[1:] if name.startswith("\\") and "\\" not in name[1:] else name


def _shift(item, d):
    if isinstance(item, S.Num):
        return S.Num(item.pos, item.value + d)
    return S.Bin(item.pos, "+" if d > 0 else "-", item, S.Num(-1, Fraction(1)))


def edits(member, layer_slots, sum_vars, free_letters, free_samples, concrete, counterpart=None):
    """All candidate edits of ``member``; ``layer_slots(sym)`` names the (part, k) items holding layers."""
    nodes = list(S.walk(member))
    for node in nodes:
        if (isinstance(node, S.Bin) and node.op in "+-" and isinstance(node.left, S.Sym)
                and node.left.name == "m" and node.left.sub):
            edited = S.Sym(node.left.pos, "m", (), (S.Bin(node.pos, node.op, node.left.sub[0], node.right),),
                           (), 0)
            yield ("index: m_N" + node.op + "1 at column {col} should be m_{N" + node.op + "1} (the size of "
                   "the neighbouring layer)", node.pos,
                   S.replace(member, lambda x, node=node, edited=edited: edited if x == node else None),
                   "wrong_layer")
    for node in nodes:
        if isinstance(node, S.Bin) and node.op in "+-":
            flipped = "+" if node.op == "-" else "-"
            yield (f"sign: the '{node.op}' at column {{col}} should be '{flipped}'", node.pos,
                   _swap(member, node, S.Bin(node.pos, flipped, node.left, node.right)), "sign")
            if node.op == "-":
                yield ("sign: the operands of the '-' at column {col} are swapped (write b - a, not a - b)",
                       node.pos, _swap(member, node, S.Bin(node.pos, "-", node.right, node.left)), "sign")
    for node in nodes:
        if isinstance(node, S.Sym):
            yield from _layer_edits(member, node, layer_slots(node))
    for node in nodes:
        if isinstance(node, S.Sym) and not (len(node.name) == 1 and node.name.islower() and not (
                node.pre or node.sup or node.sub) and node.name in free_letters | sum_vars):
            has_t = bool(node.sup) and is_T(node.sup[-1])
            sup = node.sup[:-1] if has_t else node.sup + (S.Sym(-1, "T"),)
            edited = S.Sym(node.pos, node.name, node.pre, node.sub, sup, node.primes)
            what = "remove the ^T" if has_t else "a ^T is missing"
            yield (f"transpose: {what} on {_name(node)} at column {{col}}", node.pos,
                   _swap(member, node, edited), "transpose")
    for node in nodes:
        if isinstance(node, S.Sym) and node.name in _BIAS_SWAP and node.sup:
            edited = S.Sym(node.pos, _BIAS_SWAP[node.name], node.pre, node.sub, node.sup, node.primes)
            if node.name.startswith("\\bar"):
                text = (f"bias column: {node.name} at column {{col}} should be {_BIAS_SWAP[node.name]} (the "
                        "bias column is part of the parameters here)")
            else:
                text = (f"bias row: {node.name} at column {{col}} should be {_BIAS_SWAP[node.name]}: the "
                        "bias unit's row has to be dropped (the bias unit a_0 = 1 does not depend on z)")
            yield text, node.pos, _swap(member, node, edited), "bias"
    yield from _phi_edits(member, nodes, counterpart)
    yield from _index_edits(member, nodes, sum_vars, free_letters)
    yield from _sample_edits(member, free_samples, concrete)
    yield from _number_index_edits(member, nodes, free_samples)
    yield from _sum_var_edits(member, nodes, free_letters)
    for node in nodes:
        if isinstance(node, S.Bin) and node.op in _PRODUCTS:
            for op in _PRODUCTS:
                if op != node.op:
                    yield ("Hadamard vs matrix product: the product at column {col} should be the other one",
                           node.pos, _swap(member, node, S.Bin(node.pos, op, node.left, node.right)),
                           "hadamard_vs_matmul")


def _layer_edits(member, node, slots):
    for part, k in slots:
        items = getattr(node, part)
        for d in (-1, 1):
            new = items[:k] + (_shift(items[k], d),) + items[k + 1:]
            if isinstance(new[k], S.Num) and new[k].value < 0:
                continue
            fields = {"pre": node.pre, "sub": node.sub, "sup": node.sup, part: new}
            edited = S.Sym(node.pos, node.name, fields["pre"], fields["sub"], fields["sup"], node.primes)
            yield (f"wrong layer: {_written(node, part, items[k])} at column {{col}} should be "
                   f"{_written(node, part, new[k])}", node.pos, _swap(member, node, edited), "wrong_layer")


def _written(node, part, item) -> str:
    text = _text(item)
    if part == "pre":
        return "{}_" + (text if len(text) == 1 else "{" + text + "}") + _name(node)
    return _name(node) + ("^" if part == "sup" else "_") + "{" + text + "}"


def _text(item) -> str:
    if isinstance(item, S.Bin) and item.op in "+-":
        return _text(item.left) + item.op + _text(item.right)
    if isinstance(item, S.Group) and len(item.items) == 1:
        return "(" + _text(item.items[0]) + ")"
    return flat(item) or "?"


def _az_swap(node, counterpart=None):
    if counterpart is not None:
        return counterpart(node)
    if isinstance(node, S.Sym) and node.name in _AZ and (node.pre or node.sup):
        return S.Sym(node.pos, _AZ[node.name], node.pre, node.sub, node.sup, node.primes)
    return None


_ACTIVATIONS = ("\\phi", "\\varphi", "\\sigma", "g")


def _activation_args(member):
    """Arguments of the activation function applied in ``member`` (phi(x), sigma(x), g(x))."""
    out = []
    for node in S.walk(member):
        if (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
                and node.left.name in _ACTIVATIONS and isinstance(node.right, S.Group)):
            out.append(node.right.items[0] if len(node.right.items) == 1 else None)
    return out


def _phi_edits(member, nodes, counterpart):
    for node in nodes:
        primed = (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
                  and node.left.primes and isinstance(node.right, S.Group))
        of_phi = (isinstance(node, S.Deriv) and node.num is not None
                  and any(isinstance(x, S.Sym) and x.name in _ACTIVATIONS for x in S.walk(node.num)))
        if primed or of_phi:
            edited = S.replace(node, lambda x: _az_swap(x, counterpart))
            if edited != node:
                yield ("phi'(a) for phi'(z): the derivative of the activation at column {col} is taken at a, "
                       "it belongs at z", node.pos, _swap(member, node, edited), "phi_prime_at_a")
    args = _activation_args(member)
    seen = []
    for node in nodes:
        edited = _az_swap(node, counterpart) if isinstance(node, S.Sym) else None
        if edited is None or node in seen:
            continue
        seen.append(node)
        everywhere = S.replace(member, lambda x, node=node, edited=edited: edited if x == node else None)
        derivative_form = sum(1 for x in args if x is not None and any(y == node for y in S.walk(x))) >= 2
        kind = "phi_prime_at_a" if derivative_form else "a_z_mixup"   # phi(a)(1 - phi(a)) for phi'(z)
        yield (f"a/z mix-up: {_name(node)} at column {{col}} should be {_name(edited)}", node.pos, everywhere,
               kind)


def _index_edits(member, nodes, sum_vars, letters):
    for node in nodes:
        if not isinstance(node, S.Sym):
            continue
        for part in ("sub", "sup"):
            items = split_items(getattr(node, part))
            if len(items) == 2 and items[0] != items[1] and all(flat(x) for x in items):
                swapped = (items[1], items[0])
                fields = {"sub": node.sub, "sup": node.sup, part: swapped}
                edited = S.Sym(node.pos, node.name, node.pre, fields["sub"], fields["sup"], node.primes)
                first, second = flat(items[0]), flat(items[1])
                yield (f"swapped indices: {_name(node)}_{{{first}{second}}} at column {{col}} "
                       f"should be {_name(node)}_{{{second}{first}}}", node.pos,
                       _swap(member, node, edited), "swapped_indices")
            for k, item in enumerate(items):
                if isinstance(item, S.Sym) and item.name in letters | sum_vars and not (item.sub or item.sup):
                    for other in sorted(letters | sum_vars):
                        if other == item.name:
                            continue
                        new = tuple(items[:k]) + (S.Sym(item.pos, other),) + tuple(items[k + 1:])
                        fields = {"sub": node.sub, "sup": node.sup, part: new}
                        edited = S.Sym(node.pos, node.name, node.pre, fields["sub"], fields["sup"],
                                       node.primes)
                        kind = "wrong_sum_index" if {item.name, other} & sum_vars else "swapped_indices"
                        yield (f"index: {item.name} at column {{col}} should be {other}", item.pos,
                               _swap(member, node, edited), kind)


def _number_index_edits(member, nodes, letters):
    """A number written where a sample letter belongs: S_{1j} for S_{ij}."""
    for node in nodes:
        if not isinstance(node, S.Sym | S.Scripted) or (isinstance(node, S.Sym) and node.pre):
            continue
        for part in ("sub", "sup"):
            items = split_items(getattr(node, part))
            for k, item in enumerate(items):
                if isinstance(item, S.Num) and isinstance(node, S.Scripted):
                    for letter in letters:
                        new = tuple(items[:k]) + (S.Sym(item.pos, letter),) + tuple(items[k + 1:])
                        edited = S.Scripted(node.pos, node.base, node.pre, new if part == "sub" else node.sub,
                                            new if part == "sup" else node.sup)
                        yield (f"sample index: {flat(item)} at column {{col}} should be the sample {letter}",
                               item.pos, _swap(member, node, edited), "sample_index")
                elif isinstance(item, S.Num):
                    for letter in letters:
                        if len(letter) != 1:
                            continue
                        new = tuple(items[:k]) + (S.Sym(item.pos, letter),) + tuple(items[k + 1:])
                        fields = {"sub": node.sub, "sup": node.sup, part: new}
                        edited = S.Sym(node.pos, node.name, node.pre, fields["sub"], fields["sup"],
                                       node.primes)
                        yield (f"sample index: {flat(item)} at column {{col}} should be the sample {letter}",
                               item.pos, _swap(member, node, edited), "sample_index")


def _sum_var_edits(member, nodes, letters):
    """The summation runs over the wrong index: \\sum_j where \\sum_k belongs."""
    for node in nodes:
        if isinstance(node, S.Sum) and isinstance(node.var, S.Sym) and not node.var.sub:
            body_letters = {x.name for x in S.walk(node.body) if isinstance(x, S.Sym) and len(x.name) == 1}
            for other in sorted(body_letters - {node.var.name}):
                if other.isupper():
                    continue
                edited = S.Sum(node.pos, S.Sym(node.var.pos, other), node.kind, node.rng, node.upper,
                               node.body)
                yield (f"wrong summation index: the sum at column {{col}} runs over {node.var.name}, the "
                       f"summand's index is {other}", node.pos, _swap(member, node, edited),
                       "wrong_sum_index")


def _sample_edits(member, free_samples, concrete):
    for var in free_samples:
        for value in sorted(concrete):
            def fix(node, value=value, var=var):
                if isinstance(node, S.Bin) and node.op == "juxt" and flat(node) in (f"S{value}", f"s{value}"):
                    return S.Bin(node.pos, "juxt", S.Sym(node.pos, "S"), S.Sym(node.pos, var))
                return None

            edited = S.replace(member, fix)
            if edited != member:
                yield (f"sample index: S{value} should be the free sample S{var}", -1, edited, "sample_index")
