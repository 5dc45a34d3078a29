"""CLI: ``python -m numeric train [options]`` and ``python -m numeric evaluate model.npz``.

Argument parsing and presentation only; the work is in numeric.train / numeric.mnist. Every user error
(bad option, missing or corrupt data, unreadable model) is one line on stderr and exit status 2; Ctrl-C
during training stops after the current batch, saves a checkpoint and exits with status 130.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time

import numpy as np

from . import mnist
from .checkpoint import CheckpointError
from .envelope import envelope, to_json, version_text
from .functions import ACTIVATIONS, COSTS
from .optim import OPTIMIZERS, SCHEDULES
from .outputs import OutputError, check_outputs, save_or_rescue
from .presets import ACTIVATION_LR_SCALE, PRESETS
from .report import atomic_write_text, confusion_matrix, plot_history, render_confusion
from .stall import stall_warning
from .startup import release as release_interrupt
from .train import Config, Trainer, as_float_data

EXIT_USAGE, EXIT_INTERRUPTED = 2, 130
DEFAULT_CHECKPOINT = "numeric-checkpoint.npz"
TRAIN_OPTIONS = ("sizes", "activation", "cost", "epochs", "batch", "lr", "optimizer", "momentum", "schedule",
                 "lr_min", "warmup", "l2", "dropout", "input_dropout", "seed", "bias",
                 "normalize", "output")


class UsageError(Exception):
    """A one-line user error (exit 2)."""


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one line, no usage block
        raise UsageError(message)


def _sizes(text: str) -> tuple:
    try:
        sizes = tuple(int(s) for s in text.replace("-", ",").split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid sizes {text!r}; expected e.g. 784-256-128-10") from None
    if len(sizes) < 2 or min(sizes) < 1 or sizes[0] != 784 or sizes[-1] != 10:
        raise argparse.ArgumentTypeError(f"invalid sizes {text!r}; MNIST needs 784-...-10")
    return sizes


def _positive(kind):
    def parse(text):
        try:
            v = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"invalid value {text!r}") from None
        if v < 0 or (kind is int and v == 0):
            raise argparse.ArgumentTypeError(f"{text!r} must be positive")
        return v
    return parse


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="python -m numeric", description="Train and evaluate MLPs on MNIST (numpy engine).")
    p.add_argument("--version", action="version", version=version_text("python -m numeric"))
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)
    default = ", ".join(f"{k}={'-'.join(map(str, v)) if k == 'sizes' else v}"
                        for k, v in PRESETS["default"].items())
    t = sub.add_parser("train", help="train a network on MNIST", epilog=f"defaults: {default}")
    t.add_argument("--preset", choices=[k for k in PRESETS if k != "default"], help="quick or best")
    t.add_argument("--sizes", type=_sizes, help="layer widths, e.g. 784-256-128-10")
    t.add_argument("--activation", choices=list(ACTIVATIONS))
    t.add_argument("--cost", choices=list(COSTS))
    t.add_argument("--output-activation", dest="output", choices=list(ACTIVATIONS),
                   help="the output layer's activation (default: --activation; softmax with softmax_ce)")
    t.add_argument("--epochs", type=_positive(int))
    t.add_argument("--batch", type=_positive(int))
    t.add_argument("--lr", type=_positive(float))
    t.add_argument("--optimizer", choices=OPTIMIZERS)
    t.add_argument("--momentum", type=_positive(float))
    t.add_argument("--schedule", choices=SCHEDULES)
    t.add_argument("--lr-min", dest="lr_min", type=_positive(float))
    t.add_argument("--warmup", type=_positive(float), help="linear warm-up epochs")
    t.add_argument("--l2", type=_positive(float), help="L2 penalty (l2/2)||W||^2")
    t.add_argument("--dropout", type=_positive(float), help="hidden-unit drop probability")
    t.add_argument("--input-dropout", dest="input_dropout", type=_positive(float),
                   help="input-pixel drop probability")
    t.add_argument("--bias", dest="bias", action="store_const", const=True, help="biases b_N (default on)")
    t.add_argument("--no-bias", dest="bias", action="store_const", const=False, help="no biases (the paper)")
    t.add_argument("--normalize", action="store_const", const=True,
                   help="centre and scale the pixels with MNIST's mean and std (presets do)")
    t.add_argument("--no-normalize", dest="normalize", action="store_const", const=False,
                   help="raw pixels in [0, 1]")
    t.add_argument("--seed", type=int)
    t.add_argument("--threads", type=_positive(int), default=1, help="BLAS threads (default 1)")
    t.add_argument("--data", metavar="DIR", help="MNIST folder (default: numeric/data/mnist)")
    t.add_argument("--save", metavar="MODEL.npz", help="write the trained model (atomically)")
    t.add_argument("--resume", metavar="CKPT.npz", help="continue a saved/interrupted run")
    t.add_argument("--checkpoint", metavar="CKPT.npz", help="where Ctrl-C saves (default: --save or "
                   "numeric-checkpoint.npz)")
    t.add_argument("--plot", metavar="PNG", help="loss and accuracy curves (matplotlib)")
    t.add_argument("--json", metavar="PATH", help="summary as JSON ('-' for stdout)")
    t.add_argument("--no-progress", action="store_true", help="no progress bar (per-epoch lines only)")
    t.add_argument("--no-color", action="store_true", help="plain text, no colors")
    e = sub.add_parser("evaluate", help="test accuracy and confusion matrix of a saved model")
    e.add_argument("model", metavar="MODEL.npz")
    e.add_argument("--data", metavar="DIR")
    e.add_argument("--json", metavar="PATH", help="result as JSON ('-' for stdout)")
    e.add_argument("--no-color", action="store_true", help="plain text, no colors")
    return p


def _config(args) -> Config:
    values = dict(PRESETS[args.preset or "default"])
    values.update({k: getattr(args, k) for k in TRAIN_OPTIONS if getattr(args, k) is not None})
    if args.lr is None:  # the preset's lr is the sigmoid's; ReLU hidden units need a smaller one
        values["lr"] *= ACTIVATION_LR_SCALE.get(values["activation"], 1.0)
    cfg = Config.from_dict(values)
    if cfg.dropout >= 1 or cfg.input_dropout >= 1:
        raise UsageError(f"dropout probabilities must be below 1, got {cfg.dropout}, {cfg.input_dropout}")
    if cfg.momentum >= 1:
        raise UsageError(f"--momentum must be below 1, got {cfg.momentum}")
    return cfg


def _trainer(args) -> Trainer:
    if not args.resume:
        try:
            return Trainer(_config(args))
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    fixed = [k for k in TRAIN_OPTIONS if k != "epochs" and getattr(args, k) is not None]
    if fixed or args.preset:
        raise UsageError(f"--resume continues the saved configuration; only --epochs may change "
                         f"(got --{(fixed or ['preset'])[0].replace('_', '-')})")
    tr = Trainer.load(args.resume, **({"epochs": args.epochs} if args.epochs else {}))
    _check_mnist_model(args.resume, tr)
    return tr


def _emit_json(target: str, command: str, exit_code: int, payload: dict) -> None:
    """The common envelope (docs/json.md) + payload; '-' is stdout (the text output then goes to stderr)."""
    text = to_json(envelope(command, exit_code, payload))
    if target == "-":
        print(text)
    else:
        atomic_write_text(target, text + "\n")


def _check_outputs(args) -> None:
    """Fail before training, not after, when an output cannot be written (numeric.outputs)."""
    targets = {flag: getattr(args, flag) for flag in ("save", "checkpoint", "plot", "json")}
    if not (args.save or args.checkpoint):
        targets["checkpoint"] = DEFAULT_CHECKPOINT  # where Ctrl-C would save
    try:
        check_outputs(targets)
    except OutputError as exc:
        raise UsageError(str(exc)) from None


def _check_mnist_model(path: str, tr: Trainer) -> None:
    sizes = tr.config.sizes
    if sizes[0] != 784 or sizes[-1] != 10:
        raise CheckpointError(f"{path}: a {'-'.join(map(str, sizes))} network; MNIST needs 784 inputs and "
                              f"10 classes")


def _warn(console, warnings: list, text: str | None) -> None:
    if text:
        warnings.append(text)
        console.print(f"[bold yellow]warning[/]: {text}", soft_wrap=True, highlight=False)


def _watch_stall(progress, trainer, console, warnings: list):
    """The progress callback, plus one warning as soon as the history shows a stalled or diverged run."""
    def callback(event, info):
        progress(event, info)
        if event == "epoch_end" and not warnings:
            _warn(console, warnings, stall_warning(trainer.history, trainer.config))
    return callback


def cmd_train(args, console) -> int:
    from .progress import TrainingProgress

    cpus = max(2, os.cpu_count() or 1)
    if args.threads > cpus:
        raise UsageError(f"--threads must be between 1 and {cpus} (the CPUs of this machine), "
                         f"got {args.threads}")
    _check_outputs(args)
    tr = _trainer(args)
    data = mnist.load(args.data)
    X_test = as_float_data(data.test_X)
    y_train = data.train_y.astype(np.int64)
    stop = {"flag": False}

    def on_sigint(signum, frame):
        if stop["flag"]:  # second Ctrl-C: give up at once
            raise KeyboardInterrupt
        stop["flag"] = True

    cfg, warnings = tr.config, []
    console.print(f"[bold]numeric train[/]: {'-'.join(map(str, cfg.sizes))} {cfg.activation}, {cfg.cost}, "
                  f"{cfg.optimizer} lr {cfg.lr} ({cfg.schedule}), batch {cfg.batch}, {cfg.epochs} epochs"
                  + (f", dropout {cfg.dropout}" if cfg.dropout else "") + (f", L2 {cfg.l2}" if cfg.l2 else "")
                  + (f" (resumed at epoch {tr.epoch + 1}, batch {tr.batch_index})" if args.resume else ""))
    old = signal.signal(signal.SIGINT, on_sigint)
    t0 = time.perf_counter()
    try:
        with TrainingProgress(console, cfg.epochs, enabled=not args.no_progress) as progress:
            finished = tr.fit(data.train_X, y_train, X_test, data.test_y,
                              callback=_watch_stall(progress, tr, console, warnings),
                              should_stop=lambda: stop["flag"], threads=args.threads)
    finally:
        signal.signal(signal.SIGINT, old)
    wall = time.perf_counter() - t0
    problems = []  # late write failures: the data go to a fallback path, one line at the end says where
    if not finished:
        path, reason = save_or_rescue(tr.save, args.checkpoint or args.save or DEFAULT_CHECKPOINT,
                                      "checkpoint.npz")
        if reason:
            problems.append(f"cannot write the checkpoint ({reason}); saved to {path} instead")
        console.print(f"interrupted at epoch {tr.epoch + 1}, batch {tr.batch_index}: checkpoint saved to "
                      f"{path}; continue with: python -m numeric train --resume {path}")
    elif args.save:
        path, reason = save_or_rescue(tr.save, args.save, "model.npz")
        if reason:
            problems.append(f"cannot write --save {args.save} ({reason}); the model was saved to {path}")
        console.print(f"model saved to {path}")
    final = tr.history[-1]["test_accuracy"] if tr.history else None
    if finished and not warnings:
        _warn(console, warnings, stall_warning(tr.history, cfg, final=True))
    if finished and final is not None:
        console.print(f"test accuracy {100 * final:.2f} % after {tr.epoch} "
                      f"epoch{'s' * (tr.epoch != 1)}, {wall:.1f} s")
    if args.plot and tr.history:
        try:
            plot_history(tr.history, args.plot)
        except (OSError, ValueError) as exc:
            problems.append(f"cannot write --plot {args.plot} ({exc}); the curves are in the history")
    code = (0 if finished else EXIT_INTERRUPTED) if not problems else EXIT_USAGE
    if args.json:
        payload = {"config": vars(cfg) | {"sizes": list(cfg.sizes)}, "finished": finished,
                   "wall_seconds": wall, "test_accuracy": final, "epochs": tr.history, "warnings": warnings}
        if args.json == "-":
            _emit_json("-", "numeric train", code, payload)
        else:
            path, reason = save_or_rescue(lambda p: _emit_json(str(p), "numeric train", code, payload),
                                          args.json, "run.json")
            if reason:
                problems.append(f"cannot write --json {args.json} ({reason}); written to {path}")
    if problems:
        print(f"numeric: error: {'; '.join(problems)}", file=sys.stderr)
        return EXIT_USAGE
    return 0 if finished else EXIT_INTERRUPTED


def cmd_evaluate(args, console) -> int:
    if args.json and args.json != "-":
        try:
            check_outputs({"json": args.json})
        except OutputError as exc:
            raise UsageError(str(exc)) from None
    tr = Trainer.load_model(args.model)  # every key, dtype, shape and value checked
    _check_mnist_model(args.model, tr)
    cfg = tr.config
    data = mnist.load(args.data)
    pred = tr.predict(as_float_data(data.test_X)).argmax(axis=1)
    acc = float(np.mean(pred == data.test_y))
    cm = confusion_matrix(data.test_y, pred)
    console.print(f"{args.model}: {'-'.join(map(str, cfg.sizes))} {cfg.activation}, {cfg.cost}; "
                  f"test accuracy [bold]{100 * acc:.2f} %[/] ({int(np.trace(cm))}/{cm.sum()})")
    console.print(render_confusion(cm))
    if args.json:
        _emit_json(args.json, "numeric evaluate", 0,
                   {"model": args.model, "test_accuracy": acc, "confusion": cm.tolist()})
    return 0


def main(argv=None) -> int:
    from rich.console import Console

    release_interrupt()  # from here on Ctrl-C is a KeyboardInterrupt, reported below

    console, err = Console(), Console(stderr=True)
    try:
        args = build_parser().parse_args(argv)
        plain = {"no_color": True, "color_system": None, "highlight": False} if args.no_color else {}
        console, err = Console(stderr=args.json == "-", **plain), Console(stderr=True, **plain)
        return (cmd_train if args.command == "train" else cmd_evaluate)(args, console)
    except (UsageError, mnist.MNISTError, CheckpointError) as exc:
        err.print(f"numeric: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except OSError as exc:  # e.g. an output file that cannot be written
        err.print(f"numeric: error: {exc}", markup=False, highlight=False, soft_wrap=True)
        return EXIT_USAGE
    except KeyboardInterrupt:
        err.print("numeric: interrupted", highlight=False)
        return EXIT_INTERRUPTED


def train_script(argv=None) -> int:
    """The ``backprop-train`` console script: ``backprop-train [train options]`` is ``python -m numeric
    train``; ``backprop-train evaluate MODEL.npz`` and ``--version`` pass through."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] not in (["train"], ["evaluate"], ["--version"]):
        argv = ["train", *argv]
    return main(argv)


if __name__ == "__main__":
    code = main()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # done: a late Ctrl-C must not become a traceback at exit
    sys.exit(code)
