"""Command line of the general proof: ``python -m derive prove --general`` and ``python -m derive.general``.

Options: ``[--activation A] [--output-activation B] [--cost C] [--bias] [--depth L] [--json] [--no-color]
[--full]``. The accepted pairings are exactly those of the fixed-size prover (``python -m derive``): the
same registry names, and the same check (``derive.network.build_network``) refuses a nonsense pairing such
as an output activation with ``softmax_ce`` (which brings its own softmax). Exit status 0 when every
statement is proven, 1 when one is not, 2 for bad options (one line on stderr).
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console

from derive.envelope import envelope
from derive.functions import ACTIVATIONS, COSTS
from derive.general.present import proof_to_dict, render
from derive.general.proof import prove_all
from derive.general.rules import RULES
from derive.general.table import ACTIVATIONS as KNOWN_ACTIVATIONS
from derive.general.table import COSTS as KNOWN_COSTS
from derive.network import build_network

__all__ = ["main", "parse", "run_cli"]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise ValueError(message)


def _parser():
    p = _Parser(prog="python -m derive prove --general",
                description="Prove EBP (eqs 88, 92, 93) for symbolic layer widths, batch size and depth.")
    p.add_argument("--general", action="store_true", help="(accepted for the derive CLI; always on here)")
    p.add_argument("--activation", default="sigmoid", choices=list(ACTIVATIONS),
                   help="activation of the hidden layers (and of the output layer unless set below)")
    p.add_argument("--output-activation", choices=list(ACTIVATIONS), default=None,
                   help="a different activation on the output layer (eqs 95-96)")
    p.add_argument("--cost", default="logloss", choices=list(COSTS),
                   help="softmax_ce: softmax output layer with cross-entropy")
    p.add_argument("--bias", action="store_true", help="biases b_N in every pre-activation")
    p.add_argument("--depth", type=int, default=3,
                   help="weight matrices of the network in the direct proofs (default 3: layers L0..L3)")
    p.add_argument("--json", action="store_true", help="print the proofs as JSON")
    p.add_argument("--no-color", action="store_true", help="plain text output")
    p.add_argument("--full", action="store_true", help="print expressions in full, not shortened")
    return p


def parse(argv):
    """The options of ``argv`` (a leading ``prove`` is ignored); ValueError (one line) when they are bad.

    A pairing is checked by the fixed-size prover's own ``build_network`` (a 1-1 network costs nothing), so
    that both provers accept exactly the same pairings. ``--output-activation`` equal to ``--activation``
    is the same network as none and is normalized to None.
    """
    argv = list(argv)
    if argv[:1] == ["prove"]:
        argv = argv[1:]
    args = _parser().parse_args(argv)
    if not 1 <= args.depth <= 6:
        raise ValueError(f"--depth must be between 1 and 6 (got {args.depth})")
    build_network((1, 1), 1, args.activation, args.cost, args.bias, args.output_activation)
    for name in (args.activation, args.output_activation, args.cost):
        if name is not None and name not in KNOWN_ACTIVATIONS + KNOWN_COSTS:
            raise ValueError(f"the general proof has no table entry for {name!r} (registry out of step)")
    if args.output_activation == args.activation:
        args.output_activation = None
    return args


def run_cli(argv=None, console=None) -> int:
    """Parse ``argv``, run the proofs, print them; return the exit status."""
    try:
        args = parse(sys.argv[1:] if argv is None else argv)
    except ValueError as exc:
        print(f"derive: error: {exc}", file=sys.stderr)
        return 2
    console = console or Console(no_color=args.no_color, highlight=not args.no_color,
                                 force_terminal=False if args.no_color else None)
    setting = {"output": args.output_activation, "bias": args.bias}
    if args.json:
        proofs = prove_all(args.activation, args.cost, args.depth, **setting)
        out = {"activation": args.activation, "output_activation": args.output_activation, "cost": args.cost,
               "bias": args.bias, "depth": args.depth,
               "assumptions": sorted({a for p in proofs for a in p.assumptions}),
               "proven": all(p.proven for p in proofs), "proofs": [proof_to_dict(p) for p in proofs],
               "rules": {n: {"identity": r.identity, "why": r.why} for n, r in RULES.items()}}
        code = 0 if out["proven"] else 1
        print(json.dumps(envelope("derive prove --general", code, out), indent=2))  # docs/json.md
        return code
    with console.status("proving with symbolic widths ..."):
        proofs = prove_all(args.activation, args.cost, args.depth, **setting)
    render(proofs, console, args.full, args.depth, args.activation, args.cost, **setting)
    return 0 if all(p.proven for p in proofs) else 1


def main(argv=None) -> int:
    """CLI entry: ``python -m derive prove --general ...`` (a leading ``prove`` is ignored)."""
    return run_cli(argv)
