"""``python -m verify derivation FILE.md [--watch] [--poll] [--json] [--no-color]``.

Exit codes: 0 every checked equation holds, 1 some equation fails, 2 bad input (missing or unreadable file,
bad front matter, an equation that does not parse).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from .check import Checker, Report
from .extract import ConfigError, read_document
from .present import render, to_json

__all__ = ["main", "load", "exit_code"]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m verify derivation",
                                description="Check a hand-written EBP derivation (Markdown + LaTeX) "
                                            "equation by "
                                            "equation against the sympy ground truth.")
    p.add_argument("file", help="Markdown file with $$ ... \\tag{N} $$ display equations")
    p.add_argument("--watch", action="store_true", help="re-check on every save (live view)")
    p.add_argument("--poll", action="store_true", help="with --watch: poll instead of inotify")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--no-color", action="store_true", help="plain output without colours")
    p.add_argument("--html", metavar="FILE", help="also write a self-contained HTML report: the derivation "
                   "typeset, each equation coloured by its verdict")
    return p


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


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    console = Console(no_color=args.no_color, highlight=False, soft_wrap=False,
                      force_terminal=None if not args.no_color else False)
    path = Path(args.file)
    if args.html is not None:
        from ..html import check_target

        try:
            if args.watch:
                raise ValueError("--html cannot be combined with --watch")
            check_target(args.html)
        except ValueError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
    if args.watch:
        from .watch import run_watch

        return run_watch(path, console, poll=args.poll, as_json=args.json)
    checker = Checker()
    try:
        report = load(path, checker)
    except BadInput as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        sys.stdout.write(to_json(report) + "\n")
    else:
        console.print(render(report))
    if args.html is not None:
        from ..html import write_derivation

        try:
            write_derivation(args.html, report, path)
        except (OSError, ValueError) as exc:
            print(f"error: --html {args.html}: {exc}", file=sys.stderr)
            return 2
    return exit_code(report)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
