"""What a symbol means: every notation, the paper's own included, is a table (``notations/<name>.toml``,
see :mod:`.presets`) read by one engine, :class:`.table.TableNotation`. The front matter's ``symbols:``
block extends or overrides the chosen table."""
from __future__ import annotations

from .presets import load_table
from .table import TableNotation

__all__ = ["make_notation"]


def make_notation(config) -> TableNotation:
    """The notation of a document: its preset (``paper`` by default) plus the front matter's symbols."""
    return TableNotation(config, load_table(config.notation, config.symbols, config.input_layer))
