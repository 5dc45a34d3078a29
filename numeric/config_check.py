"""The check of a whole training configuration (``numeric.train.Config``), field by field, before anything
is allocated. Apart from ``numeric.errors`` (which imports nothing of numeric) so that no import circle
runs through the registries of ``numeric.functions`` and ``numeric.optim``.
"""

from __future__ import annotations

from .errors import LIMITS, InvalidArgument, _check_sizes, _shown, check_int, check_real
from .functions import check_names
from .optim import OPTIMIZERS, SCHEDULES

__all__ = ["check_config"]


def _choice(value, name: str, choices) -> str:
    if not isinstance(value, str) or value not in choices:
        raise InvalidArgument(f"unknown {name} {_shown(value)}; choose one of {', '.join(choices)}")
    return value


def check_config(cfg) -> None:
    """Check (and normalize in place) every field of a numeric.train.Config; InvalidArgument if bad."""
    cfg.sizes = _check_sizes(cfg.sizes)
    for name in ("activation", "cost"):
        if not isinstance(getattr(cfg, name), str):
            raise InvalidArgument(f"{name} must be a name, got {_shown(getattr(cfg, name))}")
    if cfg.output is not None and not isinstance(cfg.output, str):
        raise InvalidArgument(f"output must be a name or None, got {_shown(cfg.output)}")
    try:
        check_names(cfg.activation, cfg.cost, cfg.output)
    except InvalidArgument:
        raise
    except ValueError as exc:
        raise InvalidArgument(str(exc)) from None
    _choice(cfg.optimizer, "optimizer", OPTIMIZERS)
    _choice(cfg.schedule, "schedule", SCHEDULES)
    _choice(cfg.init, "init", ("glorot", "he", "auto"))
    for name in ("bias", "normalize"):
        if not isinstance(getattr(cfg, name), bool):
            raise InvalidArgument(f"{name} must be true or false, got {_shown(getattr(cfg, name))}")
    cfg.epochs = check_int(cfg.epochs, "epochs", 1, LIMITS["epochs"])
    cfg.batch = check_int(cfg.batch, "batch", 1, LIMITS["batch"],
                          hint=f"the MNIST training set has {LIMITS['batch']} samples")
    cfg.seed = check_int(cfg.seed, "seed", 0, LIMITS["seed"])
    cfg.lr = check_real(cfg.lr, "lr", 0.0, low_open=True)
    cfg.lr_min = check_real(cfg.lr_min, "lr_min", 0.0)
    cfg.momentum = check_real(cfg.momentum, "momentum", 0.0, 1.0, high_open=True)
    cfg.warmup = check_real(cfg.warmup, "warmup", 0.0, float(cfg.epochs))
    cfg.l2 = check_real(cfg.l2, "l2", 0.0)
    cfg.dropout = check_real(cfg.dropout, "dropout", 0.0, 1.0, high_open=True)
    cfg.input_dropout = check_real(cfg.input_dropout, "input_dropout", 0.0, 1.0, high_open=True)
