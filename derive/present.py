"""Presentation of a Proof: rich tables, JSON, LaTeX. No computation happens here."""
from __future__ import annotations

import json

import sympy
from rich.console import Console
from rich.panel import Panel
from rich.table import Table

from .envelope import envelope
from .latex import align, latex_lines
from .proof import Proof

__all__ = ["render_proof", "proof_json", "render_latex", "MAX_FAILURES_SHOWN"]

MAX_FAILURES_SHOWN = 3


def _short(expr, limit: int = 160) -> str:
    text = sympy.sstr(expr)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def render_proof(console: Console, proof: Proof, formulas: list[dict], identities: list[tuple]) -> None:
    """A table per weight matrix (shape, entries, proved, seconds), failures (worst few), formulas."""
    console.print("[bold]Exact proof[/bold]: closed-form EBP (eqs 86-93, with 1/n) == sympy.diff truth")
    console.print(f"network: {proof.description}")
    table = Table(title="Gradient matrices", title_justify="left")
    for col, just in (("matrix", "left"), ("shape", "center"), ("entries", "right"), ("proved", "center"),
                      ("seconds", "right")):
        table.add_column(col, justify=just)
    for m in proof.matrices:
        proved = f"[green]{len(m.entries)}/{len(m.entries)} yes[/green]" if m.proved else \
            f"[red]{len(m.entries) - len(m.failures)}/{len(m.entries)} NO[/red]"
        table.add_row(f"grad {m.name}", f"{m.shape[0]}x{m.shape[1]}", str(len(m.entries)), proved,
                      f"{m.seconds:.3f}")
    console.print(table)
    for m in proof.matrices:
        if m.proved:
            continue
        worst = sorted(m.failures, key=lambda e: -len(sympy.sstr(e.residual)))[:MAX_FAILURES_SHOWN]
        console.print(f"[red]grad {m.name}: {len(m.failures)} of {len(m.entries)} entries differ[/red]"
                      f" (showing {len(worst)}):")
        for e in worst:
            N = m.name[2:]  # "W_0" / "b_0"; printed as the paper's (N,i,j) = {}_N w_i^j, b(N,j)
            where = f"b({N},{e.r + 1})" if m.name.startswith("b") else f"({N},{e.c + 1},{e.r + 1})"
            console.print(f"  entry {where} (d Lambda / d {e.symbol}): truth - closed = "
                          f"{_short(e.residual)}", soft_wrap=True)
    lines = [f"{f['name']:>14} = {f['text']}   [dim]({f['equation']})[/dim]" for f in formulas]
    lines += [f"{label:>14}: {'[green]holds[/green]' if ok else '[red]FAILS[/red]'} (checked by sympy)"
              for label, _, ok in identities]
    console.print(Panel("\n".join(lines), title="closed form (element-wise *, matrix products)",
                        title_align="left"))
    total = sum(len(m.entries) for m in proof.matrices)
    if proof.proved:
        console.print(f"[bold green]PROVED[/bold green]: all {total} entries of {len(proof.matrices)} "
                      f"gradient matrices are exactly equal ({proof.method}) in {proof.seconds:.2f} s")
    else:
        bad = sum(len(m.failures) for m in proof.matrices)
        names = ", ".join(m.name for m in proof.matrices if not m.proved)
        console.print(f"[bold red]NOT PROVED[/bold red]: {bad} of {total} entries differ (in {names}); "
                      f"{proof.seconds:.2f} s")


def proof_json(proof: Proof, formulas: list[dict], identities: list[tuple]) -> str:
    """The proof as a JSON document in the common envelope (docs/json.md), command "derive prove"."""
    data = proof.to_dict()
    data["formulas"] = formulas
    data["identities"] = [{"equation": label, "latex": tex, "holds": ok} for label, tex, ok in identities]
    return json.dumps(envelope("derive prove", 0 if proof.proved else 1, data), indent=2)


def render_latex(console: Console, formulas: list[dict], entries: list[tuple]) -> None:
    """LaTeX of the closed form and of chosen entries [(weight, truth, closed) as sympy expressions]:
    one ``align`` each, long sums broken across lines (derive.latex)."""
    lines = ["% closed form (vectorized EBP, eqs 86-93 with 1/n)"]
    lines += align([(left.rstrip(), [right.strip()]) for left, _, right in
                    (f["latex"].partition("=") for f in formulas)])
    for weight, truth, closed in entries:
        w = sympy.latex(weight)
        lines.append(f"% entry d Lambda / d {w}: ground truth (sympy.diff) and closed form, "
                     "with {}_N a = phi({}_N z)")
        lines += align([(r"\frac{\partial \Lambda}{\partial " + w + "}", latex_lines(truth)),
                        (r"\left(\nabla W\right)_{" + w + "}", latex_lines(closed))])
    for line in lines:
        console.print(line, highlight=False, markup=False, soft_wrap=True)
