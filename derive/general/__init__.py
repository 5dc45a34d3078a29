"""EBP proven for every layer width, batch size and depth (symbolic m_0..m_L, n): the general proof.

Modules (data flows one way: model/rules -> proof -> present -> cli; check replays at concrete sizes):

- ``model``: the MLP in index form (IndexedBase, Sum, KroneckerDelta) and the claimed closed forms.
- ``rules``: the rewrite rules sympy does not apply by itself (sift, flatten, canonical, fold).
- ``proof``: the proofs (direct, base, step, gradient) as data (``GeneralProof``, ``Step``).
- ``check``: concrete instantiation, to replay every rule application and as an independent ground truth.
- ``present``: rich / JSON presentation; ``cli``: the command line (``main``).
"""

from derive.general.cli import main
from derive.general.proof import (
           GeneralProof,
           Step,
           prove_all,
           prove_base,
           prove_bias_gradient,
           prove_direct,
           prove_gradient,
           prove_step,
)

__all__ = ["GeneralProof", "Step", "main", "prove_all", "prove_base", "prove_bias_gradient", "prove_direct",
           "prove_gradient", "prove_step"]
