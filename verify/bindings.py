"""Safe little languages of ``verify impl``'s options: call templates and attribute paths. Nothing is eval-ed.

* A **call template** (``--factory``, ``--args``) is read by Python's ``ast`` parser and walked by hand:
  ``Name(arg, ..., key=arg)`` where every argument is a number, a string, a list/tuple of those, or a name
  the verifier provides (``weights``, ``biases``, ``X``, ``Y``, ``x``, ``y``, ``labels``, ``sizes``, ``n``,
  ``lr``, ``pairs``), optionally indexed by an integer (``sizes[0]``, ``weights[-1]``). Anything else (an
  attribute, an operator, a lambda, a comprehension, a call inside the call) is refused with a one-line
  reason.
* An **attribute path** (``--params``, ``--grads``) names where arrays live on the user's object:
  ``weights``, ``params[W{N+1}]``, ``layers[*].dweights``; ``{N}`` is the 0-based layer index, ``{N+1}``
  the 1-based one, ``[*]`` every element of a list that has the next attribute.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

__all__ = ["NAMES", "BindingError", "CallTemplate", "Path", "parse_args", "parse_call", "parse_path"]

# The names a template may use, and what the verifier passes for them (in the user's layout).
NAMES = {
    "weights": "the list of weight matrices W_N",
    "biases": "the list of bias vectors b_N",
    "X": "the inputs of the mini-batch", "Y": "the targets of the mini-batch",
    "x": "one sample's input (per-sample calls)", "y": "one sample's target (per-sample calls)",
    "labels": "the class index of every sample (softmax_ce, one-hot targets)",
    "label": "one sample's class index (per-sample calls)",
    "sizes": "the layer sizes [m_0, ..., m_L]", "n": "the batch size",
    "lr": "the learning rate of --update", "pairs": "the batch as a list of (x, y) pairs",
}


class BindingError(ValueError):
    """A template or path the verifier cannot read; the message is one line."""


@dataclass(frozen=True)
class Arg:
    """One argument: a literal ``value`` or a verifier ``name`` (with an optional integer ``index``)."""

    value: object = None
    name: str | None = None
    index: int | None = None


@dataclass(frozen=True)
class CallTemplate:
    """``callee(*args, **kwargs)``; callee is a dotted name looked up in the user's module."""

    callee: str
    args: tuple = ()
    kwargs: tuple = ()  # (key, Arg) pairs

    def names(self) -> set[str]:
        return {a.name for a in self.args if a.name} | {a.name for _, a in self.kwargs if a.name}

    def bind(self, values: dict):
        """(positional, keyword) argument values from the verifier's ``values`` by name."""
        return [_value(a, values) for a in self.args], {k: _value(a, values) for k, a in self.kwargs}


def _value(arg: Arg, values: dict):
    if arg.name is None:
        return arg.value
    if arg.name not in values:
        raise BindingError(f"{arg.name!r} is not available here")
    value = values[arg.name]
    return value if arg.index is None else value[arg.index]


def _literal(node):
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str | bool | type(None)):
        return node.value
    if (isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
            and isinstance(node.operand, ast.Constant) and isinstance(node.operand.value, int | float)
            and not isinstance(node.operand.value, bool)):
        return -node.operand.value
    if isinstance(node, ast.List | ast.Tuple):
        items = [_literal(e) for e in node.elts]
        return items if isinstance(node, ast.List) else tuple(items)
    raise BindingError(f"not allowed in a template: {ast.unparse(node)!r} (use numbers, strings, lists "
                       f"and the names {', '.join(NAMES)})")


def _arg(node) -> Arg:
    if isinstance(node, ast.Name):
        if node.id not in NAMES:
            raise BindingError(f"unknown name {node.id!r}; templates may use {', '.join(NAMES)}")
        return Arg(name=node.id)
    if isinstance(node, ast.Subscript) and isinstance(node.value, ast.Name):
        index = _literal(node.slice)
        if not isinstance(index, int) or isinstance(index, bool):
            raise BindingError(f"only integer indices are allowed: {ast.unparse(node)!r}")
        return Arg(name=_arg(node.value).name, index=index)
    return Arg(value=_literal(node))


def _dotted(node) -> str:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return f"{_dotted(node.value)}.{node.attr}"
    raise BindingError(f"the callee must be a (dotted) name, got {ast.unparse(node)!r}")


def _parse(text: str, what: str) -> ast.expr:
    if len(text) > 500:
        raise BindingError(f"{what} is longer than 500 characters")
    try:
        return ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise BindingError(f"{what} {text!r} is not a call expression ({exc.msg})") from None


def parse_call(text: str, what: str = "--factory") -> CallTemplate:
    """``"Network(sizes)"`` -> CallTemplate; a bare name means calling it without arguments."""
    node = _parse(text, what)
    if isinstance(node, ast.Name | ast.Attribute):
        return CallTemplate(_dotted(node))
    if not isinstance(node, ast.Call):
        raise BindingError(f"{what} must look like Name(arg, key=arg), got {text!r}")
    if any(isinstance(a, ast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
        raise BindingError(f"{what}: *args / **kwargs are not allowed")
    callee = _dotted(node.func)
    if any(part.startswith("_") for part in callee.split(".")):
        raise BindingError(f"{what}: private or dunder names are not allowed ({callee!r})")
    return CallTemplate(callee, tuple(_arg(a) for a in node.args),
                        tuple((k.arg, _arg(k.value)) for k in node.keywords))


def parse_args(text: str, what: str = "--args") -> CallTemplate:
    """``"X, Y, reg=0.1"`` (an argument list without the callee) -> CallTemplate with callee ""."""
    template = parse_call(f"f({text})", what)
    return CallTemplate("", template.args, template.kwargs)


_STEP = re.compile(r"\.?([A-Za-z_]\w*)|\[(\*|[^\]]+)\]")


@dataclass(frozen=True)
class Path:
    """Steps: ("attr", name) | ("key", text with {N}/{N+1}) | ("each", None)."""

    text: str
    steps: tuple

    @property
    def per_layer(self) -> bool:
        """True when the path names one array per layer ({N} or [*]); else it names a list."""
        return any(kind == "each" or (kind == "key" and "{N" in str(v)) for kind, v in self.steps)


def parse_path(text: str) -> Path:
    """``"params[W{N+1}]"`` -> Path; raises BindingError for anything else."""
    text = text.strip()
    pos, steps = 0, []
    while pos < len(text):
        m = _STEP.match(text, pos)
        if m is None or (pos == 0 and text.startswith(".")):
            raise BindingError(f"cannot read the path {text!r} at {text[pos:]!r} (e.g. weights, "
                               "params[W{N+1}], layers[*].dweights)")
        if m.group(1):
            steps.append(("attr", m.group(1)))
        elif m.group(2) == "*":
            steps.append(("each", None))
        else:
            key = m.group(2).strip().strip("'\"")
            if key.replace("{N}", "").replace("{N+1}", "").count("{"):
                raise BindingError(f"only {{N}} and {{N+1}} may appear in a key: {text!r}")
            steps.append(("key", key))
        pos = m.end()
    if not steps or steps[0][0] != "attr":
        raise BindingError(f"a path starts with an attribute name: {text!r}")
    return Path(text, tuple(steps))
