"""Presentation helpers for the CLI: confusion matrix (data + rich table), training curves, atomic writes."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import numpy as np

__all__ = ["confusion_matrix", "render_confusion", "plot_history", "atomic_write_text", "atomic_target",
           "open_temp"]


def confusion_matrix(labels: np.ndarray, predicted: np.ndarray, classes: int = 10) -> np.ndarray:
    """C[i, j] = number of test samples of true class i predicted as j. labels, predicted: (n,)."""
    cm = np.zeros((classes, classes), np.int64)
    np.add.at(cm, (labels.astype(np.int64), predicted.astype(np.int64)), 1)
    return cm


def render_confusion(cm: np.ndarray):
    """A rich Table: rows = true digit, columns = predicted digit, diagonal in bold, recall per row."""
    from rich.table import Table

    table = Table(title="confusion matrix (rows: true digit, columns: predicted)", show_lines=False)
    table.add_column("true", justify="right", style="bold")
    for j in range(cm.shape[1]):
        table.add_column(str(j), justify="right")
    table.add_column("recall", justify="right")
    for i, row in enumerate(cm):
        cells = [f"[bold green]{v}[/]" if i == j else (f"[red]{v}[/]" if v else "[dim]0[/]")
                 for j, v in enumerate(row)]
        table.add_row(str(i), *cells, f"{100 * row[i] / max(row.sum(), 1):.1f} %")
    return table


def open_temp(path: str | Path) -> tuple[int, Path]:
    """A new temp file ``.NAME.XXXXXXXX.tmp`` beside ``path``: (fd, temp path). Created like ``open()``
    creates files, mode 0o666 minus the user's umask (``tempfile.mkstemp`` would give 0600, and
    os.replace keeps the temp file's mode)."""
    path = Path(path)
    for _ in range(100):
        tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
        try:
            return os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(f"{path}: no free temporary name beside it")


def atomic_target(path: str | Path):
    """(temp file path, final path) in the same folder, for write-then-os.replace."""
    fd, tmp = open_temp(path)
    os.close(fd)
    return tmp, Path(path)


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write text to path via a temp file and os.replace (never a half-written file)."""
    tmp, path = atomic_target(path)
    try:
        tmp.write_text(text)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def plot_history(history: list[dict], path: str | Path) -> None:
    """Training loss and train/test accuracy per epoch, two panels, to a PNG (matplotlib Agg), atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    epochs = [h["epoch"] for h in history]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, [h["loss"] for h in history], marker="o", label="training loss (running mean)")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cost Lambda")
    ax1.set_yscale("log")
    ax1.legend()
    ax2.plot(epochs, [100 * h["train_accuracy"] for h in history], marker="o", label="train (running)")
    if all("test_accuracy" in h for h in history):
        ax2.plot(epochs, [100 * h["test_accuracy"] for h in history], marker="s", label="test")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy (%)")
    ax2.legend()
    ax2.grid(alpha=0.3)
    fig.tight_layout()
    tmp, final = atomic_target(path)
    try:
        fig.savefig(tmp, format="png", dpi=100)
        os.replace(tmp, final)
    finally:
        plt.close(fig)
        tmp.unlink(missing_ok=True)
