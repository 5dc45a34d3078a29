"""Watch mode: edit a temporary derivation and read the new verdicts (also after rename-saves/deletes)."""
from __future__ import annotations

import os
import queue
import threading
import time

import pytest
from derivation_helpers import EQUATIONS, document

from verify.derivation.watch import updates

TIMEOUT = 20


class Watcher:
    def __init__(self, path, checker, poll):
        self.queue: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, args=(path, checker, poll), daemon=True)
        self.thread.start()

    def _run(self, path, checker, poll):
        for up in updates(path, poll=poll, stop_event=self.stop, checker=checker):
            self.queue.put(up)

    def next(self, predicate=lambda up: True):
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            try:
                up = self.queue.get(timeout=0.2)
            except queue.Empty:
                continue
            if predicate(up):
                return up
        raise AssertionError("no matching re-check arrived")

    def close(self):
        self.stop.set()
        self.thread.join(timeout=5)


def _status(up, label):
    return {v.label: v.status for v in up.report.numbered}[label]


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
def test_watch_rechecks_on_save_rename_and_delete(tmp_path, checker, poll):
    path = tmp_path / "derivation.md"
    path.write_text(document())
    watcher = Watcher(path, checker, poll)
    try:
        first = watcher.next()
        assert first.report is not None and _status(first, "3") == "holds" and first.changed == []

        # plain save: plant a missing 1/n in (3)
        time.sleep(0.3)
        path.write_text(document(e3=EQUATIONS["3"].replace(r"\frac{1}{n} ", "")))
        up = watcher.next(lambda u: u.report is not None and _status(u, "3") == "fails")
        assert up.changed == ["3"]
        assert "factor n" in {v.label: v for v in up.report.numbered}["3"].hint
        assert up.report.rechecked <= 2  # only the edited equation (and nothing else) was evaluated again

        # editor-style save: write a temp file, then rename it over the original
        tmp = tmp_path / ".derivation.md.swp~"
        tmp.write_text(document())
        os.replace(tmp, path)
        up = watcher.next(lambda u: u.report is not None and _status(u, "3") == "holds")
        assert up.changed == ["3"]

        # delete: reported, and the watch goes on
        path.unlink()
        gone = watcher.next(lambda u: u.report is None)
        assert "gone" in gone.error

        # half-written file: broken front matter, then complete again
        path.write_text("---\nsizes: 2,")
        broken = watcher.next(lambda u: u.report is None and "gone" not in u.error)
        assert "front matter" in broken.error
        path.write_text(document(e9=EQUATIONS["9"].replace(r"+ (1 - y_{Sx}^j)", r"- (1 - y_{Sx}^j)")))
        up = watcher.next(lambda u: u.report is not None)
        assert _status(up, "9") == "fails"
    finally:
        watcher.close()


def test_watch_cli_prints_a_json_line_per_recheck(tmp_path):
    """The command a user runs: python -m verify derivation FILE --watch --json (Ctrl-C ends it)."""
    import json
    import signal
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    path = tmp_path / "d.md"
    path.write_text(document())
    proc = subprocess.Popen([sys.executable, "-m", "verify", "derivation", str(path), "--watch", "--json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=root)
    try:
        first = json.loads(proc.stdout.readline())
        assert first["summary"]["fails"] == 0 and first["changed"] == []
        path.write_text(document(e6=EQUATIONS["6"].replace(r"\frac{1}{n} ", "")))
        second = json.loads(proc.stdout.readline())
        assert second["summary"]["failing"] == ["6"] and second["changed"] == ["6"]
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
    assert proc.returncode == 1  # the exit code of the last check
