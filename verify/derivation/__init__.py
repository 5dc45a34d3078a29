"""Check a hand-written EBP derivation (Markdown + LaTeX) equation by equation.

``python -m verify derivation FILE.md [--watch] [--poll] [--json] [--no-color]``

Notation sheet (paper notation, seed 001, the table ``notations/paper.toml``; the others are tables too,
see docs/notation.md):

- layers L0 (input) .. L_E (output, E = L); ``{}_N W`` couples L(N) to L(N+1), shape (m_{N+1}, m_N),
  entry ``{}_N w_i^j`` (i source node on L(N), j target node on L(N+1));
- ``{}_N A_S``, ``{}_N Z_S``: (m_N, n), one column per sample S1..Sn; ``{}_N a_{Sx}^j`` an entry;
- ``\\odot`` is the matrix (numpy dot) product (eqs 2-5), ``*`` element-wise (eq 10);
- ``\\Lambda_{B_k}`` = (1/n) Σ_Sx Σ_j λ(a, y) (eq 19), ``{}_N\\nabla_{B_k}`` = dΛ/d{}_N W (the ground truth);
- δ, D^φ, θ, C, X, ... are defined by the document (``:=``) and checked where they are used.

Pipeline: extract (front matter, display equations) -> syntax + grammar.lark + nodes (our own LALR
grammar, immutable AST) -> notation: presets + notations/*.toml read by table (+ patterns, quantities,
families, variables, ranges, functions: what a symbol means) ->
evaluate + matrices + model + values (numbers at random exact rational points; derive's ground truth) ->
chain + indices (one relation chain over index values) -> check (the document, per-equation cache) ->
verdict (data), hints (why it fails) -> present (rich, JSON) / cli / watch (re-check on every save).
"""
from .check import Checker, Report, Verdict, check_text
from .cli import main
from .extract import Config, read_document
from .syntax import ParseError, parse_chain

__all__ = ["main", "check_text", "Checker", "Report", "Verdict", "Config", "read_document", "parse_chain",
           "ParseError"]
