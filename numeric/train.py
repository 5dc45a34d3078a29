"""Mini-batch training on MNIST: epochs, seeded shuffling, history, checkpoints, L2 and dropout.

Each epoch shuffles the float32 training rows once (a seeded ``numpy.random.Generator`` permutation taken
into a preallocated copy) and then walks contiguous slices, so every batch ``X_rows[i:i+n].T`` is the paper's
A_0 (m_0, n) as a view. Progress goes to an optional ``callback(event, info)`` with events "epoch_start",
"batch" and "epoch_end"; ``should_stop()`` is polled after every batch (the CLI's Ctrl-C handler sets it),
and training then stops with the exact position saved, so ``resume`` continues the same epoch.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from .budget import check_budget
from .checkpoint import CheckpointError, load_npz, save_npz
from .config_check import check_config
from .engine import Engine
from .errors import InvalidArgument
from .functions import check_names
from .optim import learning_rate, make_optimizer
from .threads import blas_threads

__all__ = ["Config", "Trainer", "init_weights", "as_float_data", "one_hot", "accuracy"]


@dataclass
class Config:
    """Everything that defines a training run (stored in checkpoints)."""

    sizes: tuple = (784, 256, 128, 10)
    activation: str = "sigmoid"
    output: str | None = None
    cost: str = "logloss"
    bias: bool = True
    epochs: int = 20
    batch: int = 64
    lr: float = 0.5
    optimizer: str = "momentum"
    momentum: float = 0.9
    schedule: str = "cosine"
    lr_min: float = 0.0
    warmup: float = 0.0
    l2: float = 0.0
    dropout: float = 0.0
    input_dropout: float = 0.0
    normalize: bool = False
    seed: int = 0
    init: str = "glorot"

    @classmethod
    def from_dict(cls, d: dict) -> Config:
        """A checked Config from a mapping (unknown keys ignored); InvalidArgument naming a bad field."""
        if not isinstance(d, Mapping):
            raise InvalidArgument(f"config must be a mapping of options, got {type(d).__name__}")
        known = {f.name for f in fields(cls)}
        cfg = cls(**{k: v for k, v in d.items() if k in known})
        check_config(cfg)
        return cfg


def init_weights(sizes, rng: np.random.Generator, activation: str = "sigmoid", scheme: str = "glorot",
                 dtype=np.float32) -> list[np.ndarray]:
    """Glorot uniform (U(+-sqrt(6/(m_N + m_{N+1})))) or He normal (relu) weights W_N (m_{N+1}, m_N)."""
    W = []
    for N in range(len(sizes) - 1):
        fan_in, fan_out = sizes[N], sizes[N + 1]
        if scheme == "he" or (scheme == "auto" and activation == "relu"):
            w = rng.standard_normal((fan_out, fan_in)) * np.sqrt(2.0 / fan_in)
        elif scheme in ("glorot", "auto"):
            limit = np.sqrt(6.0 / (fan_in + fan_out))
            w = rng.uniform(-limit, limit, (fan_out, fan_in))
        else:
            raise ValueError(f"unknown init {scheme!r}; choose glorot, he or auto")
        W.append(w.astype(dtype))
    return W


def as_float_data(X_uint8: np.ndarray, dtype=np.float32, out: np.ndarray | None = None) -> np.ndarray:
    """Pixels 0..255 -> [0, 1] floats, rows kept: (n, 784); into ``out`` (of ``dtype``) when given."""
    if out is None:
        out = np.empty(X_uint8.shape, dtype)
    np.multiply(X_uint8, dtype(1.0 / 255.0), out=out)
    return out


def one_hot(labels: np.ndarray, classes: int = 10, dtype=np.float32) -> np.ndarray:
    """Labels (n,) -> one-hot rows (n, classes) (the transpose is Y of the paper, (m_L, n))."""
    Y = np.zeros((labels.shape[0], classes), dtype)
    Y[np.arange(labels.shape[0]), labels] = 1
    return Y


def accuracy(outputs: np.ndarray, labels: np.ndarray) -> float:
    """Fraction of rows of ``outputs`` (n, m_L) whose argmax equals the label."""
    return float(np.mean(outputs.argmax(axis=1) == labels))


@dataclass
class Trainer:
    """A model (W, b) plus its optimizer, RNG streams, position and history; ``fit`` trains it."""

    config: Config
    W: list = field(default_factory=list)
    b: list | None = None
    epoch: int = 0
    batch_index: int = 0
    history: list = field(default_factory=list)
    rng_state: dict | None = None
    partial: tuple = (0.0, 0.0, 0.0, 0.0)  # running loss sum, correct, seen, seconds of a stopped epoch

    def __post_init__(self):
        cfg = self.config
        if not isinstance(cfg, Config):
            raise InvalidArgument(f"config must be a numeric.Config, got {type(cfg).__name__}")
        check_config(cfg)
        check_budget(cfg)
        self.output = check_names(cfg.activation, cfg.cost, cfg.output)
        self.rng = np.random.default_rng(cfg.seed)
        if not self.W:
            self.W = init_weights(cfg.sizes, self.rng, cfg.activation, cfg.init)
            self.b = [np.zeros((m, 1), np.float32) for m in cfg.sizes[1:]] if cfg.bias else None
        self.params = self.W + (self.b or [])
        self.drop_rng = np.random.default_rng([cfg.seed, 1])
        self.opt = make_optimizer(cfg.optimizer, self.params, cfg.momentum)
        self.engine = Engine(cfg.sizes, cfg.activation, self.output, cfg.cost, cfg.dropout, self.drop_rng,
                             input_dropout=cfg.input_dropout, normalize=cfg.normalize)
        self._l2_scratch = [np.empty_like(w) for w in self.W] if cfg.l2 else []

    # -- training ---------------------------------------------------------------------------------------
    def _update(self, lr: float) -> None:
        eng = self.engine
        if self.config.l2:  # grad of (l2/2)||W||^2 added to grad_W
            for w, g, s in zip(self.W, eng.grad_W, self._l2_scratch, strict=True):
                np.multiply(w, self.config.l2, out=s)
                g += s
        grads = eng.grad_W + (eng.grad_b if self.b is not None else [])
        self.opt.step(self.params, grads, lr)

    def fit(self, X, y, X_test=None, y_test=None, callback=None, should_stop=None,
            report_every: int = 25, threads: int | None = 1) -> bool:
        """Train on rows X (n, 784) (uint8 pixels or floats in [0, 1]) with labels y until
        ``config.epochs``; evaluates the test set after each epoch. Returns True when finished, False
        when stopped by ``should_stop``. ``threads``: BLAS threads during training (None: unchanged)."""
        with blas_threads(threads):
            return self._fit(X, y, X_test, y_test, callback, should_stop, report_every)

    def _fit(self, X, y, X_test, y_test, callback, should_stop, report_every) -> bool:
        cfg, eng = self.config, self.engine
        Y = one_hot(y, cfg.sizes[-1])
        Xs, raw, Ys, ys = self._shuffle_buffers(X, Y, y)
        n_total = X.shape[0]
        batches = -(-n_total // cfg.batch)
        while self.epoch < cfg.epochs:
            if self.rng_state is None:
                self.rng_state = self.rng.bit_generator.state
            else:
                self.rng.bit_generator.state = self.rng_state
            t0 = time.perf_counter()
            perm = self.rng.permutation(n_total)
            if raw is None:
                np.take(X, perm, axis=0, out=Xs)
            else:  # gather the uint8 rows (4x less memory traffic), then scale to [0, 1] in one pass
                np.take(X, perm, axis=0, out=raw)
                as_float_data(raw, out=Xs)
            eng.standardize(Xs)  # a no-op unless config.normalize
            np.take(Y, perm, axis=0, out=Ys)
            np.take(y, perm, out=ys)
            if callback:
                callback("epoch_start", {"epoch": self.epoch, "batches": batches, "done": self.batch_index})
            # a resumed epoch continues the interrupted one's running sums, so its history record equals
            # an uninterrupted run's
            loss_sum, correct, seen, before = self.partial if self.batch_index else (0.0, 0.0, 0.0, 0.0)
            lr = learning_rate(cfg.lr, self.epoch, cfg.epochs, cfg.schedule, cfg.lr_min, warmup=cfg.warmup)
            for k in range(self.batch_index, batches):
                i = k * cfg.batch
                A0, Yb = Xs[i:i + cfg.batch].T, Ys[i:i + cfg.batch].T
                lr = learning_rate(cfg.lr, self.epoch + k / batches, cfg.epochs, cfg.schedule, cfg.lr_min,
                                   warmup=cfg.warmup)
                eng.forward(self.W, self.b, A0, train=True)
                eng.backward(self.W, A0, Yb, self.b is not None)
                loss, right = eng.batch_stats(Yb, ys[i:i + cfg.batch])
                n = A0.shape[1]
                loss_sum, correct, seen = loss_sum + loss * n, correct + right, seen + n
                self._update(lr)
                self.batch_index = k + 1
                if callback and (self.batch_index % report_every == 0 or self.batch_index == batches):
                    callback("batch", {"epoch": self.epoch, "batch": self.batch_index, "batches": batches,
                                       "loss": loss_sum / seen, "accuracy": correct / seen, "lr": lr})
                if should_stop is not None and should_stop() and self.batch_index < batches:
                    self.partial = (loss_sum, correct, seen, before + time.perf_counter() - t0)
                    return False
            seconds = before + time.perf_counter() - t0
            record = {"epoch": self.epoch + 1, "seconds": seconds, "loss": loss_sum / max(seen, 1),
                      "train_accuracy": correct / max(seen, 1), "lr": lr}
            if X_test is not None:
                t1 = time.perf_counter()
                out = eng.predict(self.W, self.b, X_test)
                record["test_accuracy"] = accuracy(out, y_test)
                record["eval_seconds"] = time.perf_counter() - t1
            self.history.append(record)
            self.epoch += 1
            self.batch_index = 0
            self.rng_state = None
            if callback:
                callback("epoch_end", record)
            if should_stop is not None and should_stop() and self.epoch < cfg.epochs:
                return False
        return True

    def _shuffle_buffers(self, X, Y, y):
        """The per-epoch shuffled copies (float rows, uint8 rows or None, one-hot rows, labels), allocated
        once and kept across ``fit`` calls (and touched now, so page faults do not land in epoch 1)."""
        key = (X.shape, X.dtype.str, Y.shape, y.dtype.str)
        if getattr(self, "_shuffled_key", None) != key:
            bufs = [np.empty(X.shape, np.float32), np.empty_like(X) if X.dtype == np.uint8 else None,
                    np.empty_like(Y), np.empty_like(y)]
            for buf in bufs:
                if buf is not None:
                    buf.fill(0)  # first touch here, not inside the first timed epoch
            self._shuffled = tuple(bufs)
            self._shuffled_key = key
        return self._shuffled

    def predict(self, X_rows: np.ndarray) -> np.ndarray:
        """Output activations (n, m_L) for float rows (n, m_0)."""
        return self.engine.predict(self.W, self.b, X_rows)

    # -- persistence ------------------------------------------------------------------------------------
    def save(self, path) -> None:
        """Write model + optimizer + RNG + position + history atomically (a checkpoint is also a model)."""
        arrays = {f"W{N}": w for N, w in enumerate(self.W)}
        if self.b is not None:
            arrays.update({f"b{N}": b for N, b in enumerate(self.b)})
        arrays.update({f"opt_{k}": v for k, v in self.opt.state().items()})
        meta = {"format": "numeric-model/1", "sizes": list(self.config.sizes),
                "activation": self.config.activation, "output": self.output, "cost": self.config.cost,
                "config": asdict(self.config), "epoch": self.epoch, "batch_index": self.batch_index,
                "history": self.history, "rng": self.rng_state or self.rng.bit_generator.state,
                "mid_epoch": self.rng_state is not None, "drop_rng": self.drop_rng.bit_generator.state,
                "partial": list(self.partial)}
        save_npz(path, arrays, meta)

    @classmethod
    def load(cls, path, **overrides) -> Trainer:
        """Rebuild a Trainer from ``save``; ``overrides`` change config fields (e.g. epochs). Every field
        of the checkpoint is checked first (CheckpointError naming the file and the key)."""
        arrays, meta = load_npz(path)
        if "config" not in meta:
            raise CheckpointError(f"{path}: a model without training state; cannot resume from it")
        cfg = _config_of(path, meta, arrays, overrides)
        state = _training_state(path, meta, cfg)
        L = len(cfg.sizes) - 1
        W = [arrays[f"W{N}"].astype(np.float32) for N in range(L)]
        b = [arrays[f"b{N}"].astype(np.float32).reshape(-1, 1) for N in range(L)] if cfg.bias else None
        tr = cls(cfg, W=W, b=b, epoch=state["epoch"], batch_index=state["batch_index"],
                 history=state["history"], partial=state["partial"])
        opt = {k[4:]: v for k, v in arrays.items() if k.startswith("opt_")}
        for key, current in tr.opt.state().items():
            if key not in opt or np.shape(opt[key]) != np.shape(current):
                raise CheckpointError(f"{path}: opt_{key} missing or not of shape {np.shape(current)}")
        tr.opt.load_state(opt)
        try:
            if meta.get("mid_epoch"):
                tr.rng.bit_generator.state = meta["rng"]  # checked here, restored at the next fit
                tr.rng_state = meta["rng"]
            else:
                tr.rng.bit_generator.state = meta["rng"]
            tr.drop_rng.bit_generator.state = meta["drop_rng"]
        except (KeyError, TypeError, ValueError) as exc:
            raise CheckpointError(f"{path}: rng/drop_rng is not a numpy PCG64 state ({exc})") from None
        return tr

    @classmethod
    def load_model(cls, path) -> Trainer:
        """A Trainer holding a saved model (or checkpoint) for prediction; every key checked on load."""
        arrays, meta = load_npz(path)
        saved = {k: meta[k] for k in ("activation", "cost") if k in meta}
        if "config" not in meta:  # a bare model: its configuration is the top-level meta
            meta = {**meta, "config": {**saved, "sizes": meta["sizes"], "bias": "b0" in arrays}}
        cfg = _config_of(path, meta, arrays, {})
        for key, value in saved.items():
            if getattr(cfg, key) != value:
                raise CheckpointError(f"{path}: meta.{key} {value!r} differs from meta.config.{key} "
                                      f"{getattr(cfg, key)!r}")
        L = len(cfg.sizes) - 1
        W = [arrays[f"W{N}"].astype(np.float32) for N in range(L)]
        b = [arrays[f"b{N}"].astype(np.float32).reshape(-1, 1) for N in range(L)] if cfg.bias else None
        return cls(cfg, W=W, b=b)


def _config_of(path, meta: dict, arrays: dict, overrides: dict) -> Config:
    if not isinstance(meta.get("config"), dict):
        raise CheckpointError(f"{path}: meta.config must be a mapping of options, "
                              f"got {type(meta.get('config')).__name__}")
    try:
        cfg = Config.from_dict({**meta["config"], **overrides})
    except InvalidArgument as exc:
        raise CheckpointError(f"{path}: meta.config: {exc}") from None
    if list(cfg.sizes) != list(meta["sizes"]):
        raise CheckpointError(f"{path}: meta.config.sizes {list(cfg.sizes)} differ from meta.sizes "
                              f"{meta['sizes']}")
    if cfg.bias != ("b0" in arrays):
        raise CheckpointError(f"{path}: meta.config.bias is {cfg.bias} but the file has "
                              f"{'' if 'b0' in arrays else 'no '}biases b_N")
    return cfg


def _training_state(path, meta: dict, cfg: Config) -> dict:
    """epoch, batch_index, history and partial sums of a checkpoint, each checked."""
    batches = -(-60_000 // cfg.batch)
    out = {}
    for key, high in (("epoch", cfg.epochs), ("batch_index", batches)):
        value = meta.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= high:
            raise CheckpointError(f"{path}: meta.{key} must be an integer in 0..{high}, got {value!r}"
                                  + (" (use --epochs above it)" if key == "epoch" else ""))
        out[key] = value
    history = meta.get("history")
    if not isinstance(history, list) or len(history) != out["epoch"] or not all(
            isinstance(h, dict) and all(isinstance(v, (int, float)) and np.isfinite(v) for v in h.values())
            for h in history):
        raise CheckpointError(f"{path}: meta.history must be {out['epoch']} records of finite numbers")
    out["history"] = list(history)
    partial = meta.get("partial", [0.0, 0.0, 0.0, 0.0])
    if (not isinstance(partial, list) or len(partial) != 4 or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and np.isfinite(v) and v >= 0
            for v in partial)):
        raise CheckpointError(f"{path}: meta.partial must be 4 finite numbers >= 0")
    out["partial"] = tuple(float(v) for v in partial)
    if not isinstance(meta.get("mid_epoch", False), bool):
        raise CheckpointError(f"{path}: meta.mid_epoch must be true or false")
    return out
