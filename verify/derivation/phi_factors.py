"""A phi' factor written out in the activation's closed form -- tanh: ``1 - a^2``, sigmoid: ``a (1 - a)``,
``a \\odot (1 - a)`` or ``\\sigma(z)(1 - \\sigma(z))`` -- removed (an extra phi') or inserted (a missing
phi') as candidate edits of a failing equation, inside index sums as well as in matrix form.

These are candidates only: :mod:`.hints` reports one only when the edited side equals the other side at the
counterexample. Each yields (text with {col}, position, edited expression, hint kind), as :mod:`.edits` does.
"""
from __future__ import annotations

from fractions import Fraction

from . import syntax as S
from .indexing import flat
from .patterns import split_items

__all__ = ["phi_factor_edits", "closed_form_of", "CLOSED_FORMS"]

PRODUCTS = ("odot", "cdot", "*", "juxt", "circ")
CLOSED_FORMS = {"tanh": "tanh", "sigmoid": "sigmoid", "logistic": "sigmoid"}   # activation -> written form
_FUNCTIONS = ("\\phi", "\\varphi", "\\sigma", "\\lambda", "g")
_SHIFTS = (0, -1, 1)   # the factor's layer: a seed's own or a neighbour's
MAX_CANDIDATES = 80   # inserted factors per member (layers x indices x places), a bound on the search


def _inside(node):
    """``(x)`` -> x; anything else unchanged."""
    while isinstance(node, S.Group) and node.kind == "(" and len(node.items) == 1:
        node = node.items[0]
    return node


def _one_minus(node):
    """X for ``1 - X`` (in brackets or not), else None."""
    node = _inside(node)
    if (isinstance(node, S.Bin) and node.op == "-" and isinstance(node.left, S.Num)
            and node.left.value == 1):
        return _inside(node.right)
    return None


def _squared(node):
    """X for ``X^2``, ``(X)^2`` or ``\\tanh^2(z)`` (X = tanh(z)), else None."""
    if isinstance(node, S.Scripted) and node.sup == (S.Num(-1, Fraction(2)),) and not (node.sub or node.pre):
        return None if isinstance(node.base, S.Func) else _inside(node.base)
    if (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Scripted)
            and isinstance(node.left.base, S.Func) and node.left.sup == (S.Num(-1, Fraction(2)),)):
        return S.Bin(node.pos, "juxt", node.left.base, node.right)
    return None


def closed_form_of(node):
    """("tanh", X) for ``1 - X^2``; ("sigmoid", X) for ``X (1 - X)``, ``(1 - X) X`` (a product); else None."""
    inner = _one_minus(node)
    if inner is not None:
        x = _squared(inner)
        return ("tanh", x) if x is not None else None
    node = _inside(node)
    if isinstance(node, S.Bin) and node.op in PRODUCTS:
        for x, rest in ((node.left, node.right), (node.right, node.left)):
            if _one_minus(rest) is not None and _one_minus(rest) == _inside(x):
                return ("sigmoid", _inside(x))
    return None


def _primed(node) -> bool:
    """``\\sigma'(z)``, ``g'(z)``: a primed function applied."""
    return (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.left, S.Sym)
            and node.left.primes > 0 and isinstance(node.right, S.Group))


def _is_factor(node) -> bool:
    return closed_form_of(node) is not None or _primed(_inside(node))


def _swap(root, target, new):
    return S.replace(root, lambda n: new if n is target else None)


def _removals(member):
    """An extra phi': each written-out (or primed) derivative factor of a product, left out."""
    for node in S.walk(member):
        if not (isinstance(node, S.Bin) and node.op in PRODUCTS):
            continue
        for factor, rest in ((node.right, node.left), (node.left, node.right)):
            if _is_factor(factor):
                yield factor.pos, _swap(member, node, rest)
        left = node.left
        if isinstance(left, S.Bin) and left.op in PRODUCTS:   # (Y X)(1 - X), Y odot X odot (1 - X)
            for x, y in ((left.right, left.left), (left.left, left.right)):
                inner = _one_minus(node.right)
                if inner is not None and inner == _inside(x):
                    yield x.pos, _swap(member, node, y)


def _text(node) -> str:
    """The LaTeX of a small expression built here (a factor and what it is made of)."""
    if isinstance(node, S.Num):
        return str(node.value)
    if isinstance(node, S.Func):
        return "\\" + node.name
    if isinstance(node, S.Group):
        return "(" + ", ".join(_text(x) for x in node.items) + ")"
    if isinstance(node, S.Bin):
        op = {"juxt": " ", "odot": " \\odot ", "circ": " \\circ ", "*": " * ", "cdot": " \\cdot "}.get(
            node.op, f" {node.op} ")
        return _text(node.left) + op + _text(node.right)
    if isinstance(node, S.Scripted):
        return _text(node.base) + _scripts(node)
    if isinstance(node, S.Sym):
        pre = "{}_" + _braced(node.pre) if node.pre else ""
        return pre + node.name + "'" * node.primes + _scripts(node)
    return "?"


def _braced(items) -> str:
    text = "".join(flat(x) or _text(x.items[0] if isinstance(x, S.Group) and x.kind == "{" else x)
                   for x in items)
    return text if len(text) == 1 else "{" + text + "}"


def _scripts(node) -> str:
    return ("^" + _braced(node.sup) if node.sup else "") + ("_" + _braced(node.sub) if node.sub else "")


def _variants(x, layer_slots, letters):
    """X with its activation symbol moved to other layers and indices (X itself first)."""
    syms = [n for n in S.walk(x) if isinstance(n, S.Sym) and (layer_slots(n) or n.sub or n.sup)]
    if not syms:
        return [x]
    sym = syms[0]
    slots = layer_slots(sym)
    out = []
    for d in _SHIFTS if slots else (0,):
        shifted = _shift(sym, slots[0], d) if slots and d else sym
        if shifted is None:
            continue
        for lettered in _relettered(shifted, letters, slots[0] if slots else None):
            new = _swap(x, sym, lettered)
            if new not in out:
                out.append(new)
    return out


def _shift(sym, slot, d):
    part, k = slot
    items = getattr(sym, part)
    item = items[k]
    if isinstance(item, S.Group) and len(item.items) == 1:   # a^{(2)}: the layer in brackets
        moved = _shift(S.Sym(sym.pos, sym.name, (), (), (item.items[0],)), ("sup", 0), d)
        new = S.Group(item.pos, item.kind, moved.sup) if moved is not None else None
    elif isinstance(item, S.Num):
        new = S.Num(item.pos, item.value + d) if item.value + d >= 0 else None
    else:
        new = S.Bin(item.pos, "+" if d > 0 else "-", item, S.Num(-1, Fraction(abs(d))))
    if new is None:
        return None
    fields = {"pre": sym.pre, "sub": sym.sub, "sup": sym.sup, part: items[:k] + (new,) + items[k + 1:]}
    return S.Sym(sym.pos, sym.name, fields["pre"], fields["sub"], fields["sup"], sym.primes)


def _relettered(sym, letters, layer_slot):
    """``sym`` and ``sym`` with its one node index letter replaced by each other letter."""
    out = [sym]
    for part in ("sub", "sup"):
        if layer_slot is not None and layer_slot[0] == part:
            continue
        items = split_items(getattr(sym, part))
        if len(items) != 1 or not (isinstance(items[0], S.Sym) and items[0].name in letters):
            continue
        for other in sorted(letters - {items[0].name}):
            fields = {"sub": sym.sub, "sup": sym.sup, part: (S.Sym(items[0].pos, other),)}
            out.append(S.Sym(sym.pos, sym.name, sym.pre, fields["sub"], fields["sup"], sym.primes))
    return out


def _factor(form, x, hadamard):
    one_minus = S.Group(-1, "(", (S.Bin(-1, "-", S.Num(-1, Fraction(1)), x),))
    if form == "tanh":
        square = S.Scripted(-1, S.Group(-1, "(", (x,)), (), (), (S.Num(-1, Fraction(2)),))
        return S.Group(-1, "(", (S.Bin(-1, "-", S.Num(-1, Fraction(1)), square),))
    return S.Group(-1, "(", (S.Bin(-1, hadamard, x, one_minus),))


def _places(member):
    """Where a factor may be missing: the member, each summand, each summation's body and each operand of
    a product."""
    out = [member]
    for node in S.walk(member):
        if isinstance(node, S.Sum):
            out.append(node.body)
        elif isinstance(node, S.Bin) and (node.op in "+-" or node.op in PRODUCTS and not _applied(node)):
            out += [node.left, node.right]
    unique = {}
    for place in out:
        unique.setdefault(id(place), place)
    return list(unique.values())


def _insertions(member, templates, layer_slots, letters, hadamard, shape):
    """A missing phi': a written-out factor (of the member's own form, at a nearby layer and index)
    multiplied in at one place. Scalar (indexed) factors go once into each product, as their place in it
    does not change the value; a factor of a matrix goes element-wise on terms of its shape (or of a shape
    unknown alone, as inside a sum)."""
    places = _places(member)
    bound = _bound(member)
    summed = set().union(*bound.values())
    shapes = {}
    operands = {id(x) for n in S.walk(member) if isinstance(n, S.Bin) and n.op in PRODUCTS
                for x in (n.left, n.right)}
    count = 0
    for form, seed in templates:
        for x in _variants(seed, layer_slots, letters):
            factor = _factor(form, x, hadamard)
            indexed = _indexed(x, letters)
            size = shape(factor)
            if size is None:   # a layer that does not exist, say: no place will do
                continue
            for place in places:
                if indexed and id(place) in operands:   # not a whole product or summand
                    continue
                if (_letters(x) & summed) - bound[id(place)]:   # a summation letter outside its sum
                    continue
                if size and not indexed:   # a matrix factor: element-wise on a term of the same shape only
                    if id(place) not in shapes:
                        shapes[id(place)] = shape(place)
                    if shapes[id(place)] not in (None, size):
                        continue
                count += 1
                if count > MAX_CANDIDATES:
                    return
                op = "juxt" if indexed else hadamard
                start = min((n.pos for n in S.walk(place) if n.pos >= 0), default=place.pos)
                where = ("in the product starting at column {col}" if indexed else
                         "on the term starting at column {col} (element-wise)")
                yield _text(factor), where, start, _swap(member, place, S.Bin(place.pos, op, place, factor))


def _bound(member) -> dict:
    """id(node) -> the letters the summations around it run over (j of \\sum_j, x of \\sum_{Sx})."""
    out = {}

    def visit(node, letters):
        out[id(node)] = letters
        if isinstance(node, S.Sum) and node.var is not None:
            var = flat(node.var) or ""
            letters = letters | {var[1] if len(var) == 2 and var[0] in "Ss" else var}
        for child in S.children(node):
            visit(child, letters)

    visit(member, frozenset())
    return out


def _letters(x) -> set:
    """The one-letter indices in the scripts of ``x`` (``Sx`` counts as x)."""
    out = set()
    for sym in S.walk(x):
        if isinstance(sym, S.Sym):
            for item in (*sym.sub, *sym.sup):
                text = flat(item) or ""
                out |= set(text[1:] if len(text) == 2 and text[0] in "Ss" else text) - set("0123456789")
    return out


def _indexed(x, letters) -> bool:
    """``x`` names one entry (a node index letter in a script): a scalar, whose place in a product is free."""
    return any(isinstance(i, S.Sym) and i.name in letters for s in S.walk(x) if isinstance(s, S.Sym)
               for i in split_items(s.sub) + split_items(s.sup))


def _applied(node) -> bool:
    """``f(x)``: a function applied, not a product."""
    return (isinstance(node, S.Bin) and node.op == "juxt" and isinstance(node.right, S.Group)
            and (isinstance(node.left, S.Func) or (isinstance(node.left, S.Sym) and not node.left.sub and (
                node.left.primes or node.left.name in _FUNCTIONS))))


def phi_factor_edits(member, layer_slots, letters, activation_syms, activation, hadamard,
                     shape=lambda node: None):
    """Candidate edits for an extra or a missing phi' written out in closed form.

    ``letters``: index letters (free and summation); ``activation_syms(member)``: the symbols naming
    activations a (seeds when the member writes no factor itself); ``activation``: the document's activation
    name; ``hadamard``: the element-wise product operator of the notation; ``shape(node)``: (rows, cols) of
    its value (summation letters taken as 1), () for a number, None when it does not evaluate alone (it
    only prunes candidates)."""
    for pos, edited in _removals(member):
        yield ("extra phi': the factor at column {col} is the derivative of the activation (phi'); without "
               "it the equation holds", pos, edited, "extra_phi_prime")
    templates = []
    for node in S.walk(member):
        found = closed_form_of(node)
        if found is not None and found not in templates:
            templates.append(found)
    form = CLOSED_FORMS.get(activation)
    if form is not None:
        templates += [(form, a) for a in activation_syms(member) if (form, a) not in templates]
    for text, where, pos, edited in _insertions(member, templates, layer_slots, letters, hadamard, shape):
        yield (f"missing phi': a factor {text} (the derivative of the activation, written out) is missing "
               + where, pos, edited, "missing_phi_prime")
