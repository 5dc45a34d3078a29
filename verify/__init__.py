"""verify: numeric EBP gradients (the engine's or a user's) against the sympy.diff ground truth.

Notation (R. Mönchmeyer's paper, shared by derive/, numeric/ and verify/)
-----------------------------------------------------------------------
layers      L0 (input) .. LL (output), m_N nodes on L(N); the paper's reference case is L0..L3
sizes       (m_0, m_1, ..., m_L); L = number of weight matrices = len(sizes) - 1
n           samples in the mini-batch B_k; one column per sample
W_N         weights coupling L(N) to L(N+1), shape (m_{N+1}, m_N); W_N[j-1, i-1] = {}_N w_i^j
            (i = source node on L(N), j = target node on L(N+1), 1-based as in the paper)
X = A_0     inputs, (m_0, n);  Y  targets, (m_L, n)
Z_N, A_N    Z_{N+1} = W_N A_N (eq 9), A_N = phi(Z_N) (eqs 13-14), shapes (m_N, n)
Lambda      cost averaged over the batch (eq 19: (1/n) sum_s sum_j lambda)
D_phi       phi'(Z_N) elementwise (eq 80)
delta_N     delta_L = A_L - Y (sigmoid + log-loss, eq 82); delta_N = (W_N^T delta_{N+1}) * D_phi(Z_N) (eq 92)
grad_W[N]   dLambda/dW_N = (1/n) delta_{N+1} A_N^T (eq 93), shape of W_N
entry key   (N, r, c) = W_N[r, c], 0-based; tables print the paper's (N, i, j) = (N, c+1, r+1)

Public API
----------
compare(got, weights, X, Y, ...) -> Report          one network, entry by entry (data, no printing)
check_implementation(fn, ...) -> CheckResult         fn(weights, X, Y) over the reference + adversarial sizes
assert_backprop_correct(fn, ...)                     raises GradientMismatch(AssertionError) on disagreement
diagnose(got, weights, X, Y, ...) -> Diagnosis       names the bug from the numbers
complex_step / central_difference                    the numeric oracles
TOLERANCES, Tolerance, tolerance_for                 thresholds per dtype, as data
show(result)                                         displays a result: HTML in Jupyter, rich tables elsewhere
pytest: the plugin (entry point ``backprop_verifier``, module ``pytest_backprop_verifier``) gives the
fixture ``backprop_check``.
"""

from .startup import guard_imports as _guard_imports

_guard_imports()  # Ctrl-C while a command still imports: one line, exit 130

from .cases import REFERENCE_SIZES, Case
from .check import CheckResult, GradientMismatch, assert_backprop_correct, check_implementation
from .compare import EntryCheck, MatrixCheck, Report, compare
from .diagnose import Diagnosis, diagnose
from .errors import LIMITS, InvalidArgument
from .notebook import show
from .oracles import central_difference, complex_step
from .tolerances import TOLERANCES, Tolerance, tolerance_for

__all__ = [
    "REFERENCE_SIZES",
    "TOLERANCES",
    "Case",
    "CheckResult",
    "Diagnosis",
    "EntryCheck",
    "GradientMismatch",
    "InvalidArgument",
    "LIMITS",
    "MatrixCheck",
    "Report",
    "Tolerance",
    "assert_backprop_correct",
    "central_difference",
    "check_implementation",
    "compare",
    "complex_step",
    "diagnose",
    "show",
    "tolerance_for",
]
