"""Read a derivation file: front matter (notation, sizes, batch, activation, cost) and display equations.

A display equation is ``$$ ... $$`` (or ``\\[ ... \\]``). Its number comes from ``\\tag{N}`` or a trailing
``\\quad (N)`` / ``(N)``; unnumbered displays are kept (they may define symbols) but get no verdict. A display
holding several relations separated by a top-level ``\\quad`` (``X = .., \\quad Y = ..``) is split into parts;
each part keeps its offset in the file so errors point at line and column.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

__all__ = ["Config", "Display", "Part", "ConfigError", "parse_front_matter", "extract_displays",
           "read_document",
           "Document", "DEFAULTS"]

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


@dataclass(frozen=True)
class Part:
    text: str
    offset: int  # offset of text[0] in the file


@dataclass(frozen=True)
class Display:
    label: str | None  # "18", "EQ1", or None for an unnumbered display
    offset: int
    line: int
    parts: tuple = ()
    source: str = ""


@dataclass
class Document:
    config: Config
    displays: list = field(default_factory=list)
    text: str = ""

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a file offset."""
        line = self.text.count("\n", 0, offset) + 1
        col = offset - (self.text.rfind("\n", 0, offset) + 1) + 1
        return line, col


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
    values["symbols"] = tuple(symbols)
    _check_names(values)
    _check_table(values)
    return Config(**values), 3 + end.end()


def _check_table(values: dict) -> None:
    """The notation preset and the symbols: block must read (a bad table entry is bad input, exit 2)."""
    if values["notation"] == "paper":
        if values["symbols"]:
            raise ConfigError("front matter: symbols: extends a table notation (standard, theta, ng, "
                              "nielsen, cs231n, index), not paper")
        return
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


_DISPLAY = re.compile(r"\$\$(.*?)\$\$|\\\[(.*?)\\\]", re.S)
_TAG = re.compile(r"\\tag\*?\{\s*([^{}]+?)\s*\}")
_TRAILING = re.compile(r"(\\quad|\\qquad|\s)*\(\s*([0-9]+[a-z]?|EQ\s*[0-9]+)\s*\)\s*$")
_QUAD = re.compile(r"\\q?quad(?![A-Za-z])")
_MATRIX = re.compile(r"\\(begin|end)\{[pbBvV]?matrix\}")


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def _strip_punct(text: str) -> str:
    stripped = text.rstrip()
    while stripped and stripped[-1] in ".,;":
        stripped = stripped[:-1].rstrip()
    return stripped + " " * (len(text) - len(stripped))


def _balanced(chunk: str) -> bool:
    """True when ( [ and \\left/\\right are balanced in ``chunk`` (so a \\quad there separates relations)."""
    chunk = re.sub(r"\\[{}]", "", chunk)
    lefts, rights = len(re.findall(r"\\left(?![A-Za-z])", chunk)), len(re.findall(r"\\right(?![A-Za-z])",
                                                                                  chunk))
    opened = chunk.count("(") + chunk.count("[") - chunk.count(")") - chunk.count("]")
    return lefts == rights and opened == 0


def start_of(cuts: list) -> int:
    return cuts[-1][1] if cuts else 0


def _split_quads(text: str, offset: int) -> list[Part]:
    """Split at top-level ``\\quad`` (outside braces and matrices); drop text-only commentary parts."""
    cuts, depth, menv, i = [], 0, 0, 0
    while i < len(text):
        m = _MATRIX.match(text, i)
        if m:
            menv += 1 if m.group(1) == "begin" else -1
            i = m.end()
            continue
        ch = text[i]
        if ch == "{" and text[i - 1:i] != "\\":
            depth += 1
        elif ch == "}" and text[i - 1:i] != "\\":
            depth -= 1
        elif ch == "\\" and depth == 0 and menv == 0:
            q = _QUAD.match(text, i)
            if q and _balanced(text[start_of(cuts):i]):
                cuts.append((q.start(), q.end()))
                i = q.end()
                continue
        i += 1
    parts, start = [], 0
    for a, b in cuts + [(len(text), len(text))]:
        chunk = text[start:a]
        if chunk.strip():
            parts.append(Part(_strip_punct(chunk), offset + start))
        start = b
    return parts


def extract_displays(text: str, start: int = 0) -> list[Display]:
    """All display equations after ``start``, numbered or not, with their parts."""
    displays = []
    for m in _DISPLAY.finditer(text, start):
        group = 1 if m.group(1) is not None else 2
        body, body_at = m.group(group), m.start(group)
        label = None
        tag = _TAG.search(body)
        if tag:
            label = re.sub(r"\s+", "", tag.group(1))
            body = _blank(body, tag.start(), tag.end())
        else:
            trail = _TRAILING.search(body)
            if trail:
                label = re.sub(r"\s+", "", trail.group(2))
                body = _blank(body, trail.start(), len(body))
        body = _strip_punct(body)
        line = text.count("\n", 0, m.start()) + 1
        displays.append(Display(label, m.start(), line, tuple(_split_quads(body, body_at)), m.group(0)))
    return displays


def read_document(text: str) -> Document:
    config, body_start = parse_front_matter(text)
    return Document(config, extract_displays(text, body_start), text)
