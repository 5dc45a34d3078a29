"""Fixtures of the derivation-checker tests."""
from __future__ import annotations

import pytest

from verify.derivation.check import Checker


@pytest.fixture(scope="session")
def checker():
    """One checker for the session: the models' ground truth is computed once."""
    return Checker()
