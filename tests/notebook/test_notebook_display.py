"""Notebook display: one-line reprs (the issue's 73,666-character dump), HTML and rich views, verify.show,
the derivation checker on a notebook's Markdown cells (cell + line), and the example notebook executed in a
real Jupyter kernel (nbclient + ipykernel)."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

import numeric
import verify
from verify.derivation.ipynb import NotebookError, check_notebook, notebook_text, read_notebook
from verify.notebook import MAX_REPR, one_line

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "backprop_in_a_notebook.ipynb"


def transposed(weights, X, Y):
    return [g.T.copy() if g.shape[0] == g.shape[1] else g for g in numeric.gradients(weights, X, Y)]


@pytest.fixture(scope="module")
def failing():
    return verify.check_implementation(transposed, truth="complex-step")


def test_repr_is_one_short_line_for_every_result(failing):
    big = verify.check_implementation(numeric.gradients, sizes=(784, 30, 10), batch=10, sample=300,
                                      truth="complex-step")
    derivation = check_notebook(EXAMPLE)
    for obj in (failing, big, failing.reports[0], big.reports[0], derivation):
        text = repr(obj)
        assert "\n" not in text and len(text) < MAX_REPR, text
    assert repr(failing).startswith("<CheckResult ") and "FAIL" in repr(failing)
    assert f"of {len(failing.reports)} cases disagree" in repr(failing)
    assert "PASS" in repr(big) and "784-30-10" in repr(big.reports[0])
    assert "failing (7)" in repr(derivation)


def test_repr_is_bounded_for_a_huge_name():
    result = verify.check_implementation(numeric.gradients, sizes=(3, 2), batch=2, truth="complex-step",
                                         name="x" * 100_000)
    assert len(repr(result)) < MAX_REPR and "..." in repr(result)


def test_html_and_rich_views(failing):
    html = failing._repr_html_()
    assert "<script" not in html and html.startswith("<div class=\"bpv\">")
    assert "FAIL" in html and failing.diagnosis.short in html
    assert html.count("<img ") == sum(m.checked > 0 for r in failing.failing for m in r.matrices)
    assert "PASS" in failing.reports[0]._repr_html_() or "FAIL" in failing.reports[0]._repr_html_()
    buf = io.StringIO()
    Console(file=buf, width=100, no_color=True).print(failing)
    text = buf.getvalue()
    assert "diagnosis:" in text and "FAIL" in text and "reference" in text
    buf = io.StringIO()
    Console(file=buf, width=100, no_color=True).print(failing.reports[0])
    assert "W_N" in buf.getvalue() and "W0 " in buf.getvalue()


def test_show_prints_rich_tables_outside_a_notebook(failing, capsys):
    verify.show(failing)
    out = capsys.readouterr().out
    assert "FAIL" in out and "reference" in out
    with pytest.raises(TypeError, match="cannot display"):
        verify.show(42)


def test_notebook_text_maps_lines_to_cells():
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("a\nb"),
                                         nbformat.v4.new_code_cell("$$x = 1 \\tag{9}$$"),
                                         nbformat.v4.new_markdown_cell("c\n$$y$$\nd")])
    where = notebook_text(nb)
    assert where.text == "a\nb\n\nc\n$$y$$\nd\n"
    assert [where.locate(k) for k in (1, 2, 4, 5, 6)] == [(1, 1), (1, 2), (3, 1), (3, 2), (3, 3)]
    assert "x = 1" not in where.text  # code cells are never read


def test_cli_checks_the_markdown_cells_of_a_notebook():
    proc = subprocess.run([sys.executable, "-m", "verify", "derivation", str(EXAMPLE), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 1, proc.stderr
    data = json.loads(proc.stdout)
    verdicts = {v["label"]: v for v in data["verdicts"]}
    assert verdicts["7"]["status"] == "fails" and "sign" in verdicts["7"]["hint"]
    nb = nbformat.read(EXAMPLE, as_version=4)
    cell = next(k for k, c in enumerate(nb.cells, 1) if "\\tag{7}" in c.source)
    line = next(k for k, t in enumerate(nb.cells[cell - 1].source.splitlines(), 1) if "\\tag{7}" in t)
    assert verdicts["7"]["line"] == line and f"notebook cell {cell}" in verdicts["7"]["notes"]
    assert {v["status"] for k, v in verdicts.items() if k != "7"} <= {"holds", "definition"}


@pytest.mark.parametrize("content, word", [(b"{not json", "not a Jupyter notebook"),
                                           (b'{"cells": 3}', "not a Jupyter notebook"),
                                           (b"\xff\xfe", "not")])
def test_bad_notebooks_are_one_line_exit_2(tmp_path, content, word):
    bad = tmp_path / "bad.ipynb"
    bad.write_bytes(content)
    with pytest.raises(NotebookError, match=word):
        read_notebook(bad)
    proc = subprocess.run([sys.executable, "-m", "verify", "derivation", str(bad)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "Traceback" not in proc.stderr


def test_notebook_without_equations_is_bad_input(tmp_path):
    path = tmp_path / "empty.ipynb"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# no math")]), path)
    proc = subprocess.run([sys.executable, "-m", "verify", "derivation", str(path)], capture_output=True,
                          text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 2 and "no numbered display equation" in proc.stderr


@pytest.mark.slow
def test_example_notebook_runs_in_a_jupyter_kernel():
    from nbclient import NotebookClient

    nb = nbformat.read(EXAMPLE, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(EXAMPLE.parent)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    shown = [o["data"] for o in outputs if "text/html" in o.get("data", {})]
    assert len(shown) == 3  # the correct check, the buggy check, the derivation
    good, buggy, notes = shown
    assert good["text/plain"].startswith("<CheckResult") and "PASS" in good["text/plain"]
    assert len(good["text/plain"]) < MAX_REPR and len(good["text/html"]) < 200_000
    assert "FAIL" in buggy["text/plain"] and "factor n" in buggy["text/html"]
    assert buggy["text/html"].count("<img ") >= 3  # heat-maps of the failing cases
    assert 'id="eq-7"' in notes["text/html"] and 'data-status="fails"' in notes["text/html"]
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert printed.startswith("<CheckResult ") and printed.count("\n") == 1


def test_one_line_rejects_other_objects():
    with pytest.raises(TypeError):
        one_line(np.zeros(3))


_line = st.text(alphabet="ab$\\{} ", max_size=8)
_cell = st.tuples(st.sampled_from(["markdown", "code"]), st.lists(_line, min_size=1, max_size=4))


@settings(max_examples=60, deadline=None)
@given(st.lists(_cell, min_size=1, max_size=6))
def test_every_joined_line_maps_back_to_its_cell_and_line(cells):
    nb = {"cells": [{"cell_type": kind, "source": "\n".join(lines)} for kind, lines in cells]}
    where = notebook_text(nb)
    joined = where.text.split("\n")
    for number, (kind, lines) in enumerate(cells, start=1):
        if kind != "markdown":
            continue
        text = "\n".join(lines).rstrip("\n").split("\n")
        first = next(f for f, cell, _ in where.spans if cell == number)
        for k, line in enumerate(text):
            assert where.locate(first + k) == (number, k + 1)
            assert joined[first + k - 1] == line


@pytest.mark.parametrize("module, cls", [("verify.compare", "Report"), ("verify.check", "CheckResult"),
                                         ("verify.derivation.verdict", "Report")])
def test_a_data_module_alone_gets_its_displays(module, cls):
    """Importing only the data module (as a pickle or a user's script may) still gives the real displays:
    verify.display's renderers are registered by verify.notebook whenever ``verify`` is imported."""
    code = (f"import importlib\nm = importlib.import_module({module!r})\nimport verify.display as d\n"
            f"assert getattr(m, {cls!r}).__repr__ is not object.__repr__\n"
            "assert set(d._RENDERERS) == {'line', 'html', 'rich'}, d._RENDERERS\n"
            "import verify.notebook as nb\n"
            "assert d._RENDERERS['line'] is nb.one_line and d._RENDERERS['html'] is nb.report_html\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr[-500:]
