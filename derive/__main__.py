"""CLI: ``python -m derive`` proves the closed-form EBP (eqs 86-93) exactly for one network.

    python -m derive                          # reference case: sizes 3,2,3,2, n = 2, sigmoid, logloss
    python -m derive --sizes 4,4,4,3 --batch 2 --activation phi --cost mse --bias
    python -m derive --latex --entry 2,1,1    # LaTeX of the closed form and of {}_2 w_1^1 (paper's N,i,j)
    python -m derive --json                   # machine-readable result
    python -m derive prove --general          # the proof for symbolic sizes (derive.general)

Exit status: 0 proved, 1 not proved, 2 bad usage or refused (estimated cost above --budget, limits of
derive.errors.LIMITS), 130 interrupted (Ctrl-C: one line, no traceback).
"""
from __future__ import annotations

import argparse
import signal
import sys

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from .closed_forms import formulas, paper_identities
from .cost_model import check_budget, estimate_seconds
from .envelope import version_text
from .errors import check_int, max_workers
from .functions import ACTIVATIONS, COSTS
from .network import _check_sizes, build_network
from .present import proof_json, render_latex, render_proof
from .proof import entry_forms, prove
from .startup import release as release_interrupt

DEFAULT_BUDGET = 120.0
EXIT_INTERRUPTED = 130


class _UsageError(Exception):
    pass


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, exit 2 (no usage block)
        raise _UsageError(message)


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.replace(" ", "").split(",") if v != "")
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}")
    return values


def _parser() -> _Parser:
    p = _Parser(prog="python -m derive", description="Exact sympy proof that the closed-form EBP equals "
                "sympy.diff of the cost, entry by entry.")
    p.add_argument("--version", action="version", version=version_text("python -m derive"))
    p.add_argument("--sizes", type=_int_list, default=(3, 2, 3, 2),
                   help="layer sizes m_0..m_L (default 3,2,3,2)")
    p.add_argument("--batch", "-n", type=int, default=2, help="mini-batch size n (default 2)")
    p.add_argument("--activation", default="sigmoid", choices=list(ACTIVATIONS),
                   help="activation (phi = abstract: proof for every activation)")
    p.add_argument("--output-activation", choices=list(ACTIVATIONS), default=None,
                   help="a different activation on the output layer (eqs 95-96)")
    p.add_argument("--cost", default="logloss", choices=list(COSTS))
    p.add_argument("--bias", action=argparse.BooleanOptionalAction, default=False,
                   help="add biases b_N (default off: the paper has none)")
    p.add_argument("--latex", action="store_true", help="print LaTeX of the closed form and chosen entries")
    p.add_argument("--entry", action="append", type=_int_list, default=None, metavar="N,i,j",
                   help="entry {}_N w_i^j of grad W_N for --latex, as in the paper: i source node on L(N), "
                   "j target node on L(N+1), 1-based (numpy W_N[j-1, i-1]); repeatable")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--no-color", action="store_true", help="plain text output")
    p.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                   help=f"refuse sizes whose estimated proof time exceeds this (seconds, {DEFAULT_BUDGET:g})")
    p.add_argument("--workers", type=int, default=None, help="processes for the proof (default 1)")
    return p


def _run_general(argv: list[str], err: Console) -> int:
    try:
        from . import general
    except ImportError as exc:
        err.print(f"derive: error: the general (symbolic sizes) proof is not available: {exc}", markup=False)
        return 2
    return int(general.main(argv) or 0)


def _entries(args, net) -> list[tuple[int, int, int]]:
    """--entry N,i,j (the paper's 1-based {}_N w_i^j) -> 0-based (N, row, column) = (N, j-1, i-1)."""
    chosen = args.entry or [(net.L - 1, 1, 1)]
    for e in chosen:
        inside = len(e) == 3 and 0 <= e[0] < net.L and 1 <= e[1] <= net.W[e[0]].cols \
            and 1 <= e[2] <= net.W[e[0]].rows
        if not inside:
            raise _UsageError(f"--entry {','.join(map(str, e))} is not an entry N,i,j = {{}}_N w_i^j of a "
                              "weight matrix W_N (N from 0, i and j from 1, as in the paper)")
    return [(N, j - 1, i - 1) for N, i, j in chosen]


def main(argv: list[str] | None = None) -> int:
    release_interrupt()  # from here on Ctrl-C is a KeyboardInterrupt, reported below
    err = Console(stderr=True, no_color=True, highlight=False, soft_wrap=True)
    try:
        return _main(list(sys.argv[1:] if argv is None else argv), err)
    except KeyboardInterrupt:
        err.print("derive: interrupted", markup=False)
        return EXIT_INTERRUPTED
    except MemoryError:
        err.print("derive: error: out of memory; use smaller --sizes or --batch", markup=False)
        return 2


def _main(argv: list[str], err: Console) -> int:
    if argv[:1] == ["prove"]:
        if "--general" in argv[1:]:
            return _run_general(argv[1:], err)
        argv = argv[1:]
    try:
        args = _parser().parse_args(argv)
        if args.workers is not None:
            check_int(args.workers, "--workers", 1, max_workers(), hint="one process per CPU at most")
        if args.entry and not args.latex:
            raise _UsageError("--entry selects entries for --latex; add --latex")
        check_budget(*_check_sizes(args.sizes, args.batch), args.budget)  # refuse before building
        net = build_network(args.sizes, args.batch, args.activation, args.cost, args.bias,
                            args.output_activation)
        entries = _entries(args, net) if args.latex else []
    except (_UsageError, ValueError) as exc:
        err.print(f"derive: error: {exc}", markup=False)
        return 2
    console = Console(no_color=args.no_color, highlight=False, soft_wrap=args.json or args.latex,
                      color_system=None if args.no_color else "auto")  # --no-color: no bold either
    proof = _prove_with_progress(net, args, err)
    rows, identities = formulas(net), paper_identities()
    if args.json:
        print(proof_json(proof, rows, identities))
    elif args.latex:
        forms = [entry_forms(net, *e) for e in entries]
        render_latex(console, rows, forms)
    else:
        render_proof(console, proof, rows, identities)
    return 0 if proof.proved else 1


def _prove_with_progress(net, args, err: Console):
    if estimate_seconds(net.sizes, net.n) < 2 or not err.is_terminal:
        return prove(net, workers=args.workers)
    with Progress(TextColumn("proving"), BarColumn(), TextColumn("{task.completed}/{task.total} entries"),
                  TimeElapsedColumn(), console=err, transient=True) as bar:
        task = bar.add_task("prove", total=None)
        return prove(net, workers=args.workers, progress=lambda done, total: bar.update(task, completed=done,
                                                                                       total=total))


if __name__ == "__main__":
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not become a traceback at exit
    sys.exit(code)
