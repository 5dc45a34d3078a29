"""Property test over random sizes, depths and batch sizes: the general EBP steps of the paper hold with
their 1/n, and the printed versions without it fail with the 'factor n' hint."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from verify.derivation.check import check_text

GENERAL = r"""
$${}_E\delta_S := {}_E\mathbf{A}_S - y_S \tag{1}$$
$${}_N\mathbf{D}_S^\phi := \frac{\partial^c \phi({}_N\mathbf{Z}_S)}{\partial^c {}_N\mathbf{Z}_S} \tag{2}$$
$${}_N\delta_S := \left[ {}_N\mathbf{W}^T \odot {}_{N+1}\delta_S \right] * {}_N\mathbf{D}_S^\phi \tag{3}$$
$${}_{N-1}\nabla_{B_k} = \frac{1}{n} {}_N\delta_S \odot {}_{N-1}\mathbf{A}_S^T \tag{4}$$
$$\frac{\partial \Lambda_{B_k}}{\partial ({}_{E-1}w_i^j)} = \frac{1}{n} \sum_{\forall Sx \in B_k}
  ({}_E a_{Sx}^j - y_{Sx}^j) \, {}_{E-1}a_{Sx}^i \tag{5}$$
"""


def _doc(sizes, n, body):
    return f"---\nsizes: {','.join(map(str, sizes))}\nbatch: {n}\n---\n{body}"


@settings(max_examples=15, deadline=None)
@given(st.lists(st.integers(1, 3), min_size=2, max_size=4), st.integers(1, 3))
def test_general_steps_hold_and_lost_one_over_n_is_found(checker, sizes, n):
    report = check_text(_doc(sizes, n, GENERAL), "general.md", checker)
    status = {v.label: v.status for v in report.numbered}
    assert status["4"] == status["5"] == "holds", [(v.label, v.status, v.reason) for v in report.numbered]
    assert status["1"] == "holds"  # a definition of delta, equal to the truth
    printed = GENERAL.replace(r"= \frac{1}{n} {}_N\delta_S", r"= {}_N\delta_S")
    report = check_text(_doc(sizes, n, printed), "printed.md", checker)
    verdict = {v.label: v for v in report.numbered}["4"]
    if n == 1:
        assert verdict.status == "holds"
    else:
        assert verdict.status == "fails" and "factor n" in verdict.hint
