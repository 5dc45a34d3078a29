"""Runs one hardening case and says what went wrong, in the five classes of issue 13.

A case runs a command in-process (``main(argv)`` of derive, numeric or verify, with its own cwd, captured
stdout/stderr and an alarm), calls a public API function, or (kind "signal") starts a real process and
sends it Ctrl-C. The outcome is a list of problems, each one of:

* ``traceback``: an exception escaped (other than SystemExit) or "Traceback" was printed;
* ``wrong exit``: another exit code than documented, not one line on stderr, or (API) not the package's
  InvalidArgument with a one-line message containing the expected words;
* ``hang``: the case ran over its time limit;
* ``partial file``: a file left behind that the case does not allow (half-written outputs, temp files);
* ``work lost``: the case's own check found lost work (a model not saved anywhere, a history that differs).

Kind ``check`` runs call(tmp), which returns None or the description of lost work.

Used by tests/hardening/test_reliability.py (one pytest case each) and bench/hardening.py (the counts).
"""

from __future__ import annotations

import contextlib
import io
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[2]
KINDS = ("traceback", "wrong exit", "hang", "partial file", "work lost")


class Hang(Exception):
    """Raised by the alarm when an in-process case runs over its limit."""


@dataclass(frozen=True)
class Case:
    """``cli``: argv(tmp) run by the package's main; ``api``: call(tmp) must raise ``error``;
    ``signal``: argv(tmp) run as ``python -m package``, SIGINT after ``delay`` seconds."""

    name: str
    kind: str
    package: str
    argv: Callable | None = None
    call: Callable | None = None
    exit: int = 2
    needle: str = ""
    error: str = "InvalidArgument"      # exception class name expected from the API
    patches: tuple = ()                 # (dotted target, factory(tmp) -> replacement) for unittest.mock
    setup: Callable | None = None       # setup(tmp) before the run (files to read)
    check: Callable | None = None       # check(tmp, result) -> problem kind or None after the run
    allowed: tuple = ()                 # glob patterns of files the case may leave in tmp
    limit: float = 30.0
    delay: float = 1.0
    after: str = ""                     # signal: wait for this text on stdout, then ``delay`` seconds more
    flags: tuple = ()                   # signal: options for python itself (-X importtime: see imports)
    lines: int | None = 1               # lines expected on stderr (None: not checked)


@dataclass
class Result:
    code: int | None = None
    out: str = ""
    err: str = ""
    raised: BaseException | None = None
    seconds: float = 0.0
    problems: list = field(default_factory=list)

    def add(self, kind: str, detail: str) -> None:
        self.problems.append((kind, detail))


def _main(package: str):
    if package == "derive":
        from derive.__main__ import main
    elif package == "numeric":
        from numeric.__main__ import main
    else:
        from verify.cli import main
    return main


@contextlib.contextmanager
def _alarm(seconds: float):
    def fire(signum, frame):
        raise Hang(f"over {seconds} s")

    old = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


@contextlib.contextmanager
def _inside(tmp: Path, case: Case):
    cwd = os.getcwd()
    os.chdir(tmp)
    with contextlib.ExitStack() as stack:
        for target, factory in case.patches:
            stack.enter_context(mock.patch(target, factory(tmp)))
        try:
            yield
        finally:
            os.chdir(cwd)


def _files(tmp: Path) -> set[str]:
    return {str(p.relative_to(tmp)) for p in tmp.rglob("*") if p.is_file()}


def _run_inprocess(case: Case, tmp: Path, res: Result) -> None:
    out, err = io.StringIO(), io.StringIO()
    start = time.perf_counter()
    try:
        with _inside(tmp, case), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), \
                _alarm(case.limit):
            if case.kind == "cli":
                res.code = _main(case.package)(case.argv(tmp))
            elif case.kind == "check":
                lost = case.call(tmp)
                if lost:
                    res.add("work lost", lost)
            else:
                case.call(tmp)
    except SystemExit as exc:  # argparse's own exit: a documented path, not a traceback
        res.code = exc.code if isinstance(exc.code, int) else 2
        if not isinstance(exc.code, int) and exc.code is not None:
            err.write(str(exc.code) + "\n")
    except Hang as exc:
        res.add("hang", str(exc))
    except BaseException as exc:  # noqa: BLE001 - whatever escapes is what we count
        res.raised = exc
    res.seconds = time.perf_counter() - start
    res.out, res.err = out.getvalue(), err.getvalue()


def _run_signal(case: Case, tmp: Path, res: Result) -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="120", PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    command = [sys.executable, *case.flags, "-m", case.package, *case.argv(tmp)]
    proc = subprocess.Popen(command, cwd=tmp, env=env, text=True, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    streams, seen = {"out": [], "err": []}, threading.Event()

    def pump(name, stream):
        for line in stream:
            streams[name].append(line)
            if case.after and case.after in line:
                seen.set()
    pumps = [threading.Thread(target=pump, args=(n, s), daemon=True)
             for n, s in (("out", proc.stdout), ("err", proc.stderr))]
    for t in pumps:
        t.start()
    if case.after and not seen.wait(case.limit):  # a loaded machine: start-up may take seconds
        res.add("hang", f"{case.after!r} not printed within {case.limit} s")
    time.sleep(case.delay)
    proc.send_signal(signal.SIGINT)
    try:
        res.code = proc.wait(timeout=case.limit)
        # CPython ends a process whose KeyboardInterrupt was once unhandled inside C code (an import) by
        # SIGINT itself, even after main() caught it and printed its line: the shell's $? is 130 either way
        res.code = 130 if res.code == -signal.SIGINT else res.code
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
        res.add("hang", f"still running {case.limit} s after Ctrl-C")
    for t in pumps:
        t.join(5)
    res.out, res.err = "".join(streams["out"]), "".join(streams["err"])
    res.seconds = time.perf_counter() - start


def _judge_api(case: Case, res: Result) -> None:
    exc = res.raised
    if exc is None:
        res.add("wrong exit", f"no exception; expected {case.error}")
        return
    names = {cls.__name__ for cls in type(exc).__mro__}
    if case.error not in names or not isinstance(exc, ValueError):
        res.add("traceback", f"{type(exc).__name__}: {str(exc)[:200]}")
        return
    text = str(exc)
    if "\n" in text or not text:
        res.add("wrong exit", f"message is not one line: {text[:200]!r}")
    elif case.needle.lower() not in text.lower():
        res.add("wrong exit", f"message lacks {case.needle!r}: {text[:200]}")


def _judge_cli(case: Case, res: Result) -> None:
    if res.raised is not None:
        res.add("traceback", f"{type(res.raised).__name__}: {str(res.raised)[:200]}")
        return
    if "Traceback" in res.err or "Traceback" in res.out:
        res.add("traceback", res.err[-300:])
    if res.code != case.exit and not any(k == "hang" for k, _ in res.problems):
        res.add("wrong exit", f"exit {res.code}, expected {case.exit}; stderr {res.err.strip()[:200]!r}")
    lines = [line for line in res.err.splitlines() if line.strip() and not line.startswith("import time:")]
    if case.lines is not None and len(lines) != case.lines:
        res.add("wrong exit", f"{len(lines)} lines on stderr, expected {case.lines}: {res.err[:300]!r}")
    if case.needle and case.needle.lower() not in (res.err + res.out).lower():
        res.add("wrong exit", f"output lacks {case.needle!r}: {res.err.strip()[:200]!r}")


def run_case(case: Case, tmp: Path) -> Result:
    """Run ``case`` in the empty folder ``tmp``; the Result lists its problems (empty: as documented)."""
    tmp.mkdir(parents=True, exist_ok=True)
    if case.setup:
        case.setup(tmp)
    before = _files(tmp)
    res = Result()
    if case.kind == "signal":
        _run_signal(case, tmp, res)
    else:
        _run_inprocess(case, tmp, res)
    if case.kind == "api":
        _judge_api(case, res)
    elif case.kind == "check":
        if res.raised is not None:
            res.add("traceback", f"{type(res.raised).__name__}: {str(res.raised)[:200]}")
    else:
        _judge_cli(case, res)
    left = {f for f in _files(tmp) - before
            if not any(Path(f).match(pattern) for pattern in case.allowed)}
    if left:
        res.add("partial file", f"left behind: {sorted(left)[:5]}")
    if case.check:
        problem = case.check(tmp, res)
        if problem:
            res.add(problem[0], problem[1])
    return res
