"""pytest plugin (entry point ``pytest11``: ``backprop_verifier``, loaded by the top-level module
``pytest_backprop_verifier`` without importing ``verify``): the ``backprop_check`` fixture and short,
readable failure output for :class:`verify.GradientMismatch`.

    def test_my_backprop(backprop_check):
        backprop_check(my_backprop)                      # reference case + adversarial sizes
        backprop_check(my_backprop, sizes=(784, 30, 10), batch=10, sample=200)

Options: ``--backprop-truth symbolic|complex-step`` (default symbolic), ``--backprop-seed N``,
``--backprop-timeout S``, ``--backprop-isolate``. The fixture takes every option of ``python -m verify impl``,
as keywords or as one ``flags="--samples rows ..."`` string.
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
    group.addoption("--backprop-timeout", type=float, default=60.0,
                    help="seconds per call of code checked in a child process (FILE.py:NAME targets)")
    group.addoption("--backprop-isolate", action="store_true",
                    help="run module-level Python callables in a child process too (timeout, memory cap)")


@pytest.fixture
def backprop_check(request):
    """``check(fn, flags=None, **options) -> CheckResult``; raises GradientMismatch naming worst entries
    and diagnosis. ``fn``: a callable or "FILE.py:function" / "FILE.py:Class.method" (child process).
    ``flags``: the CLI's options as one string, e.g. "--samples rows --weights in-out --l2 0.01";
    ``options``: the same as keywords of ``verify.check_implementation`` (samples="rows", l2=0.01, ...).
    """
    from verify import assert_backprop_correct
    from verify.impl_options import parse_flags

    defaults = {"truth": request.config.getoption("backprop_truth"),
                "seed": request.config.getoption("backprop_seed"),
                "timeout": request.config.getoption("backprop_timeout")}
    if request.config.getoption("backprop_isolate"):
        defaults["isolate"] = True

    def check(fn, flags=None, **options):
        __tracebackhide__ = True
        return assert_backprop_correct(fn, **{**defaults, **(parse_flags(flags) if flags else {}), **options})

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
