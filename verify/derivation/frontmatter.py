"""The front matter of a derivation: notation preset, sizes, batch, activation, cost, bias, symbols.

Everything is validated up front, with resource limits (the checker evaluates exactly, so examples stay
small): a bad or too large value is a :class:`ConfigError` with one clear line (exit code 2).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Config", "ConfigError", "parse_front_matter", "DEFAULTS", "NOTATIONS", "LIMITS"]

# resource limits of the front matter (exact evaluation at 50 digits: examples stay small)
LIMITS = {"layers": 8, "size": 32, "batch": 16, "points": 5, "seed": 2**32 - 1}

DEFAULTS = {"notation": "paper", "sizes": (3, 2, 3, 2), "batch": 2, "activation": "sigmoid",
            "cost": "logloss", "output_activation": None, "seed": 0, "points": 2, "input_layer": None,
            "symbols": (),
            "bias": False}
_KEYS = {"notation", "sizes", "batch", "n", "activation", "cost", "output_activation", "seed", "points",
         "input_layer", "title", "bias", "symbols"}
NOTATIONS = ("paper", "standard", "theta", "ng", "nielsen", "cs231n", "index")


class ConfigError(ValueError):
    """Bad front matter or unreadable file (exit code 2)."""


@dataclass(frozen=True)
class Config:
    notation: str = "paper"
    sizes: tuple = (3, 2, 3, 2)
    batch: int = 2
    activation: str = "sigmoid"
    cost: str = "logloss"
    output_activation: str | None = None
    seed: int = 0
    points: int = 2
    input_layer: int | None = None
    bias: bool = False
    symbols: tuple = ()

    def describe(self) -> str:
        out = f" (output {self.output_activation})" if self.output_activation else ""
        return (f"notation {self.notation}, sizes {','.join(map(str, self.sizes))}, n={self.batch}, "
                f"activation {self.activation}{out}, cost {self.cost}" + (", biases" if self.bias else ""))


_SIZES = re.compile(r"^\[?\s*\d+(\s*[,x×\s]\s*\d+)+\s*\]?$")


def _value(key: str, raw: str, line: int):
    raw = raw.strip().strip('"').strip("'")
    if key == "sizes":
        if not _SIZES.match(raw):
            raise ConfigError(f"front matter line {line}: sizes must look like 3,2,3,2, got {raw!r}")
        sizes = tuple(int(x) for x in re.findall(r"\d+", raw))
        if any(m < 1 for m in sizes):
            raise ConfigError(f"front matter line {line}: layer sizes must be >= 1, got {raw!r}")
        return sizes
    if key in ("batch", "n", "seed", "points", "input_layer"):
        if not re.fullmatch(r"\d+", raw):
            raise ConfigError(f"front matter line {line}: {key} must be a non-negative integer, got {raw!r}")
        return int(raw)
    if key == "notation" and raw not in NOTATIONS:
        raise ConfigError(f"front matter line {line}: notation must be one of {', '.join(NOTATIONS)}, "
                          f"got {raw!r}")
    if key == "bias":
        if raw.lower() not in ("true", "false", "yes", "no", "on", "off"):
            raise ConfigError(f"front matter line {line}: bias must be true or false, got {raw!r}")
        return raw.lower() in ("true", "yes", "on")
    if key == "output_activation" and raw in ("", "none", "None"):
        return None
    return raw


def parse_front_matter(text: str) -> tuple[Config, int]:
    """(Config, offset where the body starts). No front matter means the paper's example defaults."""
    values = dict(DEFAULTS)
    if not text.startswith("---"):
        return Config(**values), 0
    end = re.search(r"^---\s*$", text[3:], flags=re.M)
    first = text.find("\n")
    if end is None or first < 0:
        raise ConfigError("front matter starts with --- but is never closed by a --- line")
    block_end = 3 + end.start()
    symbols, in_symbols = [], False
    for k, raw_line in enumerate(text[first + 1:block_end].splitlines(), start=2):
        stripped = raw_line.split(" #", 1)[0].strip() if not raw_line.lstrip().startswith("#") else ""
        if not stripped:
            continue
        if in_symbols and raw_line[:1] in (" ", "\t"):
            symbols.append(_symbol_entry(stripped, k))
            continue
        in_symbols = False
        if ":" not in stripped:
            raise ConfigError(f"front matter line {k}: expected 'key: value', got {stripped!r}")
        key, raw = (s.strip() for s in stripped.split(":", 1))
        if key not in _KEYS:
            known = ", ".join(sorted(_KEYS))
            raise ConfigError(f"front matter line {k}: unknown key {key!r} (known: {known})")
        if key == "title":
            continue
        if key == "symbols":
            in_symbols = True
            continue
        values["batch" if key == "n" else key] = _value(key, raw, k)
    if values["batch"] < 1:
        raise ConfigError("front matter: batch must be >= 1")
    if len(values["sizes"]) < 2:
        raise ConfigError("front matter: sizes needs at least two layers")
    if values["points"] < 1:
        raise ConfigError("front matter: points must be >= 1")
    _check_limits(values)
    values["symbols"] = tuple(symbols)
    _check_names(values)
    _check_table(values)
    return Config(**values), 3 + end.end()


def _check_table(values: dict) -> None:
    """The notation preset and the symbols: block must read (a bad table entry is bad input, exit 2)."""
    from .presets import SpecError, load_table

    try:
        load_table(values["notation"], values["symbols"], values["input_layer"])
    except SpecError as exc:
        raise ConfigError(f"front matter symbols: {exc}") from None


def _symbol_entry(line: str, k: int) -> tuple:
    """``'\\hat{y}': output`` -> (LaTeX, meaning)."""
    m = re.match(r"""^(['"])(.+?)\1\s*:\s*(.+)$|^([^:'"]+?)\s*:\s*(.+)$""", line)
    if not m:
        raise ConfigError(f"front matter line {k}: expected 'LaTeX': meaning under symbols:, got {line!r}")
    latex = m.group(2) or m.group(4)
    meaning = (m.group(3) or m.group(5)).strip().strip("'\"")
    return (latex.replace("\\\\", "\\") if m.group(1) == '"' else latex, meaning)


def _check_names(values: dict) -> None:
    from derive.functions import ACTIVATIONS, COSTS

    supported_act = [k for k, v in ACTIVATIONS.items() if v.definition is not None]
    for key in ("activation", "output_activation"):
        name = values[key]
        if name is not None and name not in supported_act:
            choices = ", ".join(supported_act)
            raise ConfigError(f"front matter: unknown {key} {name!r} (choose one of {choices})")
    supported_cost = list(COSTS)
    if values["cost"] not in supported_cost:
        raise ConfigError(f"front matter: unsupported cost {values['cost']!r} "
                          f"(the derivation checker knows {', '.join(supported_cost)})")




def _check_limits(values: dict) -> None:
    sizes = values["sizes"]
    checks = [("layers", len(sizes), "layers"), ("size", max(sizes), "nodes in a layer"),
              ("batch", values["batch"], "samples in the batch"), ("points", values["points"], "points"),
              ("seed", values["seed"], "as seed")]
    for key, value, what in checks:
        if value > LIMITS[key]:
            raise ConfigError(f"front matter: {value} {what} is more than the derivation checker's limit "
                              f"{LIMITS[key]} (it evaluates exactly at 50 digits: keep the example small)")
