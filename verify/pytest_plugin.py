"""pytest plugin (entry point ``pytest11``: ``backprop_verifier``, loaded by the top-level module
``pytest_backprop_verifier`` without importing ``verify``): the ``backprop_check`` fixture and short,
readable failure output for :class:`verify.GradientMismatch`.

    def test_my_backprop(backprop_check):
        backprop_check(my_backprop)                      # reference case + adversarial sizes
        backprop_check(my_backprop, sizes=(784, 30, 10), batch=10, sample=200)

Options: ``--backprop-truth symbolic|complex-step`` (default symbolic) and ``--backprop-seed N``.
Loading the plugin imports nothing of this project (a user's own ``verify.py`` stays theirs): this file
must not import ``verify`` at module level nor use relative imports; the fixture imports ``verify`` when a
test uses it.
"""

from __future__ import annotations

import pytest


def pytest_addoption(parser):
    group = parser.getgroup("backprop-verifier", "checking backprop implementations (verify)")
    group.addoption("--backprop-truth", default="symbolic", choices=("symbolic", "complex-step"),
                    help="expected values for backprop_check: sympy.diff (default) or the complex step")
    group.addoption("--backprop-seed", type=int, default=0, help="seed of backprop_check's random networks")


@pytest.fixture
def backprop_check(request):
    """``check(fn, **options) -> CheckResult``; raises GradientMismatch naming worst entries and diagnosis.

    options as for ``verify.check_implementation`` (sizes, batch, activation, cost, sample, truth, seed).
    """
    from verify import assert_backprop_correct

    defaults = {"truth": request.config.getoption("backprop_truth"),
                "seed": request.config.getoption("backprop_seed")}

    def check(fn, **options):
        __tracebackhide__ = True
        return assert_backprop_correct(fn, **{**defaults, **options})

    return check


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A GradientMismatch is shown as the test's own line plus verify's message, without our frames."""
    outcome = yield
    report = outcome.get_result()
    excinfo = call.excinfo
    if report.failed and excinfo is not None and type(excinfo.value).__name__ == "GradientMismatch":
        entry = next((e for e in reversed(excinfo.traceback) if str(e.path) == str(item.path)), None)
        where = f"{item.path.name}:{entry.lineno + 1}" if entry is not None else item.nodeid
        report.longrepr = f"{where}: GradientMismatch\n{excinfo.value}"
