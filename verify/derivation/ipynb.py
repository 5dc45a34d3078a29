"""Derivations in Jupyter notebooks: the Markdown cells are the document (read with nbformat).

The Markdown cells are joined in order, one blank line apart, and checked as one document (front matter,
if any, at the top of the first Markdown cell); code cells and outputs are never read or run. Every verdict
then names its place as the notebook shows it: ``cell k`` (1-based over all cells) and the line within
that cell; line numbers inside reasons and hints ("(line 64)") are rewritten the same way.
"""
from __future__ import annotations

import copy
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["NotebookError", "NotebookText", "MAX_BYTES", "read_notebook", "notebook_text", "relocate",
           "check_notebook", "load_notebook", "source_text"]

MAX_BYTES = 64 * 1024 * 1024  # a notebook larger than this (outputs included) is refused, not read
_LINE = re.compile(r"\bline (\d+)")


class NotebookError(ValueError):
    """The notebook cannot be read (one line; exit code 2)."""


@dataclass(frozen=True)
class NotebookText:
    """The joined Markdown and, per Markdown cell, (first line in the joined text, cell number, lines)."""

    text: str
    spans: tuple

    def locate(self, line: int) -> tuple[int | None, int]:
        """(cell number, line within the cell) of a 1-based line of the joined text."""
        for first, cell, count in self.spans:
            if first <= line < first + count:
                return cell, line - first + 1
        return None, line


def _source(cell) -> str:
    source = cell.get("source", "")
    return "".join(source) if isinstance(source, list) else str(source)


def notebook_text(nb) -> NotebookText:
    """Join the Markdown cells of a notebook (an nbformat node or a plain dict)."""
    pieces, spans, line = [], [], 1
    for number, cell in enumerate(nb.get("cells", []), start=1):
        if cell.get("cell_type") != "markdown":
            continue
        text = _source(cell).rstrip("\n")
        count = text.count("\n") + 1
        spans.append((line, number, count))
        pieces.append(text)
        line += count + 1  # the blank line between cells
    return NotebookText("\n\n".join(pieces) + "\n", tuple(spans))


def read_notebook(path) -> NotebookText:
    """Read ``path`` with nbformat (any version, upgraded to 4); NotebookError with one line when it fails."""
    import nbformat

    path = Path(path)
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise NotebookError(f"{path}: no such file") from None
    except OSError as exc:
        raise NotebookError(f"{path}: {exc.strerror or exc}") from None
    if path.is_dir():
        raise NotebookError(f"{path}: is a directory")
    if size > MAX_BYTES:
        raise NotebookError(f"{path}: {size} bytes; notebooks above {MAX_BYTES} bytes are not read")
    try:
        nb = nbformat.read(path, as_version=4)
    except UnicodeDecodeError:
        raise NotebookError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise NotebookError(f"{path}: {exc.strerror or exc}") from None
    except Exception as exc:  # nbformat raises NotJSONError, ValidationError, KeyError, ... on bad files
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NotebookError(f"{path}: not a Jupyter notebook ({first[:200]})") from None
    return notebook_text(nb)


def _rewrite(text: str, where: NotebookText) -> str:
    def place(match):
        cell, line = where.locate(int(match.group(1)))
        return f"cell {cell}, line {line}" if cell is not None else match.group(0)

    return _LINE.sub(place, text) if text else text


def relocate(report, where: NotebookText):
    """A copy of ``report`` whose verdicts say cell + line (attribute ``cell``, line within the cell)."""
    out = copy.copy(report)
    out.verdicts = []
    for verdict in report.verdicts:
        v = copy.copy(verdict)
        cell, v.line = where.locate(verdict.line)
        v.cell, v.text_line = cell, verdict.line  # text_line: the line in the joined text (HTML view)
        v.reason = _rewrite(v.reason, where)
        v.hint = _rewrite(v.hint, where)
        v.notes = ([f"notebook cell {cell}"] if cell is not None else []) + [
            _rewrite(n, where) for n in verdict.notes]
        out.verdicts.append(v)
    return out


def check_notebook(path, checker=None):
    """Check the Markdown cells of the notebook at ``path``; verdicts located by cell and line."""
    from .check import check_text

    where = read_notebook(path)
    return relocate(check_text(where.text, str(path), checker), where)


def load_notebook(path, checker):
    """As the CLI reads a file: NotebookError (one line) for a bad notebook, bad front matter or a
    notebook whose Markdown cells hold no numbered display equation."""
    from .extract import ConfigError, read_document

    where = read_notebook(path)
    try:
        doc = read_document(where.text)
    except ConfigError as exc:
        raise NotebookError(f"{path}: {exc}") from None
    if not any(d.label for d in doc.displays):
        raise NotebookError(f"{path}: no numbered display equation ($$ ... \\tag{{N}} $$) "
                            "in its Markdown cells")
    return relocate(checker.check(doc, str(path)), where)


def source_text(path) -> str:
    """The document's text as checked: the file itself, or a notebook's joined Markdown cells."""
    path = Path(path)
    if path.suffix.lower() == ".ipynb":
        return read_notebook(path).text
    return path.read_text(encoding="utf-8")
