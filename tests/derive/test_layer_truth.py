"""The per-layer truth (derive/bulk_truth.py): equal to sympy.diff of the whole cost, to the stage-by-stage
route, certified by its balls; its stage trees are sympy's derivatives; refuses what it cannot certify."""
import mpmath
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from derive import build_network, ground_truth, ground_truth_at, ground_truth_bias
from derive.bulk_truth import layer_truth, stage_bundle, validate_bundle
from derive.exprtree import TreeError
from derive.stages import derive_bundle

CONFIGS = [
    ({}, False),
    ({"activation": "tanh", "cost": "mse"}, True),
    ({"activation": "relu", "cost": "mse", "output_activation": "sigmoid"}, False),
    ({"activation": "tanh", "cost": "softmax_ce"}, True),
    ({"activation": "identity", "cost": "logloss", "output_activation": "sigmoid"}, False),
]


def _numbers(sizes, n, seed, bias=False, softmax=False):
    rng = np.random.default_rng(seed)
    Ws = [rng.normal(scale=1.2 / np.sqrt(a), size=(b, a)) for a, b in zip(sizes, sizes[1:], strict=False)]
    X = rng.normal(size=(sizes[0], n))
    Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], size=n)] if softmax \
        else rng.uniform(0.05, 0.95, size=(sizes[-1], n))
    bs = [rng.normal(size=(b, 1)) for b in sizes[1:]] if bias else None
    return Ws, X, Y, bs


def _keys(sizes, bias):
    keys = [(N, r, c) for N in range(len(sizes) - 1) for r in range(sizes[N + 1]) for c in range(sizes[N])]
    return keys + ([("b", N, r) for N in range(len(sizes) - 1) for r in range(sizes[N + 1])] if bias else [])


def _value(truth, key):
    return truth.grad_b[key[1]].mpf(key[2], 0) if key[0] == "b" else truth.grad_W[key[0]].mpf(*key[1:])


@pytest.mark.parametrize("options,bias", CONFIGS)
def test_equals_exact_sympy_diff_of_the_whole_cost(options, bias):
    sizes, n = (2, 3, 2), 2
    Ws, X, Y, bs = _numbers(sizes, n, 5, bias, options.get("cost") == "softmax_ce")
    net = build_network(sizes, n, bias=bias, **options)
    subs = {net.X[i, s]: sympy.Rational(X[i, s]) for i in range(sizes[0]) for s in range(n)}
    subs.update({net.Y[i, s]: sympy.Rational(Y[i, s]) for i in range(sizes[-1]) for s in range(n)})
    for N, W in enumerate(net.W):
        subs.update({W[r, c]: sympy.Rational(Ws[N][r, c]) for r in range(W.rows) for c in range(W.cols)})
        if bias:
            subs.update({net.b[N][r, 0]: sympy.Rational(bs[N][r, 0]) for r in range(W.rows)})
    exact, exact_b = ground_truth(net), ground_truth_bias(net)
    truth = layer_truth(Ws, X, Y, biases=bs, **options)
    with mpmath.workdps(50):
        for key in _keys(sizes, bias):
            expr = exact_b[key[1]][key[2], 0] if key[0] == "b" else exact[key[0]][key[1], key[2]]
            ref = mpmath.mpf(str(expr.xreplace(subs).rewrite(sympy.exp).evalf(45)))
            G = truth.grad_b[key[1]] if key[0] == "b" else truth.grad_W[key[0]]
            r, c = (key[2], 0) if key[0] == "b" else key[1:]
            assert abs(_value(truth, key) - ref) <= abs(ref) * mpmath.mpf(10) ** -31, key
            assert abs(_value(truth, key) - ref) <= G.err[r, c] * 1.01 + abs(ref) * 1e-40, key  # bound holds


@settings(max_examples=10, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=2, max_size=5), n=st.integers(1, 3),
       seed=st.integers(0, 2**16), config=st.sampled_from(CONFIGS))
def test_equals_the_stage_by_stage_route_on_random_networks(sizes, n, seed, config):
    options, bias = config
    Ws, X, Y, bs = _numbers(sizes, n, seed, bias, options.get("cost") == "softmax_ce")
    old = ground_truth_at(sizes, Ws, X, Y, entries=_keys(sizes, bias), biases=bs, **options)
    truth = layer_truth(Ws, X, Y, biases=bs, **options)
    assert truth.max_rel_bound() < 1e-30
    for key, v in old.items():
        assert abs(_value(truth, key) - v) <= abs(v) * mpmath.mpf(10) ** -29, key


def test_ground_truth_at_bulk_method_matches_layers_at_40_digits():
    sizes = (3, 4, 2)
    Ws, X, Y, _ = _numbers(sizes, 3, 2)
    new = ground_truth_at(sizes, Ws, X, Y, dps=40, method="bulk")
    old = ground_truth_at(sizes, Ws, X, Y, dps=40, method="layers")
    assert new.keys() == old.keys()
    for key, v in old.items():
        assert abs(new[key] - v) <= abs(v) * mpmath.mpf(10) ** -39, key


def test_stage_trees_are_sympys_derivatives():
    bundle = derive_bundle(2, 3, "sigmoid", None, "logloss")
    assert bundle["affine"] == {"dW": ["sym", "a"], "dA": ["sym", "W"], "db": ["int", "1"]}
    # sigmoid' = a (1 - a) (eq 16) and the output delta (a - y)/n for sigmoid + log-loss (eq 27, / n)
    a = sympy.Symbol("a")
    assert sympy.simplify(_expr(bundle["hidden"]["dphi"]) - a * (1 - a)) == 0
    a1, y1 = sympy.symbols("a1 y1")
    assert sympy.simplify(_expr(bundle["output"]["dLambda_dz"][1]) - (a1 - y1) / 3) == 0


def _expr(tree):
    kind = tree[0]
    if kind == "sym":
        return sympy.Symbol(tree[1])
    if kind == "int":
        return sympy.Integer(tree[1])
    if kind == "rat":
        return sympy.Rational(int(tree[1]), int(tree[2]))
    if kind == "pow":
        return _expr(tree[1]) ** tree[2]
    if kind == "fn":
        return getattr(sympy, tree[1])(_expr(tree[2]))
    args = [_expr(t) for t in tree[1:]]
    return {"add": sympy.Add, "mul": sympy.Mul, "max": sympy.Max}[kind](*args)


def test_relu_kink_at_an_exact_zero_and_a_sign_decided_by_more_precision():
    W0 = np.array([[1.0, -1.0], [1.0, 1.0]])
    W1 = np.array([[0.5, -2.0]])
    X = np.array([[0.1, 3.0], [0.1, 1.0]])  # Z_1[0, 0] = 0.1 - 0.1 = 0 exactly: the kink
    truth = layer_truth([W0, W1], X, np.array([[0.3, 0.6]]), activation="relu", cost="mse",
                        output_activation="identity")
    old = ground_truth_at((2, 2, 1), [W0, W1], X, np.array([[0.3, 0.6]]), activation="relu", cost="mse",
                          output_activation="identity")
    for key, v in old.items():
        assert abs(_value(truth, key) - v) <= abs(v) * mpmath.mpf(10) ** -29 + mpmath.mpf(10) ** -60


@pytest.mark.parametrize("corrupt", [
    lambda b: b["hidden"].update(dphi=["fn", "__import__", ["sym", "z"]]),
    lambda b: b["hidden"].update(dphi=["sym", "os"]),
    lambda b: b["affine"].update(dW=["int", "1"]),
    lambda b: b["output"]["dLambda_dz"].pop(),
    lambda b: b["hidden"].update(phi=["fn", "sigmoid", ["sym", "z"]]),
    lambda b: b["hidden"].update(phi=["pow", ["sym", "z"], 10**6]),
    lambda b: b.update(format=2),
])
def test_a_malformed_bundle_is_refused(corrupt):
    bundle = derive_bundle(2, 1, "sigmoid", None, "mse")
    validate_bundle(bundle)
    corrupt(bundle)
    with pytest.raises(TreeError):
        validate_bundle(bundle)


def test_bad_inputs_are_one_line_errors():
    Ws, X, Y, _ = _numbers((2, 3, 2), 2, 0)
    with pytest.raises(ValueError, match="shape"):
        layer_truth([Ws[1], Ws[0]], X, Y)
    with pytest.raises(ValueError, match="NaN"):
        layer_truth(Ws, X * np.nan, Y)
    with pytest.raises(ValueError, match="abstract"):
        layer_truth(Ws, X, Y, activation="phi", use_cache=False)
    with pytest.raises(ValueError, match="dps"):
        layer_truth(Ws, X, Y, dps=0)


def test_bundle_from_memory_after_the_first_call():
    first, _ = stage_bundle(2, 2, "tanh", None, "mse")
    again, hit = stage_bundle(2, 2, "tanh", None, "mse")
    assert hit and again is first
