"""The hardening cases: bad options, hostile files, faults and interrupts over every CLI and the public API.

Each entry is a :class:`hardening_harness.Case` with its documented outcome (exit 2 and one line for bad
input, 130 for Ctrl-C, the package's InvalidArgument for the API). Files are crafted in the case's own
folder; MNIST is replaced by a small synthetic set (``tiny_mnist``) only where a run has to train.
"""

from __future__ import annotations

import gzip
import json
import math
import zipfile
from pathlib import Path

import numpy as np
from hardening_harness import Case

NAN = float("nan")


def cli(package, name, args, exit=2, needle="", **kw) -> Case:
    return Case(name, "cli", package, argv=lambda tmp, a=tuple(args): [str(x).format(tmp=tmp) for x in a],
                exit=exit, needle=needle, **kw)


def api(package, name, fn, needle="", **kw) -> Case:
    return Case(name, "api", package, call=fn, needle=needle, **kw)


# -- derive: CLI -------------------------------------------------------------------------------------------
DERIVE_CLI = [
    cli("derive", "budget nan", ["--budget", "nan"], needle="finite"),
    cli("derive", "budget inf", ["--budget", "inf"], needle="finite"),
    cli("derive", "budget -1", ["--budget", "-1"], needle="budget"),
    cli("derive", "budget 0", ["--budget", "0"], needle="budget"),
    cli("derive", "budget 1e9", ["--budget", "1e9"], needle="budget"),
    cli("derive", "budget text", ["--budget", "soon"], needle="budget"),
    cli("derive", "workers 100000", ["--workers", "100000"], needle="workers"),
    cli("derive", "workers 0", ["--workers", "0"], needle="workers"),
    cli("derive", "workers -3", ["--workers", "-3"], needle="workers"),
    cli("derive", "workers 1.5", ["--workers", "1.5"], needle="workers"),
    cli("derive", "sizes 3,-2", ["--sizes", "3,-2"], needle="positive"),
    cli("derive", "sizes 3,0,2", ["--sizes", "3,0,2"], needle="positive"),
    cli("derive", "sizes 3.5,2", ["--sizes", "3.5,2"], needle="integers"),
    cli("derive", "sizes one layer", ["--sizes", "3"], needle="weight matrix"),
    cli("derive", "sizes empty", ["--sizes", ","], needle="integers"),
    cli("derive", "sizes 1e9 nodes", ["--sizes", "1000000000,2"], needle="100000"),
    cli("derive", "sizes 65 layers", ["--sizes", ",".join(["2"] * 65)], needle="64"),
    cli("derive", "sizes huge digits", ["--sizes", "3," + "9" * 5000], needle="sizes"),
    cli("derive", "sizes over budget", ["--sizes", "40,40,40,10", "--batch", "8"], needle="estimated"),
    cli("derive", "sizes over symbol limit", ["--sizes", "2000,2000", "--budget", "86400"], needle="symbols"),
    cli("derive", "batch 0", ["--batch", "0"], needle="batch"),
    cli("derive", "batch -1", ["--batch", "-1"], needle="batch"),
    cli("derive", "batch 1e9", ["--batch", "1000000000"], needle="batch"),
    cli("derive", "batch 2.5", ["--batch", "2.5"], needle="batch"),
    cli("derive", "activation unknown", ["--activation", "swish"], needle="activation"),
    cli("derive", "cost unknown", ["--cost", "hinge"], needle="cost"),
    cli("derive", "output activation with softmax", ["--cost", "softmax_ce", "--output-activation", "tanh"],
        needle="softmax"),
    cli("derive", "entry without latex", ["--entry", "0,1,1"], needle="--latex"),
    cli("derive", "entry outside", ["--latex", "--entry", "5,1,1"], needle="entry"),
    cli("derive", "entry 0.5", ["--latex", "--entry", "0,0.5,1"], needle="integers"),
    cli("derive", "entry two numbers", ["--latex", "--entry", "0,1"], needle="entry"),
    cli("derive", "unknown option", ["--bogus"], needle="unrecognized"),
    cli("derive", "Ctrl-C during the proof", ["--sizes", "2,1", "--batch", "1"], exit=130,
        needle="interrupted", patches=(("derive.__main__.prove", lambda tmp: _raise(KeyboardInterrupt)),)),
    cli("derive", "Ctrl-C while building", ["--sizes", "2,1", "--batch", "1"], exit=130,
        needle="interrupted",
        patches=(("derive.__main__.build_network", lambda tmp: _raise(KeyboardInterrupt)),)),
    cli("derive", "out of memory", ["--sizes", "2,1", "--batch", "1"], exit=2, needle="memory",
        patches=(("derive.__main__.prove", lambda tmp: _raise(MemoryError)),)),
]


def _raise(exc_type):
    def fn(*args, **kwargs):
        raise exc_type()
    return fn


# -- derive: API -------------------------------------------------------------------------------------------
def _derive(name, *args, **kwargs):
    import derive
    return getattr(derive, name)(*args, **kwargs)


def _net():
    import derive
    return derive.build_network((2, 1), 1)


def _gta(**kw):
    import derive
    args = {"sizes": (3, 2, 1), "weights": [np.full((2, 3), 0.1), np.full((1, 2), 0.2)], "X": np.ones((3, 2)),
            "Y": np.full((1, 2), 0.5)}
    args.update(kw)
    return derive.ground_truth_at(**args)


DERIVE_API = [
    api("derive", "build_network size 3.5", lambda t: _derive("build_network", (3, 3.5), 1), "sizes"),
    api("derive", "build_network size 3.0", lambda t: _derive("build_network", (3, 3.0), 1), "sizes"),
    api("derive", "build_network size -2", lambda t: _derive("build_network", (3, -2), 1), "sizes"),
    api("derive", "build_network size 0", lambda t: _derive("build_network", (3, 0), 1), "sizes"),
    api("derive", "build_network size True", lambda t: _derive("build_network", (3, True), 1), "sizes"),
    api("derive", "build_network size complex", lambda t: _derive("build_network", (3, 2 + 1j), 1), "sizes"),
    api("derive", "build_network sizes str", lambda t: _derive("build_network", "3,2", 1), "sizes"),
    api("derive", "build_network sizes None", lambda t: _derive("build_network", None, 1), "sizes"),
    api("derive", "build_network 1e9 nodes", lambda t: _derive("build_network", (10**9, 2), 1), "100000"),
    api("derive", "build_network n 0", lambda t: _derive("build_network", (3, 2), 0), "batch"),
    api("derive", "build_network n 0.5", lambda t: _derive("build_network", (3, 2), 0.5), "batch"),
    api("derive", "build_network n 1e9", lambda t: _derive("build_network", (3, 2), 10**9), "batch"),
    api("derive", "build_network symbols", lambda t: _derive("build_network", (1200, 1000), 1), "symbols"),
    api("derive", "build_network activation", lambda t: _derive("build_network", (3, 2), 1, "swish"),
        "activation"),
    api("derive", "build_network activation list", lambda t: _derive("build_network", (3, 2), 1, ["x"]),
        "activation"),
    api("derive", "build_network cost", lambda t: _derive("build_network", (3, 2), 1, cost="hinge"), "cost"),
    api("derive", "prove workers 100000", lambda t: _derive("prove", _net(), workers=100000), "workers"),
    api("derive", "prove workers 0", lambda t: _derive("prove", _net(), workers=0), "workers"),
    api("derive", "prove workers 1.5", lambda t: _derive("prove", _net(), workers=1.5), "workers"),
    api("derive", "prove budget nan", lambda t: _derive("prove", _net(), budget=NAN), "finite"),
    api("derive", "prove not a network", lambda t: _derive("prove", "net"), "Network"),
    api("derive", "prove closed wrong", lambda t: _derive("prove", _net(), closed=[1, 2]), "closed"),
    api("derive", "closed_form not a network", lambda t: _derive("closed_form", None), "Network"),
    api("derive", "ground_truth not a network", lambda t: _derive("ground_truth", {}), "Network"),
    api("derive", "estimate_seconds size 0", lambda t: _derive("estimate_seconds", (3, 0), 1), "sizes"),
    api("derive", "ground_truth_at entry 0.5", lambda t: _gta(entries=[(0, 0.5, 0)]), "integers"),
    api("derive", "ground_truth_at entry outside", lambda t: _gta(entries=[(0, 5, 0)]), "outside"),
    api("derive", "ground_truth_at complex", lambda t: _gta(X=np.ones((3, 2)) * (1 + 1j)), "real"),
    api("derive", "ground_truth_at NaN", lambda t: _gta(Y=np.full((1, 2), NAN)), "NaN"),
    api("derive", "ground_truth_at dps 0", lambda t: _gta(dps=0), "dps"),
    api("derive", "ground_truth_at dps 1e6", lambda t: _gta(dps=10**6), "dps"),
    api("derive", "ground_truth_at method", lambda t: _gta(method="magic"), "method"),
    api("derive", "ground_truth_at shapes", lambda t: _gta(sizes=(3, 3, 1)), "shape"),
]


# -- numeric: files ----------------------------------------------------------------------------------------
_MODEL: dict = {}


def _base_model() -> tuple[dict, dict]:
    """Arrays and meta of a real 784-16-10 checkpoint (saved once, then copied per case)."""
    if not _MODEL:
        import tempfile

        from numeric.train import Config, Trainer
        with tempfile.TemporaryDirectory() as d:
            Trainer(Config(sizes=(784, 16, 10), epochs=2, optimizer="momentum")).save(Path(d) / "m.npz")
            with np.load(Path(d) / "m.npz", allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
        _MODEL["meta"] = json.loads(str(arrays.pop("meta")))
        _MODEL["arrays"] = arrays
    return {k: v.copy() for k, v in _MODEL["arrays"].items()}, json.loads(json.dumps(_MODEL["meta"]))


def model_file(edit, name="model.npz"):
    """setup(tmp): writes the base model changed by edit(arrays, meta) (which may return new meta text)."""
    def setup(tmp: Path) -> None:
        arrays, meta = _base_model()
        meta_text = edit(arrays, meta)
        np.savez(tmp / name, meta=np.array(meta_text if isinstance(meta_text, str) else json.dumps(meta)),
                 **arrays)
    return setup


def _set(key, value):
    def edit(arrays, meta):
        arrays[key] = value
    return edit


def _drop(key):
    def edit(arrays, meta):
        del arrays[key]
    return edit


def _meta(path, value):
    def edit(arrays, meta):
        target = meta
        for part in path[:-1]:
            target = target[part]
        target[path[-1]] = value
    return edit


def _five_classes(arrays, meta):
    rng = np.random.default_rng(0)
    arrays["W1"] = rng.normal(size=(5, 16)).astype(np.float32)
    arrays["b1"] = np.zeros((5, 1), np.float32)
    meta["sizes"] = [784, 16, 5]
    meta["config"]["sizes"] = [784, 16, 5]
    for k in [k for k in arrays if k.startswith("opt_")]:
        del arrays[k]


FOREIGN = [  # (name, edit, words of the message)
    ("W1 missing", _drop("W1"), "W1"),
    ("W0 wrong shape", _set("W0", np.zeros((16, 783), np.float32)), "W0"),
    ("W0 integers", _set("W0", np.zeros((16, 784), np.int64)), "W0"),
    ("W0 strings", _set("W0", np.full((16, 784), "x")), "W0"),
    ("W0 complex", _set("W0", np.zeros((16, 784), np.complex64)), "W0"),
    ("b1 NaN", _set("b1", np.full((10, 1), NAN, np.float32)), "b1"),
    ("W0 inf", _set("W0", np.full((16, 784), np.inf, np.float32)), "W0"),
    ("b0 missing", _drop("b0"), "b0"),
    ("extra W2", _set("W2", np.zeros((3, 10), np.float32)), "W2"),
    ("opt state NaN", _set("opt_v0", np.full((16, 784), NAN, np.float32)), "opt_v0"),
    ("meta not JSON", lambda a, m: "{not json", "meta"),
    ("meta a list", lambda a, m: "[1, 2, 3]", "meta"),
    ("format unknown", _meta(["format"], "other/9"), "format"),
    ("sizes strings", _meta(["sizes"], ["784", "16", "10"]), "sizes"),
    ("sizes 3.5", _meta(["sizes"], [784, 16.5, 10]), "sizes"),
    ("sizes missing", lambda a, m: json.dumps({k: v for k, v in m.items() if k != "sizes"}), "sizes"),
    ("config not a mapping", _meta(["config"], [1, 2]), "config"),
    ("config batch 0", _meta(["config", "batch"], 0), "batch"),
    ("config lr NaN", _meta(["config", "lr"], NAN), "lr"),
    ("config activation unknown", _meta(["config", "activation"], "swish"), "activation"),
    ("config sizes differ", _meta(["config", "sizes"], [784, 17, 10]), "sizes"),
    ("config bias without biases", lambda a, m: [a.pop(f"b{N}") for N in range(2)] and None, "bias"),
    ("activation a number", _meta(["activation"], 3), "activation"),
    ("five classes", _five_classes, "10 classes"),
]


def _zip_with(entries: dict):
    def setup(tmp: Path) -> None:
        with zipfile.ZipFile(tmp / "model.npz", "w") as zf:
            for name, data in entries.items():
                zf.writestr(name, data)
    return setup


def _pickled(tmp: Path) -> None:
    arrays, meta = _base_model()
    arrays["W0"] = np.array([{"evil": 1}] * 3, dtype=object)
    np.savez(tmp / "model.npz", meta=np.array(json.dumps(meta)), **arrays)


HOSTILE = [  # (name, setup, words)
    ("not a zip", lambda t: (t / "model.npz").write_bytes(b"garbage" * 10), "readable"),
    ("empty file", lambda t: (t / "model.npz").write_bytes(b""), "readable"),
    ("pickled object array", _pickled, "W0"),
    ("unknown member", _zip_with({"meta.npy": b"", "evil.py": b"print(1)"}), "evil"),
    ("no meta", _zip_with({"W0.npy": b""}), "meta"),
]

RESUME_ONLY = [  # checkpoint fields only --resume reads
    ("epoch -1", _meta(["epoch"], -1), "epoch"),
    ("epoch beyond", _meta(["epoch"], 99), "epoch"),
    ("batch_index huge", _meta(["batch_index"], 10**9), "batch_index"),
    ("history not a list", _meta(["history"], "none"), "history"),
    ("rng garbage", _meta(["rng"], {"bit_generator": "MT19937x", "state": 1}), "rng"),
    ("opt state wrong shape", _set("opt_v0", np.zeros((3, 3), np.float32)), "opt_v0"),
    ("opt state missing", _drop("opt_v1"), "opt_v1"),
    ("partial garbage", _meta(["partial"], [1, 2]), "partial"),
    ("no config", lambda a, m: json.dumps({k: v for k, v in m.items() if k != "config"}), "resume"),
]

NUMERIC_FILES = (
    [cli("numeric", f"evaluate: {n}", ["evaluate", "model.npz"], needle=w, setup=model_file(e))
     for n, e, w in FOREIGN]
    + [cli("numeric", f"resume: {n}", ["train", "--resume", "model.npz"], needle=w, setup=model_file(e))
       for n, e, w in FOREIGN[:12] + RESUME_ONLY]
    + [cli("numeric", f"evaluate: {n}", ["evaluate", "model.npz"], needle=w, setup=s) for n, s, w in HOSTILE]
    + [cli("numeric", "evaluate: zip bomb", ["evaluate", "model.npz"], needle="limit",
           setup=model_file(lambda a, m: None),
           patches=(("numeric.checkpoint.MAX_FILE_BYTES", lambda tmp: 100_000),)),
       cli("numeric", "evaluate: missing file", ["evaluate", "nothere.npz"], needle="no such"),
       cli("numeric", "evaluate: a directory", ["evaluate", "{tmp}"], needle="no such"),
       cli("numeric", "resume: missing file", ["train", "--resume", "nothere.npz"], needle="no such"),
       cli("numeric", "resume: option changed", ["train", "--resume", "model.npz", "--lr", "0.1"],
           needle="only --epochs", setup=model_file(lambda a, m: None))]
)


# -- numeric: MNIST ----------------------------------------------------------------------------------------
def _mnist_dir(images: bytes | None, compress=True):
    def setup(tmp: Path) -> None:
        d = tmp / "mnist"
        d.mkdir()
        if images is not None:
            name = "train-images-idx3-ubyte" + (".gz" if compress else "")
            (d / name).write_bytes(gzip.compress(images, 1) if compress else images)
    return setup


_COUNT = {"bytes": 0}


def _counting_gzip(tmp):
    real = gzip.open
    _COUNT["bytes"] = 0

    class Counting:
        def __init__(self, *args, **kwargs):
            self.fh = real(*args, **kwargs)

        def read(self, n=-1):
            data = self.fh.read(n)
            _COUNT["bytes"] += len(data)
            return data

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

    return Counting


def _bomb_bounded(tmp, res):
    expected = 16 + 60000 * 784
    if _COUNT["bytes"] > expected + 1:
        return ("work lost", f"decompressed {_COUNT['bytes']} bytes of a bomb (bound {expected + 1})")
    return None


IDX_HEADER = (0x803).to_bytes(4, "big") + b"".join(v.to_bytes(4, "big") for v in (60000, 28, 28))
NUMERIC_DATA = [
    cli("numeric", "data: folder missing", ["train", "--data", "nowhere"], needle="not found"),
    cli("numeric", "data: file missing", ["train", "--data", "mnist"], needle="missing",
        setup=_mnist_dir(None)),
    cli("numeric", "data: gzip bomb", ["train", "--data", "mnist"], needle="more than",
        setup=_mnist_dir(IDX_HEADER + bytes(60 * 2**20)),
        patches=(("numeric.mnist.gzip.open", _counting_gzip),), check=_bomb_bounded),
    cli("numeric", "data: raw file too large", ["train", "--data", "mnist"], needle="more than",
        setup=_mnist_dir(IDX_HEADER + bytes(48 * 2**20), compress=False)),
    cli("numeric", "data: truncated gzip", ["train", "--data", "mnist"], needle="truncated",
        setup=lambda t: (_mnist_dir(None)(t), (t / "mnist/train-images-idx3-ubyte.gz").write_bytes(
            gzip.compress(IDX_HEADER + bytes(1000))[:200]))),
    cli("numeric", "data: not gzip", ["train", "--data", "mnist"], needle="gzip",
        setup=lambda t: (_mnist_dir(None)(t), (t / "mnist/train-images-idx3-ubyte.gz").write_bytes(
            b"not gzip at all" * 10))),
    cli("numeric", "data: wrong magic", ["train", "--data", "mnist"], needle="magic",
        setup=_mnist_dir(b"\x00\x00\x09\x99" + bytes(100))),
    cli("numeric", "data: short", ["train", "--data", "mnist"], needle="truncated",
        setup=_mnist_dir(IDX_HEADER + bytes(100))),
    cli("numeric", "evaluate: data missing", ["evaluate", "model.npz", "--data", "nowhere"],
        needle="not found", setup=model_file(lambda a, m: None)),
]


# -- numeric: options --------------------------------------------------------------------------------------
def _train(name, args, needle, **kw):
    return cli("numeric", f"train {name}", ["train", *args], needle=needle, **kw)


NUMERIC_OPTIONS = [
    _train("--lr nan", ["--lr", "nan"], "lr"),
    _train("--lr inf", ["--lr", "inf"], "lr"),
    _train("--lr -1", ["--lr", "-1"], "lr"),
    _train("--lr 0", ["--lr", "0"], "lr"),
    _train("--lr text", ["--lr", "fast"], "lr"),
    _train("--dropout nan", ["--dropout", "nan"], "dropout"),
    _train("--dropout inf", ["--dropout", "inf"], "dropout"),
    _train("--dropout 1", ["--dropout", "1"], "dropout"),
    _train("--input-dropout 1.5", ["--input-dropout", "1.5"], "dropout"),
    _train("--l2 nan", ["--l2", "nan"], "l2"),
    _train("--l2 inf", ["--l2", "inf"], "l2"),
    _train("--l2 -1", ["--l2", "-1"], "l2"),
    _train("--momentum 1", ["--momentum", "1"], "momentum"),
    _train("--momentum nan", ["--momentum", "nan"], "momentum"),
    _train("--lr-min nan", ["--lr-min", "nan"], "lr_min"),
    _train("--warmup nan", ["--warmup", "nan"], "warmup"),
    _train("--warmup beyond epochs", ["--warmup", "50", "--epochs", "2"], "warmup"),
    _train("--batch 0", ["--batch", "0"], "batch"),
    _train("--batch 1e9", ["--batch", "1000000000"], "batch"),
    _train("--batch 2.5", ["--batch", "2.5"], "batch"),
    _train("--epochs 0", ["--epochs", "0"], "epochs"),
    _train("--epochs 1e9", ["--epochs", "1000000000"], "epochs"),
    _train("--sizes 784-0-10", ["--sizes", "784-0-10"], "sizes"),
    _train("--sizes 784-3.5-10", ["--sizes", "784-3.5-10"], "sizes"),
    _train("--sizes 784-16-5", ["--sizes", "784-16-5"], "784"),
    _train("--sizes 10^9 nodes", ["--sizes", "784-1000000000-10"], "sizes"),
    _train("--sizes memory", ["--sizes", "784-60000-60000-10"], "memory"),
    _train("--sizes time", ["--sizes", "784-8000-8000-10", "--epochs", "10000"], "epochs"),
    _train("--threads 100000", ["--threads", "100000"], "threads"),
    _train("--seed -1", ["--seed", "-1"], "seed"),
    _train("--optimizer unknown", ["--optimizer", "lbfgs"], "optimizer"),
    _train("--activation unknown", ["--activation", "swish"], "activation"),
    _train("--cost with output", ["--cost", "softmax_ce", "--output-activation", "tanh"], "softmax"),
    _train("--preset unknown", ["--preset", "fastest"], "preset"),
    _train("--save a directory", ["--save", "{tmp}"], "directory"),
    _train("--save missing folder", ["--save", "nowhere/m.npz"], "does not exist"),
    _train("--save long name", ["--save", "m" * 250 + ".npz"], "too long"),
    _train("--save NUL", ["--save", "m\0.npz"], "valid"),
    _train("--json a directory", ["--json", "{tmp}"], "directory"),
    _train("--json long name", ["--json", "j" * 300], "too long"),
    _train("--checkpoint a directory", ["--checkpoint", "{tmp}"], "directory"),
    _train("--plot a directory", ["--plot", "{tmp}"], "directory"),
    _train("--plot missing folder", ["--plot", "no/where.png"], "does not exist"),
    _train("--save and --json same file", ["--save", "x.npz", "--json", "x.npz"], "same file"),
    _train("default checkpoint is a directory", [], "directory",
           setup=lambda t: (t / "numeric-checkpoint.npz").mkdir()),
    cli("numeric", "evaluate --json a directory", ["evaluate", "model.npz", "--json", "{tmp}"],
        needle="directory", setup=model_file(lambda a, m: None)),
    cli("numeric", "no command", [], needle="command"),
]


# -- numeric: late faults and interrupts (tiny synthetic MNIST) --------------------------------------------
def tiny_mnist(tmp):
    from numeric.mnist import MNIST

    def load(data_dir=None, verify=True):  # the same 600 + 100 images at every call
        rng = np.random.default_rng(0)
        pixels, labels = (rng.integers(0, 256, (n, 784), dtype=np.uint8) for n in (600, 100)), \
            (rng.integers(0, 10, n, dtype=np.uint8) for n in (600, 100))
        (train_X, test_X), (train_y, test_y) = pixels, labels
        return MNIST(train_X, train_y, test_X, test_y)
    return load


def _failing_save(target):
    def factory(tmp):
        from numeric import checkpoint

        real = checkpoint.save_npz

        def save(path, arrays, meta):
            if Path(path).name == target:
                raise OSError(28, "No space left on device")
            return real(path, arrays, meta)
        return save
    return factory


def _failing_write(target):
    def factory(tmp):
        from numeric.report import atomic_write_text

        def write(path, text):
            if Path(path).name == target:
                raise OSError(28, "No space left on device")
            return atomic_write_text(path, text)
        return write
    return factory


def _rescued(tmp, res):
    from numeric.train import Trainer

    found = sorted(tmp.glob("numeric-rescued-*"))
    if not found:
        return ("work lost", "no rescued model")
    if str(found[0].name) not in res.err:
        return ("wrong exit", "the message does not say where the model went")
    Trainer.load_model(found[0])
    return None


def _interrupt_after(batches):
    def factory(tmp):
        import os
        import signal

        from numeric.train import Trainer

        real = Trainer._update
        calls = {"n": 0}

        def update(self, lr):
            calls["n"] += 1
            if calls["n"] == batches:
                os.kill(os.getpid(), signal.SIGINT)
            return real(self, lr)
        return update
    return factory


def _checkpoint_ok(name):
    def check(tmp, res):
        from numeric.train import Trainer

        if not (tmp / name).is_file():
            return ("work lost", f"no checkpoint {name}")
        tr = Trainer.load(tmp / name)
        if tr.batch_index == 0:
            return ("work lost", "the checkpoint lost the position")
        return None
    return check


TINY = ["--sizes", "784-16-10", "--epochs", "1", "--batch", "50", "--no-progress", "--no-color"]
MNIST_PATCH = ("numeric.mnist.load", tiny_mnist)
NUMERIC_FAULTS = [
    cli("numeric", "late --save failure is rescued", ["train", *TINY, "--save", "m.npz"], needle="rescued",
        patches=(MNIST_PATCH, ("numeric.train.save_npz", _failing_save("m.npz"))), check=_rescued,
        allowed=("numeric-rescued-*",)),
    cli("numeric", "late checkpoint failure is rescued", ["train", *TINY, "--checkpoint", "c.npz"],
        needle="rescued", patches=(MNIST_PATCH, ("numeric.train.save_npz", _failing_save("c.npz")),
                                   ("numeric.train.Trainer._update", _interrupt_after(3))),
        check=_rescued, allowed=("numeric-rescued-*",)),
    cli("numeric", "late --json failure is rescued", ["train", *TINY, "--json", "run.json"], needle="rescued",
        patches=(MNIST_PATCH, ("numeric.__main__.atomic_write_text", _failing_write("run.json"))),
        allowed=("numeric-rescued-*",)),
    cli("numeric", "Ctrl-C saves a checkpoint", ["train", *TINY, "--checkpoint", "c.npz"], exit=130,
        lines=0, patches=(MNIST_PATCH, ("numeric.train.Trainer._update", _interrupt_after(3))),
        check=_checkpoint_ok("c.npz"), allowed=("c.npz",)),
    cli("numeric", "Ctrl-C default checkpoint", ["train", *TINY], exit=130, lines=0,
        patches=(MNIST_PATCH, ("numeric.train.Trainer._update", _interrupt_after(2))),
        check=_checkpoint_ok("numeric-checkpoint.npz"), allowed=("numeric-checkpoint.npz",)),
    cli("numeric", "Ctrl-C while loading MNIST", ["train"], exit=130, needle="interrupted",
        patches=(("numeric.mnist.load", lambda tmp: _raise(KeyboardInterrupt)),)),
    cli("numeric", "Ctrl-C in evaluate", ["evaluate", "model.npz"], exit=130, needle="interrupted",
        setup=model_file(lambda a, m: None),
        patches=(("numeric.mnist.load", lambda tmp: _raise(KeyboardInterrupt)),)),
]


def _history(path: Path) -> list:
    timing = ("seconds", "eval_seconds")
    return [{k: v for k, v in e.items() if k not in timing} for e in json.loads(path.read_text())["epochs"]]


def _resume_reproduces(stop_after):
    """Train 2 epochs straight; then the same run stopped by Ctrl-C after ``stop_after`` batches and
    resumed: the weights and the JSON history (timings aside) must be equal."""
    def call(tmp: Path):
        from unittest import mock

        from numeric.__main__ import main
        from numeric.checkpoint import load_npz

        args = ["train", "--sizes", "784-16-10", "--epochs", "2", "--batch", "50", "--no-progress",
                "--dropout", "0.2", "--seed", "3"]
        with mock.patch("numeric.mnist.load", tiny_mnist(tmp)):
            main([*args, "--save", "full.npz", "--json", "full.json"])
            with mock.patch("numeric.train.Trainer._update", _interrupt_after(stop_after)(tmp)):
                if main([*args, "--checkpoint", "part.npz"]) != 130:
                    return "the interrupted run did not stop with 130"
            main(["train", "--resume", "part.npz", "--save", "resumed.npz", "--json", "resumed.json",
                  "--no-progress"])
        full, resumed = load_npz(tmp / "full.npz")[0], load_npz(tmp / "resumed.npz")[0]
        if any(not np.array_equal(full[k], resumed[k]) for k in ("W0", "W1", "b0", "b1")):
            return "resumed weights differ from the uninterrupted run's"
        if _history(tmp / "full.json") != _history(tmp / "resumed.json"):
            return "resumed JSON history differs from the uninterrupted run's"
        return None
    return call


NUMERIC_RESUME = [
    Case(f"resume after Ctrl-C at batch {k} reproduces weights and history", "check", "numeric",
         call=_resume_reproduces(k), allowed=("*.npz", "*.json"), lines=None)
    for k in (5, 12, 17)
]


# -- numeric: API ------------------------------------------------------------------------------------------
def _np(name, **kw):
    import numeric
    rng = np.random.default_rng(0)
    args = {"weights": [rng.normal(size=(2, 3)), rng.normal(size=(1, 2))], "X": rng.normal(size=(3, 4)),
            "Y": rng.uniform(0.1, 0.9, size=(1, 4))}
    args.update(kw)
    if name == "forward":
        args.pop("Y")
    return getattr(numeric, name)(**args)


def _cfg(**kw):
    from numeric.train import Config, Trainer
    return Trainer(Config(**kw))


NUMERIC_API = [
    api("numeric", "gradients complex X", lambda t: _np("gradients", X=np.ones((3, 4)) * 1j), "real"),
    api("numeric", "gradients NaN W",
        lambda t: _np("gradients", weights=[np.full((2, 3), NAN), np.ones((1, 2))]), "NaN"),
    api("numeric", "gradients ragged X", lambda t: _np("gradients", X=[[1, 2], [3]]), "rectangular"),
    api("numeric", "gradients no weights", lambda t: _np("gradients", weights=[]), "at least one"),
    api("numeric", "gradients weights None", lambda t: _np("gradients", weights=None), "weights"),
    api("numeric", "gradients n = 0", lambda t: _np("gradients", X=np.ones((3, 0)), Y=np.ones((1, 0))),
        "n >= 1"),
    api("numeric", "gradients 0-node layer",
        lambda t: _np("gradients", weights=[np.ones((0, 3)), np.ones((1, 0))]), "W_0"),
    api("numeric", "gradients Y shape", lambda t: _np("gradients", Y=np.ones((2, 4))), "Y"),
    api("numeric", "gradients activation", lambda t: _np("gradients", activation="swish"), "activation"),
    api("numeric", "gradients activation list", lambda t: _np("gradients", activation=["x"]), "activation"),
    api("numeric", "gradients cost", lambda t: _np("gradients", cost="hinge"), "cost"),
    api("numeric", "gradients biases count", lambda t: _np("gradients", biases=[np.ones(2)]), "biases"),
    api("numeric", "forward strings", lambda t: _np("forward", X=np.full((3, 4), "a")), "real"),
    api("numeric", "cost complex Y", lambda t: _np("cost", Y=np.ones((1, 4)) * 1j), "real"),
    api("numeric", "Config lr nan", lambda t: _cfg(lr=NAN), "lr"),
    api("numeric", "Config lr inf", lambda t: _cfg(lr=math.inf), "lr"),
    api("numeric", "Config dropout nan", lambda t: _cfg(dropout=NAN), "dropout"),
    api("numeric", "Config l2 inf", lambda t: _cfg(l2=math.inf), "l2"),
    api("numeric", "Config batch 0", lambda t: _cfg(batch=0), "batch"),
    api("numeric", "Config batch 1e9", lambda t: _cfg(batch=10**9), "batch"),
    api("numeric", "Config batch 2.5", lambda t: _cfg(batch=2.5), "batch"),
    api("numeric", "Config epochs 0", lambda t: _cfg(epochs=0), "epochs"),
    api("numeric", "Config sizes 3.5", lambda t: _cfg(sizes=(784, 3.5, 10)), "sizes"),
    api("numeric", "Config sizes 0", lambda t: _cfg(sizes=(784, 0, 10)), "sizes"),
    api("numeric", "Config sizes str", lambda t: _cfg(sizes="784-10"), "sizes"),
    api("numeric", "Config memory", lambda t: _cfg(sizes=(784, 60000, 60000, 10)), "memory"),
    api("numeric", "Config seed -1", lambda t: _cfg(seed=-1), "seed"),
    api("numeric", "Config optimizer", lambda t: _cfg(optimizer="lbfgs"), "optimizer"),
    api("numeric", "Config bias string", lambda t: _cfg(bias="yes"), "bias"),
    api("numeric", "Config.from_dict list", lambda t: __import__("numeric").Config.from_dict([1]), "mapping"),
    api("numeric", "Trainer config dict", lambda t: __import__("numeric").Trainer({"lr": 1}), "Config"),
]


# -- verify: CLI -------------------------------------------------------------------------------------------
def _verify(name, args, needle, **kw):
    return cli("verify", name, args, needle=needle, **kw)


VERIFY_CLI = [
    _verify("sizes 3,-2", ["sizes", "3,-2"], "node"),
    _verify("sizes 3,2.5", ["sizes", "3,2.5"], "integers"),
    _verify("sizes 3,0,2", ["sizes", "3,0,2"], "node"),
    _verify("sizes one layer", ["sizes", "3"], "two layer sizes"),
    _verify("sizes 1e9 nodes", ["sizes", "1000000000,10"], "100000"),
    _verify("sizes 5000 digits", ["sizes", "3," + "9" * 5000], "digit"),
    _verify("sizes 40 layers", ["sizes", ",".join(["2"] * 40)], "at most"),
    _verify("sizes too many weights", ["sizes", "784,100000,10"], "weights"),
    _verify("sizes memory", ["sizes", "2000,2000,2000", "--batch", "10000", "--truth", "complex-step"],
            "GiB"),
    _verify("sizes time", ["sizes", "784,800,800,10", "--batch", "10000", "--sample", "100000"], "estimated"),
    _verify("sizes batch 0", ["sizes", "3,2", "--batch", "0"], "positive"),
    _verify("sizes batch -1", ["sizes", "3,2", "--batch", "-1"], "positive"),
    _verify("sizes batch 1e9", ["sizes", "3,2", "--batch", "1000000000"], "positive"),
    _verify("sizes batch 20000", ["sizes", "3,2", "--batch", "20000"], "batch"),
    _verify("sizes sample 0", ["sizes", "3,2", "--sample", "0"], "positive"),
    _verify("sizes sample 2.5", ["sizes", "3,2", "--sample", "2.5"], "positive"),
    _verify("sizes truth unknown", ["sizes", "3,2", "--truth", "oracle"], "invalid choice"),
    _verify("sizes activation unknown", ["sizes", "3,2", "--activation", "swish"], "invalid choice"),
    _verify("sizes cost unknown", ["sizes", "3,2", "--cost", "hinge"], "invalid choice"),
    _verify("sizes seed text", ["sizes", "3,2", "--seed", "x"], "seed"),
    _verify("impl missing file", ["impl", "missing.py:backprop"], "no such file"),
    _verify("impl no function", ["impl", "missing.py"], "FILE.py:FUNCTION"),
    _verify("impl sizes 3,-2", ["impl", "x.py:f", "--sizes", "3,-2"], "node"),
    _verify("impl batch 0", ["impl", "x.py:f", "--batch", "0"], "positive"),
    _verify("impl sample 0", ["impl", "x.py:f", "--sample", "0"], "positive"),
    _verify("unknown command", ["frobnicate"], "invalid choice"),
    _verify("Ctrl-C in the main job", [], "interrupted", exit=130,
            patches=(("verify.jobs.main_job", lambda tmp: _raise(KeyboardInterrupt)),)),
    _verify("Ctrl-C in sizes", ["sizes", "3,2"], "interrupted", exit=130,
            patches=(("verify.jobs.sizes_job", lambda tmp: _raise(KeyboardInterrupt)),)),
    _verify("Ctrl-C while parsing", ["sizes", "3,2"], "interrupted", exit=130,
            patches=(("verify.cli.build_parser", lambda tmp: _raise(KeyboardInterrupt)),)),
    _verify("out of memory", ["sizes", "3,2"], "memory",
            patches=(("verify.jobs.sizes_job", lambda tmp: _raise(MemoryError)),)),
]


# -- verify: API -------------------------------------------------------------------------------------------
def _compare(**kw):
    import verify
    rng = np.random.default_rng(0)
    W = [rng.normal(size=(2, 3)), rng.normal(size=(1, 2))]
    args = {"got": [np.zeros((2, 3)), np.zeros((1, 2))], "weights": W, "X": rng.normal(size=(3, 2)),
            "Y": rng.uniform(0.1, 0.9, size=(1, 2)), "truth": "complex-step", "oracles": ()}
    args.update(kw)
    return verify.compare(args.pop("got"), args.pop("weights"), args.pop("X"), args.pop("Y"), **args)


def _oracle(name, **kw):
    import verify
    rng = np.random.default_rng(0)
    args = {"weights": [rng.normal(size=(2, 3)), rng.normal(size=(1, 2))], "X": rng.normal(size=(3, 2)),
            "Y": rng.uniform(0.1, 0.9, size=(1, 2))}
    if name == "diagnose":
        args = {"got": [np.zeros((2, 3)), np.zeros((1, 2))], **args}
    args.update(kw)
    return getattr(verify, name)(**args)


def _correct(weights, X, Y):
    import numeric
    return numeric.gradients(weights, X, Y)


def _check(**kw):
    import verify
    return verify.check_implementation(kw.pop("fn", _correct), truth="complex-step", **kw)


VERIFY_API = [
    api("verify", "compare complex weights",
        lambda t: _compare(weights=[np.ones((2, 3)) * 1j, np.ones((1, 2))]), "real"),
    api("verify", "compare NaN X", lambda t: _compare(X=np.full((3, 2), NAN)), "NaN"),
    api("verify", "compare ragged Y", lambda t: _compare(Y=[[0.5], [0.5, 0.1]]), "rectangular"),
    api("verify", "compare weights not a list", lambda t: _compare(weights=np.ones((2, 3))), "weights"),
    api("verify", "compare chain broken", lambda t: _compare(weights=[np.ones((2, 3)), np.ones((1, 3))]),
        "weights[1]"),
    api("verify", "compare Y shape", lambda t: _compare(Y=np.ones((2, 2))), "Y"),
    api("verify", "compare n = 0", lambda t: _compare(X=np.ones((3, 0)), Y=np.ones((1, 0))), "X"),
    api("verify", "compare entry missing", lambda t: _compare(entries=[(0, 5, 0)]), "does not exist"),
    api("verify", "compare entry layer missing", lambda t: _compare(entries=[(7, 0, 0)]), "does not exist"),
    api("verify", "compare entry negative", lambda t: _compare(entries=[(0, -1, 0)]), "does not exist"),
    api("verify", "compare entry 0.5", lambda t: _compare(entries=[(0, 0.5, 0)]), "integers"),
    api("verify", "compare entry bias without biases", lambda t: _compare(entries=[("b", 0, 0)]), "bias"),
    api("verify", "compare entries empty", lambda t: _compare(entries=[]), "empty"),
    api("verify", "compare sample 0", lambda t: _compare(sample=0), "sample"),
    api("verify", "compare sample 2.5", lambda t: _compare(sample=2.5), "sample"),
    api("verify", "compare seed -1", lambda t: _compare(seed=-1), "seed"),
    api("verify", "compare truth unknown", lambda t: _compare(truth="oracle"), "truth"),
    api("verify", "compare activation unknown", lambda t: _compare(activation="swish"), "activation"),
    api("verify", "compare cost unknown", lambda t: _compare(cost="hinge"), "cost"),
    api("verify", "compare oracle unknown", lambda t: _compare(oracles=("magic",)), "oracles"),
    api("verify", "compare biases count", lambda t: _compare(biases=[np.ones((2, 1))]), "biases"),
    api("verify", "compare tolerance", lambda t: _compare(tolerance=1e-3), "tolerance"),
    api("verify", "complex_step complex X", lambda t: _oracle("complex_step", X=np.ones((3, 2)) * 1j),
        "real"),
    api("verify", "complex_step step nan", lambda t: _oracle("complex_step", h=NAN), "h"),
    api("verify", "complex_step entry missing", lambda t: _oracle("complex_step", entries=[(0, 9, 9)]),
        "does not exist"),
    api("verify", "central_difference step -1", lambda t: _oracle("central_difference", h=-1.0), "h"),
    api("verify", "central_difference cost unknown", lambda t: _oracle("central_difference", cost="hinge"),
        "cost"),
    api("verify", "diagnose NaN weights",
        lambda t: _oracle("diagnose", weights=[np.full((2, 3), NAN), np.ones((1, 2))]), "NaN"),
    api("verify", "diagnose got a number", lambda t: _oracle("diagnose", got=3), "got"),
    api("verify", "check fn a number", lambda t: _check(fn=42), "callable"),
    api("verify", "check batch 0", lambda t: _check(batch=0), "batch"),
    api("verify", "check sample 0", lambda t: _check(sample=0), "sample"),
    api("verify", "check sizes 3,-2", lambda t: _check(sizes=(3, -2)), "sizes"),
    api("verify", "check sizes 3.5", lambda t: _check(sizes=(3, 3.5, 2)), "sizes"),
    api("verify", "check sizes huge", lambda t: _check(sizes=(784, 100000, 10)), "weights"),
    api("verify", "check cost unknown", lambda t: _check(cost="hinge"), "cost"),
    api("verify", "check bias string", lambda t: _check(bias="yes"), "bias"),
    api("verify", "assert_backprop_correct batch 0",
        lambda t: __import__("verify").assert_backprop_correct(_correct, batch=0), "batch"),
]


# -- true processes: Ctrl-C ---------------------------------------------------------------------------------
def _signal_checkpoint(tmp, res):
    """Interrupted 1.5 s into training (after the header line): a checkpoint mid-epoch, at the very
    position the message names."""
    import re

    from numeric.train import Trainer

    problem = _checkpoint_ok("c.npz")(tmp, res)
    said = re.search(r"interrupted at epoch (\d+), batch (\d+)", res.out)
    if problem is None and said:
        tr = Trainer.load(tmp / "c.npz")
        if (tr.epoch + 1, tr.batch_index) != (int(said[1]), int(said[2])):
            problem = ("work lost", f"checkpoint at epoch {tr.epoch + 1}, batch {tr.batch_index}; "
                                    f"the message says {said[0]}")
    return problem


SIGNALS = [
    *(Case(f"{package}: Ctrl-C while the command still imports", "signal", package, argv=lambda t, a=argv: a,
           exit=130, needle="interrupted", flags=("-X", "importtime"), after=" derive.startup\n"
           if package != "numeric" else " numeric.startup\n", delay=0.02, limit=20)
      for package, argv in (("derive", []), ("verify", ["sizes", "3,2,3,2"]),
                            ("numeric", ["evaluate", "m.npz"]))),
    Case("derive: Ctrl-C in a real process", "signal", "derive",
         argv=lambda t: ["--sizes", "8,8,8,4", "--batch", "4"],
         exit=130, needle="interrupted", delay=2.5, limit=20),
    Case("derive --workers 2: Ctrl-C in a real process", "signal", "derive",
         argv=lambda t: ["--sizes", "8,8,8,4", "--batch", "4", "--workers", "2"],
         exit=130, needle="interrupted", delay=2.5, limit=20),
    Case("verify sizes: Ctrl-C in a real process", "signal", "verify",
         argv=lambda t: ["sizes", "784,100,30,10", "--batch", "50", "--sample", "50000"], exit=130,
         needle="interrupted", delay=2.5, limit=20),
    Case("numeric train: Ctrl-C in a real process", "signal", "numeric",
         argv=lambda t: ["train", "--no-progress", "--checkpoint", "c.npz"], exit=130,
         needle="checkpoint saved", after="numeric train:", delay=1.5, limit=60, lines=None,
         check=_signal_checkpoint,
         allowed=("c.npz",)),
]

CASES = (DERIVE_CLI + DERIVE_API + NUMERIC_FILES + NUMERIC_DATA + NUMERIC_OPTIONS + NUMERIC_FAULTS
         + NUMERIC_RESUME + NUMERIC_API + VERIFY_CLI + VERIFY_API + SIGNALS)
