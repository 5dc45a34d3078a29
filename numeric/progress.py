"""A rich progress display for training: one bar per epoch with running loss and accuracy, one line per
finished epoch. It is the ``callback(event, info)`` of ``Trainer.fit``."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

__all__ = ["TrainingProgress"]


class TrainingProgress:
    """Context manager and callback. ``enabled=False`` prints the per-epoch lines only."""

    def __init__(self, console, epochs: int, enabled: bool = True):
        self.console, self.epochs, self.enabled = console, epochs, enabled
        self.progress = None
        self.task = None

    def __enter__(self):
        if self.enabled:
            self.progress = Progress(
                TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
                TextColumn("loss {task.fields[loss]}  acc {task.fields[acc]}"), TimeElapsedColumn(),
                console=self.console, transient=True)
            self.progress.__enter__()
        return self

    def __exit__(self, *exc):
        if self.progress is not None:
            self.progress.__exit__(*exc)
        return False

    def __call__(self, event: str, info: dict) -> None:
        if event == "epoch_start" and self.progress is not None:
            if self.task is not None:
                self.progress.remove_task(self.task)
            self.task = self.progress.add_task(f"epoch {info['epoch'] + 1}/{self.epochs}", loss="-", acc="-",
                                               total=info["batches"], completed=info["done"])
        elif event == "batch" and self.progress is not None:
            self.progress.update(self.task, completed=info["batch"], loss=f"{info['loss']:.4f}",
                                 acc=f"{100 * info['accuracy']:.2f} %")
        elif event == "epoch_end":
            test = f"  test {100 * info['test_accuracy']:.2f} %" if "test_accuracy" in info else ""
            self.console.print(f"epoch {info['epoch']:>3}/{self.epochs}  loss {info['loss']:.4f}  "
                               f"train {100 * info['train_accuracy']:.2f} %{test}  {info['seconds']:.2f} s")
