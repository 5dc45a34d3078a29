"""The three registries agree: derive's sympy truth, numeric's numpy engine and verify's oracle forward pass.

Same keys everywhere (scikit-learn's ACTIVATIONS / DERIVATIVES / LOSS_FUNCTIONS pattern), and every numeric
activation, derivative (the D_phi of eqs 86-93), cost (eq 19) and output delta (eqs 86-88, through softmax's
full Jacobian) equals derive's sympy expression, lambdified to mpmath at 400 digits, at many points drawn by
hypothesis - extreme inputs included (|z| up to 1e300 for activations, the whole float64 exp range for costs).
"""

import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import example, given, settings
from hypothesis import strategies as st

import numeric
import verify.functions as V
from derive.functions import ACTIVATIONS as SYM_ACT
from derive.functions import COSTS as SYM_COSTS
from derive.functions import MPMATH_FUNCTIONS
from numeric import functions as F

EPS = np.finfo(np.float64).eps
CONCRETE = sorted(k for k, a in SYM_ACT.items() if a.definition is not None)
MODULES = [MPMATH_FUNCTIONS, "mpmath"]
z_sym = sympy.Symbol("z", real=True)
FAST = settings(max_examples=60, deadline=None, derandomize=True)

finite = st.floats(min_value=-1e300, max_value=1e300, allow_nan=False, allow_infinity=False)
moderate = st.floats(min_value=-40, max_value=40, allow_nan=False)
exp_range = st.floats(min_value=-700, max_value=700, allow_nan=False)


def _mp(value) -> mpmath.mpf:
    return mpmath.mpf(float(value))


def _close(got: float, exact, rel: float, abs_: float = 0.0) -> bool:
    """|got - exact| <= abs_ + rel |exact|, with the exact value at high precision."""
    return abs(_mp(got) - exact) <= abs_ + rel * abs(exact)


@pytest.fixture(autouse=True)
def _precision():
    with mpmath.workdps(400):
        yield


# ---- keys ------------------------------------------------------------------------------------------------

def test_same_keys_in_all_three_packages():
    assert set(SYM_ACT) - {"phi"} == set(F.ACTIVATIONS) == set(F.DERIVATIVES) == set(V.ACTIVATIONS)
    assert set(SYM_COSTS) == set(F.COSTS) == set(V.COSTS) == {"logloss", "mse", "softmax_ce"}
    assert set(numeric.ACTIVATIONS) == set(F.ACTIVATIONS) and set(numeric.COSTS) == set(F.COSTS)
    assert CONCRETE == sorted(F.ACTIVATIONS) == ["identity", "relu", "sigmoid", "tanh"]
    assert SYM_ACT["phi"].definition is None  # the abstract activation has no numeric counterpart


# ---- activations and their derivatives --------------------------------------------------------------------

def _sym_activation(name):
    return sympy.lambdify(z_sym, SYM_ACT[name].definition(z_sym), MODULES)


def _sym_derivatives(name):
    """phi' twice from derive: sympy.diff of the definition, and the registry's own table (used in proofs)."""
    definition = sympy.lambdify(z_sym, sympy.diff(SYM_ACT[name].definition(z_sym), z_sym), MODULES)
    table = sympy.lambdify(z_sym, SYM_ACT[name].prime(z_sym), MODULES)
    return definition, table


@pytest.mark.parametrize("name", CONCRETE)
@FAST
@given(z=finite)
@example(z=0.0)
@example(z=-745.0)
@example(z=-36.9)
@example(z=710.0)
@example(z=1e300)
@example(z=-1e300)
@example(z=5e-324)
def test_activation_values_match_sympy(name, z):
    """phi(z) to 4 ulps (relative; tiny absolute slack only where the true value is subnormal)."""
    exact = _sym_activation(name)(_mp(z))
    Z = np.array([[z]])
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        got = F.ACTIVATIONS[name](Z)[0, 0]
        also_in_place = F.ACTIVATIONS[name](Z.copy(), out=np.empty_like(Z))[0, 0]
    assert np.isfinite(got) and got == also_in_place
    assert _close(got, exact, rel=4 * EPS, abs_=1e-306), (name, z, got, exact)


@pytest.mark.parametrize("name", CONCRETE)
@FAST
@given(z=finite)
@example(z=0.0)
@example(z=1e-300)
@example(z=-1e-300)
@example(z=37.0)
@example(z=-745.0)
@example(z=710.0)
@example(z=-1e300)
def test_derivatives_match_sympy(name, z):
    """D_phi from (Z, A) as the engine computes it (A(1 - A), 1 - A^2: eq 17) equals sympy's phi'(z) to a
    few eps absolutely (written in A, the saturated tail is exact to eps of 1, not relatively); relu at the
    kink z = 0 uses 0, as Heaviside(0) does in derive's evaluation."""
    by_definition, by_table = _sym_derivatives(name)
    exact = by_definition(_mp(z))
    assert abs(by_table(_mp(z)) - exact) <= mpmath.mpf(10) ** -390  # derive's table == diff(definition)
    Z = np.array([[z]])
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        got = F.DERIVATIVES[name](Z, F.ACTIVATIONS[name](Z))[0, 0]
    assert np.isfinite(got)
    assert _close(got, exact, rel=8 * EPS, abs_=4 * EPS), (name, z, got, exact)


@pytest.mark.parametrize("name", CONCRETE)
@FAST
@given(z=moderate)
def test_verify_oracle_activations_and_complex_step_derivatives_match_sympy(name, z):
    """verify's own forward pass (complex-safe, for the complex-step oracle) agrees with derive too."""
    assert _close(V.ACTIVATIONS[name](np.array([[z]]))[0, 0], _sym_activation(name)(_mp(z)), rel=4 * EPS,
                  abs_=1e-300)
    exact_d = _sym_derivatives(name)[0](_mp(z))
    assert _close(V.d_activation(name, np.array([[z]]))[0, 0], exact_d, rel=8 * EPS, abs_=1e-300)


@pytest.mark.parametrize("name", ["sigmoid", "tanh"])
def test_saturation_stays_in_range_without_warnings(name):
    Z = np.array([[-1e308, -1e5, -745.5, -40.0, 40.0, 745.5, 1e5, 1e308]])
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        A = F.ACTIVATIONS[name](Z)
        D = F.DERIVATIVES[name](Z, A)
    low = 0.0 if name == "sigmoid" else -1.0
    assert np.all((low <= A) & (A <= 1)) and np.all((D >= 0) & (D <= 1))
    assert A[0, 0] == low and A[0, -1] == 1.0 and D[0, 0] == 0.0 and D[0, -1] == 0.0


# ---- costs and output deltas ------------------------------------------------------------------------------

def _pairings():
    """(cost, output activation) pairs the engine supports with a meaningful cost: log-loss needs a in
    (0, 1) (sigmoid output), mse takes any output, softmax_ce owns a softmax output."""
    return [("logloss", "sigmoid")] + [("mse", a) for a in CONCRETE] + [("softmax_ce", "softmax")]


def _sym_cost(cost: str, output: str, m: int, n: int):
    """(Lambda, Zs, Ys): the batch cost as derive defines it (eq 19: (1/n) sum of lambda(a, y)) in
    symbols z_{j,s}, y_{j,s}; the output activation from derive's registry, softmax written out."""
    Zs = sympy.Matrix(m, n, lambda j, s: sympy.Symbol(f"z{j}_{s}", real=True))
    Ys = sympy.Matrix(m, n, lambda j, s: sympy.Symbol(f"y{j}_{s}", real=True))
    if output == "softmax":
        A = sympy.Matrix(m, n, lambda j, s: sympy.exp(Zs[j, s]) / sum(sympy.exp(Zs[k, s]) for k in range(m)))
    else:
        A = Zs.applyfunc(SYM_ACT[output].definition)
    pointwise = SYM_COSTS[cost].pointwise
    total = sum(pointwise(A[j, s], Ys[j, s]) for j in range(m) for s in range(n)) / n
    return total, Zs, Ys


def _evaluate(expr, Zs, Ys, Z, Y):
    subs = {Zs[i]: _mp(v) for i, v in enumerate(Z.ravel())}
    subs.update({Ys[i]: _mp(v) for i, v in enumerate(Y.ravel())})
    f = sympy.lambdify(list(subs), expr, MODULES)
    return f(*subs.values())


@st.composite
def batches(draw, cost):
    m = draw(st.integers(2 if cost == "softmax_ce" else 1, 4))
    n = draw(st.integers(1, 3))
    values = exp_range if draw(st.booleans()) else moderate
    Z = np.array(draw(st.lists(values, min_size=m * n, max_size=m * n))).reshape(m, n)
    if cost == "mse":
        Y = np.array(draw(st.lists(moderate, min_size=m * n, max_size=m * n))).reshape(m, n)
    elif cost == "logloss":
        Y = np.array(draw(st.lists(st.sampled_from([0.0, 1.0, 0.25, 0.5]), min_size=m * n,
                                   max_size=m * n))).reshape(m, n)
    else:  # one-hot columns, or a probability split between two classes (columns sum to 1)
        hot = draw(st.lists(st.integers(0, m - 1), min_size=n, max_size=n))
        Y = np.eye(m)[:, hot]
        if draw(st.booleans()):
            Y = 0.75 * Y + 0.25 * np.roll(Y, 1, axis=0)
    return Z, Y


def _output(name, Z):
    return F.softmax(Z) if name == "softmax" else F.ACTIVATIONS[name](Z)


def _cost_and_delta_case(cost, output, Z, Y):
    m, n = Z.shape
    total, Zs, Ys = _sym_cost(cost, output, m, n)
    A = _output(output, Z)
    scale = 1 + float(np.sum(np.abs(Z) * (1 + np.abs(Y))) + np.sum(np.abs(Y) ** 2)) / n
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        got = F.COSTS[cost](Z, A, Y, output)
        delta = F.output_delta(cost, output, Z, A, Y)
    # the cost: relative 1e-13, plus rounding of the summands (|z| up to 700 cancels in softplus(z) - y z)
    exact = _evaluate(total, Zs, Ys, Z, Y)
    assert _close(got, exact, rel=1e-13, abs_=16 * EPS * scale), (cost, output, Z, Y, got, exact)
    # delta_L = dLambda/dZ_L, each entry sympy.diff of the whole cost (for softmax: every a_j depends on z_k)
    for j in range(m):
        for s in range(n):
            d_exact = _evaluate(sympy.diff(total, Zs[j, s]), Zs, Ys, Z, Y)
            bound = 16 * EPS * (1 + abs(Y[j, s]) + abs(A[j, s])) * (1 + abs(A[j, s] - Y[j, s])) / n
            assert _close(delta[j, s], d_exact, rel=1e-13, abs_=bound), (cost, output, j, s, delta, d_exact)


@pytest.mark.parametrize("cost,output", _pairings(), ids=lambda v: str(v))
@settings(max_examples=25, deadline=None, derandomize=True)
@given(data=st.data())
def test_costs_and_output_deltas_match_sympy(cost, output, data):
    Z, Y = data.draw(batches(cost))
    _cost_and_delta_case(cost, output, Z, Y)


@pytest.mark.parametrize("cost,output,Z,Y", [
    ("logloss", "sigmoid", [[700.0, -700.0, 36.0]], [[1.0, 0.0, 0.5]]),    # log(0) nowhere
    ("logloss", "sigmoid", [[-700.0, 700.0]], [[1.0, 0.0]]),                # a cost of 700 per sample
    ("softmax_ce", "softmax", [[700.0, -700.0], [-700.0, 0.0], [0.0, 700.0]], [[1, 0], [0, 0], [0, 1]]),
    ("softmax_ce", "softmax", [[1e-3, 5.0], [1e-3, -5.0]], [[0.5, 0.0], [0.5, 1.0]]),
    ("mse", "sigmoid", [[700.0, -700.0]], [[0.0, 1.0]]),
    ("mse", "tanh", [[-30.0, 0.0]], [[1.0, -1.0]]),
])
def test_costs_at_extremes(cost, output, Z, Y):
    _cost_and_delta_case(cost, output, np.array(Z, dtype=float), np.array(Y, dtype=float))


@pytest.mark.parametrize("cost,output", [("logloss", "sigmoid"), ("mse", "tanh"), ("mse", "identity"),
                                         ("softmax_ce", "softmax")])
def test_verify_oracle_costs_match_sympy(cost, output):
    """verify's per-sample costs (complex-step oracle) against derive's Lambda at moderate inputs."""
    rng = np.random.default_rng(7)
    Z = rng.normal(0, 3, (3, 4))
    Y = np.eye(3)[:, [0, 2, 1, 1]] if cost == "softmax_ce" else rng.uniform(0, 1, (3, 4))
    total, Zs, Ys = _sym_cost(cost, output, 3, 4)
    A = F.softmax(Z) if output == "softmax" else V.ACTIVATIONS[output](Z)
    got = np.mean(V.sample_costs(A, Y, Z, cost))
    assert _close(got, _evaluate(total, Zs, Ys, Z, Y), rel=1e-13)


def test_softmax_ce_delta_uses_the_full_jacobian():
    """With targets whose columns do not sum to 1, delta_L is A_L colsum(Y) - Y (derive's rule), not
    A_L - Y: the diagonal of the Jacobian alone would give neither; sympy.diff of the cost decides, and the
    engine follows it."""
    Z = np.array([[0.3, -1.0], [1.2, 0.4], [-0.5, 2.0]])
    Y = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 0.5]])  # column sums 2 and 0.5
    total, Zs, Ys = _sym_cost("softmax_ce", "softmax", 3, 2)
    A = F.softmax(Z)
    exact = np.array([[float(_evaluate(sympy.diff(total, Zs[j, s]), Zs, Ys, Z, Y)) for s in range(2)]
                      for j in range(3)])
    np.testing.assert_allclose(exact, (A * Y.sum(axis=0) - Y) / 2, rtol=1e-14, atol=1e-16)
    engine = F.output_delta("softmax_ce", "softmax", Z, A, Y)
    np.testing.assert_allclose(engine, exact, rtol=1e-14, atol=1e-16)
    diagonal_only = -(Y / A) * A * (1 - A) / 2
    assert not np.allclose(exact, diagonal_only, atol=1e-3)
