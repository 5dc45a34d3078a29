"""Issue 13's reliability suite: every case of hardening_cases.CASES runs as its user would meet it and must
end as documented: no traceback, the documented exit code, one line on stderr, no partial file, nothing
lost. ``python bench/hardening.py`` runs the same cases and prints the counts per class."""

from __future__ import annotations

import pytest
from hardening_cases import CASES
from hardening_harness import run_case


def test_at_least_150_cases_over_every_cli_and_api():
    kinds = {(c.package, c.kind) for c in CASES}
    assert len(CASES) >= 150
    for package in ("derive", "numeric", "verify"):
        assert {(package, "cli"), (package, "api"), (package, "signal")} <= kinds
    assert len({(c.package, c.name) for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c.package}: {c.name}" for c in CASES])
def test_case_ends_as_documented(case, tmp_path):
    result = run_case(case, tmp_path)
    assert not result.problems, f"{case.name}: {result.problems}"
