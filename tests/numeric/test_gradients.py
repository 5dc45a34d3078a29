"""The pure engine against central differences in float64 (independent of verify/), shapes, purity, errors."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import numeric
from numeric.engine import Engine
from numeric.network import cost as batch_cost

PAIRS = [  # (hidden activation, cost, output activation)
    ("sigmoid", "logloss", None), ("tanh", "mse", None), ("relu", "mse", "identity"),
    ("identity", "mse", None), ("tanh", "softmax_ce", None), ("sigmoid", "mse", None),
    ("tanh", "logloss", "sigmoid"), ("relu", "softmax_ce", None),
]


def make(sizes, n, rng, cost, bias):
    W = [rng.normal(0, 1 / np.sqrt(sizes[N]), (sizes[N + 1], sizes[N])) for N in range(len(sizes) - 1)]
    X = rng.normal(0, 1, (sizes[0], n))
    if cost == "softmax_ce":
        Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], n)]
    else:
        Y = rng.uniform(0.05, 0.95, (sizes[-1], n))
    b = [rng.normal(0, 0.5, sizes[N + 1]) for N in range(len(sizes) - 1)] if bias else None
    return W, X, Y, b


def central(W, X, Y, act, cost, b, out, h=1e-6):
    """dLambda/dW_N[r, c] by (Lambda(w + h) - Lambda(w - h)) / 2h for every entry (and every bias)."""
    def f(W_, b_):
        return batch_cost(W_, X, Y, act, cost, b_, out)
    gW = []
    for N, w in enumerate(W):
        g = np.zeros_like(w)
        for r, c in itertools.product(range(w.shape[0]), range(w.shape[1])):
            Wp = [x.copy() for x in W]
            Wm = [x.copy() for x in W]
            Wp[N][r, c] += h
            Wm[N][r, c] -= h
            g[r, c] = (f(Wp, b) - f(Wm, b)) / (2 * h)
        gW.append(g)
    if b is None:
        return gW, None
    gb = []
    for N, v in enumerate(b):
        g = np.zeros_like(v)
        for r in range(v.size):
            bp = [x.copy() for x in b]
            bm = [x.copy() for x in b]
            bp[N][r] += h
            bm[N][r] -= h
            g[r] = (f(W, bp) - f(W, bm)) / (2 * h)
        gb.append(g)
    return gW, gb


def assert_close(got, want, what):
    for N, (g, w) in enumerate(zip(got, want, strict=True)):
        assert g.shape == w.shape, f"{what}[{N}] shape {g.shape} != {w.shape}"
        err = np.abs(g - w)
        worst = np.unravel_index(np.argmax(err), err.shape)
        tol = 1e-7 + 1e-5 * np.abs(w)
        assert np.all(err <= tol), f"{what}[{N}]{worst}: engine {g[worst]!r}, central diff {w[worst]!r}"


@pytest.mark.parametrize("bias", [False, True], ids=["no-bias", "bias"])
@pytest.mark.parametrize("act,cost,out", PAIRS)
def test_gradients_match_central_differences(act, cost, out, bias):
    rng = np.random.default_rng(7)
    W, X, Y, b = make((4, 5, 3, 3), 6, rng, cost, bias)
    res = numeric.gradients(W, X, Y, act, cost, b, out)
    gW, gb = (res, None) if b is None else res
    cW, cb = central(W, X, Y, act, cost, b, out)
    assert_close(gW, cW, "grad_W")
    if bias:
        assert_close(gb, cb, "grad_b")


def test_reference_network_closed_form_with_one_over_n():
    """sigmoid + log-loss: grad W_2 = (1/n) (A_3 - Y) A_2^T exactly (eqs 88-89 with the 1/n)."""
    rng = np.random.default_rng(1)
    W, X, Y, _ = make((3, 4, 4, 2), 5, rng, "logloss", False)
    Z, A = numeric.forward(W, X)
    grads = numeric.gradients(W, X, Y)
    np.testing.assert_array_equal(grads[2], ((A[3] - Y) / 5) @ A[2].T)
    assert Z[0] is None and np.array_equal(A[0], X)
    assert [a.shape for a in A] == [(3, 5), (4, 5), (4, 5), (2, 5)]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(1, 5), min_size=2, max_size=5), st.integers(1, 4), st.integers(0, 2 ** 32 - 1),
       st.sampled_from(PAIRS), st.booleans())
def test_random_sizes_and_depths(sizes, n, seed, pair, bias):
    act, cost, out = pair
    if cost == "softmax_ce" and sizes[-1] == 1:
        sizes = [*sizes[:-1], 2]
    rng = np.random.default_rng(seed)
    W, X, Y, b = make(sizes, n, rng, cost, bias)
    res = numeric.gradients(W, X, Y, act, cost, b, out)
    gW = res if b is None else res[0]
    assert [g.shape for g in gW] == [w.shape for w in W]
    assert all(g.dtype == np.float64 for g in gW)
    if act == "relu":  # central differences straddling the kink are meaningless: only check away from it
        Z, _ = numeric.forward(W, X, act, b, "softmax" if cost == "softmax_ce" else out)
        if min((np.abs(z).min() for z in Z[1:-1]), default=np.inf) < 1e-4:
            return
    cW, _ = central(W, X, Y, act, cost, b, out)
    assert_close(gW, cW, "grad_W")


def test_pure_and_dtype():
    rng = np.random.default_rng(3)
    W, X, Y, b = make((4, 3, 2), 5, rng, "logloss", True)
    copies = [w.copy() for w in W], X.copy(), Y.copy(), [v.copy() for v in b]
    gW, gb = numeric.gradients(W, X, Y, biases=b)
    for a, c in zip([*W, X, Y, *b], [*copies[0], copies[1], copies[2], *copies[3]], strict=True):
        np.testing.assert_array_equal(a, c)
    assert all(g.dtype == np.float64 for g in gW + gb)
    assert [g.shape for g in gb] == [(3,), (2,)]


@pytest.mark.parametrize("act,cost,out", PAIRS[:6])
def test_float32_engine_matches_pure_engine(act, cost, out):
    rng = np.random.default_rng(5)
    sizes = (6, 5, 4, 3)
    W, X, Y, b = make(sizes, 8, rng, cost, True)
    gW, gb = numeric.gradients(W, X, Y, act, cost, b, out)
    from numeric.functions import check_names
    eng = Engine(sizes, act, check_names(act, cost, out), cost)
    W32 = [w.astype(np.float32) for w in W]
    b32 = [v.astype(np.float32).reshape(-1, 1) for v in b]
    X32 = np.ascontiguousarray(X.T, dtype=np.float32).T  # the training layout: a transposed row-major view
    eng.forward(W32, b32, X32, train=True)
    eng.backward(W32, X32, Y.astype(np.float32), True)
    for N in range(3):
        np.testing.assert_allclose(eng.grad_W[N], gW[N], rtol=2e-4, atol=2e-6)
        np.testing.assert_allclose(eng.grad_b[N].ravel(), gb[N], rtol=2e-4, atol=2e-6)


@pytest.mark.parametrize("bad,msg", [
    (lambda W, X, Y: ([W[0].T, W[1]], X, Y), "W_0 has shape"),
    (lambda W, X, Y: (W, X, Y[:, :2]), "Y has shape"),
    (lambda W, X, Y: (W, np.where(X > 0, np.nan, X), Y), "NaN"),
    (lambda W, X, Y: ([], X, Y), "at least one"),
])
def test_bad_input_one_line_errors(bad, msg):
    rng = np.random.default_rng(0)
    W, X, Y, _ = make((4, 3, 2), 5, rng, "logloss", False)
    with pytest.raises(ValueError, match=msg) as exc:
        numeric.gradients(*bad(W, X, Y))
    assert "\n" not in str(exc.value)


def test_unknown_names():
    rng = np.random.default_rng(0)
    W, X, Y, _ = make((4, 3, 2), 5, rng, "logloss", False)
    with pytest.raises(ValueError, match="unknown activation 'swish'"):
        numeric.gradients(W, X, Y, activation="swish")
    with pytest.raises(ValueError, match="unknown cost"):
        numeric.gradients(W, X, Y, cost="hinge")
    with pytest.raises(ValueError, match="owns a softmax"):
        numeric.gradients(W, X, Y, cost="softmax_ce", output_activation="sigmoid")


def test_float32_engine_with_dropout_matches_masked_network():
    """With dropout, grad W must be the gradient of the network whose hidden (and input) units are
    multiplied by the very masks the forward pass drew: checked by central differences in float64."""
    rng = np.random.default_rng(11)
    sizes = (5, 6, 4, 3)
    W, X, Y, _ = make(sizes, 7, rng, "logloss", False)
    eng = Engine(sizes, "sigmoid", "sigmoid", "logloss", dropout=0.4, input_dropout=0.3,
                 rng=np.random.default_rng(2), dtype=np.float64)
    eng.forward(W, None, X, train=True)
    eng.backward(W, X, Y, has_bias=False)
    buf = eng.buffers(7)
    masks = [buf.mask[N].copy() for N in range(3)]
    assert 0 < np.count_nonzero(masks[1] == 0) < masks[1].size  # some units really dropped

    def masked_cost(W_):
        a = X * masks[0]
        for N in range(3):
            z = W_[N] @ a
            a = 1 / (1 + np.exp(-z))
            if N < 2:
                a = a * masks[N + 1]
        return -np.sum(Y * np.log(a) + (1 - Y) * np.log(1 - a)) / 7
    h = 1e-6
    for N in range(3):
        for r, c in [(0, 0), (W[N].shape[0] - 1, W[N].shape[1] - 1), (1, 2)]:
            Wp = [w.copy() for w in W]
            Wm = [w.copy() for w in W]
            Wp[N][r, c] += h
            Wm[N][r, c] -= h
            want = (masked_cost(Wp) - masked_cost(Wm)) / (2 * h)
            assert eng.grad_W[N][r, c] == pytest.approx(want, rel=1e-5, abs=1e-9), (N, r, c)
