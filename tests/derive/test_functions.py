"""Registries (derive/functions.py): each derivative table entry is checked against its definition."""
import pytest
import sympy
from sympy import Symbol

from derive.closed_forms import output_delta_rule, paper_identities
from derive.functions import ACTIVATIONS, COSTS, get_activation, get_cost

z = Symbol("z", real=True)


def test_sigmoid_derivative_is_eq16_proven_from_eq14():
    """eq 15-16: d/dz 1/(1+e^-z) == phi (1 - phi), by sympy from the definition eq 14."""
    act = ACTIVATIONS["sigmoid"]
    definition = act.definition(z)
    assert sympy.simplify(sympy.diff(definition, z) - definition * (1 - definition)) == 0
    table = act.prime(z).rewrite(sympy.exp)
    assert sympy.simplify(table - sympy.diff(definition, z)) == 0


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "identity"])
def test_prime_in_a_matches_definition(name):
    act = ACTIVATIONS[name]
    definition = act.definition(z)
    assert sympy.simplify(sympy.diff(definition, z) - act.prime_in_a(definition)) == 0


def test_relu_derivative_is_heaviside_away_from_the_kink():
    act = ACTIVATIONS["relu"]
    for value in (sympy.Rational(-3, 2), sympy.Rational(5, 7)):
        slope = sympy.diff(act.definition(z), z).subs(z, value)
        assert act.prime(z).subs(z, value) == slope
    assert act.kink and act.prime_in_a is None


def test_abstract_phi_stays_undefined():
    act = ACTIVATIONS["phi"]
    assert act.definition is None
    assert str(act.prime(z)) == "phi'(z)"
    assert sympy.latex(act.prime(z)) == r"\phi'\left(z\right)"


def test_logloss_is_the_correct_form_and_eq21():
    a, y = Symbol("a"), Symbol("y")
    lam = COSTS["logloss"].pointwise(a, y)
    assert sympy.expand(lam + y * sympy.log(a) + (1 - y) * sympy.log(1 - a)) == 0
    assert sympy.cancel(COSTS["logloss"].delta_out(a, y) - (a - y) / (a * (1 - a))) == 0


@pytest.mark.parametrize("act,cost,expected", [
    ("sigmoid", "logloss", "a - y"),
    ("sigmoid", "mse", "(a - y)*a*(1 - a)"),
    ("identity", "mse", "a - y"),
    ("tanh", "mse", "(a - y)*(1 - a**2)"),
])
def test_output_delta_rule_is_derived(act, cost, expected):
    a, y, rule = output_delta_rule(act, cost)
    assert sympy.expand(rule - sympy.sympify(expected, locals={"a": a, "y": y})) == 0


def test_softmax_output_delta_is_a_times_column_sum_minus_y():
    a, y, rule = output_delta_rule("phi", "softmax_ce", 3)
    for k in range(3):
        assert sympy.expand(rule[k] - (a[k] * sum(y) - y[k])) == 0


def test_paper_identities_hold():
    checks = paper_identities()
    assert [c[0] for c in checks] == ["eq 16/17", "eq 20/21", "eq 26/27"]
    assert all(ok for _, _, ok in checks)


def test_unknown_names_give_clear_errors():
    with pytest.raises(ValueError, match="unknown activation 'softplus'; choose one of sigmoid"):
        get_activation("softplus")
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        get_cost("hinge")
