"""Helpers of the derivation-checker tests: a small paper-notation derivation, planted errors optional."""
from __future__ import annotations

HEADER = """---
notation: paper
sizes: 2, 3, 2
batch: 2
activation: sigmoid
cost: logloss
---
"""

# label -> correct equation; tests replace one of them by a planted variant
EQUATIONS = {
    "1": r"{}_1\mathbf{Z}_S = {}_0\mathbf{W} \odot {}_0\mathbf{A}_S",
    "2": r"{}_2\delta_S := {}_2\mathbf{A}_S - y_S",
    "3": r"{}_1\nabla_{B_k} = \frac{1}{n} {}_2\delta_S \odot {}_1\mathbf{A}_S^T",
    "4": r"{}_1\mathbf{D}_S^\phi := \frac{\partial^c \phi({}_1\mathbf{Z}_S)}{\partial^c {}_1\mathbf{Z}_S}",
    "5": r"{}_1\delta_S := \left[ {}_1\mathbf{W}^T \odot {}_2\delta_S \right] * {}_1\mathbf{D}_S^\phi",
    "6": r"{}_0\nabla_{B_k} = \frac{1}{n} {}_1\delta_S \odot {}_0\mathbf{A}_S^T",
    "7": r"\frac{\partial \Lambda_{B_k}}{\partial ({}_1w_i^j)} = \frac{1}{n} \sum_{\forall Sx \in B_k} "
         r"({}_2a_{Sx}^j - y_{Sx}^j) \, {}_1a_{Sx}^i",
    "8": r"{}_1\mathbf{W}^T = \begin{bmatrix} {}_1w_1^1 & {}_1w_1^2 \\ {}_1w_2^1 & {}_1w_2^2 \\ "
         r"{}_1w_3^1 & {}_1w_3^2 \end{bmatrix}",
    "9": r"\Lambda_{B_k} = - \frac{1}{n} \sum_{\forall Sx \in B_k} \sum_{\forall j \text{ on } L2} \left[ "
         r"y_{Sx}^j \log({}_2a_{Sx}^j) + (1 - y_{Sx}^j) \log(1 - {}_2a_{Sx}^j) \right]",
    "10": r"{}_2\delta_{Sx} = \begin{bmatrix} {}_2a_{Sx}^1 - y_{Sx}^1 \\ "
          r"{}_2a_{Sx}^2 - y_{Sx}^2 \end{bmatrix}",
}


def document(**replace) -> str:
    """The small derivation, with equation ``eN`` replaced by ``replace['eN']``."""
    body = []
    for label, eq in EQUATIONS.items():
        body.append(f"$$ {replace.get('e' + label, eq)} \\tag{{{label}}} $$\n")
    return HEADER + "\n" + "\n".join(body)
