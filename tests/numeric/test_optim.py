"""Optimizers against their textbook update rules, written out step by step; schedules."""

import math

import numpy as np
import pytest

from numeric.optim import SGD, Adam, learning_rate, make_optimizer

GRADS = [np.array([[0.5, -1.0]]), np.array([[0.25, 2.0]]), np.array([[-0.75, 0.1]])]


def run(opt_name, lr=0.1):
    p = np.array([[1.0, 2.0]])
    opt = make_optimizer(opt_name, [p], momentum=0.9)
    for g in GRADS:
        opt.step([p], [g.copy()], lr)
    return p


def test_plain_sgd():
    want = np.array([[1.0, 2.0]]) - 0.1 * sum(GRADS)
    np.testing.assert_allclose(run("sgd"), want)


def test_momentum_and_nesterov():
    p_m, p_n, v = np.array([[1.0, 2.0]]), np.array([[1.0, 2.0]]), np.zeros((1, 2))
    for g in GRADS:
        v = 0.9 * v + g
        p_m = p_m - 0.1 * v
        p_n = p_n - 0.1 * (g + 0.9 * v)
    np.testing.assert_allclose(run("momentum"), p_m)
    np.testing.assert_allclose(run("nesterov"), p_n)


def test_adam():
    p, m, v = np.array([[1.0, 2.0]]), np.zeros((1, 2)), np.zeros((1, 2))
    for t, g in enumerate(GRADS, 1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        p = p - 0.1 * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    np.testing.assert_allclose(run("adam"), p, rtol=1e-6)


def test_state_round_trip():
    p = [np.ones((2, 2))]
    a = Adam(p)
    a.step(p, [np.full((2, 2), 0.3)], 0.01)
    b = Adam([np.ones((2, 2))])
    b.load_state({k: v.copy() for k, v in a.state().items()})
    assert b.t == 1 and np.array_equal(b.m[0], a.m[0]) and np.array_equal(b.v[0], a.v[0])
    s = SGD(p, momentum=0.5)
    s.step(p, [np.ones((2, 2))], 0.1)
    s2 = SGD([np.ones((2, 2))], momentum=0.5)
    s2.load_state(s.state())
    assert np.array_equal(s2.v[0], s.v[0])


def test_schedules():
    assert learning_rate(0.1, 3.0, 10) == 0.1
    assert learning_rate(0.1, 0.0, 10, "cosine") == pytest.approx(0.1)
    assert learning_rate(0.1, 5.0, 10, "cosine") == pytest.approx(0.05)
    assert learning_rate(0.1, 10.0, 10, "cosine", lr_min=0.01) == pytest.approx(0.01)
    assert learning_rate(0.1, 25.0, 30, "step", gamma=0.5, every=10) == pytest.approx(0.025)
    assert learning_rate(0.1, 5.0, 30, "exp", gamma=0.5, every=10) == pytest.approx(0.1 / math.sqrt(2))
    assert learning_rate(0.1, 0.5, 10, warmup=1.0) == pytest.approx(0.1 * 0.501)


def test_bad_names():
    with pytest.raises(ValueError, match="unknown optimizer"):
        make_optimizer("rmsprop", [np.ones(1)])
    with pytest.raises(ValueError, match="unknown schedule"):
        learning_rate(0.1, 0, 1, "linear")
    with pytest.raises(ValueError, match="momentum"):
        SGD([np.ones(1)], momentum=1.5)
