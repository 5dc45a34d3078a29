"""Reading gradients out of whatever a user's backprop returned, in the user's layout (no conversion here).

Accepted: a list/tuple of L arrays; (grad_W, grad_b) or (grad_b, grad_W) as two lists of L (the order is
told apart by the sizes: m_{N+1} m_N values per weight, m_{N+1} per bias); a dict keyed W1/dW1/grad_W0/
b1/db1... (0- or 1-based) or holding such lists under W/dW/weights and b/db/biases; per-layer objects with
dweights/dbiases (dW/db, grad_W/grad_b); a leading or trailing loss (a number) is skipped. ``form`` says
what was read, for the report.
"""

from __future__ import annotations

import numbers
import re

import numpy as np

__all__ = ["Gradients", "ReturnError", "read_return"]

W_ATTRS = ("dweights", "dW", "grad_W", "dw", "grad_weights", "weight_grad", "nabla_w")
B_ATTRS = ("dbiases", "db", "grad_b", "grad_biases", "bias_grad", "nabla_b")
_W_KEY = re.compile(r"^(?:d|grad_?|nabla_?)?(?:W|w|weights?|coefs?)_?(\d+)$")
_B_KEY = re.compile(r"^(?:d|grad_?|nabla_?)?(?:b|biases?|intercepts?)_?(\d+)$")
_W_LIST = ("dW", "W", "grad_W", "weights", "dweights", "nabla_w", "coef_grads")
_B_LIST = ("db", "b", "grad_b", "biases", "dbiases", "nabla_b", "intercept_grads")


class ReturnError(Exception):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind, self.message = kind, message


class Gradients:
    """grad_W (list of L), grad_b (list of L or None), form (what was read)."""

    def __init__(self, W, b=None, form: str = "list"):
        self.W, self.b, self.form = list(W), None if b is None else list(b), form


def _is_number(x) -> bool:
    return isinstance(x, numbers.Number) or (isinstance(x, np.ndarray) and x.ndim == 0)


def _is_array(x) -> bool:
    return isinstance(x, np.ndarray) or (isinstance(x, list | tuple) and x and _is_number(x[0]))


def _layer_list(x) -> bool:
    return isinstance(x, list | tuple) and len(x) > 0 and all(isinstance(g, np.ndarray) for g in x)


def _fits(grads, sizes) -> int:
    return sum(np.size(g) == s for g, s in zip(grads, sizes, strict=False))


def _from_dict(d: dict, L: int, bias: bool) -> Gradients:
    for wk in _W_LIST:
        if wk in d and _layer_list(d[wk]):
            bk = next((k for k in _B_LIST if k in d and _layer_list(d[k])), None)
            return Gradients(d[wk], d[bk] if bk else None, f"dict {wk!r}" + (f"/{bk!r}" if bk else ""))
    w = {int(m.group(1)): v for k, v in d.items() if isinstance(k, str) and (m := _W_KEY.match(k))}
    b = {int(m.group(1)): v for k, v in d.items() if isinstance(k, str) and (m := _B_KEY.match(k))}
    if not w:
        raise ReturnError("type", f"returned a dict with keys {sorted(map(str, d))[:8]}; no weight "
                          "gradients found (keys like W1, dW1, grad_W0 or a list under 'dW')")
    base = min(w)
    W = [w.get(base + N) for N in range(max(len(w), L))]
    B = [b.get(base + N) for N in range(max(len(b), L))] if b else None
    if any(g is None for g in W):
        raise ReturnError("count", f"the dict's weight keys {sorted(w)} leave a gap")
    keys = f"{min(w)}..{max(w)}"
    return Gradients(W, None if B is None or any(g is None for g in B) else B,
                     f"dict keyed W{keys}" + (f"/b{keys}" if B else "") + f" ({base}-based)")


def _from_objects(items) -> Gradients:
    wa = next((a for a in W_ATTRS if all(hasattr(it, a) for it in items)), None)
    if wa is None:
        raise ReturnError("type", f"returned {type(items[0]).__name__} objects without a gradient "
                          f"attribute ({', '.join(W_ATTRS[:4])})")
    ba = next((a for a in B_ATTRS if all(hasattr(it, a) for it in items)), None)
    return Gradients([getattr(it, wa) for it in items], [getattr(it, ba) for it in items] if ba else None,
                     f"per-layer objects .{wa}" + (f"/.{ba}" if ba else ""))


def read_return(result, weight_sizes: list[int], bias_sizes: list[int], bias: bool) -> Gradients:
    """The gradients in ``result``; weight_sizes/bias_sizes: entries per layer (to tell lists apart)."""
    L = len(weight_sizes)
    if result is None:
        raise ReturnError("type", "returned None (if your code stores the gradients on an object, pass "
                          "--grads PATH; if it only updates the weights, pass --update LR)")
    if isinstance(result, dict):
        return _from_dict(result, L, bias)
    if isinstance(result, np.ndarray) and result.dtype != object:
        raise ReturnError("type", f"returned one array of shape {result.shape}; expected a list of {L} "
                          "arrays, one grad_W[N] per weight matrix")
    if not isinstance(result, list | tuple):
        if any(hasattr(result, a) for a in W_ATTRS):
            raise ReturnError("type", f"returned one {type(result).__name__} object; for per-layer objects "
                              "return them all, or pass --grads PATH")
        raise ReturnError("type", f"returned {type(result).__name__}; expected a list of {L} arrays "
                          "(one grad_W[N] per weight matrix W_N)")
    items = list(result)
    rest = [x for x in items if not _is_number(x)]
    skipped = len(rest) < len(items)
    if len(rest) == 1 and not _is_array(rest[0]):
        g = read_return(rest[0], weight_sizes, bias_sizes, bias)
        g.form = ("loss and " if skipped else "") + g.form
        return g
    if rest and all(hasattr(x, a) for x in rest for a in W_ATTRS[:1]) or (
            rest and not isinstance(rest[0], np.ndarray | list | tuple) and
            any(hasattr(rest[0], a) for a in W_ATTRS)):
        return _from_objects(rest)
    if len(rest) == 2 and all(isinstance(x, list | tuple) and len(x) > 0 and _is_array(x[0]) for x in rest):
        first, second = rest
        as_given = _fits(first, weight_sizes) + _fits(second, bias_sizes)
        swapped = _fits(second, weight_sizes) + _fits(first, bias_sizes)
        if swapped > as_given:
            return Gradients(second, first, "tuple (grad_b, grad_W)")
        return Gradients(first, second, "tuple (grad_W, grad_b)")
    return Gradients(rest, None, ("loss and " if skipped else "") + "list")
