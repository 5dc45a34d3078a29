"""Training on a subset of the shipped MNIST: learns far above chance, deterministic, save/load/resume."""

import numpy as np
import pytest

from numeric import mnist
from numeric.checkpoint import CheckpointError
from numeric.train import Config, Trainer, accuracy, as_float_data


@pytest.fixture(scope="module")
def subset():
    data = mnist.load()
    return (data.train_X[:6000], data.train_y[:6000].astype(np.int64), as_float_data(data.test_X[:2000]),
            data.test_y[:2000])


def small(**kw):
    base = {"sizes": (784, 48, 24, 10), "epochs": 3, "lr": 0.1, "optimizer": "nesterov", "batch": 32}
    return Config.from_dict({**base, **kw})


def test_learns_far_above_chance(subset):
    X, y, Xt, yt = subset
    events = []
    tr = Trainer(small())
    assert tr.fit(X, y, Xt, yt, callback=lambda e, info: events.append(e)) is True
    assert tr.history[-1]["test_accuracy"] > 0.85          # chance is 0.10
    assert [h["epoch"] for h in tr.history] == [1, 2, 3]
    assert tr.history[0]["loss"] > tr.history[-1]["loss"]
    assert events.count("epoch_end") == 3 and "batch" in events
    assert all(w.dtype == np.float32 for w in tr.W)


@pytest.mark.parametrize("kw", [{"optimizer": "adam", "lr": 0.005, "dropout": 0.2},
                                {"cost": "softmax_ce", "l2": 1e-4, "bias": False, "normalize": True},
                                {"activation": "relu", "cost": "mse", "output": "identity", "lr": 0.05,
                                 "optimizer": "momentum", "init": "auto"}])
def test_variants_learn(subset, kw):
    X, y, Xt, yt = subset
    tr = Trainer(small(epochs=2, **kw))
    tr.fit(X, y, Xt, yt)
    assert tr.history[-1]["test_accuracy"] > 0.75


def test_same_seed_same_weights_float_or_uint8_input(subset):
    X, y, _, _ = subset
    a, b = Trainer(small(epochs=1)), Trainer(small(epochs=1))
    a.fit(X, y)
    b.fit(as_float_data(X), y)
    for wa, wb in zip(a.W, b.W, strict=True):
        np.testing.assert_array_equal(wa, wb)


@pytest.mark.parametrize("kw", [{}, {"optimizer": "adam", "lr": 0.002, "dropout": 0.3}])
def test_interrupt_save_resume_is_exact(subset, tmp_path, kw):
    """Stopping mid-epoch, saving, loading and continuing gives the same weights as an uninterrupted run."""
    X, y, Xt, yt = subset
    ref = Trainer(small(epochs=2, **kw))
    ref.fit(X, y, Xt, yt)
    calls = {"n": 0}

    def stop_after_70():
        calls["n"] += 1
        return calls["n"] >= 70
    tr = Trainer(small(epochs=2, **kw))
    assert tr.fit(X, y, Xt, yt, should_stop=stop_after_70) is False
    assert (tr.epoch, tr.batch_index) == (0, 70)
    tr.save(tmp_path / "ck.npz")
    back = Trainer.load(tmp_path / "ck.npz")
    assert (back.epoch, back.batch_index) == (0, 70)
    assert back.fit(X, y, Xt, yt) is True
    for wa, wb in zip(ref.W + ref.b, back.W + back.b, strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert back.history[-1]["test_accuracy"] == ref.history[-1]["test_accuracy"]


def test_save_after_training_then_extend(subset, tmp_path):
    X, y, Xt, yt = subset
    tr = Trainer(small(epochs=1, normalize=True))
    tr.fit(X, y, Xt, yt)
    tr.save(tmp_path / "m.npz")
    assert not list(tmp_path.glob(".*tmp"))  # no temp file left behind
    back = Trainer.load(tmp_path / "m.npz", epochs=2)
    np.testing.assert_allclose(accuracy(back.predict(Xt), yt), tr.history[-1]["test_accuracy"])
    back.fit(X, y, Xt, yt)
    assert len(back.history) == 2


def test_load_errors(tmp_path):
    with pytest.raises(CheckpointError, match="no such model"):
        Trainer.load(tmp_path / "none.npz")
    (tmp_path / "bad.npz").write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="bad.npz: not a readable"):
        Trainer.load(tmp_path / "bad.npz")
    np.savez(tmp_path / "other.npz", x=np.ones(3))
    with pytest.raises(CheckpointError, match="no 'meta'"):
        Trainer.load(tmp_path / "other.npz")
