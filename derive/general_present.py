"""Presentation of the general proof (rich tables or JSON) and its command line.

``python -m derive prove --general [--activation sigmoid|phi] [--cost logloss|mse] [--depth L] [--json]
[--no-color] [--full]``; ``python -m derive.general`` takes the same options. Exit status 0 when every
statement is proven, 1 when one is not, 2 for bad options.
"""

from __future__ import annotations

import argparse
import json
import sys

from rich.console import Console
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from derive.general_model import ACTIVATIONS, COSTS
from derive.general_rules import RULES

__all__ = ["proof_to_dict", "render", "run_cli"]

HOW = {"sympy": "sympy (automatic)", "rule": "rule", "definition": "definition",
       "check": "sympy, for comparison"}
THEOREM = (
    "Theorem. For every depth L >= 1, all widths m_0..m_L >= 1, every batch size n >= 1 and every layer "
    "N in 0..L-1: d Lambda / d W_N[j, i] = ((1/n) delta_{N+1} A_N^T)[j, i] with delta_L from eqs 84-88 "
    "and delta_M = (W_M^T delta_{M+1}) * D_phi_M (eq 92).\n"
    "Proof: Claim(L) is the base case; the step lemma gives Claim(M) from Claim(M+1) for M = L-1, ..., N+1 "
    "(induction on L - M); the gradient lemma turns Claim(N+1) into eq 93. Each lemma above is proven with "
    "symbolic widths and batch size."
)


def _expr_text(expr, full, limit=400):
    text = str(expr)
    if full or len(text) <= limit:
        return text
    return text[:limit] + f" ... [{len(text) - limit} more characters; --full shows all]"


def proof_to_dict(proof):
    """JSON-ready dict of a GeneralProof (expressions as sympy strings)."""
    return {
        "name": proof.name,
        "statement": proof.statement,
        "proven": proof.proven,
        "reason": proof.reason,
        "residual": None if proof.residual is None else str(proof.residual),
        "seconds": round(proof.seconds, 4),
        "steps": [{"text": st.text, "how": st.how, "rule": st.rule, "applications": st.applications,
                   "expr": str(st.expr)} for st in proof.steps],
    }


def _rule_uses(proofs):
    uses = {name: 0 for name in RULES}
    for proof in proofs:
        for st in proof.steps:
            if st.rule:
                uses[st.rule] += st.applications
    return uses


def render(proofs, console, full=False, depth=3, activation="sigmoid", cost="logloss"):
    """Print every proof step by step, then a summary and the rules used."""
    console.print(Text.assemble(
        ("General proof of EBP", "bold"), " - symbolic widths m0..mL and batch size n; activation ",
        (activation, "cyan"), ", cost ", (cost, "cyan"),
        f"; direct proofs for a network of {depth + 1} layers. Indices are 0-based: W_N[j, i] is the "
        "paper's {}_N w_(i+1)^(j+1); Dphi(z) denotes phi'(z)."))
    for proof in proofs:
        console.print()
        console.rule(Text(proof.name, "bold"))
        console.print(Text(proof.statement, "bold"))
        for num, st in enumerate(proof.steps, 1):
            by = Text(f"rule {st.rule} x{st.applications}", "magenta") if st.rule else Text(
                HOW[st.how], "blue" if st.how == "sympy" else "")
            console.print(Text.assemble(f"{num:>3}. [", by, f"] {st.text}"))
            console.print(Padding(Text(_expr_text(st.expr, full), "dim"), (0, 0, 0, 6)))
        if proof.proven:
            console.print(Text.assemble(("PROVEN", "bold green"), f" ({proof.seconds:.2f} s)"))
        else:
            console.print(Text.assemble(("NOT PROVEN", "bold red"), f": {proof.reason}; residual "
                                        f"{_expr_text(proof.residual, full)}"))
    console.print()
    summary = Table(title="summary")
    for col in ("statement", "result", "seconds"):
        summary.add_column(col)
    for proof in proofs:
        result = Text("proven", "green") if proof.proven else Text("not proven", "red")
        summary.add_row(Text(proof.name), result, f"{proof.seconds:.2f}")
    console.print(summary)
    rules = Table(title="rewrite rules (each checked against concrete sizes in "
                  "tests/derive/test_general_rules.py)", show_lines=True)
    for col in ("rule", "identity", "why sympy does not do it", "uses"):
        rules.add_column(col)
    uses = _rule_uses(proofs)
    for name, rule in RULES.items():
        rules.add_row(name, Text(rule.identity), Text(rule.why), str(uses[name]))
    console.print(rules)
    if all(p.proven for p in proofs):
        console.print(Text(THEOREM))


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
    from derive.general import prove_all

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
        print(json.dumps(out, indent=2))
        return 0 if out["proven"] else 1
    with console.status("proving with symbolic widths ..."):
        proofs = prove_all(args.activation, args.cost, args.depth)
    render(proofs, console, args.full, args.depth, args.activation, args.cost)
    return 0 if all(p.proven for p in proofs) else 1
