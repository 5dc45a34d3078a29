"""Soundness: unknown symbols get no value, undefined values never hold, broken definitions hand on nothing,
definitions of delta are checked against the truth."""
from __future__ import annotations

import pytest

from verify.derivation.check import check_text

HEADER = "---\nnotation: standard\nsizes: 2, 3, 2\nbatch: 1\nactivation: sigmoid\ncost: logloss\n---\n"


def _report(body, checker):
    return check_text(HEADER + body, "t.md", checker)


def _verdict(body, checker, label="1"):
    return next(v for v in _report(body, checker).numbered if v.label == label)


@pytest.mark.parametrize("eq", [r"\log(0) = 7", r"\ln(0) = \ln(0)", r"\frac{1}{0} = 5", r"\ln(-1) = \ln(-1)",
                                r"\frac{1}{1 - 1} = \frac{2}{0}"])
def test_undefined_values_never_hold(eq, checker):
    v = _verdict(f"$${eq} \\tag{{1}}$$\n", checker)
    assert v.status == "not checked"
    assert "undefined value" in v.reason


def test_unknown_symbol_is_named_with_line_and_column(checker):
    v = _verdict("\n$$q + 1 = 2 \\tag{1}$$\n", checker)
    assert v.status == "not checked"
    assert "undefined symbol q (line 9, column 3)" in v.reason


def test_unknown_symbol_never_makes_a_false_alarm(checker):
    # 1/m with m unknown in this notation (its batch size is n): not checked, not "fails"
    v = _verdict(r"$$\frac{\partial C}{\partial W^{(3)}} = \frac{1}{m} \delta^{(3)} (a^{(2)})^T \tag{1}$$",
                 checker)
    assert v.status == "not checked"


def test_identity_in_a_variable_is_checked(checker):
    v = _verdict(r"$$\frac{d}{dx}\sigma(x) = \sigma(x)(1 - \sigma(x)) \tag{1}$$" "\n", checker)
    assert v.status in ("holds", "not checked")
    w = _verdict(r"$$\sigma'(u) = \sigma(u)(1 - \sigma(u)) \tag{1}$$" "\n", checker)
    assert w.status == "holds"
    bad = _verdict(r"$$\sigma'(u) = \sigma(u)(1 + \sigma(u)) \tag{1}$$" "\n", checker)
    assert bad.status == "fails"


def test_unparsable_definition_hands_its_role_to_nobody(checker):
    body = ("$$\\delta^{(3)} := a^{(3)} - y \\wr \\tag{1}$$\n\n"
            "$$\\delta^{(3)} = 2 a^{(3)} \\tag{2}$$\n\n"
            "$$\\frac{\\partial C}{\\partial W^{(2)}} = \\delta^{(3)} (a^{(2)})^T \\tag{3}$$\n")
    verdicts = {v.label: v for v in _report(body, checker).numbered}
    assert verdicts["1"].status == "not checked" and "parse error" in verdicts["1"].reason
    for label in ("2", "3"):
        assert verdicts[label].status == "not checked"
        assert "does not parse" in verdicts[label].reason


def test_definition_of_delta_is_checked_against_the_truth(checker):
    good = _verdict(r"$$\delta^{(3)} := a^{(3)} - y \tag{1}$$", checker)
    assert good.status == "holds" and good.defines
    assert any("truth" in n for n in good.notes)
    bad = _verdict(r"$$\delta^{(3)} := y - a^{(3)} \tag{1}$$", checker)
    assert bad.status == "fails"
    assert "sign" in bad.hint
