"""Named training configurations for ``python -m numeric train --preset NAME``.

``default`` (no --preset): the paper's 4-layer shape 784-h1-h2-10, sigmoid everywhere, log-loss, inputs
centred and scaled; aims at >= 97.8 % test accuracy in under a minute on 2 cores. ``quick``: a smoke
run of a few seconds. ``best``: sigmoid hidden units, no augmentation, wider layers, softmax output,
dropout and a longer cosine schedule; aims at >= 98.5 % in under 5 minutes. Figures: bench/accuracy.py.
"""

from __future__ import annotations

__all__ = ["ACTIVATION_LR_SCALE", "PRESETS"]

PRESETS: dict[str, dict] = {
    "default": {"sizes": (784, 256, 128, 10), "activation": "sigmoid", "cost": "logloss", "epochs": 10,
                "batch": 64, "optimizer": "nesterov", "momentum": 0.9, "lr": 0.1, "schedule": "cosine",
                "normalize": True},
    "quick": {"sizes": (784, 100, 50, 10), "activation": "sigmoid", "cost": "logloss", "epochs": 3,
              "batch": 64, "optimizer": "nesterov", "momentum": 0.9, "lr": 0.1, "schedule": "cosine",
              "normalize": True},
    "best": {"sizes": (784, 800, 800, 10), "activation": "sigmoid", "cost": "softmax_ce", "epochs": 30,
             "batch": 64, "optimizer": "nesterov", "momentum": 0.9, "lr": 0.1, "schedule": "cosine",
             "normalize": True, "dropout": 0.3},
}

#: factor on a preset's lr by hidden activation, used only when --lr is not given. The presets' lr 0.1 is
#: tuned for sigmoid units; unbounded ReLU units at 0.1 saturate a sigmoid output under MSE (the run
#: stalls at chance) and learn log-loss more slowly than at 0.05 (2-epoch runs: 94.6 % vs 97.9 %).
ACTIVATION_LR_SCALE: dict[str, float] = {"relu": 0.5}
