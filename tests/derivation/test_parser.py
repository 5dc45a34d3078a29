"""The grammar: what it reads, how it reports what it cannot read (with the column), never a crash."""
from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from verify.derivation.extract import extract_displays, parse_front_matter
from verify.derivation.syntax import Deriv, Matrix, ParseError, Sum, Sym, parse_chain, walk


def test_paper_symbols_are_symbols_not_powers():
    (member,), rels = parse_chain(r"{}_2w_i^j")
    assert rels == () and isinstance(member, Sym)
    assert member.name == "w" and member.pre and member.sub and member.sup


def test_chain_relations_and_tag_free_text():
    members, rels = parse_chain(r"a := b = c")
    assert len(members) == 3 and rels == (":=", "=")


def test_derivative_sum_matrix():
    members, _ = parse_chain(r"\frac{\partial \Lambda_{B_k}}{\partial ({}_2w_i^j)} = \frac{1}{n} "
                             r"\sum_{\forall Sx \in B_k} \begin{bmatrix} x & y \\ z & t \end{bmatrix}")
    kinds = {type(x) for m in members for x in walk(m)}
    assert Deriv in kinds and Sum in kinds and Matrix in kinds


def test_sum_takes_the_rest_of_the_sum_expression():
    (member,), _ = parse_chain(r"\sum_{j=1}^{3} a_j + b_j")
    assert isinstance(member, Sum)  # Σ (a_j + b_j), not (Σ a_j) + b_j


def test_function_application_binds_tighter_than_juxtaposition():
    (member,), _ = parse_chain(r"y \log(a)")
    assert member.op == "juxt" and member.right.op == "juxt"


@pytest.mark.parametrize(("text", "column", "word"), [
    (r"a = \foo b", 5, r"\foo"),
    (r"a = b ? c", 7, "?"),
    (r"a = (b", 6, "end"),
    (r"\frac{\partial a}{b} = c", 1, "partial"),
])
def test_unknown_tokens_report_their_column(text, column, word):
    with pytest.raises(ParseError) as info:
        parse_chain(text)
    assert info.value.column == column
    assert word in str(info.value)


def test_parse_error_in_one_equation_keeps_the_others(checker):
    from verify.derivation.check import check_text

    text = ("---\nsizes: 2,2\nbatch: 1\n---\n$$ {}_1\\mathbf{Z}_S = {}_0\\mathbf{W} \\odot {}_0\\mathbf{A}_S "
            "\\tag{1} $$\n\n$$ a = \\oops \\tag{2} $$\n\n"
            "$$ {}_1\\mathbf{A}_S = \\phi({}_1\\mathbf{Z}_S) \\tag{3} $$\n")
    report = check_text(text, "x.md", checker)
    verdicts = {v.label: v for v in report.numbered}
    assert verdicts["1"].status == verdicts["3"].status == "holds"
    assert verdicts["2"].status == "not checked" and "line 7, column 8" in verdicts["2"].reason


def test_displays_tags_and_quad_numbers():
    text = ("x\n$$ a = b \\quad (4) $$\n$$ c = d \\tag{EQ1} $$\n$$ e = f, \\quad g = h \\tag{5} $$\n"
            "$$ u = v $$")
    displays = extract_displays(text)
    assert [d.label for d in displays] == ["4", "EQ1", "5", None]
    assert len(displays[2].parts) == 2
    part = displays[2].parts[1]
    start = part.offset + len(part.text) - len(part.text.lstrip())
    assert text[start:start + 5] == "g = h" == part.text.strip()


def test_front_matter_defaults_and_errors():
    config, start = parse_front_matter("no front matter")
    assert config.sizes == (3, 2, 3, 2) and config.batch == 2 and start == 0
    config, _ = parse_front_matter("---\nnotation: standard\nsizes: [4, 3, 2]\nbatch: 1\ncost: mse\n---\n")
    assert config.notation == "standard" and config.sizes == (4, 3, 2) and config.cost == "mse"
    for bad in ("---\nsizes: a,b\n---\n", "---\ncolour: red\n---\n", "---\nnotation: paper\n",
                "---\nactivation: swish\n---\n", "---\nnotation: klingon\n---\n"):
        with pytest.raises(ValueError):
            parse_front_matter(bad)


_TOKENS = st.sampled_from([
    "a", "z", "w", "{}_2", "{}_N", "_", "^", "{", "}", "(", ")", "[", "]", "=", ":=", "+", "-", "*", r"\odot",
    r"\frac", r"\partial", r"\sum", r"\forall", r"\in", r"\delta", r"\phi", r"\Lambda", r"\lambda",
    "Sx", "S1",
    "j", "i", "1", "2", "n", "&", r"\\", r"\begin{bmatrix}", r"\end{bmatrix}", r"\dots", "^T", r"\left(",
    r"\right)", ",", r"\mathbf{A}", "'", " ", "?", "#", r"\bogus", r"\text{ on } L3", "%", "$",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_TOKENS, min_size=1, max_size=25))
def test_random_token_soup_parses_or_fails_cleanly(tokens):
    text = " ".join(tokens)
    try:
        members, rels = parse_chain(text)
    except ParseError as exc:
        assert exc.column is None or 1 <= exc.column <= len(text) + 1
        return
    assert len(members) == len(rels) + 1


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_arbitrary_text_never_crashes(text):
    with contextlib.suppress(ParseError):
        parse_chain(text)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab=+-*(){}[]_^\\ 12$", max_size=40))
def test_checker_never_crashes_on_malformed_equations(checker, text):
    from verify.derivation.check import check_text

    doc = "---\nsizes: 2,2\nbatch: 1\n---\n$$ " + text.replace("$", "") + " \\tag{1} $$\n"
    report = check_text(doc, "x.md", checker)
    assert all(v.status in ("holds", "fails", "definition", "not checked") for v in report.verdicts)
