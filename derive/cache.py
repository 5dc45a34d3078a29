"""A persistent cache of derived truth: the stage derivatives of ``derive.stages``, as JSON data.

Where: ``$BACKPROP_VERIFIER_CACHE_DIR`` if set, else the user's cache directory (platformdirs:
``~/.cache/backprop-verifier`` on Linux) under ``truth/``. Off with ``BACKPROP_VERIFIER_NO_CACHE=1``,
``configure(enabled=False)`` or the commands' ``--no-cache``.

Key: the file name is a SHA-256 of the entry's key - the format number, what the derivation depends on
(output size m_L, batch n, activation, output activation, cost), the sympy version and a hash of the
source of the modules that define the derivation (``functions``, ``network``, ``stages``,
``exprtree``): a changed definition or sympy never reads an old entry.

Safety: entries are JSON only (never pickle, never code); on reading, the stored key must equal the
requested one and every tree is checked node by node (``exprtree.validate_tree``); a file that fails is
deleted and derived again (self-healing). Writes go to a temporary file in the same directory and are
renamed over the target (atomic on POSIX and Windows), so concurrent runs never see a half-written entry;
an unwritable directory only means no caching. Entries are small (a few kB; softmax with m_L outputs grows
like m_L^2).
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "configure", "enabled", "load", "store", "source_hash"]

ENV_DIR = "BACKPROP_VERIFIER_CACHE_DIR"
ENV_OFF = "BACKPROP_VERIFIER_NO_CACHE"
MAX_BYTES = 64 * 1024 * 1024
_SOURCES = ("functions.py", "network.py", "stages.py", "exprtree.py")
_settings: dict = {"enabled": None, "directory": None}


def configure(enabled: bool | None = None, directory=None) -> None:
    """Turn the cache on/off or move it for this process (None: back to the environment's choice)."""
    _settings["enabled"] = enabled
    _settings["directory"] = None if directory is None else Path(directory)


def enabled() -> bool:
    if _settings["enabled"] is not None:
        return bool(_settings["enabled"])
    return os.environ.get(ENV_OFF, "").strip().lower() in ("", "0", "false", "no")


def cache_dir() -> Path:
    """The directory of the truth cache (not created here)."""
    if _settings["directory"] is not None:
        return _settings["directory"]
    env = os.environ.get(ENV_DIR)
    if env:
        return Path(env).expanduser() / "truth"
    import platformdirs

    return Path(platformdirs.user_cache_dir("backprop-verifier")) / "truth"


_hash_memo: dict = {}


def source_hash() -> str:
    """SHA-256 over the source of the modules the derivation comes from, and sympy's version."""
    if "h" not in _hash_memo:
        from importlib import metadata

        h = hashlib.sha256()
        here = Path(__file__).resolve().parent
        for name in _SOURCES:
            h.update(name.encode() + b"\0" + (here / name).read_bytes())
        try:
            h.update(b"sympy " + metadata.version("sympy").encode())
        except metadata.PackageNotFoundError:
            h.update(b"sympy ?")
        _hash_memo["h"] = h.hexdigest()
    return _hash_memo["h"]


def _path(key: dict) -> Path:
    text = json.dumps(key, sort_keys=True)
    return cache_dir() / (hashlib.sha256(text.encode()).hexdigest()[:40] + ".json")


def load(key: dict, validate) -> dict | None:
    """The stored value for ``key``, or None (missing, disabled, or corrupt: then the file is removed).

    validate(value) must raise ValueError for a value that is not well-formed."""
    if not enabled():
        return None
    path = _path(key)
    try:
        if path.stat().st_size > MAX_BYTES:
            raise ValueError("entry too large")
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or data.get("key") != key:
            raise ValueError("key mismatch")
        validate(data["value"])
        return data["value"]
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, RecursionError):
        _remove(path)
        return None


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        path.unlink()


def store(key: dict, value) -> bool:
    """Write the entry atomically (temp file + rename); False when the cache is off or unwritable."""
    if not enabled():
        return False
    path = _path(key)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump({"key": key, "value": value}, fh, separators=(",", ":"))
            os.replace(tmp, path)
        except BaseException:
            _remove(Path(tmp))
            raise
    except OSError:
        return False
    return True
