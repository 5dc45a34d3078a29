"""Ctrl-C while a command still imports: one line on stderr and exit 130, never a traceback.

``python -m numeric`` and ``backprop-train`` import the package before their main() runs; Python's own
handler would print a ``KeyboardInterrupt`` traceback from whatever module was loading. ``__init__`` calls
``guard_imports()`` first; main() calls ``release()`` and then reports Ctrl-C itself. (A copy of
derive/startup.py: derive and numeric import nothing of each other.)
"""

import contextlib
import os
import signal
import sys

_OURS = ("verify", "derive", "numeric")


def _module() -> str:
    """The module of ``python -m MODULE`` (sys.orig_argv, Python 3.10+), else ""."""
    argv = sys.orig_argv
    return argv[argv.index("-m") + 1] if "-m" in argv[:-1] else ""


def _command() -> str:
    module = _module()
    return f"python -m {module}" if module else os.path.basename(sys.argv[0] if sys.argv else "python")


def _interrupted(signum, frame):  # nothing to clean up yet: no file is open for writing
    os.write(2, f"{_command()}: interrupted\n".encode())
    os._exit(130)


def guard_imports() -> None:
    """Install the one-line handler if this process is one of our commands still starting (never in a
    user's own program that imports us: its Ctrl-C stays a KeyboardInterrupt)."""
    script = os.path.basename(sys.argv[0] if sys.argv else "")
    ours = _module().split(".")[0] in _OURS
    starting = (sys.argv[:1] == ["-m"] and ours) or script.startswith("backprop-")
    if starting and signal.getsignal(signal.SIGINT) is signal.default_int_handler:
        with contextlib.suppress(ValueError):  # not the main thread: nothing to guard
            signal.signal(signal.SIGINT, _interrupted)


def release() -> None:
    """Give Ctrl-C back to Python (KeyboardInterrupt), for main() to report it."""
    if signal.getsignal(signal.SIGINT) is _interrupted:
        signal.signal(signal.SIGINT, signal.default_int_handler)
