"""Loading and calling a user's function: clear one-line errors, the user's own frames, return checks."""

import numpy as np
import pytest

from verify import check_implementation
from verify.impl import UserCodeError, call_user, load_function, validate_gradients

GOOD = '''
import numpy as np

def backprop(weights, X, Y):
    A = [X]
    for W in weights:
        A.append(1 / (1 + np.exp(-W @ A[-1])))
    delta, grads = A[-1] - Y, [None] * len(weights)
    for N in reversed(range(len(weights))):
        grads[N] = delta @ A[N].T / X.shape[1]
        delta = (weights[N].T @ delta) * A[N] * (1 - A[N])
    return grads

VALUE = 3
'''

CRASH = '''
def helper(weights):
    return weights[len(weights)]          # IndexError in the user's helper

def backprop(weights, X, Y):
    return helper(weights)
'''


@pytest.fixture
def user_file(tmp_path):
    def write(text, name="user_bp.py"):
        path = tmp_path / name
        path.write_text(text)
        return path
    return write


def test_load_and_check_a_good_file(user_file):
    fn = load_function(f"{user_file(GOOD)}:backprop")
    assert check_implementation(fn, truth="complex-step").ok


@pytest.mark.parametrize("spec,message", [
    ("nofile.py:backprop", "no such file"),
    ("just_a_name", "expected FILE.py:FUNCTION"),
])
def test_bad_specs(spec, message):
    with pytest.raises(UserCodeError, match=message):
        load_function(spec)


def test_missing_function_lists_what_exists(user_file):
    with pytest.raises(UserCodeError, match=r"no function 'backprob'.*backprop"):
        load_function(f"{user_file(GOOD)}:backprob")


def test_not_callable(user_file):
    with pytest.raises(UserCodeError, match="is a int, not a function"):
        load_function(f"{user_file(GOOD)}:VALUE")


def test_syntax_error_names_file_and_line(user_file):
    path = user_file("def backprop(weights, X, Y):\n    return [\n")
    with pytest.raises(UserCodeError, match=r"user_bp.py:\d+: SyntaxError"):
        load_function(f"{path}:backprop")


def test_import_error_shows_user_frame(user_file):
    path = user_file("import numpy as np\nx = 1 / 0\n")
    with pytest.raises(UserCodeError, match="ZeroDivisionError") as caught:
        load_function(f"{path}:backprop")
    assert "line 2" in str(caught.value)


def test_exception_traceback_is_filtered_to_the_users_file(user_file):
    fn = load_function(f"{user_file(CRASH)}:backprop")
    result, problem = call_user(fn, [np.ones((2, 2))], np.ones((2, 1)), np.ones((2, 1)))
    assert result is None and problem.kind == "exception"
    assert "IndexError" in problem.message
    assert problem.detail.count("user_bp.py") == 2   # backprop and helper, nothing of ours
    assert "in helper" in problem.detail and "impl.py" not in problem.detail


def test_inputs_are_copies():
    seen = {}

    def mutating(weights, X, Y):
        weights[0] -= 1.0
        seen["w"] = weights[0]
        return [np.zeros_like(W) for W in weights]

    W = np.ones((2, 3))
    call_user(mutating, [W], np.ones((3, 1)), np.ones((2, 1)))
    assert np.all(W == 1.0) and np.all(seen["w"] == 0.0)


@pytest.mark.parametrize("result,kind,text", [
    ({"W0": 1}, "type", "returned dict"),
    (np.zeros((2, 3)), "type", "one array of shape (2, 3)"),
    (([np.zeros((2, 3))], 0.5), "count", "did you return (gradients, something)"),
    ([np.zeros((3, 2))], "shape", "grad_W[0] has shape (3, 2); W_0 has shape (2, 3)"),
    ([np.full((2, 3), np.nan)], "nonfinite", "6 NaN/inf"),
    (["a"], "type", "expected numeric arrays"),
])
def test_return_value_problems(result, kind, text):
    _, problems = validate_gradients(result, [(2, 3)])
    assert problems and problems[0].kind == kind and text in problems[0].message


def test_plain_lists_are_accepted():
    arrays, problems = validate_gradients([[[0, 1, 2], [3, 4, 5]]], [(2, 3)])
    assert not problems and arrays[0].dtype == float


def test_user_helper_module_beside_the_file_imports(user_file):
    user_file("def sigmoid(z):\n    import numpy as np\n    return 1 / (1 + np.exp(-z))\n", "my_helpers.py")
    path = user_file(GOOD.replace("import numpy as np", "import numpy as np\nfrom my_helpers import sigmoid"),
                     "uses_helper.py")
    assert callable(load_function(f"{path}:backprop"))


def test_signature_mismatch_gets_a_hint():
    def with_biases(weights, X, Y, biases):
        return [np.zeros_like(W) for W in weights], [np.zeros_like(b) for b in biases]

    _, problem = call_user(with_biases, [np.ones((2, 2))], np.ones((2, 1)), np.ones((2, 1)))
    assert "needs --biases" in problem.message
    _, problem = call_user(lambda w, x, y: w, [np.ones((2, 2))], np.ones((2, 1)), np.ones((2, 1)),
                           biases=[np.ones((2, 1))])
    assert "backprop(weights, X, Y, biases)" in problem.message
