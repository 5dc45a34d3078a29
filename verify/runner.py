"""The user's code runs in a child process: a timeout, a memory cap, its output kept apart, no verdict.

Parent side: :class:`Child` starts ``python -I`` (no current folder, no PYTHON* variables on the path) with
the verifier's own folder first, so ``derive``, ``numeric`` and ``verify`` are ours; the child imports them
*before* it puts the user's folder on ``sys.path`` and loads the user's file. Requests and answers travel on
two private pipes as length-prefixed JSON with raw numeric arrays (never pickle: a hostile child cannot
make the parent run code). The child's stdout/stderr go to pipes drained by threads that keep the first
64 KiB of each. A call that exceeds the timeout kills the child (its process group); a child that dies
(os._exit, segfault, the memory cap) is reported with its exit status or signal. The truth is computed
in the parent only.

:class:`InProcess` runs the same conventions in this process for Python callables (the pytest fixture).
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np

__all__ = ["Child", "InProcess", "Outcome", "child_main"]

ROOT = str(Path(__file__).resolve().parent.parent)
KEEP = 64 * 1024
MAX_MESSAGE = 512 * 1024 * 1024
_DTYPES = "fiubc"


class Outcome(dict):
    """An answer: {"ok": True, "W", "b", "form", "mutated", "nondeterministic"} or {"ok": False,
    "problem": {kind, message, detail}}; kinds exit|crash|timeout|memory are the child's fate."""


# -- framing: JSON header + raw arrays ------------------------------------------------------------------
def _encode(obj, arrays: list):
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind not in _DTYPES:
            raise TypeError(f"array of dtype {obj.dtype} cannot be sent")
        arrays.append(np.ascontiguousarray(obj))
        return {"__array__": len(arrays) - 1}
    if isinstance(obj, dict):
        return {str(k): _encode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_encode(v, arrays) for v in obj]
    if isinstance(obj, np.generic):
        return obj.item()
    if obj is None or isinstance(obj, bool | int | float | str):
        return obj
    raise TypeError(f"{type(obj).__name__} cannot be sent")


def _decode(obj, arrays: list):
    if isinstance(obj, dict):
        if set(obj) == {"__array__"}:
            return arrays[obj["__array__"]]
        return {k: _decode(v, arrays) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_decode(v, arrays) for v in obj]
    return obj


def pack(obj) -> bytes:
    arrays: list = []
    tree = _encode(obj, arrays)
    head = json.dumps({"tree": tree, "arrays": [[a.dtype.str, list(a.shape)] for a in arrays]},
                      allow_nan=True).encode()
    body = b"".join(a.tobytes() for a in arrays)
    return struct.pack("<QQ", len(head), len(body)) + head + body


def unpack(head: bytes, body: bytes):
    meta = json.loads(head)
    arrays, pos = [], 0
    for dtype_text, shape in meta["arrays"]:
        dtype = np.dtype(dtype_text)
        if dtype.kind not in _DTYPES or dtype.hasobject:
            raise ValueError(f"refused dtype {dtype_text}")
        count = int(np.prod(shape, dtype=np.int64)) if shape else 1
        size = count * dtype.itemsize
        if pos + size > len(body):
            raise ValueError("truncated message")
        arrays.append(np.frombuffer(body, dtype=dtype, count=count, offset=pos).reshape(shape).copy())
        pos += size
    return _decode(meta["tree"], arrays)


def _read_exact(fd: int, count: int, deadline: float | None) -> bytes | None:
    chunks, got = [], 0
    while got < count:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([fd], [], [], left)[0]:
                raise TimeoutError
        chunk = os.read(fd, min(count - got, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def read_message(fd: int, deadline: float | None = None):
    """One message, or None at end of file; TimeoutError past the deadline."""
    prefix = _read_exact(fd, 16, deadline)
    if prefix is None:
        return None
    n_head, n_body = struct.unpack("<QQ", prefix)
    if n_head + n_body > MAX_MESSAGE:
        raise ValueError(f"message of {n_head + n_body} bytes refused")
    head, body = _read_exact(fd, n_head, deadline), _read_exact(fd, n_body, deadline)
    if head is None or body is None:
        return None
    return unpack(head, body)


def write_message(fd: int, obj) -> None:
    data = memoryview(pack(obj))
    while data:
        data = data[os.write(fd, data):]


# -- parent side ----------------------------------------------------------------------------------------
class _Drain(threading.Thread):
    """Reads a pipe to its end, keeping the first KEEP bytes and counting the rest."""

    def __init__(self, stream):
        super().__init__(daemon=True)
        self.stream, self.kept, self.total = stream, bytearray(), 0

    def run(self):
        read = getattr(self.stream, "read1", self.stream.read)
        while chunk := read(1 << 16):
            self.total += len(chunk)
            if len(self.kept) < KEEP:
                self.kept += chunk[:KEEP - len(self.kept)]

    def text(self) -> str:
        return self.kept.decode("utf-8", "replace")


class Child:
    """One child process for one target; ``call(request)`` -> Outcome. Use as a context manager."""

    def __init__(self, target: str, convention: dict, timeout: float = 60.0, memory_mb: int = 4096):
        self.target, self.convention, self.timeout, self.memory_mb = target, convention, timeout, memory_mb
        self.proc = None
        self.dead: dict | None = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def start(self) -> Outcome:
        req_r, req_w = os.pipe()
        res_r, res_w = os.pipe()
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
        env.update({"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"})
        code = f"import sys; sys.path.insert(0, {ROOT!r}); from verify.runner import child_main; " \
               f"child_main({req_r}, {res_w}, {int(self.memory_mb)})"
        self.proc = subprocess.Popen([sys.executable, "-I", "-c", code], stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, pass_fds=(req_r, res_w),
                                     env=env, start_new_session=True, cwd=os.getcwd())
        os.close(req_r)
        os.close(res_w)
        self.req, self.res = req_w, res_r
        self.out, self.err = _Drain(self.proc.stdout), _Drain(self.proc.stderr)
        self.out.start()
        self.err.start()
        self.ready = self._ask({"op": "load", "target": self.target, "convention": self.convention},
                               self.timeout + 30)
        return self.ready

    def call(self, request: dict) -> Outcome:
        if self.dead is not None:
            return Outcome(ok=False, problem=self.dead)
        if not self.ready.get("ok"):
            return self.ready
        return self._ask({"op": "call", "request": request}, self.timeout)

    def _ask(self, message: dict, timeout: float) -> Outcome:
        try:
            write_message(self.req, message)
            answer = read_message(self.res, time.monotonic() + timeout)
        except TimeoutError:
            self._kill()
            self.dead = {"kind": "timeout", "message": f"the call did not finish within {timeout:g} s "
                         "(an infinite loop? raise --timeout for slow code); the child process was stopped",
                         "detail": "", "layer": None}
            return Outcome(ok=False, problem=self.dead)
        except (BrokenPipeError, ValueError, OSError) as exc:
            answer = None if isinstance(exc, BrokenPipeError | OSError) else {"ok": False, "problem": {
                "kind": "crash", "message": f"unreadable answer from the child process ({exc})",
                "detail": "", "layer": None}}
        if answer is None:
            self.dead = self._fate()
            return Outcome(ok=False, problem=self.dead)
        if not isinstance(answer, dict) or "ok" not in answer:
            self._kill()
            self.dead = {"kind": "crash", "message": "the child process sent something that is not an answer "
                         "(did the user's code write to the verifier's pipe?)", "detail": "", "layer": None}
            return Outcome(ok=False, problem=self.dead)
        return Outcome(answer)

    def _fate(self) -> dict:
        try:
            code = self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._kill()
            code = self.proc.returncode
        self.err.join(1)
        tail = "\n".join(self.err.text().rstrip().splitlines()[-12:])
        if code is not None and code < 0:
            known = -code in signal.Signals.__members__.values()
            name = signal.Signals(-code).name if known else str(-code)
            kind = "memory" if -code == signal.SIGKILL else "crash"
            what = f"was killed by signal {name}"
            what += " (a segfault in native code?)" if name == "SIGSEGV" else ""
        else:
            kind, what = "crash", f"ended with exit status {code} in the middle of the call (os._exit?)"
        return {"kind": kind, "message": f"the user's code {what}; no gradients to check", "detail": tail,
                "layer": None}

    def _kill(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.proc.kill()
            self.proc.wait()

    def output(self) -> dict:
        """What the user's code printed (the first 64 KiB of each stream) and how much."""
        if self.proc is not None and self.proc.poll() is not None:  # ended: its pipes are drained soon
            for d in (self.out, self.err):
                d.join(0.5)
        return {"stdout": self.out.text(), "stderr": self.err.text(), "stdout_bytes": self.out.total,
                "stderr_bytes": self.err.total}

    def close(self):
        if self.proc is None:
            return
        if self.proc.poll() is None and self.dead is None:
            try:
                write_message(self.req, {"op": "quit"})
                self.proc.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                pass
        self._kill()
        for fd in (self.req, self.res):
            with contextlib.suppress(OSError):
                os.close(fd)
        for d in (self.out, self.err):
            d.join(2)
        self.proc.stdout.close()
        self.proc.stderr.close()


class InProcess:
    """The same conventions for a Python callable, run here (no isolation: the caller trusts its code)."""

    def __init__(self, loaded, convention: dict):
        from .conventions import Convention

        self.loaded, self.convention = loaded, Convention(**convention)
        self.ready = Outcome(ok=True)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return None

    def call(self, request: dict) -> Outcome:
        from .conventions import ConventionError, execute

        try:
            return Outcome(ok=True, **execute(self.convention, self.loaded, request))
        except ConventionError as exc:
            return Outcome(ok=False, problem=exc.as_dict())

    def output(self) -> dict:
        return {}

    def close(self):
        return None


# -- child side -----------------------------------------------------------------------------------------
def child_main(req_fd: int, res_fd: int, memory_mb: int) -> None:
    """Runs in the child: caps memory, imports our modules (verify, numpy; the truth package derive is never
    needed here), then loads and serves the user's code."""
    import resource

    limit = int(memory_mb) * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    from .conventions import Convention, ConventionError, execute, load_target

    loaded = convention = None
    while True:
        message = read_message(req_fd)
        if message is None or message.get("op") == "quit":
            return
        try:
            if message["op"] == "load":
                convention = Convention(**message["convention"])
                loaded = load_target(message["target"])
                answer = {"ok": True}
            else:
                answer = {"ok": True, **execute(convention, loaded, message["request"])}
        except ConventionError as exc:
            answer = {"ok": False, "problem": exc.as_dict()}
        except (IndexError, KeyError, TypeError, ValueError, AttributeError) as exc:
            answer = {"ok": False, "problem": {"kind": "binding", "message": f"cannot call the code as the "
                      f"options say ({type(exc).__name__}: {exc})", "detail": "", "layer": None}}
        except MemoryError:
            answer = {"ok": False, "problem": {"kind": "memory", "message": "the user's code ran out of "
                      f"memory (cap {memory_mb} MiB; raise --memory)", "detail": "", "layer": None}}
        try:
            write_message(res_fd, answer)
        except TypeError as exc:
            write_message(res_fd, {"ok": False, "problem": {"kind": "type", "message": f"the gradients "
                          f"cannot be read: {exc}", "detail": "", "layer": None}})
