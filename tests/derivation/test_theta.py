"""The theta notation with bias units (seed 002): the shipped derivation holds, planted errors are caught at
the right equation with a hint; softmax_ce and the other registry activations in the front matter."""
from __future__ import annotations

from pathlib import Path

import pytest

from verify.derivation.check import check_text
from verify.derivation.extract import ConfigError, parse_front_matter

SHIPPED = Path(__file__).resolve().parents[2] / "derivations" / "theta-one-hidden-layer.md"


def _verdicts(text, checker):
    report = check_text(text, "theta.md", checker)
    return {v.label: v for v in report.numbered}, report


@pytest.fixture(scope="module")
def shipped():
    return SHIPPED.read_text(encoding="utf-8")


def test_shipped_theta_derivation_holds_everywhere(checker, shipped):
    verdicts, report = _verdicts(shipped, checker)
    assert report.exit_code == 0
    assert report.config.notation == "theta" and report.config.bias
    statuses = {label: v.status for label, v in verdicts.items()}
    assert statuses.pop("5") == "holds"  # delta := n dJ/dz, checked against the truth
    assert set(statuses.values()) == {"holds"}, {k: (v.status, v.reason) for k, v in verdicts.items()}
    assert len(statuses) == 13
    for label in ("8", "9", "10", "11", "12", "13"):  # gradients incl. the bias column: sympy.diff truth
        assert "ground truth" in verdicts[label].how


def _plant(text, label, old, new):
    tag = f"\\tag{{{label}}}"
    lines = text.splitlines(keepends=True)
    hits = [k for k, line in enumerate(lines) if tag in line]
    assert len(hits) == 1
    start = max(k for k in range(hits[0] + 1) if lines[k].startswith("$$"))
    block = "".join(lines[start:hits[0] + 1])
    assert old in block, (label, old, block)
    return "".join(lines[:start]) + block.replace(old, new, 1) + "".join(lines[hits[0] + 1:])


PLANTED = [
    # (equation, old text, planted text, words the hint must contain)
    ("7", r"(\bar\theta^{(2)})^T", r"(\theta^{(2)})^T", ["bias row", "dropped"]),
    ("11", r"\frac{1}{n} \sum", r"\sum", ["factor n", "1/n is missing"]),
    ("7", r"(\bar\theta^{(2)})^T \delta^{(3)}", r"\bar\theta^{(2)} \delta^{(3)}",
     ["transpose", "^T is missing"]),
    ("8", r"(a^{(2)})^T", r"a^{(2)}", ["transpose"]),
    ("9", r"\delta^{(2)} (a^{(1)})^T", r"\delta^{(2)} x^T", []),
    ("6", r"a^{(3)} - y", r"y - a^{(3)}", ["sign"]),
    ("10", r"\frac{1}{n} \delta", r"\delta", ["factor n"]),
    ("1", r"\theta^{(1)} a^{(1)}", r"\bar\theta^{(1)} a^{(1)}", ["bias column"]),
]


@pytest.mark.parametrize(("label", "old", "new", "words"), PLANTED,
                         ids=["bias-row-kept", "bias-gradient-without-1/n", "theta-not-transposed",
                              "activation-not-transposed", "bias-unit-missing", "sign", "factor-n",
                              "bias-column-dropped"])
def test_planted_error_in_theta_derivation(checker, shipped, label, old, new, words):
    verdicts, report = _verdicts(_plant(shipped, label, old, new), checker)
    assert report.exit_code == 1
    failing = [k for k, v in verdicts.items() if v.status == "fails"]
    assert failing == [label], {k: (v.status, v.reason, v.hint) for k, v in verdicts.items()}
    hint = verdicts[label].hint
    assert hint or not words
    for word in words:
        assert word in hint, hint


def test_theta_entries_and_bias_unit(checker):
    text = """---
notation: theta
bias: true
sizes: 2, 3, 1
batch: 1
---
$$a^{(2)}_0 = 1 \\tag{1}$$
$$z^{(2)}_j = \\theta^{(1)}_{j0} + \\theta^{(1)}_{j1} a^{(1)}_1 + \\theta^{(1)}_{j2} a^{(1)}_2 \\tag{2}$$
$$z^{(2)}_j = \\theta^{(1)}_{j1} + \\theta^{(1)}_{j0} a^{(1)}_1 + \\theta^{(1)}_{j2} a^{(1)}_2 \\tag{3}$$
$$\\frac{\\partial J}{\\partial \\theta^{(2)}_{10}} = a^{(3)}_1 - y_1 \\tag{4}$$
$$\\theta^{(1)}_{13} = 0 \\tag{5}$$
"""
    verdicts, report = _verdicts(text, checker)
    status = {k: v.status for k, v in verdicts.items()}
    assert status["1"] == status["2"] == status["4"] == "holds"
    assert status["3"] == "fails"
    assert status["5"] == "fails" and "out of range 0..2" in verdicts["5"].counterexample["error"]


def test_theta_without_bias_is_w():
    """Without ``bias: true`` theta is W: no column 0, no bias unit."""
    text = """---
notation: theta
sizes: 2, 2
batch: 1
---
$$z^{(2)} = \\theta^{(1)} a^{(1)} \\tag{1}$$
$$\\theta^{(1)}_{10} = 0 \\tag{2}$$
"""
    verdicts, _ = _verdicts(text, None)
    assert verdicts["1"].status == "holds"
    assert verdicts["2"].status == "fails" and "no bias column" in verdicts["2"].counterexample["error"]


def test_front_matter_bias_and_notation_values():
    config, _ = parse_front_matter("---\nnotation: theta\nbias: yes\n---\n")
    assert config.notation == "theta" and config.bias is True
    with pytest.raises(ConfigError, match="bias must be true or false"):
        parse_front_matter("---\nbias: maybe\n---\n")
    with pytest.raises(ConfigError, match="paper, standard, theta, ng, nielsen, cs231n, index"):
        parse_front_matter("---\nnotation: thetas\n---\n")


def _registry_doc(activation, cost, delta, extra=""):
    return f"""---
notation: standard
sizes: 2, 3, 2
batch: 2
activation: {activation}
cost: {cost}
{extra}---
$$\\delta^{{(l)}} := n \\frac{{\\partial C}}{{\\partial z^{{(l)}}}} \\tag{{D}}$$
$$\\delta^{{(3)}} = {delta} \\tag{{1}}$$
$$\\delta^{{(2)}} = (W^{{(3)}})^T \\delta^{{(3)}} \\odot \\sigma'(z^{{(2)}}) \\tag{{2}}$$
$$\\frac{{\\partial C}}{{\\partial W^{{(2)}}}} = \\frac{{1}}{{n}} \\delta^{{(2)}} (a^{{(1)}})^T \\tag{{3}}$$
"""


@pytest.mark.parametrize(("activation", "cost", "delta", "extra"), [
    ("tanh", "mse", r"(a^{(3)} - y) \odot \sigma'(z^{(3)})", ""),
    ("relu", "mse", r"(a^{(3)} - y) \odot \sigma'(z^{(3)})", ""),
    ("identity", "mse", r"a^{(3)} - y", ""),
    ("tanh", "softmax_ce", r"a^{(3)} - y", ""),
    ("sigmoid", "logloss", r"a^{(3)} - y", "bias: true\n"),
], ids=["tanh", "relu", "identity", "softmax_ce", "sigmoid-bias"])
def test_registry_activations_and_costs(checker, activation, cost, delta, extra):
    verdicts, report = _verdicts(_registry_doc(activation, cost, delta, extra), checker)
    assert {k: v.status for k, v in verdicts.items()} == {"D": "holds", "1": "holds", "2": "holds",
                                                          "3": "holds"}, \
        {k: (v.status, v.reason, v.counterexample) for k, v in verdicts.items()}
    # and a planted error: the difference the wrong way round
    wrong = delta.replace("a^{(3)} - y", "y - a^{(3)}")
    verdicts, report = _verdicts(_registry_doc(activation, cost, wrong, extra), checker)
    assert verdicts["1"].status == "fails" and report.exit_code == 1
