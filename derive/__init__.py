r"""derive: the symbolic truth (sympy) for error back-propagation in an MLP.

Notation sheet (R. Mönchmeyer's paper, seed 001; equation numbers (1)..(96) refer to it)
---------------------------------------------------------------------------------------
Layers      L0 (input) .. L_L (output) with m_0 .. m_L nodes; the reference case is L0..L3 with
            sizes (3, 2, 3, 2) and a mini-batch of n = 2 samples S1, S2.
Weights     W_N couples L(N) to L(N+1), shape (m_{N+1}, m_N) (eq 8); entry W_N[j-1, i-1] is the symbol
            {}_N w_i^j: from node i on L(N) to node j on L(N+1) (LaTeX ``{}_{N}w_{i}^{j}``).
Biases      optional b_N (m_{N+1}, 1), symbols {}_N b^j (the paper has none; off by default).
Batch       one column per sample Sx: X = A_0 (m_0, n) with entries x_{Sx}^j, Y (m_L, n) with y_{Sx}^j.
Forward     Z_{N+1} = W_N A_N (+ b_N) (eq 9), A_N = phi(Z_N) (eq 13), entries {}_N z_{Sx}^j, {}_N a_{Sx}^j.
Activation  phi: sigmoid (eq 14; phi' = phi (1 - phi), eq 16/17), tanh, relu, identity, or the abstract
            phi (an undefined function) so that a proof holds for every activation; the output layer may
            have its own (eqs 95-96), or a softmax with cost ``softmax_ce``.
Cost        Lambda = (1/n) sum_Sx sum_j lambda(a, y) (eq 19), lambda = -[y log a + (1-y) log(1-a)] for
            ``logloss`` (eq 18 with correct signs) or (a - y)^2 / 2 for ``mse``.
EBP         out_delta = d lambda / d a (eq 20/21), D_phi_N = phi'(Z_N) (eq 96),
            delta_L = out_delta * D_phi_L (eq 86/88; = A_L - Y for sigmoid + logloss, eq 27),
            delta_N = (W_N^T delta_{N+1}) * D_phi_N (eq 92), grad W_{N-1} = (1/n) delta_N A_{N-1}^T
            (eq 93 with the factor 1/n the paper loses); ``*`` is the element-wise product.

Public API
----------
``build_network`` -> ``Network``; ``ground_truth`` (sympy.diff only); ``ground_truth_at`` (numbers, any
size); ``layer_truth`` (every entry at once, certified; ``configure_cache`` for its on-disk cache of
sympy's stage derivatives); ``closed_form`` (eqs 86-93); ``prove`` -> ``Proof`` (exact, entry by
entry); registries ``ACTIVATIONS`` and ``COSTS``.

Indices: the Python API is 0-based (numpy/sympy ``W[N][r, c]``, ``ground_truth_at(entries=[(N, r, c)])``,
``Proof`` failures ``e.r, e.c``; ``derive.general`` states ``W_N[j, i]`` 0-based too); everything printed
for a user (tables, ``--entry N,i,j``, messages) uses the paper's 1-based (N, i, j) = {}_N w_i^j, with
W_N[r, c] = {}_N w_{c+1}^{r+1}.
"""
from __future__ import annotations

import importlib

from .startup import guard_imports as _guard_imports

_guard_imports()  # Ctrl-C while a command still imports: one line, exit 130

# Lazy exports (PEP 562): ``import derive`` costs nothing; each name imports its module on first use, so
# a command imports only what it uses (the per-layer truth with a warm cache never imports sympy).
_EXPORTS = {
    "backprop_deltas": "closed_forms", "closed_form": "closed_forms", "closed_form_bias": "closed_forms",
    "output_delta": "closed_forms", "estimate_seconds": "cost_model", "LIMITS": "errors",
    "InvalidArgument": "errors", "ground_truth_at": "evaluate", "ACTIVATIONS": "functions",
    "COSTS": "functions", "Activation": "functions", "Cost": "functions", "ground_truth": "symbolic_truth",
    "ground_truth_bias": "symbolic_truth", "Network": "network", "build_network": "network",
    "Proof": "proof", "prove": "proof", "layer_truth": "bulk_truth", "LayerTruth": "bulk_truth",
    "configure_cache": "cache",
}

__all__ = [
    "ACTIVATIONS", "COSTS", "Activation", "Cost", "Network", "Proof", "build_network", "ground_truth",
    "ground_truth_bias", "ground_truth_at", "closed_form", "closed_form_bias", "backprop_deltas",
    "output_delta", "prove", "estimate_seconds", "InvalidArgument", "LIMITS", "layer_truth", "LayerTruth",
    "configure_cache",
]


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'derive' has no attribute {name!r}")
    module = importlib.import_module(f".{_EXPORTS[name]}", __name__)
    value = getattr(module, "configure" if name == "configure_cache" else name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
