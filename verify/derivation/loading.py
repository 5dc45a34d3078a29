"""Read a derivation file for the CLI and the watcher: one clear error (exit 2) for anything unreadable."""
from __future__ import annotations

from pathlib import Path

from .check import Checker, Report
from .extract import ConfigError, read_document

__all__ = ["BadInput", "load", "exit_code"]


MAX_BYTES = 8_000_000


class BadInput(Exception):
    """A one-line error for exit code 2."""


def load(path: Path, checker: Checker) -> Report:
    """Read and check ``path``; raises BadInput for unreadable files or bad front matter."""
    if path.suffix.lower() == ".ipynb":  # the Markdown cells of a notebook (verify/derivation/ipynb.py)
        from .ipynb import NotebookError, load_notebook

        try:
            return load_notebook(path, checker)
        except NotebookError as exc:
            raise BadInput(str(exc)) from None
    try:
        if path.stat().st_size > MAX_BYTES:
            raise BadInput(f"{path}: larger than {MAX_BYTES // 1_000_000} MB (the derivation checker's "
                           "limit)")
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BadInput(f"{path}: no such file") from None
    except IsADirectoryError:
        raise BadInput(f"{path}: is a directory") from None
    except UnicodeDecodeError:
        raise BadInput(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise BadInput(f"{path}: {exc.strerror or exc}") from None
    try:
        doc = read_document(text)
    except ConfigError as exc:
        raise BadInput(f"{path}: {exc}") from None
    if not any(d.label for d in doc.displays):
        raise BadInput(f"{path}: no numbered display equation ($$ ... \\tag{{N}} $$) found")
    return checker.check(doc, str(path))


def exit_code(report: Report) -> int:
    """2 when an equation does not parse, 1 when one fails, else 0."""
    if report.error or any(v.column is not None for v in report.numbered):
        return 2
    return report.exit_code


