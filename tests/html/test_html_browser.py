"""The HTML reports in a real headless browser (Debian chromium through playwright): the page loads from
disk with no network request, the math is laid out as MathML, verdict colours are there, a screenshot is
saved. Skipped, with the reason, where no browser can start."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from html_browser import browser, load  # noqa: F401  (the fixture)

from verify.derivation import check_text

ROOT = Path(__file__).resolve().parents[2]
FAIL_RED, HOLD_GREEN = "rgb(207, 34, 46)", "rgb(26, 127, 55)"


def run(*args):
    return subprocess.run([sys.executable, "-m", "verify", *args], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)


MATH_BOXES = """() => Array.from(document.querySelectorAll('math')).map(m => {
  const r = m.getBoundingClientRect(); return [r.width, r.height, getComputedStyle(m).display]; })"""
CARDS = """() => Array.from(document.querySelectorAll('.card[data-status]')).map(c =>
  [c.id, c.dataset.status, getComputedStyle(c).borderLeftColor])"""


def test_derivation_page_typeset_and_coloured_in_chromium(browser, tmp_path):  # noqa: F811
    target = tmp_path / "paper.html"
    proc = run("derivation", "derivations/paper.md", "--no-color", "--html", str(target))
    assert proc.returncode == 1, proc.stderr  # the paper as printed has failing equations
    report = check_text((ROOT / "derivations/paper.md").read_text(), "derivations/paper.md")
    page = load(browser, target)
    assert page.title().startswith("Derivation")
    boxes = page.evaluate(MATH_BOXES)
    assert len(boxes) >= 90  # every display equation typeset, inline math too
    assert all(w > 0 and h > 0 for w, h, _ in boxes), [b for b in boxes if not (b[0] > 0 and b[1] > 0)]
    assert all("math" in display for _, _, display in boxes)  # laid out by the MathML engine
    tall = page.evaluate("() => document.querySelector('mfrac').getBoundingClientRect().height")
    line = page.evaluate("() => parseFloat(getComputedStyle(document.querySelector('p')).lineHeight)")
    assert tall > line  # a fraction is stacked, not a line of text
    cards = {label: (status, colour) for label, status, colour in page.evaluate(CARDS) if label}
    numbered = {v.label: v.status for v in report.numbered}
    assert {k[3:]: s for k, (s, _) in cards.items()} == numbered  # every numbered equation, its verdict
    assert cards["eq-18"] == ("fails", FAIL_RED)
    assert {c for s, c in cards.values() if s == "fails"} == {FAIL_RED}
    assert {c for s, c in cards.values() if s == "holds"} == {HOLD_GREEN}
    assert "sign" in page.inner_text("#eq-18 .hint")
    assert "counterexample" in page.inner_text("#eq-18")
    assert page.external == []
    shot = tmp_path / "paper.png"
    page.locator("#eq-18").scroll_into_view_if_needed()
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 10_000
    page.close()


def test_impl_page_heatmaps_and_tables_in_chromium(browser, tmp_path):  # noqa: F811
    target = tmp_path / "buggy.html"
    proc = run("impl", "examples/buggy_backprop.py:backprop", "--no-color", "--html", str(target))
    assert proc.returncode == 1, proc.stderr
    page = load(browser, target)
    assert page.inner_text(".verdict-line").startswith("FAIL")
    assert "phi' at the wrong layer" in page.inner_text("body")
    images = page.evaluate("() => Array.from(document.images).map(i => [i.alt, i.naturalWidth, i.complete])")
    assert images and all(w > 0 and done for _, w, done in images)  # every heat-map decoded
    assert any(alt.startswith("heat-map of W0") for alt, _, _ in images)
    colours = page.evaluate("() => Array.from(document.querySelectorAll('td.v-fail')).map("
                            "t => getComputedStyle(t).borderLeftColor)")
    assert colours and set(colours) == {FAIL_RED}
    assert page.external == []
    shot = tmp_path / "buggy.png"
    page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 10_000
    page.close()
