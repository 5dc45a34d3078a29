"""``python -m verify derivation FILE.md [--watch] [--poll] [--json] [--no-color]``.

Exit codes: 0 every checked equation holds, 1 some equation fails, 2 bad input (missing or unreadable file,
bad front matter, an equation that does not parse).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from .check import Checker
from .loading import BadInput, exit_code, load
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
