"""Numeric gradients (the engine's or a user's) against expected values -> :class:`Report` (data only).

Per entry: expected (the truth, 30 digits when symbolic), got, absolute and relative error, error in units
in the last place (ULPs) of the got dtype, status. Per matrix W_N: entries checked / total, maxima, the
worst entry, and the relative error of each numeric oracle (complex step, central differences) against
the same truth. Presentation lives in ``verify.report``.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field, replace

import mpmath
import numpy as np

from .display import render
from .errors import check_compare_args
from .functions import forward
from .impl import call_user, validate_gradients, validate_with_biases
from .oracles import ORACLES
from .sampling import select_entries
from .tolerances import Tolerance, tolerance_for
from .truth import TRUTHS, truth_values

__all__ = ["EntryCheck", "MatrixCheck", "Report", "compare", "entry_check"]


@dataclass(frozen=True)
class EntryCheck:
    """One weight W_N[r, c] = the paper's {}_N w_i^j with i = c + 1 (source), j = r + 1 (target)."""

    N: int
    r: int
    c: int
    expected: float
    got: float
    abs_err: float
    rel_err: float
    ulps: float
    ok: bool
    oracles: dict = field(default_factory=dict)
    kink: bool = False  # disagrees, but a ReLU pre-activation on its path sits at 0: not a failure
    param: str = "W"    # "W": W_N[r, c]; "b": the bias b_N[r] (c = 0)

    @property
    def key(self) -> tuple:
        return ("b", self.N, self.r) if self.param == "b" else (self.N, self.r, self.c)

    @property
    def i(self) -> int:
        return self.c + 1

    @property
    def j(self) -> int:
        return self.r + 1

    def as_dict(self) -> dict:
        return {**asdict(self), "i": self.i, "j": self.j}


@dataclass(frozen=True)
class MatrixCheck:
    """The agreement of grad_W[N] (one table row)."""

    N: int
    shape: tuple
    total: int
    checked: int
    max_abs: float
    max_rel: float
    max_ulps: float
    worst: EntryCheck | None
    ok: bool
    oracle_rel: dict = field(default_factory=dict)
    kinks: int = 0
    param: str = "W"

    def as_dict(self) -> dict:
        d = asdict(self)
        d["worst"] = None if self.worst is None else self.worst.as_dict()
        d["shape"] = list(self.shape)
        return d


@dataclass
class Report:
    """Everything one comparison found; ``ok`` is the verdict. No printing here (see verify.report)."""

    label: str
    sizes: tuple
    n: int
    activation: str
    cost: str
    truth: str
    tolerance: Tolerance
    matrices: list = field(default_factory=list)
    entries: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    diagnosis: object = None
    seconds: float = 0.0
    output_activation: str | None = None

    @property
    def ok(self) -> bool:
        return not self.problems and all(m.ok for m in self.matrices)

    @property
    def checked(self) -> int:
        return sum(m.checked for m in self.matrices)

    @property
    def total(self) -> int:
        if self.matrices:
            return sum(m.total for m in self.matrices)
        return sum(int(np.prod(s)) for s in zip(self.sizes[1:], self.sizes[:-1], strict=True))

    def worst(self, k: int = 5) -> list[EntryCheck]:
        """The k worst entries, failures first, by relative error."""
        return sorted(self.entries, key=lambda e: (e.ok, -_finite(e.rel_err), -e.abs_err))[:k]

    def __repr__(self) -> str:  # one line; the displays: verify.display
        return render("line", self)

    def _repr_html_(self) -> str:
        return render("html", self)

    def __rich__(self):
        return render("rich", self)

    def as_dict(self) -> dict:
        return {
            "label": self.label, "sizes": list(self.sizes), "n": self.n, "activation": self.activation,
            "output_activation": self.output_activation, "cost": self.cost, "truth": self.truth,
            "tolerance": self.tolerance.as_dict(), "ok": self.ok,
            "checked": self.checked, "total": self.total, "seconds": round(self.seconds, 4),
            "matrices": [m.as_dict() for m in self.matrices],
            "worst": [e.as_dict() for e in self.worst(5)],
            "problems": [p.as_dict() for p in self.problems],
            "diagnosis": None if self.diagnosis is None else self.diagnosis.as_dict(),
        }


def _finite(x: float) -> float:
    return 1e300 if not np.isfinite(x) else x


def entry_check(key, expected, got: float, tol: Tolerance, dtype, oracles=None) -> EntryCheck:
    """Compare one value against the truth (mpmath or float); errors are computed before rounding."""
    param, (N, r, c) = ("b", (key[1], key[2], 0)) if key[0] == "b" else ("W", key)
    with mpmath.workdps(40):  # the subtraction must not round the 30-digit truth to 53 bits
        diff = mpmath.mpf(float(got)) - mpmath.mpf(expected)
    abs_err = float(abs(diff)) if np.isfinite(got) else float("inf")
    exp_f = float(expected)
    rel_err = abs_err / abs(exp_f) if exp_f != 0 else (0.0 if abs_err == 0 else float("inf"))
    ulp = float(np.spacing(np.abs(np.asarray(exp_f, dtype=dtype))))
    ulps = abs_err / ulp if ulp > 0 else float("inf")
    return EntryCheck(N, r, c, exp_f, float(got), abs_err, rel_err, ulps, tol.allows(abs_err, exp_f),
                      dict(oracles or {}), param=param)


def _relative(value: float, expected) -> float:
    with mpmath.workdps(40):
        err = float(abs(mpmath.mpf(value) - mpmath.mpf(expected)))
    exp_f = abs(float(expected))
    return err / exp_f if exp_f else (0.0 if err == 0 else float("inf"))


def _oracle_relative(keys, expected, oracle_values) -> dict:
    """Largest relative error of each oracle against the truth over ``keys``, vectorised: the truth as a
    double-double hi + lo (~32 digits), the error (v - hi) - lo in float64 (the oracle columns are shown,
    they decide nothing)."""
    if not keys or not oracle_values:
        return {name: 0.0 for name in oracle_values}
    hi = np.array([float(expected[k]) for k in keys])
    with mpmath.workdps(40):
        lo = np.array([float(mpmath.mpf(expected[k]) - mpmath.mpf(h)) for k, h in zip(keys, hi, strict=True)])
    out = {}
    with np.errstate(all="ignore"):
        for name, values in oracle_values.items():
            v = np.array([values[k] for k in keys], dtype=float)
            err = np.abs((v - hi) - lo)
            err[~np.isfinite(v)] = np.inf
            rel = np.where(hi != 0, err / np.abs(hi), np.where(err == 0, 0.0, np.inf))
            out[name] = float(np.max(rel))
    return out


def _matrix(N, shape, entries: list[EntryCheck], oracle_rel, param: str = "W") -> MatrixCheck:
    total = int(shape[0] * shape[1])
    if not entries:  # nothing comparable: the gradient is missing or misshapen
        nan = float("nan")
        return MatrixCheck(N, tuple(shape), total, 0, nan, nan, nan, None, False, oracle_rel, 0, param)
    worst = max(entries, key=lambda e: (not e.ok, _finite(e.rel_err), e.abs_err))
    return MatrixCheck(N, tuple(shape), total, len(entries), max(e.abs_err for e in entries),
                       max(e.rel_err for e in entries), max(e.ulps for e in entries), worst,
                       all(e.ok for e in entries), oracle_rel, sum(e.kink for e in entries), param)


def _kinks(weights, X, activation, cost, output_activation, biases, tol: Tolerance):
    """For ReLU networks: key (N, r, c) -> True when a pre-activation on the paths from W_N[r, c] to the
    cost is within rounding of 0 (|z| <= rtol * sum |w a|), where phi' is undefined (issue 8)."""
    if "relu" not in (activation, output_activation):
        return None
    Z, A = forward(weights, X, activation, cost, output_activation, biases)
    near = [None] + [np.abs(Z[M]) <= tol.rtol * (np.abs(weights[M - 1]) @ np.abs(A[M - 1]))
                     for M in range(1, len(Z))]
    above = [any(near[M].any() for M in range(N + 2, len(Z))) for N in range(len(weights))]
    def at(key):
        N, r = (key[1], key[2]) if key[0] == "b" else (key[0], key[1])
        return bool(above[N] or near[N + 1][r].any())

    return at


def _groups(weights, biases) -> list[tuple[str, int, tuple]]:
    """(param, N, shape) of every weight matrix W_N, then of every bias vector b_N when biases are on."""
    groups = [("W", N, W.shape) for N, W in enumerate(weights)]
    return groups + ([("b", N, (W.shape[0], 1)) for N, W in enumerate(weights)] if biases is not None else [])


def _in_group(key, param: str, N: int) -> bool:
    return key[0] == "b" and param == "b" and key[1] == N if key[0] == "b" else param == "W" and key[0] == N


def _got(got, weights, X, Y, biases):
    """(arrays by param, problems): call the function if ``got`` is one, then check what it returned."""
    shapes = [W.shape for W in weights]
    result = got
    if callable(got):
        result, problem = call_user(got, weights, X, Y, biases)
        if problem:
            return {}, [problem]
    if biases is None:
        arrays, problems = validate_gradients(result, shapes)
        return ({"W": arrays} if arrays is not None else {}), problems
    grad_W, grad_b, problems = validate_with_biases(result, shapes)
    return {k: v for k, v in (("W", grad_W), ("b", grad_b)) if v is not None}, problems


def compare(got, weights, X, Y, *, biases=None, activation: str = "sigmoid", cost: str = "logloss",
            output_activation: str | None = None, entries=None, sample: int | None = None, seed: int = 0,
            truth: str = "symbolic", oracles=("complex-step", "central-diff"),
            tolerance: Tolerance | None = None, label: str = "", diagnose: bool = True) -> Report:
    """Compare gradients with the truth at (weights, X, Y); returns a :class:`Report`, prints nothing.

    got: a list of grad_W[N] arrays, or a function ``backprop(weights, X, Y)`` to call (its exceptions,
    wrong return types and shapes become ``Report.problems``). With ``biases`` (list of b_N, (m_{N+1}, 1))
    got is (grad_W, grad_b), the function is called as ``backprop(weights, X, Y, biases)``.
    entries: keys (N, r, c) to check (and ("b", N, r) for biases); default every entry, or a seeded sample
    of about ``sample`` weights (corners included, every bias). truth: "symbolic" (sympy via derive) or
    "complex-step". oracles: extra numeric columns, each judged against the truth.
    """
    start = time.perf_counter()
    names = (activation, cost, output_activation, truth)
    weights, X, Y, biases, entries = check_compare_args(weights, X, Y, biases, entries, sample, seed, names,
                                                        oracles, tolerance, (TRUTHS, ORACLES))  # one line
    weights = [np.asarray(W, dtype=float) for W in weights]
    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    if biases is not None:
        biases = [np.asarray(b, dtype=float).reshape(-1, 1) for b in biases]
    shapes = [W.shape for W in weights]
    sizes = (X.shape[0], *(s[0] for s in shapes))
    options = {"activation": activation, "cost": cost, "output_activation": output_activation,
               "biases": biases}
    report = Report(label, sizes, X.shape[1], activation, cost, truth, tolerance or tolerance_for(float),
                    output_activation=output_activation)
    arrays, report.problems = _got(got, weights, X, Y, biases)
    if arrays and tolerance is None:
        report.tolerance = tolerance_for(np.result_type(*[a for v in arrays.values() for a in v]))
    if entries is None:
        entries = select_entries(shapes, sample, np.random.default_rng(seed))
        if biases is not None:
            entries += [("b", N, r) for N, s in enumerate(shapes) for r in range(s[0])]
    expected = truth_values(truth, weights, X, Y, entries, **options)
    oracle_values = {name: ORACLES[name](weights, X, Y, entries, **options) for name in oracles}
    at_kink = _kinks(weights, X, activation, cost, output_activation, biases, report.tolerance)
    for param, N, shape in _groups(weights, biases):
        keys = [k for k in entries if _in_group(k, param, N)]
        rel = _oracle_relative(keys, expected, oracle_values)
        mine = arrays.get(param)
        checks = []
        if mine is not None and len(mine) == len(shapes) and mine[N].shape == shape:
            checks = [entry_check(k, expected[k], mine[N][k[-2:]] if param == "W" else mine[N][k[2], 0],
                                  report.tolerance, mine[N].dtype,
                                  {name: v[k] for name, v in oracle_values.items()}) for k in keys]
        if at_kink is not None:
            checks = [replace(e, ok=True, kink=True) if not e.ok and at_kink(e.key) else e for e in checks]
        report.matrices.append(_matrix(N, shape, checks, rel, param))
        report.entries.extend(checks)
    if diagnose and not report.ok and arrays.get("W") is not None:
        from .diagnose import diagnose as run_diagnosis

        report.diagnosis = run_diagnosis(arrays["W"], weights, X, Y, tolerance=report.tolerance,
                                         expected={k: float(v) for k, v in expected.items() if k[0] != "b"},
                                         **options)
        b_keys = [[("b", N, r) for r in range(s[0])] for N, s in enumerate(shapes)]
        if (report.diagnosis is None and arrays.get("b") is not None and len(arrays["b"]) == len(shapes)
                and all(k in expected for keys in b_keys for k in keys)):
            from .diagnose import diagnose_biases

            exp_b = [np.array([[float(expected[k])] for k in keys]) for keys in b_keys]
            report.diagnosis = diagnose_biases(arrays["b"], exp_b, X.shape[1], report.tolerance)
    report.seconds = time.perf_counter() - start
    return report
