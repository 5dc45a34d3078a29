"""A phi' factor written out in the activation's closed form (tanh: 1 - a^2, sigmoid: a (1 - a)), missing or
extra, inside index sums and in matrix form: the failing equation gets the hint missing_phi_prime /
extra_phi_prime, and only when the repair it names makes the equation hold; a correct equation with such a
factor holds with no hint."""
from __future__ import annotations

import pytest

from verify.derivation.check import check_text
from verify.derivation.phi_factors import closed_form_of
from verify.derivation.syntax import parse_chain

INDEX_TANH = r"""---
title: index sums, tanh
notation: index
sizes: 2, 3, 3, 2
batch: 1
activation: tanh
cost: mse
bias: false
input_layer: 0
---

$$z^{(1)}_j = \sum_{k=1}^{2} w^{(1)}_{jk} x_k \tag{1}$$

$$a^{(l)}_j = \tanh(z^{(l)}_j) \tag{2}$$

$$z^{(l)}_j = \sum_{k=1}^{M_{l-1}} w^{(l)}_{jk} a^{(l-1)}_k \tag{3}$$

$$E = \frac{1}{2} \sum_{k=1}^{2} (a^{(3)}_k - y_k)^2 \tag{4}$$

$$\frac{\partial E}{\partial w^{(2)}_{ji}} = \sum_k (a^{(3)}_k - y_k)(1 - (a^{(3)}_k)^2) w^{(3)}_{kj}
(1 - (a^{(2)}_j)^2) a^{(1)}_i \tag{5}$$

$$\frac{\partial E}{\partial a^{(1)}_i} = \sum_j \sum_k (a^{(3)}_k - y_k) (1 - (a^{(3)}_k)^2) w^{(3)}_{kj}
(1 - (a^{(2)}_j)^2) w^{(2)}_{ji} \tag{6}$$
"""

MATRIX_SIGMOID = r"""---
title: matrix form, sigmoid
notation: nielsen
sizes: 2, 3, 3, 2
batch: 1
activation: sigmoid
cost: mse
bias: true
---

$$z^l = w^l a^{l-1} + b^l \tag{1}$$

$$a^l = \sigma(z^l) \tag{2}$$

$$C = \frac{1}{2} \sum_j (y_j - a^L_j)^2 \tag{3}$$

$$\delta^L = (a^L - y) \odot a^L \odot (1 - a^L) \tag{4}$$

$$\frac{\partial C}{\partial w^3} = \left( ((w^4)^T \delta^4) \odot a^3 \odot (1 - a^3) \right)
(a^2)^T \tag{5}$$

$$\frac{\partial C}{\partial b^2} = ((w^3)^T (((w^4)^T \delta^4) \odot a^3 \odot (1 - a^3)))
\odot a^2 \odot (1 - a^2) \tag{6}$$
"""

DOCS = {"index-tanh": INDEX_TANH, "matrix-sigmoid": MATRIX_SIGMOID}

# (document, equation, text, planted text, hint kind, words the hint must contain)
PLANTED = [
    ("index-tanh", "5", r"(a^{(3)}_k - y_k)(1 - (a^{(3)}_k)^2) w^{(3)}_{kj}",
     r"(a^{(3)}_k - y_k) w^{(3)}_{kj}",
     "missing_phi_prime", ["(1 - (a^{(3)}_k)^2)", "missing"]),
    ("index-tanh", "6", r"(1 - (a^{(2)}_j)^2) w^{(2)}_{ji}", r"w^{(2)}_{ji}",
     "missing_phi_prime", ["(1 - (a^{(2)}_j)^2)", "missing"]),
    ("index-tanh", "5", r"y_k)(1 - (a^{(3)}_k)^2) w^{(3)}_{kj}",
     r"y_k)(1 - (a^{(3)}_k)^2) (1 - (a^{(3)}_k)^2) w^{(3)}_{kj}",
     "extra_phi_prime", ["extra phi'", "without it"]),
    ("matrix-sigmoid", "5", r"((w^4)^T \delta^4) \odot a^3 \odot (1 - a^3) \right)",
     r"((w^4)^T \delta^4) \right)",
     "missing_phi_prime", ["a^3 \\odot (1 - a^3)", "element-wise"]),
    ("matrix-sigmoid", "6", r"(((w^4)^T \delta^4) \odot a^3 \odot (1 - a^3)))", r"(((w^4)^T \delta^4)))",
     "missing_phi_prime", ["a^3 \\odot (1 - a^3)"]),
    ("matrix-sigmoid", "6", r"\odot a^3 \odot (1 - a^3)))",
     r"\odot a^3 \odot (1 - a^3) \odot a^3 \odot (1 - a^3)))",
     "extra_phi_prime", ["extra phi'", "without it"]),
]


def _verdicts(text, checker):
    report = check_text(text, "phi.md", checker)
    return {v.label: v for v in report.numbered}


@pytest.mark.parametrize("doc", sorted(DOCS))
def test_correct_equations_with_written_out_factors_hold_without_hint(checker, doc):
    verdicts = _verdicts(DOCS[doc], checker)
    assert {k: v.status for k, v in verdicts.items()} == {k: "holds" for k in verdicts}
    assert [v.hint_kind for v in verdicts.values() if v.hint_kind or v.hint] == []


@pytest.mark.parametrize(("doc", "label", "old", "new", "kind", "words"), PLANTED,
                         ids=[f"{d}-{lab}-{k}" for d, lab, _, _, k, _ in PLANTED])
def test_written_out_factor_missing_or_extra_is_named(checker, doc, label, old, new, kind, words):
    text = DOCS[doc]
    assert text.count(old) == 1
    verdicts = _verdicts(text.replace(old, new), checker)
    failing = [k for k, v in verdicts.items() if v.status == "fails"]
    assert failing == [label], {k: (v.status, v.reason) for k, v in verdicts.items()}
    v = verdicts[label]
    assert v.hint_kind == kind, v.hint
    for word in words:
        assert word in v.hint, v.hint
    assert v.counterexample


def test_a_factor_that_is_no_derivative_is_not_called_one(checker):
    """(1 - a^3) in place of tanh' = 1 - a^2: no phi' factor is missing or extra, and no repair of that
    kind makes the equation hold, so no such hint is given."""
    old = r"(1 - (a^{(2)}_j)^2) a^{(1)}_i"
    verdicts = _verdicts(INDEX_TANH.replace(old, r"(1 - (a^{(2)}_j)^3) a^{(1)}_i"), checker)
    v = verdicts["5"]
    assert v.status == "fails"
    assert v.hint_kind not in ("missing_phi_prime", "extra_phi_prime"), v.hint


@pytest.mark.parametrize(("text", "form", "x"), [
    (r"1 - (a^{(2)}_j)^2", "tanh", r"a^{(2)}_j"),
    (r"(1 - \tanh^2(z_j))", "tanh", r"\tanh(z_j)"),
    (r"a^l (1 - a^l)", "sigmoid", r"a^l"),
    (r"a^l \odot (1 - a^l)", "sigmoid", r"a^l"),
    (r"(1 - a_j) a_j", "sigmoid", r"a_j"),
    (r"\sigma(z^l)(1 - \sigma(z^l))", "sigmoid", r"\sigma(z^l)"),
])
def test_closed_forms_are_recognised(text, form, x):
    (node,), _ = parse_chain(text)
    (expected,), _ = parse_chain(x)
    assert closed_form_of(node) == (form, expected)


@pytest.mark.parametrize("text", [r"1 - a_j", r"1 - (a_j)^3", r"a^l (1 - z^l)", r"2 - (a_j)^2",
                                  r"a_j (1 + a_j)"])
def test_other_expressions_are_no_closed_form(text):
    (node,), _ = parse_chain(text)
    assert closed_form_of(node) is None
