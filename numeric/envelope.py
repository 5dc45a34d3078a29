"""The common JSON envelope of every command (docs/json.md) and the package version for ``--version``.

Every JSON document a command prints or writes starts with the same keys: ``schema_version`` (1),
``command`` (e.g. "numeric train"), ``version`` (of the installed backprop-verifier), ``ok`` (exit code 0),
``exit_code``; the command's own payload keys follow. (derive, numeric and verify each keep this copy:
derive and numeric import nothing of each other or of verify.)
"""

from __future__ import annotations

import json
import math
from importlib import metadata

__all__ = ["SCHEMA_VERSION", "envelope", "package_version", "to_json", "version_text"]

SCHEMA_VERSION = 1
DISTRIBUTION = "backprop-verifier"
HEAD = ("schema_version", "command", "version", "ok", "exit_code")


def package_version() -> str:
    """The installed distribution's version, or "0+unknown" when it is not installed (a bare checkout)."""
    try:
        return metadata.version(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return "0+unknown"


def version_text(prog: str) -> str:
    """What ``--version`` prints: "python -m numeric (backprop-verifier) 0.1.0"."""
    return f"{prog} ({DISTRIBUTION}) {package_version()}"


def envelope(command: str, exit_code: int, payload: dict) -> dict:
    """The envelope keys first, then the payload's (a payload key named like an envelope key is dropped:
    the envelope's value is the one that holds for the whole command)."""
    head = {"schema_version": SCHEMA_VERSION, "command": command, "version": package_version(),
            "ok": exit_code == 0, "exit_code": int(exit_code)}
    return head | {k: v for k, v in payload.items() if k not in HEAD}


def _strict(obj):
    if isinstance(obj, float) and not math.isfinite(obj):
        return "nan" if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    if isinstance(obj, dict):
        return {str(k): _strict(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_strict(v) for v in obj]
    if hasattr(obj, "item") and callable(obj.item):  # numpy scalars
        return _strict(obj.item())
    return obj


def to_json(data) -> str:
    """Strict JSON: a diverged run's nan/inf become the strings "nan", "inf", "-inf" (as in verify)."""
    return json.dumps(_strict(data), indent=2, allow_nan=False)
