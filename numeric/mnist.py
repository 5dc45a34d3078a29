"""MNIST in its IDX format: reader with SHA-256 checks of the uncompressed content.

The package ships its own copy in ``numeric/data/mnist`` (package data, in the wheel too; see the README
there for sources, license and checksums);
``load(data_dir)`` reads another copy. Files may be gzip-compressed (``name.gz``) or raw (``name``).
IDX: big-endian; magic 0x00000803 (images: count, rows, cols as uint32, then uint8 pixels) or 0x00000801
(labels: count as uint32, then uint8 labels).

Every problem (missing, unreadable, truncated, corrupt, wrong checksum, wrong shape) raises ``MNISTError``
with a one-line message that names the file; the CLI turns it into exit status 2.
"""

from __future__ import annotations

import gzip
import hashlib
import zlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["MNISTError", "MNIST", "FILES", "SHA256", "DEFAULT_DIR", "load", "read_idx"]

DEFAULT_DIR = Path(__file__).resolve().parent / "data" / "mnist"

#: SHA-256 of the uncompressed IDX files, as published in numeric/data/mnist/README.md
SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
FILES = tuple(SHA256)
_SHAPES = {"train-images-idx3-ubyte": (60000, 28, 28), "train-labels-idx1-ubyte": (60000,),
           "t10k-images-idx3-ubyte": (10000, 28, 28), "t10k-labels-idx1-ubyte": (10000,)}


MAX_IDX_BYTES = 64 * 2**20  # read_idx's default bound on the decompressed bytes
_GZIP_SLACK = 4096           # gzip header/trailer over incompressible data


def _expected_bytes(name: str) -> int:
    """Exact size of the uncompressed IDX file ``name``: header (4 + 4 ndim bytes) + one byte per value."""
    shape = _SHAPES[name]
    return 4 + 4 * len(shape) + int(np.prod(shape))


class MNISTError(Exception):
    """A data file is missing, unreadable, truncated, corrupt or does not match its checksum."""


@dataclass(frozen=True)
class MNIST:
    """The four arrays: images as uint8 rows (n, 784) (one sample per row, as stored), labels uint8 (n,).
    ``train_X.T`` is the paper's A_0 layout (m_0 = 784, n) as a view."""

    train_X: np.ndarray
    train_y: np.ndarray
    test_X: np.ndarray
    test_y: np.ndarray


def _locate(data_dir: Path, name: str) -> Path:
    for candidate in (data_dir / f"{name}.gz", data_dir / name):
        if candidate.is_file():
            return candidate
    raise MNISTError(f"{data_dir / (name + '.gz')}: missing (neither {name}.gz nor {name} in {data_dir})")


def _read_bytes(path: Path, limit: int) -> bytes:
    """The (decompressed) bytes of ``path``; never more than ``limit`` + 1 bytes are decompressed, so a
    gzip bomb is refused after reading what an MNIST file can hold."""
    try:
        size = path.stat().st_size
        if size > limit + _GZIP_SLACK:
            raise MNISTError(f"{path}: {size} bytes on disk, more than the {limit} an MNIST file holds")
        if path.suffix != ".gz":
            return path.read_bytes()
        with gzip.open(path, "rb") as fh:
            data = fh.read(limit + 1)
    except EOFError:
        raise MNISTError(f"{path}: truncated gzip stream") from None
    except (gzip.BadGzipFile, zlib.error) as exc:
        raise MNISTError(f"{path}: corrupt gzip data ({exc})") from None
    except OSError as exc:
        raise MNISTError(f"{path}: cannot read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise MNISTError(f"{path}: decompresses to more than {limit} bytes (the most this file can hold); "
                         "refused without reading further")
    return data


def read_idx(path: str | Path, sha256: str | None = None, max_bytes: int = MAX_IDX_BYTES) -> np.ndarray:
    """Read one IDX file (gzip or raw). Checks the header, the size and, if given, the SHA-256 of the
    uncompressed content; at most ``max_bytes`` are decompressed. Returns uint8 (count, rows, cols) for
    images or (count,) for labels."""
    path = Path(path)
    data = _read_bytes(path, max_bytes)
    if len(data) < 8:
        raise MNISTError(f"{path}: truncated ({len(data)} bytes, no IDX header)")
    magic = int.from_bytes(data[:4], "big")
    if magic not in (0x801, 0x803):
        raise MNISTError(f"{path}: not an IDX uint8 file (magic 0x{magic:08x}, expected 0x00000801 or "
                         "0x00000803)")
    ndim = magic & 0xFF
    header = 4 + 4 * ndim
    if len(data) < header:
        raise MNISTError(f"{path}: truncated ({len(data)} bytes, header needs {header})")
    shape = tuple(int.from_bytes(data[4 + 4 * k: 8 + 4 * k], "big") for k in range(ndim))
    expected = header + int(np.prod(shape))
    if len(data) != expected:
        what = "truncated" if len(data) < expected else "has trailing data"
        raise MNISTError(f"{path}: {what} ({len(data)} bytes, header {shape} needs {expected})")
    if sha256 is not None:
        digest = hashlib.sha256(data).hexdigest()
        if digest != sha256:
            raise MNISTError(f"{path}: SHA-256 of the uncompressed content is {digest[:16]}..., expected "
                             f"{sha256[:16]}... (corrupt or not the published MNIST file)")
    return np.frombuffer(data, np.uint8, offset=header).reshape(shape)


def load(data_dir: str | Path | None = None, verify: bool = True) -> MNIST:
    """Load the four MNIST files from ``data_dir`` (default: the package's data/mnist), checking each
    SHA-256 (``verify=False`` skips only the checksum, not the format checks). Raises MNISTError."""
    data_dir = DEFAULT_DIR if data_dir is None else Path(data_dir)
    if not data_dir.is_dir():
        raise MNISTError(f"{data_dir}: MNIST data directory not found")
    arrays = {}
    for name in FILES:
        path = _locate(data_dir, name)
        arr = read_idx(path, SHA256[name] if verify else None, max_bytes=_expected_bytes(name))
        if arr.shape != _SHAPES[name]:
            raise MNISTError(f"{path}: shape {arr.shape}, expected {_SHAPES[name]}")
        arrays[name] = arr
    return MNIST(
        train_X=arrays["train-images-idx3-ubyte"].reshape(-1, 784),
        train_y=arrays["train-labels-idx1-ubyte"],
        test_X=arrays["t10k-images-idx3-ubyte"].reshape(-1, 784),
        test_y=arrays["t10k-labels-idx1-ubyte"],
    )
