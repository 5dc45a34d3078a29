"""numeric: the numpy engine of backprop-verifier (vectorized EBP, full MNIST training).

Notation sheet (R. Mönchmeyer's paper; the same names in derive/ and verify/)
-----------------------------------------------------------------------------
layers      L0 (input) .. LL (output); the reference network has L0..L3 (sizes 784-h1-h2-10)
sizes       (m_0, ..., m_L): nodes per layer; ``L`` = number of weight matrices = len(sizes) - 1
n           samples in a mini-batch B_k, one column per sample
X = A_0     (m_0, n) inputs;  Y (m_L, n) targets (one-hot for MNIST)
W_N         (m_{N+1}, m_N): couples L(N) to L(N+1); W_N[j, i] is {}_N w_i^j (i on L(N), j on L(N+1))
b_N         (m_{N+1},) or (m_{N+1}, 1): optional biases
Z_{N+1}     = W_N A_N (+ b_N)                      (m_{N+1}, n)     eqs (9), (13)
A_{N+1}     = phi(Z_{N+1}); output layer: output_activation (softmax for softmax_ce)      eq (14)
Lambda      batch cost averaged over n, e.g. -(1/n) sum [y log a + (1 - y) log(1 - a)]   eq (19)
D^phi_N     = phi'(Z_N) elementwise                (m_N, n)
delta_L     = dLambda/dZ_L = (A_L - Y)/n for sigmoid + log-loss                        eqs (86)-(88)
delta_N     = (W_N^T delta_{N+1}) * D^phi_N                                             eqs (90), (92)
grad_W_{N-1}= delta_N A_{N-1}^T  (the 1/n is inside delta)                              eqs (89), (91), (93)

Public API: ``forward``, ``gradients``, ``cost`` (pure, float64 in -> float64 out), the registries
``ACTIVATIONS``, ``DERIVATIVES``, ``COSTS`` (keys as in derive/functions.py), ``Engine`` (float32 training
path), ``Trainer`` / ``Config`` (training), ``load_mnist`` / ``MNISTError`` (data).
CLI: ``python -m numeric train`` and ``python -m numeric evaluate model.npz``.
"""

from .startup import guard_imports as _guard_imports

_guard_imports()  # Ctrl-C while a command still imports: one line, exit 130

from .engine import Engine
from .errors import LIMITS, InvalidArgument
from .functions import ACTIVATIONS, COST_GRADIENTS, COSTS, DERIVATIVES, output_delta
from .mnist import MNISTError
from .mnist import load as load_mnist
from .network import cost, forward, gradients
from .train import Config, Trainer

__all__ = [
    "ACTIVATIONS", "DERIVATIVES", "COSTS", "COST_GRADIENTS", "output_delta",
    "forward", "gradients", "cost", "Engine", "Trainer", "Config", "load_mnist", "MNISTError",
    "InvalidArgument", "LIMITS",
]
