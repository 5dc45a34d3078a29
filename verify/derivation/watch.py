"""Watch mode: re-check a derivation on every save, with a live rich view.

The parent directory is watched (watchfiles; inotify, or polling with ``--poll``), so editors that save by
writing a temporary file and renaming it are seen too. A deleted, renamed-away or half-written file is
reported and the watch goes on. One :class:`Checker` lives for the whole session: the network's ground
truth is computed once and every equation whose text and definitions did not change comes from the cache,
so a re-check after an edit only evaluates what the edit can affect.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import watchfiles
from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from ..envelope import envelope
from .check import Checker, Report
from .loading import BadInput, exit_code, load
from .present import render, render_changes, to_json

__all__ = ["Update", "updates", "run_watch", "changed_labels"]


@dataclass
class Update:
    """One re-check: the report (None when the file could not be read), the error, what changed, timing."""

    report: Report | None
    error: str | None
    changed: list
    seconds: float


def _signature(v) -> tuple:
    return (v.status, v.hint, v.reason, json.dumps(v.counterexample, sort_keys=True, default=str))


def changed_labels(before: Report | None, after: Report) -> list:
    """Labels of numbered equations whose verdict differs (new equations count as changed)."""
    if before is None:
        return []
    old = {v.label: _signature(v) for v in before.numbered}
    return [v.label for v in after.numbered if old.get(v.label) != _signature(v)]


def _check(path: Path, checker: Checker, previous: Report | None) -> Update:
    start = time.perf_counter()
    try:
        report = load(path, checker)
    except BadInput as exc:
        message = str(exc)
        if not path.exists():
            message = f"{path} is gone (deleted or renamed); waiting for it to come back"
        return Update(None, message, [], time.perf_counter() - start)
    return Update(report, None, changed_labels(previous, report), time.perf_counter() - start)


def _stat(path: Path):
    """(inode, size, mtime) of the file, None when it is missing: catches changes an event may miss."""
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def _relevant(changes, path: Path) -> bool:
    target = path.name
    return any(Path(p).name == target for _, p in changes)


def updates(path: Path, poll: bool = False, stop_event: threading.Event | None = None,
            checker: Checker | None = None) -> Iterator[Update]:
    """The first check, then one :class:`Update` per relevant file-system change, until ``stop_event``."""
    path = Path(path).absolute()
    checker = checker or Checker()
    seen = _stat(path)
    first = _check(path, checker, None)
    yield first
    last = first.report
    directory = path.parent
    for changes in watchfiles.watch(directory, force_polling=poll, poll_delay_ms=100, debounce=150, step=30,
                                    stop_event=stop_event, rust_timeout=500, yield_on_timeout=True,
                                    raise_interrupt=False, recursive=False):
        if stop_event is not None and stop_event.is_set():
            return
        now = _stat(path)
        if not (changes and _relevant(changes, path)) and now == seen:
            continue
        seen = now
        update = _check(path, checker, last)
        if update.report is not None:
            last = update.report
        yield update


def run_watch(path: Path, console: Console, poll: bool = False, as_json: bool = False) -> int:
    """The CLI's --watch loop; Ctrl-C ends it with the exit code of the last check."""
    code = 2
    if not Path(path).absolute().parent.is_dir():
        console.print(f"error: directory {Path(path).parent} does not exist")
        return 2
    try:
        if as_json:
            for up in updates(path, poll=poll):
                code = exit_code(up.report) if up.report else 2
                payload = (json.loads(to_json(up.report)) if up.report
                           else envelope("verify derivation", 2, {"error": up.error}))
                payload["changed"] = up.changed
                console.file.write(json.dumps(payload, ensure_ascii=False) + "\n")
                console.file.flush()
            return code
        if not console.is_terminal:  # a pipe or a file: one plain report per re-check
            for up in updates(path, poll=poll):
                code = exit_code(up.report) if up.report else 2
                console.print(_view(path, up))
                console.file.flush()
            return code
        with Live(Text("checking ..."), console=console, auto_refresh=False, transient=False) as live:
            for up in updates(path, poll=poll):
                code = exit_code(up.report) if up.report else 2
                live.update(_view(path, up), refresh=True)
    except KeyboardInterrupt:
        pass
    return code


def _view(path, up: Update):
    stamp = time.strftime("%H:%M:%S")
    footer = Text(f"\n[{stamp}] re-checked in {up.seconds:.2f} s · watching {path} (Ctrl-C to stop)",
                  style="dim")
    if up.report is None:
        return Group(Text(f"[{stamp}] {up.error}", style="bold yellow"), footer)
    if up.changed:
        return Group(render_changes(up.changed), render(up.report, changed=up.changed), footer)
    return Group(render(up.report), footer)
