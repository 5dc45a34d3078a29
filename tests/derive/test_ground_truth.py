"""Ground truth by sympy.diff and ground_truth_at, checked against independent computations."""
import mpmath
import numpy as np
import pytest
import sympy

from derive import build_network, ground_truth, ground_truth_at, ground_truth_bias


def _numbers(sizes, n, seed, bias=False):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(size=(sizes[i + 1], sizes[i])) for i in range(len(sizes) - 1)]
    X = rng.normal(size=(sizes[0], n))
    Y = rng.uniform(0.05, 0.95, size=(sizes[-1], n))
    bs = [rng.normal(size=(sizes[i + 1], 1)) for i in range(len(sizes) - 1)] if bias else None
    return Ws, X, Y, bs


def _np_cost(Ws, X, Y, bs=None, act="sigmoid", cost="logloss"):
    f = {"sigmoid": lambda z: 1 / (1 + np.exp(-z)), "tanh": np.tanh}[act]
    A = X
    for N, W in enumerate(Ws):
        Z = W @ A + (bs[N] if bs is not None else 0)
        if cost == "softmax_ce" and len(Ws) - 1 == N:
            E = np.exp(Z)
            return -np.mean(np.sum(Y * np.log(E / E.sum(axis=0)), axis=0))
        A = f(Z)
    if cost == "logloss":
        return -np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0))
    return np.mean(np.sum((A - Y) ** 2, axis=0)) / 2


def _substitution(net, Ws, X, Y, bs=None):
    subs = {}
    for N, W in enumerate(net.W):
        subs.update({W[r, c]: sympy.Rational(Ws[N][r, c]) for r in range(W.rows) for c in range(W.cols)})
        if bs is not None:
            subs.update({net.b[N][r, 0]: sympy.Rational(bs[N][r, 0]) for r in range(W.rows)})
    subs.update({net.X[i, s]: sympy.Rational(X[i, s]) for i in range(X.shape[0]) for s in range(X.shape[1])})
    subs.update({net.Y[i, s]: sympy.Rational(Y[i, s]) for i in range(Y.shape[0]) for s in range(Y.shape[1])})
    return subs


def test_ground_truth_shapes_and_a_last_layer_entry_by_hand():
    net = build_network((2, 2), 1)
    grads = ground_truth(net)
    assert [g.shape for g in grads] == [(2, 2)]
    a, y, x = net.A[1][0, 0], net.Y[0, 0], net.X[1, 0]
    # d/dw of -(y log a + (1-y) log(1-a)) with a = sigma(z), dz/dw = x: (a - y) x
    assert sympy.simplify(grads[0][0, 1] - (a - y) * x) == 0


def test_ground_truth_at_equals_exact_sympy_evaluation():
    sizes, n = (2, 3, 2), 2
    Ws, X, Y, _ = _numbers(sizes, n, seed=1)
    values = ground_truth_at(sizes, Ws, X, Y, dps=40)
    net = build_network(sizes, n)
    subs = _substitution(net, Ws, X, Y)
    exact = ground_truth(net)
    with mpmath.workdps(40):
        for N in range(len(sizes) - 1):
            for r in range(sizes[N + 1]):
                for c in range(sizes[N]):
                    ref = mpmath.mpf(str(exact[N][r, c].xreplace(subs).rewrite(sympy.exp).evalf(50)))
                    assert abs(values[(N, r, c)] - ref) <= abs(ref) * mpmath.mpf(10) ** -37


@pytest.mark.parametrize("sizes,act,cost,bias", [
    ((3, 2, 3, 2), "sigmoid", "logloss", False),
    ((2, 3, 2), "tanh", "mse", True),
    ((4, 3), "sigmoid", "mse", True),
    ((3, 4, 3), "tanh", "softmax_ce", False),
])
def test_ground_truth_at_agrees_with_central_differences(sizes, act, cost, bias):
    n = 3
    Ws, X, Y, bs = _numbers(sizes, n, seed=2, bias=bias)
    entries = [(N, r, c) for N in range(len(Ws)) for r in range(sizes[N + 1]) for c in range(sizes[N])]
    if bias:
        entries += [("b", N, r) for N in range(len(Ws)) for r in range(sizes[N + 1])]
    values = ground_truth_at(sizes, Ws, X, Y, entries=entries, activation=act, cost=cost, biases=bs)
    h = 1e-6
    for key in entries:
        plus, minus = [W.copy() for W in Ws], [W.copy() for W in Ws]
        bp = [b.copy() for b in bs] if bs else None
        bm = [b.copy() for b in bs] if bs else None
        if key[0] == "b":
            bp[key[1]][key[2], 0] += h
            bm[key[1]][key[2], 0] -= h
        else:
            plus[key[0]][key[1], key[2]] += h
            minus[key[0]][key[1], key[2]] -= h
        fd = (_np_cost(plus, X, Y, bp, act, cost) - _np_cost(minus, X, Y, bm, act, cost)) / (2 * h)
        assert abs(float(values[key]) - fd) < 1e-7 * max(1.0, abs(fd)), key


def test_ground_truth_bias_matches_ground_truth_at():
    sizes, n = (2, 2, 1), 2
    Ws, X, Y, bs = _numbers(sizes, n, seed=3, bias=True)
    net = build_network(sizes, n, bias=True)
    exact = ground_truth_bias(net)
    values = ground_truth_at(sizes, Ws, X, Y, entries=[("b", 0, 1), ("b", 1, 0)], biases=bs, dps=30)
    subs = _substitution(net, Ws, X, Y, bs)
    with mpmath.workdps(30):
        for N, r in [(0, 1), (1, 0)]:
            ref = mpmath.mpf(str(exact[N][r, 0].xreplace(subs).rewrite(sympy.exp).evalf(40)))
            assert abs(values[("b", N, r)] - ref) <= abs(ref) * mpmath.mpf(10) ** -27


def test_ground_truth_at_large_network_sample():
    rng = np.random.default_rng(4)
    sizes, n = (784, 30, 10), 10
    Ws = [rng.normal(scale=0.1, size=(30, 784)), rng.normal(scale=0.3, size=(10, 30))]
    X, Y = rng.uniform(size=(784, n)), np.eye(10)[:, rng.integers(0, 10, n)]
    entries = [(0, 3, 100), (0, 29, 783), (1, 9, 0)]
    values = ground_truth_at(sizes, Ws, X, Y, entries=entries, dps=25)
    for (N, r, c), v in values.items():
        h = 1e-5
        plus, minus = [W.copy() for W in Ws], [W.copy() for W in Ws]
        plus[N][r, c] += h
        minus[N][r, c] -= h
        fd = (_np_cost(plus, X, Y) - _np_cost(minus, X, Y)) / (2 * h)
        assert abs(float(v) - fd) < 1e-8 + 1e-6 * abs(fd)


@pytest.mark.parametrize("kwargs,message", [
    ({"activation": "phi"}, "abstract"),
    ({"entries": [(0, 5, 0)]}, "outside the weight matrices"),
    ({"entries": [("b", 0, 0)]}, "no biases were given"),
    ({"dps": 0}, "dps must be a positive integer"),
])
def test_ground_truth_at_bad_arguments(kwargs, message):
    Ws, X, Y, _ = _numbers((2, 2), 1, seed=5)
    with pytest.raises(ValueError, match=message):
        ground_truth_at((2, 2), Ws, X, Y, **kwargs)


def test_ground_truth_at_bad_arrays():
    Ws, X, Y, _ = _numbers((2, 2), 1, seed=6)
    with pytest.raises(ValueError, match=r"weights\[0\] has shape \(2, 2\), expected \(3, 2\)"):
        ground_truth_at((2, 3), Ws, X, Y)
    X[0, 0] = np.nan
    with pytest.raises(ValueError, match="X contains NaN"):
        ground_truth_at((2, 2), Ws, X, Y)
