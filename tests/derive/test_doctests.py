"""The docstring examples of derive/ are proofs too: run them."""
import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["derive.closed_forms", "derive.proof"])
def test_doctests(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0 and result.failed == 0
