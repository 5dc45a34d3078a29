"""Output files of ``numeric train``: checked before training, rescued to a fallback path if a write still
fails late, so a trained model is never lost.

``check_output`` refuses, before any work, a target that is a directory, lies in a missing or read-only
folder, is not a regular file, or whose name (plus the temp-file affixes of the atomic write) is longer
than the file system allows. ``save_or_rescue`` writes with ``save(path)``; if that fails it writes to
``fallback_paths`` (the current folder, then the temp folder) and returns where the data went.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["OutputError", "check_output", "check_outputs", "save_or_rescue", "TEMP_AFFIXES"]

TEMP_AFFIXES = 16  # ".{name}.XXXXXXXX.tmp" of the atomic writes (tempfile.mkstemp)


class OutputError(Exception):
    """An output target that cannot be written (one line naming the option and the file)."""


def _name_max(folder: Path) -> int:
    try:
        return int(os.pathconf(folder, "PC_NAME_MAX"))
    except (OSError, ValueError, AttributeError):
        return 255


def check_output(flag: str, target: str) -> Path:
    """The target of ``--flag`` as a Path, or OutputError saying why it cannot be written."""
    what = f"--{flag} {target}"
    if not target or "\0" in target:
        raise OutputError(f"{what!r}: not a valid file name")
    path = Path(target)
    folder = path.parent
    if path.is_dir() or target.endswith(os.sep):
        raise OutputError(f"{what}: is a directory; name a file in it")
    if not folder.is_dir():
        raise OutputError(f"{what}: folder {folder} does not exist")
    limit = _name_max(folder) - TEMP_AFFIXES
    if len(os.fsencode(path.name)) > limit:
        raise OutputError(f"{what[:60]}...: file name too long ({len(os.fsencode(path.name))} bytes, "
                          f"limit {limit} here)")
    if path.exists() and not path.is_file():
        raise OutputError(f"{what}: exists and is not a regular file")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"{what}: folder {folder} is not writable")
    return path


def check_outputs(targets: dict[str, str | None]) -> None:
    """check_output for every given target ('-' is stdout), and no two options naming the same file."""
    seen: dict[str, str] = {}
    for flag, target in targets.items():
        if not target or target == "-":
            continue
        key = os.path.realpath(check_output(flag, target))
        if key in seen:
            raise OutputError(f"--{seen[key]} and --{flag} name the same file {target}")
        seen[key] = flag


def fallback_paths(name: str) -> list[Path]:
    """Where a model goes when its own path fails: the current folder, then the temp folder."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    file = f"numeric-rescued-{stamp}-{os.getpid()}-{name}"
    return [Path.cwd() / file, Path(tempfile.gettempdir()) / file]


def save_or_rescue(save: Callable[[Path], object], target: str, name: str = "model.npz") -> tuple[Path, str]:
    """Write with ``save(path)``: (path written, "") or, when ``target`` fails, (fallback, reason).
    Raises OSError only when every fallback fails too."""
    try:
        save(Path(target))
        return Path(target), ""
    except (OSError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {getattr(exc, 'strerror', None) or exc}"
    last: Exception | None = None
    for path in fallback_paths(name):
        try:
            save(path)
            return path, reason
        except (OSError, ValueError) as exc:
            last = exc
    raise OSError(f"cannot write {target} ({reason}) nor any fallback ({last})")
