"""verify's one exception for bad arguments, its limits, and the checks of its public entry points.

``InvalidArgument`` is a ValueError whose message is one line naming the argument. Every public function
(``compare``, ``check_implementation``, ``assert_backprop_correct``) and every command checks its arguments
here before any work; network sizes are refused when the estimated memory or time is over ``LIMITS``
(README "Limits and errors"). Kept free of numpy-heavy work and of derive, so importing verify stays light.
"""

from __future__ import annotations

import numbers
import re

import numpy as np

__all__ = ["InvalidArgument", "LIMITS", "parse_sizes", "check_sizes", "check_count", "check_seed",
           "check_budget", "check_compare_args", "check_names", "estimate", "check_network_args",
           "check_step"]

LIMITS = {
    "layers": 32,            # layer sizes m_0..m_L
    "width": 100_000,        # nodes per layer
    "batch": 10_000,         # samples n
    "weights": 10_000_000,   # entries of all W_N together
    "sample": 100_000,       # entries checked
    "memory": 2 * 2**30,     # bytes, estimated before allocating
    "seconds": 3600.0,       # estimated time of the ground truth
}
SECONDS_PER_OP = 1e-7     # per-layer truth, per arb multiply-add (bench/truth_scale.py)
SECONDS_PER_ENTRY = 1e-4  # comparing one entry (truth, two oracles, report row)


class InvalidArgument(ValueError):
    """A bad argument of verify's API or CLI; ``str(exc)`` is one line naming the argument."""


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def check_count(value, name: str, high: int, low: int = 1) -> int:
    """An integer in [low, high]; refuses 0 for sizes (never replaced by a default), 3.5, True, '3'."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise InvalidArgument(f"{name} must be an integer, got {_shown(value)}")
    if not low <= value <= high:
        raise InvalidArgument(f"{name} must be between {low} and {high}, got {value}")
    return int(value)


def check_seed(seed) -> int:
    return check_count(seed, "seed", 2**63 - 1, low=0)


def check_sizes(sizes, name: str = "sizes") -> tuple[int, ...]:
    if isinstance(sizes, (str, bytes)) or not hasattr(sizes, "__len__"):
        raise InvalidArgument(f"{name} must be a sequence of layer sizes m_0..m_L, got {_shown(sizes)}")
    if not 2 <= len(sizes) <= LIMITS["layers"]:
        raise InvalidArgument(f"{name}: need at least two layer sizes (input and output) and at most "
                              f"{LIMITS['layers']}, got {len(sizes)}")
    return tuple(check_count(m, f"{name}[{k}]", LIMITS["width"]) for k, m in enumerate(sizes))


def parse_sizes(text: str) -> tuple[int, ...]:
    """"784,30,10" or "784-30-10" -> (784, 30, 10); a negative, fractional or empty size is refused."""
    parts = text.split(",") if "," in text else text.split("-")
    sizes = []
    for part in parts:
        part = part.strip()
        if not re.fullmatch(r"[+-]?\d+", part):
            raise InvalidArgument(f"sizes must be comma-separated integers like 784,30,10, got {text[:40]!r}")
        if len(part) > 12:  # never int() of a 5000-digit string
            raise InvalidArgument(f"sizes[{len(sizes)}] must be between 1 and {LIMITS['width']}, "
                                  f"got a {len(part)}-digit number")
        sizes.append(int(part))
    if any(m < 1 for m in sizes):
        raise InvalidArgument(f"every layer needs at least one node, got {text!r}")
    return check_sizes(sizes)


def estimate(sizes, n: int, entries: int | None, truth: str = "symbolic") -> tuple[int, float]:
    """(bytes, seconds) of checking ``entries`` (None: all) of a network: arrays (weights, gradients,
    oracles' copies, activations) and the symbolic truth's work (all layers at once, then per entry)."""
    shapes = list(zip(sizes[1:], sizes[:-1], strict=False))
    weights = sum(r * c for r, c in shapes)
    memory = 8 * (6 * weights + 8 * n * sum(sizes))
    if truth != "symbolic":
        return memory, 0.0
    # the per-layer truth (derive.layer_truth): forward and backward matrix products in arb, ~3 n
    # multiply-adds per weight whatever the number of entries; then the entry-by-entry comparison
    checked = weights if entries is None else min(weights, entries + 4 * len(shapes))
    return memory, 3 * n * weights * SECONDS_PER_OP + checked * SECONDS_PER_ENTRY


def check_budget(sizes, n: int, entries: int | None, truth: str = "symbolic") -> None:
    """InvalidArgument (estimate, limit, hint) when a network is too large to check."""
    shown = ",".join(map(str, sizes))
    weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    if weights > LIMITS["weights"]:
        raise InvalidArgument(f"sizes {shown} have {weights} weights (limit {LIMITS['weights']}); "
                              "use smaller layers")
    memory, seconds = estimate(sizes, n, entries, truth)
    if memory > LIMITS["memory"]:
        raise InvalidArgument(f"sizes {shown} with n={n} need about {memory / 2**30:.1f} GiB (limit "
                              f"{LIMITS['memory'] / 2**30:.0f} GiB); use smaller layers or batch")
    if seconds > LIMITS["seconds"]:
        raise InvalidArgument(f"checking sizes {shown} with n={n} against sympy is estimated at "
                              f"{seconds:.0f} s (limit {LIMITS['seconds']:.0f} s); use --sample with fewer "
                              "entries, a smaller batch, or --truth complex-step")


def check_names(activation, cost, output_activation=None, truth=None, truths=()) -> None:
    """Known names; ``truths`` the truth sources a caller accepts (verify.truth.TRUTHS, passed in so that
    this module imports neither truth nor oracles: no import circle)."""
    from .functions import ACTIVATIONS, COSTS, USER_COSTS

    costs = {**COSTS, **USER_COSTS}  # USER_COSTS: verify impl's --cost-expr / reductions (verify.usercost)
    for what, value, table in (("activation", activation, ACTIVATIONS), ("cost", cost, costs),
                               ("output_activation", output_activation, ACTIVATIONS),
                               ("truth", truth, truths)):
        if value is None and what in ("output_activation", "truth"):
            continue
        if not isinstance(value, str) or value not in table:
            raise InvalidArgument(f"unknown {what} {_shown(value)}; choose one of {', '.join(table)}")


def _real_array(value, name: str, ndim: int = 2) -> np.ndarray:
    try:
        arr = np.asarray(value)
    except (ValueError, TypeError) as exc:
        raise InvalidArgument(f"{name} is not a rectangular array ({str(exc)[:80]})") from None
    if arr.dtype.kind not in "fiu":  # complex parts are never dropped, strings never parsed
        raise InvalidArgument(f"{name} must be a real numeric array, got dtype {arr.dtype}")
    if arr.ndim != ndim or min(arr.shape, default=0) < 1:
        raise InvalidArgument(f"{name} must be a non-empty {ndim}-D array, got shape {arr.shape}")
    arr = arr.astype(float)
    if not np.all(np.isfinite(arr)):
        raise InvalidArgument(f"{name} contains NaN or infinite values")
    return arr


def _biases(biases, shapes) -> list[np.ndarray] | None:
    if biases is None:
        return None
    if not isinstance(biases, (list, tuple)) or len(biases) != len(shapes):
        raise InvalidArgument(f"biases must be a list of {len(shapes)} vectors b_N, one per W_N")
    out = []
    for N, (b, (rows, _)) in enumerate(zip(biases, shapes, strict=True)):
        arr = _real_array(np.reshape(b, (-1, 1)) if np.size(b) == rows else b, f"biases[{N}]")
        if arr.shape != (rows, 1):
            raise InvalidArgument(f"biases[{N}] has shape {np.shape(b)}, expected ({rows}, 1)")
        out.append(arr)
    return out


def check_entries(entries, shapes, biases) -> list[tuple]:
    """Keys (N, r, c) of existing weights, or ("b", N, r) of existing biases; anything else refused."""
    if isinstance(entries, (str, bytes)) or not hasattr(entries, "__iter__"):
        raise InvalidArgument(f"entries must be a list of keys (N, r, c), got {_shown(entries)}")
    keys = []
    for key in entries:
        key = tuple(key) if isinstance(key, (tuple, list)) else (key,)
        bias = key[:1] == ("b",)
        ints = key[1:] if bias else key
        integral = all(isinstance(k, numbers.Integral) and not isinstance(k, bool) for k in ints)
        if len(key) != 3 or not integral:
            raise InvalidArgument(f"entry {_shown(key)} must be (N, r, c) or ('b', N, r) with integers")
        N = int(ints[0])
        inside = (0 <= N < len(shapes) and 0 <= ints[1] < shapes[N][0]
                  and (bias or 0 <= ints[2] < shapes[N][1]))
        if bias and biases is None:
            raise InvalidArgument(f"entry {key} asks for a bias but no biases were given")
        if not inside:
            raise InvalidArgument(f"entry {key} does not exist in a network of shapes {shapes}")
        keys.append(("b", N, int(ints[1])) if bias else (N, int(ints[1]), int(ints[2])))
    if not keys:
        raise InvalidArgument("entries is empty; give at least one key (N, r, c) or None for all")
    return keys


def check_network_args(weights, X, Y, biases=None, entries=None, names=("sigmoid", "logloss", None, None)):
    """Checked (weights, X, Y, biases, entries, sizes) of one network: real finite arrays of the paper's
    chained shapes, existing entries, known names; InvalidArgument (one line) on anything else."""
    check_names(*names)
    if not isinstance(weights, (list, tuple)) or not weights:
        raise InvalidArgument("weights must be a list of at least one matrix W_0 .. W_{L-1}")
    weights = [_real_array(W, f"weights[{N}]") for N, W in enumerate(weights)]
    X = _real_array(X, "X")
    rows = X.shape[0]
    for N, W in enumerate(weights):
        if W.shape[1] != rows:
            raise InvalidArgument(f"weights[{N}] has shape {W.shape}; expected ({W.shape[0]}, {rows}) to "
                                  f"multiply A_{N} of {rows} rows")
        rows = W.shape[0]
    sizes = check_sizes((X.shape[0], *(W.shape[0] for W in weights)))
    Y = _real_array(Y, "Y")
    if Y.shape != (rows, X.shape[1]):
        raise InvalidArgument(f"Y has shape {Y.shape}, expected (m_L, n) = ({rows}, {X.shape[1]})")
    shapes = [W.shape for W in weights]
    biases = _biases(biases, shapes)
    if entries is not None:
        entries = check_entries(entries, shapes, biases)
    return weights, X, Y, biases, entries, sizes


def check_step(h, name: str = "h") -> None:
    """A finite difference step: a finite number > 0 (None: the default)."""
    if h is None:
        return
    if isinstance(h, bool) or not isinstance(h, numbers.Real) or not np.isfinite(h) or h <= 0:
        raise InvalidArgument(f"{name} must be a finite number > 0, got {_shown(h)}")


def check_compare_args(weights, X, Y, biases, entries, sample, seed, names, oracles, tolerance, tables):
    """Checked (weights, X, Y, biases, entries) for ``verify.compare``; InvalidArgument on anything bad.
    tables: (truth sources, oracles) the caller accepts, by name."""
    from .tolerances import Tolerance

    truths, ORACLES = tables
    check_names(*names, truths=truths)
    weights, X, Y, biases, entries, sizes = check_network_args(weights, X, Y, biases, entries,
                                                               (*names[:3], None))
    if sample is not None:
        check_count(sample, "sample", LIMITS["sample"])
    check_seed(seed)
    if isinstance(oracles, str) or not all(isinstance(o, str) and o in ORACLES for o in oracles):
        raise InvalidArgument(f"oracles must be names from {', '.join(ORACLES)}, got {_shown(oracles)}")
    if tolerance is not None and not isinstance(tolerance, Tolerance):
        raise InvalidArgument(f"tolerance must be a verify.Tolerance, got {type(tolerance).__name__}")
    count = len(entries) if entries is not None else sample
    check_budget(sizes, X.shape[1], count, names[3] or "symbolic")
    return weights, X, Y, biases, entries


def check_impl_args(fn, sizes, batch, sample, seed, names, bias, auto=(2000, 300),
                    truths=()) -> tuple | None:
    """Checked sizes (or None) for ``check_implementation``: fn callable, counts positive (0 is refused,
    never replaced by a default), names known, the user's network within the budget."""
    if not callable(fn):
        raise InvalidArgument(f"fn must be a callable backprop(weights, X, Y), got {type(fn).__name__}")
    check_names(*names, truths=truths)
    if not isinstance(bias, bool):
        raise InvalidArgument(f"bias must be True or False, got {_shown(bias)}")
    if batch is not None:
        check_count(batch, "batch", LIMITS["batch"])
    if sample is not None:
        check_count(sample, "sample", LIMITS["sample"])
    check_seed(seed)
    if sizes is None:
        return None
    sizes = check_sizes(sizes)
    weights = sum(a * b for a, b in zip(sizes, sizes[1:], strict=False))
    count = sample or (auto[1] if weights > auto[0] else None)
    check_budget(sizes, batch or 3, count, names[3] or "symbolic")
    return sizes
