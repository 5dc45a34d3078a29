"""Models and checkpoints as .npz files, written atomically (temp file in the same folder, then os.replace).

Layout: ``W0..W{L-1}`` (paper shapes (m_{N+1}, m_N)), ``b0..`` (m_{N+1}, 1) when the model has biases,
``meta`` (a JSON string: sizes, activation, output, cost, and for checkpoints the training state), and
``opt_*`` (optimizer state arrays). Any problem reading raises ``CheckpointError`` with one line naming the
file.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import numpy as np

from .report import open_temp

__all__ = ["CheckpointError", "save_npz", "load_npz"]


class CheckpointError(Exception):
    """A model/checkpoint file is missing, unreadable or not one of ours."""


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


def load_npz(path: str | Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by ``save_npz``: (arrays, meta). Raises CheckpointError."""
    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: no such model file")
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise CheckpointError(f"{path}: not a readable .npz model file ({exc})") from None
    if "meta" not in arrays:
        raise CheckpointError(f"{path}: not a numeric model file (no 'meta' entry)")
    try:
        meta = json.loads(str(arrays.pop("meta")))
        sizes = [int(m) for m in meta["sizes"]]
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(f"{path}: unreadable model metadata ({exc})") from None
    for N in range(len(sizes) - 1):
        w = arrays.get(f"W{N}")
        if w is None or w.shape != (sizes[N + 1], sizes[N]):
            raise CheckpointError(f"{path}: W{N} missing or not of shape ({sizes[N + 1]}, {sizes[N]})")
        if not np.all(np.isfinite(w)):
            raise CheckpointError(f"{path}: W{N} contains NaN or infinite values")
    return arrays, meta
