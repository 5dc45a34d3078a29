"""Presentation of the general proof: rich text (``render``) or JSON-ready dicts (``proof_to_dict``).

Computation lives in ``derive.general.proof``; the command line in ``derive.general.cli``.
"""

from __future__ import annotations

from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from derive.general.rules import RULES
from derive.general.steps import show

__all__ = ["proof_to_dict", "render", "theorem"]

HOW = {"sympy": "sympy (automatic)", "rule": "rule", "definition": "definition",
       "check": "sympy, for comparison"}


def theorem(cost="logloss", bias=False, output=None):
    """The statement the lemmas prove for every depth, and how they prove it."""
    bias_part = " and d Lambda / d b_N[j] = ((1/n) delta_{N+1} 1_n)[j]" if bias else ""
    if cost == "softmax_ce":
        out = "delta_L = A_L * (1 1^T Y) - Y (softmax output; A_L - Y when every column of Y sums to 1)"
    elif output:
        out = f"delta_L from eqs 84-88 with the output activation {output} (eqs 95-96)"
    else:
        out = "delta_L from eqs 84-88"
    return (
        "Theorem. For every depth L >= 1, all widths m_0..m_L >= 1, every batch size n >= 1 and every layer "
        f"N in 0..L-1: d Lambda / d W_N[j, i] = ((1/n) delta_{{N+1}} A_N^T)[j, i]{bias_part} with {out} "
        "and delta_M = (W_M^T delta_{M+1}) * D_phi_M (eq 92).\n"
        "Proof: Claim(L) is the base case; the step lemma gives Claim(M) from Claim(M+1) for M = L-1, ..., "
        "N+1 (induction on L - M); the gradient lemma turns Claim(N+1) into eq 93"
        + (", the bias gradient lemma into the bias gradient" if bias else "")
        + ". Each lemma above is proven with symbolic widths and batch size."
    )


def _expr_text(expr, full, limit=400):
    text = show(expr)
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
        "residual": None if proof.residual is None else show(proof.residual),
        "assumptions": list(proof.assumptions),
        "seconds": round(proof.seconds, 4),
        "steps": [{"text": st.text, "how": st.how, "rule": st.rule, "applications": st.applications,
                   "expr": show(st.expr)} for st in proof.steps],
    }


def _rule_uses(proofs):
    uses = {name: 0 for name in RULES}
    for proof in proofs:
        for st in proof.steps:
            if st.rule:
                uses[st.rule] += st.applications
    return uses


def render(proofs, console, full=False, depth=3, activation="sigmoid", cost="logloss", output=None,
           bias=False):
    """Print every proof step by step, then a summary and the rules used."""
    out = "softmax" if cost == "softmax_ce" else (output or activation)
    console.print(Text.assemble(
        ("General proof of EBP", "bold"), " - symbolic widths m0..mL and batch size n; activation ",
        (activation, "cyan"), ", output activation ", (out, "cyan"), ", cost ", (cost, "cyan"),
        ", biases ", ("on" if bias else "off", "cyan"),
        f"; direct proofs for a network of {depth + 1} layers. Indices are 0-based: W_N[j, i] is the "
        "paper's {}_N w_(i+1)^(j+1); Dphi(z) denotes phi'(z)."))
    for text in sorted({a for p in proofs for a in p.assumptions}):
        console.print(Text.assemble(("Assumption: ", "bold yellow"), text))
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
        console.print(Text(theorem(cost, bias, output)))
        for text in sorted({a for p in proofs for a in p.assumptions}):
            console.print(Text(f"(where {text})"))
