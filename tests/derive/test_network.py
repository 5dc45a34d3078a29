"""The symbolic MLP (derive/network.py): shapes, symbols, forward pass, cost, validation."""
import pytest
import sympy

from derive import build_network
from derive.functions import sigmoid


def test_reference_case_shapes_and_symbols():
    net = build_network((3, 2, 3, 2), 2)
    assert net.sizes == (3, 2, 3, 2) and net.n == 2 and net.L == 3
    assert [W.shape for W in net.W] == [(2, 3), (3, 2), (2, 3)]
    assert net.X.shape == (3, 2) and net.Y.shape == (2, 2)
    assert net.Z[0] is None and net.A[0] == net.X
    assert [A.shape for A in net.A] == [(3, 2), (2, 2), (3, 2), (2, 2)]
    # eq 8: {}_1 W entry [j-1, i-1] is {}_1 w_i^j
    assert sympy.latex(net.W[1][2, 1]) == "{}_{1}w_{2}^{3}"
    assert sympy.latex(net.X[1, 0]) == "x_{S1}^{2}" and sympy.latex(net.Y[0, 1]) == "y_{S2}^{1}"
    assert net.b is None
    from derive.network import a_symbol, d_symbol, z_symbol
    assert sympy.latex(a_symbol(2, 3, 1)) == "{}_{2}a_{S1}^{3}"
    assert sympy.latex(z_symbol(1, 2, 2)) == "{}_{1}z_{S2}^{2}"
    assert sympy.latex(d_symbol(1, 2, 1)) == r"{}_{1}D^{\phi}_{2,S1}"


def test_forward_pass_is_eq9_and_eq13():
    net = build_network((3, 2, 3, 2), 2)
    assert net.Z[2] == net.W[1] * net.A[1]
    assert net.A[2][1, 0] == sigmoid(net.Z[2][1, 0])


def test_cost_is_corrected_eq19():
    net = build_network((2, 1), 1)
    a, y = net.A[1][0, 0], net.Y[0, 0]
    assert sympy.expand(net.cost + y * sympy.log(a) + (1 - y) * sympy.log(1 - a)) == 0
    mse = build_network((2, 1), 2, cost="mse")
    expected = sum((mse.A[1][0, s] - mse.Y[0, s]) ** 2 for s in range(2)) / 4
    assert sympy.expand(mse.cost - expected) == 0


def test_bias_and_output_activation():
    net = build_network((2, 2, 1), 1, bias=True, output_activation="identity")
    assert [b.shape for b in net.b] == [(2, 1), (1, 1)]
    assert net.Z[1][0, 0] == net.W[0][0, 0] * net.X[0, 0] + net.W[0][0, 1] * net.X[1, 0] + net.b[0][0, 0]
    assert net.A[2][0, 0].func.__name__ == "identity" and net.A[1][0, 0].func is sigmoid
    assert "biases on" in net.describe()


def test_softmax_output_columns_sum_to_one():
    net = build_network((2, 3), 1, cost="softmax_ce")
    assert sympy.simplify(sum(net.A[1][k, 0] for k in range(3)) - 1) == 0


@pytest.mark.parametrize("sizes,n,message", [
    ((3,), 1, "at least one weight matrix"),
    ((), 1, "at least one weight matrix"),
    ((3, 0, 2), 1, "positive integers"),
    ((3, 2.5), 1, "positive integers"),
    ((3, True), 1, "positive integers"),
    ((3, 2), 0, "n must be an integer >= 1"),
    ((3, 2), 1.0, "n must be an integer >= 1"),
    (5, 1, "sequence of layer sizes"),
])
def test_bad_input_is_refused(sizes, n, message):
    with pytest.raises(ValueError, match=message):
        build_network(sizes, n)


def test_bad_names_are_refused():
    with pytest.raises(ValueError, match="unknown activation"):
        build_network((2, 2), 1, activation="swish")
    with pytest.raises(ValueError, match="softmax output layer goes with cost softmax_ce"):
        build_network((2, 2), 1, output_activation="softmax")
    with pytest.raises(ValueError, match="fixes the output activation"):
        build_network((2, 2), 1, cost="softmax_ce", output_activation="tanh")
