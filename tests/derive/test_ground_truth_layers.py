"""ground_truth_at's stage-by-stage route (derive/evaluate_layers.py) is sympy.diff's derivative: rebuilt
symbolically it equals sympy.diff of the whole cost, and its numbers equal exact evaluation of the full
symbolic ground truth and the older tail-template route; it also handles 6 layers x 32 units."""
import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st
from sympy import Derivative, Function, Symbol

from derive import build_network, ground_truth, ground_truth_at, ground_truth_bias
from derive.evaluate_layers import stage_expressions

W_ = Symbol("w", real=True)


def _numbers(sizes, n, seed, bias=False, softmax=False):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(scale=1.2 / np.sqrt(m_in), size=(m_out, m_in))
          for m_in, m_out in zip(sizes, sizes[1:], strict=False)]
    X = rng.normal(size=(sizes[0], n))
    if softmax:
        Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], size=n)]
    else:
        Y = rng.uniform(0.05, 0.95, size=(sizes[-1], n))
    bs = [rng.normal(size=(sizes[i + 1], 1)) for i in range(len(sizes) - 1)] if bias else None
    return Ws, X, Y, bs


def _substitution(net, Ws, X, Y, bs=None):
    subs = {net.X[i, s]: sympy.Rational(X[i, s]) for i in range(X.shape[0]) for s in range(X.shape[1])}
    subs.update({net.Y[i, s]: sympy.Rational(Y[i, s]) for i in range(Y.shape[0]) for s in range(Y.shape[1])})
    for N, W in enumerate(net.W):
        subs.update({W[r, c]: sympy.Rational(Ws[N][r, c]) for r in range(W.rows) for c in range(W.cols)})
        if bs is not None:
            subs.update({net.b[N][r, 0]: sympy.Rational(bs[N][r, 0]) for r in range(W.rows)})
    return subs


def _exact(expr, subs, digits):
    return mpmath.mpf(str(expr.xreplace(subs).rewrite(sympy.exp).evalf(digits)))


def _compose(net, N, r, c):
    """d Lambda / d W_N[r, c] rebuilt from the stage derivatives: every undefined function z(w) replaced
    by the network's own Z entry and every Derivative(z(w), w) by the previous stage's result."""
    w, act = net.W[N][r, c], net.activation.name
    (_,), (d_entry,) = stage_expressions("entry")
    dZ = sympy.zeros(net.W[N].rows, net.n)
    for s in range(net.n):
        dZ[r, s] = d_entry.xreplace({Symbol("q", real=True): net.A[N][c, s], W_: w})
    (_,), (d_act,) = stage_expressions("activation", act=act)
    z = Function("z", real=True)(W_)
    for ell in range(N + 1, net.L):
        m_in, m_out = net.W[ell].cols, net.W[ell].rows
        _, derivs = stage_expressions("affine", m_in=m_in, m_out=m_out)
        new = sympy.zeros(m_out, net.n)
        for s in range(net.n):
            du = [d_act.xreplace({Derivative(z, W_): dZ[j, s]}).xreplace({z: net.Z[ell][j, s]})
                  for j in range(m_in)]
            rep = {Derivative(Function(f"u{j}", real=True)(W_), W_): du[j] for j in range(m_in)}
            wts = {Symbol(f"W{k}_{j}", real=True): net.W[ell][k, j]
                   for k in range(m_out) for j in range(m_in)}
            for k in range(m_out):
                new[k, s] = derivs[k].xreplace(rep).xreplace(wts)
        dZ = new
    m_L = net.sizes[-1]
    _, (d_out,) = stage_expressions("output", m_L=m_L, n=net.n, act=act, out=None, cost=net.cost_spec.name)
    total = 0
    for s in range(net.n):
        rep = {Derivative(Function(f"z{k}", real=True)(W_), W_): dZ[k, s] for k in range(m_L)}
        fun = {Function(f"z{k}", real=True)(W_): net.Z[net.L][k, s] for k in range(m_L)}
        ys = {Symbol(f"y{k}", real=True): net.Y[k, s] for k in range(m_L)}
        total += d_out.xreplace(rep).xreplace(fun).xreplace(ys)
    return total


@pytest.mark.parametrize("sizes,n,act,cost", [
    ((2, 2, 2), 2, "sigmoid", "logloss"),
    ((2, 2, 1, 2), 1, "tanh", "mse"),
    ((1, 2, 3), 2, "sigmoid", "softmax_ce"),
])
def test_composed_stages_are_sympy_diff_of_the_whole_cost(sizes, n, act, cost):
    net = build_network(sizes, n, activation=act, cost=cost)
    truth = ground_truth(net)
    for N, r, c, _ in net.weights():
        rebuilt = _compose(net, N, r, c)
        assert sympy.expand(rebuilt - truth[N][r, c]) == 0, (N, r, c)


def test_stage_derivatives_keep_sympy_functions_and_derivatives():
    exprs, derivs = stage_expressions("affine", m_in=2, m_out=1)
    u0 = Function("u0", real=True)(W_)
    assert Derivative(u0, W_) in derivs[0].atoms(Derivative)
    assert sympy.diff(exprs[0], W_) == derivs[0]
    (phi_z,), (d_phi,) = stage_expressions("activation", act="sigmoid")
    assert d_phi == phi_z * (1 - phi_z) * Derivative(phi_z.args[0], W_)  # eq 16 by sympy, times dz/dw
    with pytest.raises(ValueError, match="unknown stage"):
        stage_expressions("nowhere")


@pytest.mark.parametrize("sizes,n,act,cost,bias,out", [
    ((2, 2, 2, 2), 2, "sigmoid", "logloss", False, None),
    ((2, 2, 1, 2), 2, "sigmoid", "mse", True, None),
    ((1, 2, 2), 1, "tanh", "mse", False, None),
    ((2, 2, 3), 2, "sigmoid", "softmax_ce", True, None),
    ((3, 2, 2), 1, "tanh", "logloss", False, "sigmoid"),
])
@pytest.mark.parametrize("method", ["layers", "bulk"])
def test_values_equal_exact_evaluation_of_the_full_ground_truth(sizes, n, act, cost, bias, out, method):
    Ws, X, Y, bs = _numbers(sizes, n, seed=7, bias=bias, softmax=cost == "softmax_ce")
    net = build_network(sizes, n, activation=act, cost=cost, bias=bias, output_activation=out)
    keys = [(N, r, c) for N, r, c, _ in net.weights()]
    keys += [("b", N, r) for N in range(net.L) for r in range(sizes[N + 1])] if bias else []
    values = ground_truth_at(sizes, Ws, X, Y, entries=keys, activation=act, cost=cost, biases=bs, dps=40,
                             output_activation=out, method=method)
    subs = _substitution(net, Ws, X, Y, bs)
    truth, truth_b = ground_truth(net), ground_truth_bias(net)
    with mpmath.workdps(45):
        for key in keys:
            expr = truth_b[key[1]][key[2], 0] if key[0] == "b" else truth[key[0]][key[1], key[2]]
            ref = _exact(expr, subs, 50)
            assert abs(values[key] - ref) <= abs(ref) * mpmath.mpf(10) ** -38, key


@pytest.mark.parametrize("sizes,n,kwargs", [
    ((3, 4, 3, 2), 3, {}),
    ((4, 3, 3, 3, 2), 2, {"activation": "tanh", "cost": "mse"}),
    ((3, 4, 3, 2), 2, {"activation": "relu", "cost": "mse", "output_activation": "sigmoid"}),
    ((2, 3, 4), 4, {"activation": "tanh", "cost": "softmax_ce"}),
    ((2, 3, 3, 2), 2, {"cost": "logloss", "bias": True}),
])
def test_layers_route_equals_the_tail_route(sizes, n, kwargs):
    kwargs = dict(kwargs)
    bias = kwargs.pop("bias", False)
    Ws, X, Y, bs = _numbers(sizes, n, seed=11, bias=bias, softmax=kwargs.get("cost") == "softmax_ce")
    keys = [(N, r, c) for N in range(len(Ws)) for r in range(sizes[N + 1]) for c in range(sizes[N])]
    keys += [("b", N, r) for N in range(len(Ws)) for r in range(sizes[N + 1])] if bias else []
    new = ground_truth_at(sizes, Ws, X, Y, entries=keys, biases=bs, method="layers", **kwargs)
    old = ground_truth_at(sizes, Ws, X, Y, entries=keys, biases=bs, method="tail", **kwargs)
    for key in keys:
        assert abs(new[key] - old[key]) <= abs(old[key]) * mpmath.mpf(10) ** -28, key


@settings(max_examples=8, deadline=None)
@given(sizes=st.lists(st.integers(1, 3), min_size=2, max_size=4), n=st.integers(1, 3),
       seed=st.integers(0, 2**16))
def test_layers_route_equals_the_tail_route_on_random_sizes(sizes, n, seed):
    Ws, X, Y, _ = _numbers(sizes, n, seed)
    new = ground_truth_at(sizes, Ws, X, Y, method="layers")
    old = ground_truth_at(sizes, Ws, X, Y, method="tail")
    assert new.keys() == old.keys()
    for key, v in old.items():
        assert abs(new[key] - v) <= abs(v) * mpmath.mpf(10) ** -28, key


def _complex_step_cost(Ws, X, Y):
    A = X.astype(complex)
    for W in Ws:
        A = 1 / (1 + np.exp(-(W @ A)))
    return -np.mean(np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=0))


@pytest.mark.parametrize("method", ["layers", "bulk"])
def test_six_layers_of_32_units_agree_with_complex_step(method):
    sizes, n = (32,) * 7, 2
    Ws, X, Y, _ = _numbers(sizes, n, seed=3)
    rng = np.random.default_rng(5)
    keys = [(N, int(rng.integers(32)), int(rng.integers(32))) for N in range(6) for _ in range(2)]
    values = ground_truth_at(sizes, Ws, X, Y, entries=keys, dps=25, method=method)
    h = 1e-30
    for N, r, c in keys:
        bumped = [W.astype(complex) for W in Ws]
        bumped[N][r, c] += 1j * h
        cs = _complex_step_cost(bumped, X, Y).imag / h
        assert abs(float(values[(N, r, c)]) - cs) <= 1e-12 * abs(cs) + 1e-17, (N, r, c)


def test_unknown_method_is_refused():
    Ws, X, Y, _ = _numbers((2, 2), 1, seed=1)
    with pytest.raises(ValueError, match="unknown method 'fast'; choose one of bulk, layers, tail"):
        ground_truth_at((2, 2), Ws, X, Y, method="fast")
