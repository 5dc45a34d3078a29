"""Command line of the general proof: ``python -m derive prove --general`` and ``python -m derive.general``.

Options: ``[--activation A] [--cost C] [--depth L] [--json] [--no-color] [--full]``. Exit status 0 when every
statement is proven, 1 when one is not, 2 for bad options.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from derive.envelope import envelope
from derive.general.model import ACTIVATIONS, COSTS
from derive.general.present import proof_to_dict, render
from derive.general.proof import prove_all
from derive.general.rules import RULES

__all__ = ["main", "run_cli"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def _parser():
    p = _Parser(prog="python -m derive prove --general",
                description="Prove EBP (eqs 88, 92, 93) for symbolic layer widths, batch size and depth.")
    p.add_argument("--general", action="store_true", help="(accepted for the derive CLI; always on here)")
    p.add_argument("--activation", default="sigmoid", choices=ACTIVATIONS)
    p.add_argument("--cost", default="logloss", choices=COSTS)
    p.add_argument("--depth", type=int, default=3,
                   help="weight matrices of the network in the direct proofs (default 3: layers L0..L3)")
    p.add_argument("--json", action="store_true", help="print the proofs as JSON")
    p.add_argument("--no-color", action="store_true", help="plain text output")
    p.add_argument("--full", action="store_true", help="print expressions in full, not shortened")
    return p


def run_cli(argv=None, console=None) -> int:
    """Parse ``argv`` (a leading ``prove`` is ignored), run the proofs, print them; return the exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["prove"]:
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
        if not 1 <= args.depth <= 6:
            raise ValueError(f"--depth must be between 1 and 6 (got {args.depth})")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    console = console or Console(no_color=args.no_color, highlight=not args.no_color,
                                 force_terminal=False if args.no_color else None)
    if args.json:
        proofs = prove_all(args.activation, args.cost, args.depth)
        out = {"activation": args.activation, "cost": args.cost, "depth": args.depth,
               "proven": all(p.proven for p in proofs), "proofs": [proof_to_dict(p) for p in proofs],
               "rules": {n: {"identity": r.identity, "why": r.why} for n, r in RULES.items()}}
        code = 0 if out["proven"] else 1
        print(json.dumps(envelope("derive prove --general", code, out), indent=2))  # docs/json.md
        return code
    with console.status("proving with symbolic widths ..."):
        proofs = prove_all(args.activation, args.cost, args.depth)
    render(proofs, console, args.full, args.depth, args.activation, args.cost)
    return 0 if all(p.proven for p in proofs) else 1


def main(argv=None) -> int:
    """CLI entry: ``python -m derive prove --general ...`` (a leading ``prove`` is ignored)."""
    return run_cli(argv)
