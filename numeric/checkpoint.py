"""Models and checkpoints as .npz files, written atomically (temp file in the same folder, then os.replace).

Layout: ``W0..W{L-1}`` (paper shapes (m_{N+1}, m_N)), ``b0..`` (m_{N+1}, 1) when the model has biases,
``meta`` (a JSON string: sizes, activation, output, cost, and for checkpoints the training state), and
``opt_*`` (optimizer state arrays). Any problem reading raises ``CheckpointError`` with one line naming the
file.
"""

from __future__ import annotations

import json
import os
import re
import zipfile
from pathlib import Path

import numpy as np

from .errors import InvalidArgument
from .report import open_temp

__all__ = ["CheckpointError", "save_npz", "load_npz", "MAX_FILE_BYTES"]

#: the largest model file read (uncompressed members of the .npz, summed); checked before reading
MAX_FILE_BYTES = 2 * 2**30
_KEY = re.compile(r"^(meta|[Wb]\d{1,3}|opt_[mv]\d{1,3}|opt_t)$")


class CheckpointError(InvalidArgument):
    """A model/checkpoint file is missing, unreadable or not one of ours (one line naming file and key)."""


def save_npz(path: str | Path, arrays: dict[str, np.ndarray], meta: dict) -> Path:
    """Write arrays plus a JSON ``meta`` entry to ``path`` atomically; returns the path."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise CheckpointError(f"{path}: folder {folder} does not exist")
    fd, tmp = open_temp(path)  # mode 0o666 minus the umask, as open() would create it
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, meta=np.array(json.dumps(meta)), **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _members(path: Path) -> None:
    """Refuse, before decompressing anything, a file that is not a zip of known keys or is too large."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (OSError, zipfile.BadZipFile, ValueError) as exc:
        raise CheckpointError(f"{path}: not a readable .npz model file ({exc})") from None
    if "meta.npy" not in {info.filename for info in infos}:
        raise CheckpointError(f"{path}: not a numeric model file (no 'meta' entry)")
    total = 0
    for info in infos:
        key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
        if not _KEY.match(key):
            raise CheckpointError(f"{path}: unexpected entry {info.filename!r} (not a numeric model file)")
        total += info.file_size
    if total > MAX_FILE_BYTES:
        raise CheckpointError(f"{path}: {total} bytes uncompressed (limit {MAX_FILE_BYTES}); "
                              "not a model of ours")


def _array(path: Path, arrays: dict, key: str, shapes: tuple) -> np.ndarray:
    a = arrays.get(key)
    if a is None:
        raise CheckpointError(f"{path}: {key} missing")
    if a.dtype.kind != "f" or a.dtype.itemsize not in (4, 8):
        raise CheckpointError(f"{path}: {key} has dtype {a.dtype}, expected float32 or float64")
    if a.shape not in shapes:
        raise CheckpointError(f"{path}: {key} has shape {a.shape}, expected {shapes[0]}")
    if not np.all(np.isfinite(a)):
        raise CheckpointError(f"{path}: {key} contains NaN or infinite values")
    return a


def _meta(path: Path, raw) -> dict:
    if raw.dtype.kind != "U" or raw.shape != ():
        raise CheckpointError(f"{path}: meta is not a JSON string")
    try:
        meta = json.loads(str(raw))
    except ValueError as exc:
        raise CheckpointError(f"{path}: meta is not valid JSON ({exc})") from None
    if not isinstance(meta, dict):
        raise CheckpointError(f"{path}: meta must be a JSON object, got {type(meta).__name__}")
    if meta.get("format", "numeric-model/1") != "numeric-model/1":
        raise CheckpointError(f"{path}: meta.format {meta.get('format')!r} is not numeric-model/1")
    return meta


def _sizes(path: Path, meta: dict) -> list[int]:
    from .errors import _check_sizes

    try:
        return list(_check_sizes(meta.get("sizes")))
    except InvalidArgument as exc:
        raise CheckpointError(f"{path}: meta.{exc}") from None


def load_npz(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by ``save_npz``: (arrays, meta), every key, dtype, shape and value checked
    (W_N of the paper's shapes, biases all or none, finite floats, known keys only; never unpickled).
    Raises CheckpointError with one line naming the file and the key."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such model file")
    _members(path)
    arrays, key = {}, "the archive"
    try:
        with np.load(path, allow_pickle=False) as z:
            for key in z.files:  # one by one, so an error names its key (never unpickled)
                arrays[key] = z[key]
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise CheckpointError(f"{path}: {key} is not readable ({str(exc)[:100]})") from None
    if "meta" not in arrays:
        raise CheckpointError(f"{path}: not a numeric model file (no 'meta' entry)")
    meta = _meta(path, arrays.pop("meta"))
    sizes = _sizes(path, meta)
    L = len(sizes) - 1
    for N in range(L):
        _array(path, arrays, f"W{N}", ((sizes[N + 1], sizes[N]),))
    has_b = [f"b{N}" in arrays for N in range(L)]
    if any(has_b):
        for N in range(L):
            _array(path, arrays, f"b{N}", ((sizes[N + 1], 1), (sizes[N + 1],)))
    extra = sorted(k for k in arrays if k[0] in "Wb" and int(k[1:]) >= L)
    if extra:
        raise CheckpointError(f"{path}: {extra[0]} does not belong to a network of sizes {sizes}")
    for key in (k for k in arrays if k.startswith("opt_")):
        if arrays[key].dtype.kind not in "fi" or not np.all(np.isfinite(arrays[key])):
            raise CheckpointError(f"{path}: {key} is not a finite numeric array")
    for name in ("activation", "cost", "output"):
        if name in meta and not (meta[name] is None and name == "output") and not isinstance(meta[name], str):
            raise CheckpointError(f"{path}: meta.{name} must be a name, got {type(meta[name]).__name__}")
    return arrays, meta
