"""Notation tables as data: ``notations/<name>.toml`` (a preset may extend another) plus the front matter's
``symbols:`` block. Nothing here evaluates anything; :mod:`.table` reads the result."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10: the same parser as the package tomli
    import tomli as tomllib

from .patterns import Pattern, SpecError, compile_pattern

__all__ = ["Table", "load_table", "PRESETS", "ALIASES", "SpecError"]

_DIR = Path(__file__).with_name("notations")
PRESETS = ("paper", "standard", "theta", "ng", "nielsen", "cs231n", "index")

# friendly names a user may write in the front matter's symbols: block
ALIASES = {"output": "a[L]", "prediction": "a[L]", "input": "x", "target": "y", "targets": "y",
           "cost": "cost", "loss": "cost", "sample cost": "sample_cost", "batch size": "batch",
           "batch": "batch", "weights": "W[l]", "bias": "b[l]", "activation": "a[l]",
           "pre-activation": "z[l]", "delta": "delta[l]", "error": "delta[l]", "labels": "label(i)"}
_FUNCTION_KINDS = {"activation", "output_activation", "network", "cost"}


@dataclass(frozen=True)
class Table:
    name: str
    input_layer: int = 1
    weights: str = "into"
    layout: str = "columns"
    batch: str = "n"
    output_layer: str = "L"
    sample_letters: tuple = ()
    sizes: tuple = ("m",)
    bias_column_symbols: tuple = ()   # document-defined matrices indexed like Theta: column 0 = bias
    sample_prefix: str = ""           # "S": sample indices are written S1, Sx, Sn (S alone: all samples)
    layer_context: bool = False       # {}_N(...) gives layer N to the un-prefixed symbols inside
    abstract_functions: bool = False  # \Psi(x): an undefined capital-Greek function is an arbitrary one
    layered: tuple = ()               # names that need a layer: with scripts but none, they are an error
    unmatched: tuple = (("sup", "layer"), ("sub", "node"))   # index roles of a symbol no pattern names
    labels: tuple = (("delta", "δ^({l})"), ("grad", "∂cost/∂W of layer {l}"))   # defined families
    operators: dict = field(default_factory=dict)
    functions: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)
    patterns: tuple = ()

    def __hash__(self):
        return hash((self.name, self.patterns, self.input_layer))


@lru_cache(maxsize=32)
def _raw(name: str) -> dict:
    path = _DIR / f"{name}.toml"
    if not path.is_file():
        raise SpecError(f"unknown notation {name!r} (presets: {', '.join(PRESETS)})")
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    parent = data.pop("extends", None)
    if parent is None:
        return data
    merged = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _raw(parent).items()}
    for key, value in data.items():
        if isinstance(value, dict):   # the child's entries first: they shadow the parent's
            merged[key] = {**value, **{k: v for k, v in merged.get(key, {}).items() if k not in value}}
        else:
            merged[key] = value
    return merged


def load_table(name: str, symbols: tuple = (), input_layer: int | None = None) -> Table:
    """The preset ``name`` with the user's ``symbols`` ((latex, meaning) pairs) on top."""
    data = {k: (dict(v) if isinstance(v, dict) else v) for k, v in _raw(name).items()}
    table_symbols = dict(data.pop("symbols", {}))
    functions = dict(data.pop("functions", {}))
    costs = dict(data.pop("costs", {}))
    user = {}
    for latex, meaning in symbols:
        meaning = ALIASES.get(meaning.strip(), meaning.strip())
        if meaning in _FUNCTION_KINDS and meaning != "cost":
            functions[latex] = meaning
        elif meaning in ("cost", "sample_cost"):
            costs[latex] = "mean" if meaning == "cost" else "sample"
        else:
            user[latex] = meaning
    entries = dict(user)
    for latex, kind in costs.items():
        spec = "cost" if kind == "mean" else "sample_cost"
        if kind == "sample" and "_" in latex:   # C_x: the subscript names the sample
            spec += "(" + latex.split("_", 1)[1].strip("{}") + ")"
        entries.setdefault(latex, spec)
    for latex, spec in table_symbols.items():
        entries.setdefault(latex, spec)
    prefix = data.get("sample_prefix", "")
    patterns = tuple(compile_pattern(k, v, prefix) for k, v in entries.items())
    if input_layer is not None:
        data["input_layer"] = input_layer
    for key in ("unmatched", "labels"):
        if key in data:
            data[key] = tuple(data[key].items())
    return Table(name=data.pop("name", name), operators=data.pop("operators", {}), functions=functions,
                 costs=costs, patterns=patterns, sample_letters=tuple(data.pop("sample_letters", ())),
                 sizes=tuple(data.pop("sizes", ("m",))),
                 bias_column_symbols=tuple(data.pop("bias_column_symbols", ())),
                 layered=tuple(data.pop("layered", ())), **data)


def patterns_named(table: Table, name: str) -> list[Pattern]:
    return [p for p in table.patterns if p.sym.name == name]
