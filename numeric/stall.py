"""Training that does not learn says so: a stalled or diverged run detected from the per-epoch history.

``stall_warning(history, config)`` looks at the records ``Trainer.fit`` appends (``loss``,
``train_accuracy``, ``test_accuracy``) and returns one line, or None while the run learns:

- **diverged**: the loss of the last epoch is nan or inf;
- **stalled**: for ``WINDOW`` epochs in a row the accuracy stayed near chance (below ``CHANCE_FACTOR`` /
  classes) and the loss moved by less than ``FLAT`` of itself;
- **did not learn** (``final=True``, for runs shorter than the window): the last accuracy is near chance.

The hint names what usually causes it, from the configuration (data, not guesses about the numbers): an
output activation that cannot produce the 0/1 targets of the cost, else a learning rate that is too large.
"""

from __future__ import annotations

import math

__all__ = ["WINDOW", "CHANCE_FACTOR", "FLAT", "stall_warning", "hint"]

WINDOW = 3  # epochs
CHANCE_FACTOR = 2.0  # "near chance": accuracy below 2 / classes (20 % for MNIST's 10 classes)
FLAT = 0.01  # relative change of the loss over the window

#: output activation -> why it cannot fit the cost's targets (one-hot 0/1), per cost
BAD_OUTPUT = {
    ("relu", "logloss"): "log-loss needs outputs in (0, 1); a relu output gives log(0)",
    ("identity", "logloss"): "log-loss needs outputs in (0, 1); an identity output leaves that range",
    ("tanh", "logloss"): "log-loss needs outputs in (0, 1); a tanh output reaches -1",
    ("relu", "mse"): "a relu output unit that goes negative stops learning for good (phi' = 0)",
}


def _accuracy(record: dict) -> float:
    return record.get("test_accuracy", record.get("train_accuracy", 0.0))


def hint(config) -> str:
    """What to try, from the configuration: a bad output/cost pairing first, else the learning rate."""
    output = getattr(config, "output", None) or config.activation
    if config.cost != "softmax_ce" and (output, config.cost) in BAD_OUTPUT:
        why = BAD_OUTPUT[(output, config.cost)]
        return (f"{why}: try --output-activation sigmoid, or --cost softmax_ce "
                f"(or a smaller --lr than {config.lr:g})")
    return f"try a smaller --lr than {config.lr:g} (e.g. {config.lr / 10:g}), or --optimizer adam --lr 1e-3"


def stall_warning(history: list[dict], config, classes: int = 10, final: bool = False) -> str | None:
    """One line saying that the run does not learn, with a hint; None while it learns."""
    if not history:
        return None
    last = history[-1]
    chance = CHANCE_FACTOR / classes
    if not math.isfinite(last["loss"]):
        return (f"training diverged: the loss is {last['loss']} after epoch {last['epoch']} "
                f"(accuracy {100 * _accuracy(last):.2f} %); {hint(config)}")
    recent = history[-WINDOW:]
    losses = [r["loss"] for r in recent]
    flat = max(losses) - min(losses) <= FLAT * max(abs(sum(losses) / len(losses)), 1e-12)
    if len(recent) == WINDOW and flat and all(_accuracy(r) < chance for r in recent):
        return (f"training is not learning: loss flat at {last['loss']:.4f} and accuracy near chance "
                f"({100 * _accuracy(last):.2f} %, chance {100 / classes:.0f} %) for {WINDOW} epochs; "
                f"{hint(config)}")
    if final and _accuracy(last) < chance:
        return (f"training did not learn: accuracy {100 * _accuracy(last):.2f} % after {last['epoch']} "
                f"epoch{'s' * (last['epoch'] != 1)} (chance {100 / classes:.0f} %); {hint(config)}")
    return None
