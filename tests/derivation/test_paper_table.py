"""Issue 11 item 2, notation as data: the paper's notation is a table (notations/paper.toml) read by the
same engine as every other preset, and a document may change it through its front matter's symbols:."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from verify.derivation import check_text, parse_chain
from verify.derivation.extract import Config
from verify.derivation.notation import make_notation
from verify.derivation.presets import PRESETS, load_table
from verify.derivation.table import TableNotation

NOTATIONS = Path(__file__).resolve().parents[2] / "verify" / "derivation" / "notations"

W0 = (r"{}_0\mathbf{W} = \begin{bmatrix} {}_0w_1^1 & {}_0w_2^1 & {}_0w_3^1 \\ "
      r"{}_0w_1^2 & {}_0w_2^2 & {}_0w_3^2 \end{bmatrix}")


def _doc(body: str, symbols: str = "") -> str:
    return f"---\nnotation: paper\nsizes: 3, 2, 3, 2\nbatch: 2\n{symbols}---\n\n$${body} \\tag{{1}}$$\n"


def test_every_preset_is_a_file():
    assert (NOTATIONS / "paper.toml").is_file()
    assert sorted(p.stem for p in NOTATIONS.glob("*.toml")) == sorted(PRESETS)


@pytest.mark.parametrize("name", PRESETS)
def test_one_engine_for_every_preset(name):
    notation = make_notation(Config(notation=name))
    assert type(notation) is TableNotation
    assert notation.table == load_table(name)


def test_the_paper_class_and_its_mixins_are_gone():
    import verify.derivation.notation as module

    assert not hasattr(module, "PaperNotation")
    assert importlib.util.find_spec("verify.derivation.derivatives") is None


def _sym(latex):
    members, _ = parse_chain(latex)
    return members[0]


def test_paper_symbols_are_table_patterns():
    paper = make_notation(Config())
    spec, bind, transposed = paper.resolve(_sym(r"{}_N a_{Sx}^j"))
    assert (spec.quantity, spec.layer, spec.index) == ("a", "N", ("j", "s"))
    assert paper.index_roles(_sym(r"{}_N a_{Sx}^j")) == [("N", "layer"), ("x", "sample"), ("j", "node")]
    spec, _, transposed = paper.resolve(_sym(r"{}_2\nabla_{B_k}^T"))
    assert spec.quantity == "grad_W" and transposed
    assert paper.index_roles(_sym(r"\Lambda_{B_k}")) == []    # B_k: any subscript, no index letter k
    assert paper.resolve(_sym(r"{}_{out}\delta_{S}"))[0].quantity == "outdelta"
    assert paper.resolve(_sym(r"{}_2D^{\phi}_{Sx}"))[0].quantity == "D"
    assert paper.resolve(_sym(r"{}_2W_S^T"))[0].quantity == "W"
    assert paper.resolve(_sym(r"{}_2W_i")) is None          # not the literal S of every sample


def test_a_paper_symbol_is_overridden_by_the_front_matter():
    assert check_text(_doc(W0)).verdicts[0].status == "holds"
    # the author's own reading of w_i^j (row i, column j): the paper's matrix no longer fits
    swapped = "symbols:\n  '{}_{N}w^{j}_{i}': W[N](i,j)\n"
    v = check_text(_doc(W0, swapped)).verdicts[0]
    assert v.status == "fails", (v.status, v.reason)


def test_a_new_symbol_in_paper_notation():
    body = r"{}_1\mathbf{W} = {}_1V"
    assert check_text(_doc(body)).verdicts[0].status == "not checked"   # V is undefined
    v = check_text(_doc(body, "symbols:\n  '{}_{N}V': W[N]\n")).verdicts[0]
    assert v.status == "holds", (v.status, v.reason)
    wrong = check_text(_doc(r"{}_0\mathbf{W}^T = {}_1V", "symbols:\n  '{}_{N}V': W[N]\n")).verdicts[0]
    assert wrong.status == "fails"


def test_a_bad_paper_symbol_is_bad_input():
    from verify.derivation.frontmatter import ConfigError

    with pytest.raises(ConfigError):
        check_text(_doc(W0, "symbols:\n  'V': nonsense[N]\n"))


@pytest.mark.parametrize("op", ["*", r"\circ", ".*"])
def test_element_wise_products_in_paper_notation(op):
    """``*``, ``\\circ`` and MATLAB's ``.*`` are the Hadamard product (eq 10); ``\\odot`` the matrix one."""
    A2, Z2, A1 = r"{}_2\mathbf{A}_S", r"{}_2\mathbf{Z}_S", r"{}_1\mathbf{A}_S"
    hadamard = f"{A2} {op} {Z2} = {Z2} {op} {A2}"
    assert check_text(_doc(hadamard)).verdicts[0].status == "holds"
    square = f"{A1} {op} {A1} = {A1} \\odot {A1}"
    assert check_text(_doc(square)).verdicts[0].status == "fails"   # 2x2 (m_1 = n = 2): not the same
