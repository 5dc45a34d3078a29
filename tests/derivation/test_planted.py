"""Planted errors in a small derivation are caught at the right equation with the right hint."""
from __future__ import annotations

import pytest
from derivation_helpers import EQUATIONS, document

from verify.derivation.check import check_text


def _verdicts(text, checker):
    report = check_text(text, "planted.md", checker)
    return {v.label: v for v in report.numbered}, report


def test_correct_derivation_holds_everywhere(checker):
    verdicts, report = _verdicts(document(), checker)
    assert report.exit_code == 0
    statuses = {label: v.status for label, v in verdicts.items()}
    assert statuses == {"1": "holds", "2": "holds", "3": "holds", "4": "definition", "5": "holds",
                        "6": "holds", "7": "holds", "8": "holds", "9": "holds", "10": "holds"}
    assert "ground truth" in verdicts["3"].how and "i, j" in verdicts["7"].how


PLANTED = [
    # (equation, planted text, words the hint must contain)
    ("9", EQUATIONS["9"].replace(r"\right]", r"\right]").replace(r"+ (1 - y_{Sx}^j)", r"- (1 - y_{Sx}^j)"),
     ["sign", "'-'", "'+'"]),
    ("3", EQUATIONS["3"].replace(r"\frac{1}{n} ", ""), ["factor n", "1/n is missing"]),
    ("3", EQUATIONS["3"].replace(r"{}_1\mathbf{A}_S^T", r"{}_1\mathbf{A}_S"), ["transpose", "^T is missing"]),
    ("6", EQUATIONS["6"].replace(r"{}_0\mathbf{A}_S^T", r"{}_1\mathbf{A}_S^T"), ["wrong layer", "{}_0A"]),
    ("7", EQUATIONS["7"].replace(r"{}_1a_{Sx}^i", r"{}_1a_{Sx}^j"), ["index", "should be i"]),
    ("8", EQUATIONS["8"].replace(r"{}_1w_1^1 & {}_1w_1^2", r"{}_1w_1^1 & {}_1w_2^1")
     .replace(r"{}_1w_2^1 & {}_1w_2^2", r"{}_1w_1^2 & {}_1w_2^2"), ["transposed entries", "(1,2)", "(2,1)"]),
    ("10", EQUATIONS["10"].replace(r"{}_2a_{Sx}^2 - y_{Sx}^2", r"{}_2a_{S1}^2 - y_{S1}^2"), ["sample"]),
    ("7", EQUATIONS["7"].replace(r"({}_2a_{Sx}^j - y_{Sx}^j)", r"(y_{Sx}^j - {}_2a_{Sx}^j)"), ["sign"]),
]


@pytest.mark.parametrize(("label", "planted", "words"), PLANTED,
                         ids=["sign", "factor-n", "transpose", "wrong-layer", "index", "transposed-entries",
                              "sample", "swapped-difference"])
def test_planted_error_caught_with_hint(checker, label, planted, words):
    assert planted != EQUATIONS[label]
    verdicts, report = _verdicts(document(**{f"e{label}": planted}), checker)
    assert report.exit_code == 1
    failing = [k for k, v in verdicts.items() if v.status == "fails"]
    assert failing == [label], {k: (v.status, v.reason) for k, v in verdicts.items()}
    hint = verdicts[label].hint
    for word in words:
        assert word in hint, hint
    ce = verdicts[label].counterexample
    assert ce and ce["point"] >= 1


def test_counterexample_names_entry_sample_and_values(checker):
    planted = EQUATIONS["10"].replace(r"{}_2a_{Sx}^2 - y_{Sx}^2", r"{}_2a_{Sx}^2 + y_{Sx}^2")
    verdicts, _ = _verdicts(document(e10=planted), checker)
    ce = verdicts["10"].counterexample
    assert ce["entry"] == [2, 1] and ce["indices"] == {"Sx": 1}
    assert float(ce["left"]) != float(ce["right"])


def test_definition_error_shows_where_used(checker):
    """A wrong definition of delta fails against the truth, and the equations using it fail too."""
    verdicts, _ = _verdicts(document(e2=r"{}_2\delta_S := y_S - {}_2\mathbf{A}_S"), checker)
    assert verdicts["2"].status == "fails" and "sign" in verdicts["2"].hint
    assert verdicts["3"].status == "fails" and "sign" in verdicts["3"].hint
    assert verdicts["10"].status == "fails"


def test_undefined_symbol_is_not_checked(checker):
    verdicts, report = _verdicts(document(e3=r"{}_1\nabla_{B_k} = \frac{1}{n} {}_2\theta_S \odot "
                                             r"{}_1\mathbf{A}_S^T"), checker)
    assert verdicts["3"].status == "not checked" and "not defined" in verdicts["3"].reason
    assert report.exit_code == 0


STANDARD = """---
notation: standard
sizes: 3, 4, 2
batch: 1
cost: mse
---
$$\\delta^{(l)} := \\frac{\\partial C}{\\partial z^{(l)}} \\tag{1}$$
$$\\delta^{(L)} = (a^{(L)} - y) \\odot \\sigma'(z^{(L)}) \\tag{2}$$
$$\\delta^{(l)} = (W^{(l+1)})^T \\delta^{(l+1)} \\odot \\sigma'(z^{(l)}) \\tag{3}$$
$$\\frac{\\partial C}{\\partial W^{(l)}} = \\delta^{(l)} (a^{(l-1)})^T \\tag{4}$$
$$\\frac{\\partial C}{\\partial w^{(3)}_{jk}} = \\delta^{(3)}_j a^{(2)}_k \\tag{5}$$
"""


def test_standard_notation_derivation_holds(checker):
    verdicts, report = _verdicts(STANDARD, checker)
    assert [verdicts[k].status for k in "12345"] == ["holds", "holds", "holds", "holds", "holds"]
    assert "l" in verdicts["3"].how and report.exit_code == 0


@pytest.mark.parametrize(("label", "old", "new", "word"), [
    ("3", "(W^{(l+1)})^T", "W^{(l+1)}", "transpose"),
    ("4", "(a^{(l-1)})^T", "a^{(l-1)}", "transpose"),
    ("2", "(a^{(L)} - y)", "(y - a^{(L)})", "sign"),
    ("5", "a^{(2)}_k", "a^{(2)}_j", "index"),
])
def test_standard_notation_planted_errors(checker, label, old, new, word):
    verdicts, report = _verdicts(STANDARD.replace(old, new), checker)
    assert report.exit_code == 1
    assert [k for k, v in verdicts.items() if v.status == "fails"] == [label]
    assert word in verdicts[label].hint, verdicts[label].hint
