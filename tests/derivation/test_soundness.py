"""Soundness properties of the derivation checker (issue 11): a perturbed true equation never holds.

The base equations are the corpus equations expected to hold (each checked outside the checker, and none
of them has a side that is identically zero) and, for the perturbations that are false whatever the
values, the numbered equations of the shipped derivations. Every perturbation here is guaranteed to make
the equation false, so "holds" is always a false verdict:

- the last member of the relation chain gets a nonzero constant added (false for any values);
- the last member is scaled by a constant c != 1 (false because the side is not identically zero);
- a planted error of ``planted.toml`` (each verified false outside the checker), several at once;
- a symbol the document never defined enters the equation: it must be "not checked", never evaluated;
- an undefined value (log 0, 1/0, 0/0, log of a negative number) never makes an equation hold.
"""
from __future__ import annotations

import re
from pathlib import Path

import pytest

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.derivation import check_text
from verify.derivation.check import Checker

CORPUS = Path(__file__).resolve().parent / "corpus"
SHIPPED = CORPUS.parents[2] / "derivations"
EXPECTED = tomllib.loads((CORPUS / "expected.toml").read_text(encoding="utf-8"))
PLANTED = tomllib.loads((CORPUS / "planted.toml").read_text(encoding="utf-8"))["planted"]
TEXTS = {doc: (CORPUS / f"{doc}.md").read_text(encoding="utf-8") for doc in EXPECTED}
TRUE = [(doc, label) for doc, labels in EXPECTED.items() for label, s in labels.items() if s == "holds"]
SHIPPED_DOCS = ["paper-corrected", "one-hidden-layer", "theta-one-hidden-layer"]
FAST = settings(max_examples=15, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])

CONSTANTS = [r"\frac{1}{7}", r"-\frac{3}{5}", r"2", r"-1", r"\frac{1}{1000}"]
SCALES = [r"-", r"2", r"\frac{1}{2}", r"-3", r"\frac{3}{2}"]
UNKNOWN = [r"\varpi", r"\varkappa", r"Q_{7}", r"\tilde{q}", r"\Upsilon"]
UNDEFINED = [r"\log(0)", r"\ln(0)", r"\frac{1}{0}", r"\frac{0}{0}", r"\log(-1)", r"\frac{1}{1 - 1}",
             r"\ln(1 - 1)"]


# ------------------------------------------------------------------ editing one equation
def _span(text: str, label: str) -> tuple[int, int]:
    """(start, end) of the equation text of the display numbered ``label`` (without its tag)."""
    name = re.escape(label)
    found = re.search(rf"\\tag\{{{name}\}}|(\\q?quad)?\s*\(\s*{name}\s*\)\s*\$\$", text)
    end = found.start()
    start = max(text.rfind("$$", 0, end) + 2, text.rfind("\\[", 0, end) + 2)
    begin = text.rfind("\\begin{align}", 0, end)
    if begin >= start:  # a row of an align environment: it starts after the previous row
        start = max(begin + len("\\begin{align}"), text.rfind("\\\\", 0, end) + 2)
    return start, end


def _last_relation(eq: str) -> int:
    """Offset just after the last top-level '=' (or \\equiv) of ``eq``."""
    depth, last, i = 0, -1, 0
    while i < len(eq):
        ch = eq[i]
        if ch == "\\" and eq.startswith("\\equiv", i) and depth == 0:
            last = i + len("\\equiv")
        if ch == "\\":
            i += 2
            continue
        depth += ch in "{([" and 1 or 0
        depth -= ch in "})]" and 1 or 0
        if ch == "=" and depth == 0:
            last = i + 1
        i += 1
    assert last > 0, eq
    return last


def _perturb(text: str, label: str, make) -> str:
    """``text`` with the last member R of equation ``label`` replaced by ``make(R)``."""
    start, end = _span(text, label)
    eq = text[start:end]
    cut = _last_relation(eq)
    rest = eq[cut:].rstrip().rstrip(".,")
    return text[:start] + eq[:cut] + " " + make(rest.strip()) + " " + text[end:]


def _verdict(text: str, label: str, checker):
    report = check_text(text, "perturbed.md", checker)
    return next(v for v in report.numbered if v.label == label)


def _shipped_labels(checker) -> list[tuple[str, str]]:
    out = []
    for name in SHIPPED_DOCS:
        text = (SHIPPED / f"{name}.md").read_text(encoding="utf-8")
        TEXTS.setdefault(name, text)
        out += [(name, v.label) for v in check_text(text, name, checker).numbered if v.status == "holds"]
    return out


@pytest.fixture(scope="module")
def shipped(checker):
    return _shipped_labels(checker)


def test_relation_finder_skips_equals_inside_groups():
    eq = r"L = -\frac{1}{N} \sum_{i=1}^{N} \mathbb{1}(y_i = k) \log P_{ik} = M "
    assert eq[_last_relation(eq):] == " M "
    assert r"z^l \equiv w^l"[_last_relation(r"z^l \equiv w^l"):] == " w^l"


# ------------------------------------------------------------------ value-changing perturbations
@FAST
@given(data=st.data(), constant=st.sampled_from(CONSTANTS))
def test_a_constant_added_to_a_true_equation_never_holds(checker, shipped, data, constant):
    doc, label = data.draw(st.sampled_from(TRUE + shipped), label="equation")
    text = _perturb(TEXTS[doc], label, lambda r: rf"\left( {r} \right) + {constant}")
    v = _verdict(text, label, checker)
    assert v.status in ("fails", "not checked"), (doc, label, v.status, v.source)


@FAST
@given(base=st.sampled_from(TRUE), scale=st.sampled_from(SCALES))
def test_a_scaled_true_equation_never_holds(checker, base, scale):
    doc, label = base
    text = _perturb(TEXTS[doc], label, lambda r: rf"{scale} \left( {r} \right)")
    v = _verdict(text, label, checker)
    assert v.status in ("fails", "not checked"), (doc, label, scale, v.status, v.source)


PLANTED_IN_CHECKS = [p for p in PLANTED if EXPECTED[p["doc"]][p["label"]] == "holds"]


@FAST
@given(doc=st.sampled_from(sorted({p["doc"] for p in PLANTED_IN_CHECKS})), data=st.data())
def test_several_planted_errors_never_hold_and_leave_the_rest_alone(checker, doc, data):
    mine = [p for p in PLANTED_IN_CHECKS if p["doc"] == doc]
    chosen = data.draw(st.lists(st.sampled_from(mine), min_size=1, max_size=4,
                                unique_by=lambda p: p["label"]), label="planted")
    text = TEXTS[doc]
    for p in chosen:
        text = text.replace(p["old"], p["new"])
    verdicts = {v.label: v for v in check_text(text, f"{doc}.md", checker).numbered}
    planted = {p["label"] for p in chosen}
    for label in planted:
        assert verdicts[label].status in ("fails", "not checked"), (doc, label, verdicts[label].status)
    false_alarms = [k for k, v in verdicts.items() if k not in planted and v.status == "fails"]
    assert false_alarms == []


# ------------------------------------------------------------------ unknown symbols get no value
@FAST
@given(data=st.data(), unknown=st.sampled_from(UNKNOWN), where=st.sampled_from(["factor", "term"]))
def test_an_unknown_symbol_is_never_given_a_value(checker, shipped, data, unknown, where):
    doc, label = data.draw(st.sampled_from(TRUE + shipped), label="equation")
    if where == "factor":
        text = _perturb(TEXTS[doc], label, lambda r: rf"{unknown} \left( {r} \right)")
    else:
        text = _perturb(TEXTS[doc], label, lambda r: rf"\left( {r} \right) + {unknown}")
    v = _verdict(text, label, checker)
    assert v.status == "not checked", (doc, label, unknown, v.status, v.reason)
    assert v.reason


# ------------------------------------------------------------------ undefined values never hold
@FAST
@given(bad=st.sampled_from(UNDEFINED), other=st.sampled_from(UNDEFINED + ["7", "0", r"\infty - \infty"]),
       doc=st.sampled_from(sorted(EXPECTED)))
def test_an_undefined_value_never_holds(checker, bad, other, doc):
    header = TEXTS[doc][:TEXTS[doc].index("\n---", 3) + 4]
    text = f"{header}\n$${bad} = {other} \\tag{{1}}$$\n\n$${bad} = {bad} \\tag{{2}}$$\n"
    verdicts = check_text(text, "undefined.md", checker).numbered
    assert [v.label for v in verdicts] == ["1", "2"]
    assert [v.status for v in verdicts if v.status == "holds"] == [], (bad, other)


@FAST
@given(data=st.data(), bad=st.sampled_from(UNDEFINED))
def test_an_undefined_value_inside_a_true_equation_never_holds(checker, data, bad):
    doc, label = data.draw(st.sampled_from(TRUE), label="equation")
    text = _perturb(TEXTS[doc], label, lambda r: rf"\left( {r} \right) + {bad} - {bad}")
    v = _verdict(text, label, checker)
    assert v.status in ("fails", "not checked"), (doc, label, bad, v.status)


# ------------------------------------------------------------------ the cache never changes a verdict
DEFINITION_PLANTS = [p for p in PLANTED if EXPECTED[p["doc"]][p["label"]] == "definition"]


@pytest.mark.parametrize("p", DEFINITION_PLANTS, ids=lambda p: f"{p['doc']}-{p['label']}-{p['hint']}")
def test_recheck_after_an_edit_equals_a_fresh_check(p):
    """Watch mode re-checks with a warm checker: an edited definition must reach every equation using it."""
    warm = Checker()
    check_text(TEXTS[p["doc"]], "doc.md", warm)
    edited = TEXTS[p["doc"]].replace(p["old"], p["new"])
    again = {v.label: v.status for v in check_text(edited, "doc.md", warm).numbered}
    fresh = {v.label: v.status for v in check_text(edited, "doc.md", Checker()).numbered}
    assert again == fresh


def test_marker_regex_is_what_expected_uses():
    assert re.findall(r"\\tag\{([^{}]*)\}", TEXTS["cs231n"])[:2] == ["1", "2"]
