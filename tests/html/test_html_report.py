"""HTML reports without a browser: heat-maps locate planted bugs, the page is self-contained and escaped,
--html is validated before any work and written whole (temp + rename)."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import numeric
from verify import compare
from verify.derivation import check_text
from verify.html import check_page, derivation_page, write_html
from verify.html.heatmap import error_grid, heatmap_png
from verify.html.mathml import to_mathml

ROOT = Path(__file__).resolve().parents[2]
SIZES = (4, 3, 3, 2)  # W1 is square: a transposed gradient keeps its shape


def network(seed=0):
    rng = np.random.default_rng(seed)
    weights = [rng.normal(0, 0.8, (m, k)) for k, m in zip(SIZES[:-1], SIZES[1:], strict=True)]
    X = rng.uniform(0, 1, (SIZES[0], 3))
    Y = rng.uniform(0.1, 0.9, (SIZES[-1], 3))
    return weights, X, Y


def grids(got, weights, X, Y):
    report = compare(got, weights, X, Y, truth="complex-step", oracles=(), diagnose=False)
    return report, [error_grid(m, report.entries, report.tolerance)[0] for m in report.matrices]


def test_heatmap_shows_the_one_wrong_row():
    weights, X, Y = network()
    got = numeric.gradients(weights, X, Y)
    got[1] = got[1].copy()
    got[1][2, :] *= 1.5  # target node j = 3 of W1 wrong
    report, maps = grids(got, weights, X, Y)
    assert not report.ok
    assert (maps[1][2] > 0).all() and (maps[1][:2] <= 0).all()
    assert all((g <= 0).all() for k, g in enumerate(maps) if k != 1)


def test_heatmap_shows_a_transpose_off_the_diagonal():
    weights, X, Y = network(1)
    got = numeric.gradients(weights, X, Y)
    got[1] = got[1].T.copy()
    _, maps = grids(got, weights, X, Y)
    off = ~np.eye(3, dtype=bool)
    assert (maps[1][off] > 0).all() and (np.diag(maps[1]) <= 0).all()


def test_heatmap_greys_unchecked_entries_and_is_a_png():
    weights, X, Y = network(2)
    got = numeric.gradients(weights, X, Y)
    report = compare(got, weights, X, Y, truth="complex-step", oracles=(), sample=4, diagnose=False)
    m = report.matrices[0]
    grid, _ = error_grid(m, report.entries, report.tolerance)
    assert np.isnan(grid).sum() == m.total - m.checked > 0
    uri = heatmap_png(grid, "W0")
    assert base64.b64decode(uri.split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"


def test_large_matrix_is_shown_in_blocks_keeping_the_worst():
    grid = np.full((30, 784), -3.0)
    grid[7, 500] = 5.0
    uri = heatmap_png(grid, "W0")
    assert uri.startswith("data:image/png;base64,")
    from verify.html.heatmap import _blocks

    shown, step = _blocks(grid)
    assert step == 2 and shown.max() == 5.0 and shown.shape == (15, 392)


def test_page_is_self_contained_and_escapes_the_document():
    text = ("---\nnotation: paper\n---\n<script>alert(1)</script> and <img src=http://x.test/a.png>\n\n"
            "$$\\Lambda_{B_k} < {}_3 a <b> \\tag{1}$$\n\n$$\\frac{1}{1 + e^{-z}} = \\phi(z) \\tag{2}$$\n")
    report = check_text(text, "t.md")
    html = derivation_page(report, text)
    assert "<script" not in html and "<img src=http" not in html
    assert "&lt;script&gt;" in html
    assert not re.search(r"<[^>]*\s(src|href)\s*=\s*[\"']?(https?:)?//", html)  # nothing to fetch
    assert html.count("class=\"card ") == len(report.verdicts)


def test_unreadable_latex_is_shown_as_source_not_dropped():
    out = to_mathml(r"\frac{1}{")
    assert "<math" not in out and "\\frac{1}{" in out and "not typeset" in out
    assert to_mathml(r"\begin{aligned} [a]_1 &= b \\ & c \end{aligned}").startswith("<math")


def test_check_page_of_a_correct_engine_run():
    weights, X, Y = network(3)
    report = compare(numeric.gradients(weights, X, Y), weights, X, Y, truth="complex-step", label="mine")
    html = check_page(report)
    assert "PASS" in html and html.count("<img ") == 3 and "FAIL" not in html


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


@pytest.mark.parametrize("argv", [["sizes", "4,3,2"], ["derivation", "derivations/paper-corrected.md"],
                                  ["impl", "examples/my_backprop.py:backprop"]])
def test_bad_html_target_is_one_line_and_exit_2_before_work(tmp_path, argv):
    for bad, word in ((tmp_path, "is a directory"), (tmp_path / "no" / "r.html", "does not exist")):
        proc = run(*argv, "--html", str(bad))
        assert proc.returncode == 2, proc.stdout + proc.stderr
        assert proc.stdout == "" and word in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == []


def test_html_written_whole_beside_normal_output(tmp_path):
    target = tmp_path / "sizes.html"
    proc = run("sizes", "5,4,3", "--batch", "2", "--sample", "10", "--truth", "complex-step",
               "--no-color", "--html", str(target))
    assert proc.returncode == 0, proc.stderr
    assert "PASS" in proc.stdout  # the terminal view is unchanged
    html = target.read_text()
    assert html.startswith("<!DOCTYPE html>") and html.rstrip().endswith("</html>")
    assert html.count("<img ") == 2
    assert [p.name for p in tmp_path.iterdir()] == ["sizes.html"]  # no temp file left


def test_write_html_replaces_atomically(tmp_path):
    target = tmp_path / "r.html"
    target.write_text("old")
    write_html(target, "<p>new</p>")
    assert target.read_text() == "<p>new</p>" and len(list(tmp_path.iterdir())) == 1
    with pytest.raises(ValueError, match="is a directory"):
        write_html(tmp_path, "x")


def test_html_with_watch_is_refused(tmp_path):
    proc = run("derivation", "derivations/paper-corrected.md", "--watch", "--html", str(tmp_path / "w.html"))
    assert proc.returncode == 2 and "--watch" in proc.stderr and list(tmp_path.iterdir()) == []
