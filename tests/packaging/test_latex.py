r"""``python -m derive --latex`` is well-formed LaTeX (issue 16.6): no ``\\`` before ``\end{align}`` (it
would add an empty numbered row), long entries broken across lines, every line rendered by matplotlib's
mathtext (a TeX parser for the math of each line: unbalanced ``\left``/``\right``, braces or unknown
commands fail to render). No TeX engine is needed (none is installed in CI)."""

import io

import pytest
import sympy
from matplotlib import mathtext

from derive.__main__ import main
from derive.latex import WIDTH, align, latex_lines

CASES = [
    ["--sizes", "3,2,3,2"],
    ["--sizes", "2,2,2", "--activation", "phi", "--cost", "softmax_ce", "--bias", "--entry", "1,1,1",
     "--entry", "0,2,1"],
    ["--sizes", "2,3,2", "--activation", "tanh", "--cost", "mse", "--batch", "3", "--entry", "0,1,3"],
]


def _latex(capsys, argv) -> list[str]:
    assert main(["--latex", "--batch", "2", *argv]) == 0
    return capsys.readouterr().out.splitlines()


def _blocks(lines):
    blocks, current = [], None
    for line in lines:
        if line == r"\begin{align}":
            assert current is None, "nested align"
            current = []
        elif line == r"\end{align}":
            blocks.append(current)
            current = None
        elif current is not None:
            current.append(line)
        else:
            assert line.startswith("%"), f"text outside align: {line!r}"
    assert current is None, "align not closed"
    return blocks


def _math(line: str) -> str:
    """One align line as plain math: no alignment mark, row break or \\nonumber."""
    line = line.removesuffix(r" \\").replace(r"\nonumber", "").replace("&=", "=")
    return line.replace(r"&\quad", "").strip()


def render(math: str) -> None:
    mathtext.math_to_image(f"${math}$", io.BytesIO(), format="png", dpi=30)


@pytest.mark.parametrize("argv", CASES, ids=["paper", "phi-softmax-bias", "tanh-mse"])
def test_latex_is_well_formed_and_renders(capsys, argv):
    blocks = _blocks(_latex(capsys, argv))
    entries = argv.count("--entry") or 1
    assert len(blocks) == 1 + entries
    for rows in blocks:
        assert rows and not rows[-1].endswith("\\\\"), rows[-1][-40:]  # no empty last row
        assert all(row.endswith(" \\\\") for row in rows[:-1])
        for row in rows:
            render(_math(row))
    closed_form, *entry_blocks = blocks
    assert all("&=" in row for row in closed_form)  # one row per formula, none empty
    for rows in entry_blocks:
        starts = [row for row in rows if "&=" in row]
        assert len(starts) == 2  # the truth and the closed form, continuations carry \nonumber
        assert all(r"\nonumber" in row for row in rows if "&=" not in row)


def test_long_entries_are_broken(capsys):
    blocks = _blocks(_latex(capsys, CASES[1]))
    rows = blocks[1]
    assert len(rows) > 2  # broken
    assert max(len(_math(r)) for r in rows) < 2 * WIDTH + 60
    unbroken = len(sympy.latex(sympy.Symbol("x")))  # sanity: the check above could fail
    assert unbroken < WIDTH


def test_unbalanced_line_is_refused_by_the_renderer():
    with pytest.raises(ValueError):
        render(r"a \left( x + y")


x, y, z = sympy.symbols("x y z")
LONG = sum(sympy.Symbol(f"a_{{{k}}}") * sympy.exp(x * k) for k in range(1, 40))


@pytest.mark.parametrize("expr", [LONG, -LONG, x * LONG, (x + y) * LONG / (2 * z), LONG * (y - z) - x])
def test_latex_lines_each_line_renders_and_terms_survive(expr):
    lines = latex_lines(expr, width=80)
    assert len(lines) > 1
    for line in lines:
        render(line)
    joined = " ".join(lines)
    for term in LONG.args:  # every term of the long sum is still there, exactly once
        assert joined.count(sympy.latex(term)) == 1, sympy.latex(term)


def test_align_has_no_trailing_row_break():
    block = align([("a", ["1"]), ("b", ["2", "+ 3"])])
    assert block == [r"\begin{align}", r"a &= 1 \\", r"b &= 2 \\", r"&\quad + 3 \nonumber", r"\end{align}"]
