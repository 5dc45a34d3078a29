"""Bad or hostile input: bounded nesting, magnitudes, time, front-matter limits; one clear line, exit 2."""
from __future__ import annotations

import time

import pytest

from verify.derivation.check import check_text
from verify.derivation.cli import main

HEADER = "---\nnotation: standard\nsizes: 2, 2\nbatch: 1\n---\n"


def _verdict(eq, checker):
    return check_text(HEADER + f"$${eq} \\tag{{1}}$$\n", "t.md", checker).numbered[0]


@pytest.mark.parametrize(("eq", "words"), [
    ("(" * 300 + "1" + ")" * 300 + " = 1", "nested more than"),
    ("{" * 300 + "1" + "}" * 300 + " = 1", "nested more than"),
    (" + ".join(["1"] * 3000) + " = 3000", "too deeply nested or too long"),
])
def test_deep_nesting_is_a_clear_parse_error(eq, words, checker):
    v = _verdict(eq, checker)
    assert v.status == "not checked" and words in v.reason


def test_a_two_megabyte_equation_does_not_hang(checker):
    start = time.perf_counter()
    v = _verdict("1 + " * 500_000 + "1 = 2", checker)
    assert v.status == "not checked" and "characters long" in v.reason
    assert time.perf_counter() - start < 30


@pytest.mark.parametrize("eq", [r"2^{2^{2^{2^{2^2}}}} = 3", r"e^{10^{9}} = 1", r"10^{10^{10}} = 1"])
def test_towers_are_refused_before_they_are_computed(eq, checker):
    start = time.perf_counter()
    v = _verdict(eq, checker)
    assert v.status == "not checked" and "too expensive" in v.reason
    assert time.perf_counter() - start < 10


def test_complex_values_never_hold(checker):
    v = _verdict(r"(-1)^{1/2} = (-1)^{1/2}", checker)
    assert v.status == "not checked" and "undefined value" in v.reason


def test_byte_order_mark_is_accepted(checker):
    report = check_text("\ufeff" + HEADER + "$$1 + 1 = 2 \\tag{1}$$\n", "t.md", checker)
    assert report.numbered[0].status == "holds"


@pytest.mark.parametrize(("front", "words"), [
    ("sizes: 2, 100", "nodes in a layer"), ("batch: 1000", "samples in the batch"),
    ("sizes: 1,1,1,1,1,1,1,1,1,1", "layers"), ("points: 50", "points"),
])
def test_front_matter_limits_refuse_with_exit_2(tmp_path, capsys, front, words):
    path = tmp_path / "big.md"
    path.write_text(f"---\nnotation: standard\n{front}\n---\n$$1 = 1 \\tag{{1}}$$\n", encoding="utf-8")
    assert main([str(path)]) == 2
    err = capsys.readouterr().err
    assert words in err and "limit" in err and len(err.strip().splitlines()) == 1


def test_bad_symbols_entry_is_bad_input(tmp_path, capsys):
    path = tmp_path / "sym.md"
    path.write_text("---\nnotation: standard\nsymbols:\n  'Q': nonsense[l]\n---\n$$1 = 1 \\tag{1}$$\n",
                    encoding="utf-8")
    assert main([str(path)]) == 2
    assert "unknown quantity" in capsys.readouterr().err
