"""Models of the bugs people write in EBP code, as alternative gradients to match a user's numbers against.

Each :class:`BugModel` is the vectorized EBP of eqs (86)-(93) with one step done the wrong way. These are
hypotheses for ``verify.diagnose``, never the truth: the truth comes from ``derive`` (sympy.diff).

Steps (per-sample deltas, one column per sample; ``/ n`` in the outer product):
  output:  delta_L = dlambda/dZ_L                        (eqs 84-88: A_L - Y for sigmoid + log-loss)
  hidden:  delta_N = (W_N^T delta_{N+1}) * D_phi(Z_N)    (eq 92)
  outer:   grad W_N = (1/n) delta_{N+1} A_N^T             (eq 93)
D_phi and dlambda/dZ_L are taken by the complex step, so every activation/cost pair of the registries works.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .functions import BASE_COST, SOFTMAX, d_activation, forward, output_function, sample_costs

__all__ = ["MODELS", "BugModel", "model_gradients"]

_H = 1e-30
# D_phi written from the activation value a (eq 17 for sigmoid); a user who feeds z into it has "Z for A"
_FROM_A = {"sigmoid": lambda a: a * (1 - a), "tanh": lambda a: 1 - a**2}
_D_FROM_A_WORDS = {"sigmoid": "a(1-a), eq 17", "tanh": "1-a^2"}
_COST_WORDS = {"logloss": "log-loss", "softmax_ce": "softmax + cross-entropy", "mse": "the quadratic cost"}


@dataclass(frozen=True)
class BugModel:
    """One planted-bug hypothesis: which step (output, hidden or outer) is done which wrong way."""

    name: str
    kind: str
    title: str
    output: str = "correct"
    hidden: str = "correct"
    outer: str = "A"
    costs: tuple = ("logloss", "mse", "softmax_ce")
    activations: tuple = ("sigmoid", "tanh", "relu", "identity")
    any_scale: bool = False  # the bug comes with its own constant (means instead of sums): fit any factor

    def applies(self, activation: str, cost: str) -> bool:
        return (cost in self.costs or BASE_COST.get(cost) in self.costs) and activation in self.activations

    def describe(self, activation: str, cost: str) -> str:
        """The title worded for this network's activation and cost (``{cost}``, ``{d_from_a}`` filled in)."""
        d_from_a = _D_FROM_A_WORDS.get(activation, "phi'(a)")
        d_from_z = d_from_a.split(",")[0].replace("a", "z")
        cost = BASE_COST.get(cost, cost)
        words = {"{cost}": _COST_WORDS.get(cost, cost), "{d_from_a}": d_from_a, "{d_from_z}": d_from_z}
        title = self.title
        for key, word in words.items():  # not str.format: titles hold LaTeX-ish braces like delta_{N+1}
            title = title.replace(key, word)
        return title


MODELS = [
    BugModel("phi_at_output", "phi_at_output", "phi' applied at the output with {cost}: delta_L = "
             "(A_L - Y) * D_phi(Z_L), but {cost} already cancels phi' (eq 82: delta_L = A_L - Y)",
             output="phi_at_output", costs=("logloss", "softmax_ce")),
    BugModel("missing_phi", "missing_phi", "missing phi': the hidden deltas lack the factor D_phi(Z_N) "
             "of eq (92)", hidden="missing"),
    BugModel("missing_phi_output", "missing_phi", "missing phi' at the output: delta_L = A_L - Y without "
             "D_phi(Z_L) (eq 86 needs it for this cost)", output="no_phi", costs=("mse",)),
    BugModel("phi_wrong_layer", "phi_wrong_layer", "phi' at the wrong layer: delta_N uses D_phi of "
             "L(N+1) (the layer the delta comes from) instead of D_phi(Z_N) of eq (92)",
             hidden="wrong_layer"),
    BugModel("phi_of_a", "phi_of_a", "phi' evaluated at A instead of Z: D_phi = phi'(A_N), i.e. the "
             "sigmoid applied twice", hidden="at_a"),
    BugModel("phi_of_a_everywhere", "phi_of_a", "phi' evaluated at A instead of Z in every layer, the "
             "output included: D_phi = phi'(A_N) (the sigmoid applied twice); with {cost} delta_L = "
             "(A_L - Y) * phi'(Z_L) (eq 86)", output="at_a", hidden="at_a", costs=("mse",)),
    BugModel("z_derivative_everywhere", "z_for_a", "Z used where A belongs in every layer, the output "
             "included: D_phi computed from Z ({d_from_z}) instead of from A ({d_from_a}), eq (86) and (92)",
             output="from_z", hidden="from_z", costs=("mse",), activations=("sigmoid", "tanh")),
    BugModel("z_outer", "z_for_a", "Z used where A belongs: grad W_N = delta_{N+1} Z_N^T, eq (93) "
             "needs A_N^T", outer="Z"),
    BugModel("z_derivative", "z_for_a", "Z used where A belongs: D_phi computed from Z "
             "({d_from_z}) instead of from A ({d_from_a})", hidden="from_z", activations=("sigmoid", "tanh")),
    BugModel("z_output", "z_for_a", "Z used where A belongs: output delta Z_L - Y instead of A_L - Y "
             "(eq 82)", output="z_for_a", costs=("logloss", "softmax_ce")),
    BugModel("samples_mixed", "samples_mixed", "samples mixed before the outer product: (sum_s delta)"
             "(sum_s A)^T instead of sum_s delta_s A_s^T (eq 93 sums after multiplying)", outer="mixed",
             any_scale=True),
    BugModel("paper_eq18", "paper_sign_typo", "the sign typo of the paper's eqs (18)/(19) copied: "
             "-[y log a - (1-y) log(1-a)] gives delta_L = -(Y + A_L - 2 Y A_L)", output="paper18",
             costs=("logloss",), activations=("sigmoid",)),
]


def _paper18(A, Y):
    with np.errstate(all="ignore"):
        return -np.sum(Y * np.log(A) - (1 - Y) * np.log(1 - A), axis=0)


def _output_delta(kind, Z_L, A_L, Y, activation, cost, output_activation):
    """Per-sample delta_L = dlambda_s/dZ_L (or the buggy variant), shape (m_L, n)."""
    out_fn = output_function(activation, cost, output_activation)
    if kind == "z_for_a":
        return Z_L - Y
    if kind in ("at_a", "from_z"):  # d lambda / d A_L times phi' taken the wrong way (eq 86)
        d_lambda = _output_delta("no_phi", Z_L, A_L, Y, activation, cost, output_activation)
        out = output_activation or activation
        from_a = _FROM_A.get(out, lambda v: d_activation(out, v))
        slope = d_activation(out, A_L) if kind == "at_a" else from_a(Z_L)
        return d_lambda * slope
    delta = np.zeros(Z_L.shape)
    for j in range(Z_L.shape[0]):
        Zc = Z_L.astype(complex)
        Zc[j] += 1j * _H
        Ac = out_fn(Zc)
        if kind == "no_phi":
            Ac = A_L.astype(complex)
            Ac[j] += 1j * _H
        lam = _paper18(Ac, Y) if kind == "paper18" else sample_costs(Ac, Y, Zc, cost)
        delta[j] = np.imag(lam) / _H
    if kind == "phi_at_output":
        D_L = A_L * (1 - A_L) if cost in SOFTMAX else d_activation(output_activation or activation, Z_L)
        delta = delta * D_L
    return delta


def model_gradients(model: BugModel | None, weights, X, Y, *, activation="sigmoid", cost="logloss",
                    output_activation=None, biases=None) -> list[np.ndarray]:
    """grad_W[N] of the EBP with the model's bug (``None``: the correct EBP), float64."""
    model = model or BugModel("correct", "correct", "correct")
    Z, A = forward(weights, X, activation, cost, output_activation, biases)
    L, n = len(weights), X.shape[1]
    D = [None] + [d_activation(activation, Z[N]) for N in range(1, L)]
    out_name = output_activation or activation
    D.append(A[L] * (1 - A[L]) if cost in SOFTMAX else d_activation(out_name, Z[L]))
    delta = _output_delta(model.output, Z[L], A[L], Y, activation, cost, output_activation)
    grads = [None] * L
    for N in reversed(range(L)):
        B = X if (model.outer == "Z" and N == 0) else (Z[N] if model.outer == "Z" else A[N])
        if model.outer == "mixed":
            grads[N] = np.outer(delta.sum(axis=1), B.sum(axis=1)) / n
        else:
            grads[N] = delta @ B.T / n
        if N == 0:
            break
        back = weights[N].T @ delta
        if model.hidden == "missing":
            delta = back
        elif model.hidden == "wrong_layer":
            delta = weights[N].T @ (delta * D[N + 1])
        elif model.hidden == "from_z":
            delta = back * _FROM_A[activation](Z[N])
        elif model.hidden == "at_a":
            delta = back * d_activation(activation, A[N])
        else:
            delta = back * D[N]
    return grads
