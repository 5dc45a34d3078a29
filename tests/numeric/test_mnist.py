"""The IDX reader: the shipped copy, and small fake files (corrupt, truncated, missing, mismatching)."""

import gzip
import hashlib

import numpy as np
import pytest

from numeric import mnist


def idx_bytes(arr: np.ndarray) -> bytes:
    magic = 0x800 | arr.ndim
    head = magic.to_bytes(4, "big") + b"".join(int(d).to_bytes(4, "big") for d in arr.shape)
    return head + arr.astype(np.uint8).tobytes()


@pytest.fixture
def fake_dir(tmp_path, monkeypatch):
    """A complete fake MNIST folder (gzip): 6 training and 4 test images of 28x28; checksums patched in."""
    rng = np.random.default_rng(0)
    arrays = {"train-images-idx3-ubyte": rng.integers(0, 256, (6, 28, 28)),
              "train-labels-idx1-ubyte": rng.integers(0, 10, 6),
              "t10k-images-idx3-ubyte": rng.integers(0, 256, (4, 28, 28)),
              "t10k-labels-idx1-ubyte": rng.integers(0, 10, 4)}
    sums, shapes = {}, {}
    for name, arr in arrays.items():
        raw = idx_bytes(arr)
        (tmp_path / f"{name}.gz").write_bytes(gzip.compress(raw))
        sums[name] = hashlib.sha256(raw).hexdigest()
        shapes[name] = arr.shape
    monkeypatch.setattr(mnist, "SHA256", sums)
    monkeypatch.setattr(mnist, "_SHAPES", shapes)
    return tmp_path, arrays


def test_shipped_copy_loads_and_verifies():
    data = mnist.load()
    assert data.train_X.shape == (60000, 784) and data.test_X.shape == (10000, 784)
    assert data.train_X.dtype == np.uint8
    assert data.train_y[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert data.test_y[:5].tolist() == [7, 2, 1, 0, 4]
    assert np.bincount(data.train_y).tolist()[:3] == [5923, 6742, 5958]


def test_read_gzip_and_raw(tmp_path):
    arr = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    raw = idx_bytes(arr)
    (tmp_path / "a.gz").write_bytes(gzip.compress(raw))
    (tmp_path / "a").write_bytes(raw)
    sha = hashlib.sha256(raw).hexdigest()
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "a.gz", sha), arr)
    np.testing.assert_array_equal(mnist.read_idx(tmp_path / "a", sha), arr)


@pytest.mark.parametrize("damage,message", [
    (lambda raw: gzip.compress(raw)[:-30], "truncated gzip"),
    (lambda raw: b"not gzip at all" * 3, "corrupt gzip"),
    (lambda raw: gzip.compress(raw[:-5]), "truncated"),
    (lambda raw: gzip.compress(raw + b"xx"), "trailing data"),
    (lambda raw: gzip.compress(b"\x00\x00\x09\x03" + raw[4:]), "not an IDX"),
    (lambda raw: gzip.compress(raw[:6]), "truncated"),
    (lambda raw: gzip.compress(raw[:-1] + bytes([raw[-1] ^ 1])), "SHA-256"),
])
def test_damaged_files_name_the_file(tmp_path, damage, message):
    arr = np.arange(60, dtype=np.uint8).reshape(3, 4, 5)
    raw = idx_bytes(arr)
    path = tmp_path / "x-idx3-ubyte.gz"
    path.write_bytes(damage(raw))
    with pytest.raises(mnist.MNISTError, match=message) as exc:
        mnist.read_idx(path, hashlib.sha256(raw).hexdigest())
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def test_fake_folder_loads(fake_dir):
    folder, arrays = fake_dir
    data = mnist.load(folder)
    np.testing.assert_array_equal(data.train_y, arrays["train-labels-idx1-ubyte"])


def test_missing_file(fake_dir):
    folder, _ = fake_dir
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(mnist.MNISTError, match="t10k-labels-idx1-ubyte.*missing"):
        mnist.load(folder)


def test_wrong_checksum_in_folder(fake_dir, monkeypatch):
    folder, _ = fake_dir
    monkeypatch.setitem(mnist.SHA256, "train-labels-idx1-ubyte", "0" * 64)
    with pytest.raises(mnist.MNISTError, match="train-labels-idx1-ubyte.gz: SHA-256"):
        mnist.load(folder)
    assert mnist.load(folder, verify=False).train_y.shape == (6,)


def test_wrong_shape(fake_dir, monkeypatch):
    folder, _ = fake_dir
    monkeypatch.setitem(mnist._SHAPES, "t10k-images-idx3-ubyte", (5, 28, 28))
    with pytest.raises(mnist.MNISTError, match="t10k-images-idx3-ubyte.gz: shape"):
        mnist.load(folder)


def test_missing_folder(tmp_path):
    with pytest.raises(mnist.MNISTError, match="not found"):
        mnist.load(tmp_path / "nowhere")


def test_unreadable_file(fake_dir):
    folder, _ = fake_dir
    target = folder / "train-images-idx3-ubyte.gz"
    target.unlink()
    target.mkdir()  # a directory where a file should be: is_file() is False -> "missing"
    with pytest.raises(mnist.MNISTError, match="missing"):
        mnist.load(folder)
