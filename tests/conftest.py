"""Suite-wide fixtures: the truth cache of derive lives in a temporary directory, never the user's."""
from __future__ import annotations

import os

import pytest
from hypothesis import settings

# property tests draw from a fixed sequence (JAX's test util: fixed seeds), so CI and a user's run see the
# same examples; HYPOTHESIS_PROFILE=explore draws new ones when hunting for bugs
settings.register_profile("fixed", derandomize=True)
settings.register_profile("explore", derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fixed"))


@pytest.fixture(autouse=True, scope="session")
def _private_truth_cache(tmp_path_factory):
    """BACKPROP_VERIFIER_CACHE_DIR -> a session tmp dir (subprocesses inherit it)."""
    old = os.environ.get("BACKPROP_VERIFIER_CACHE_DIR")
    os.environ["BACKPROP_VERIFIER_CACHE_DIR"] = str(tmp_path_factory.mktemp("truth-cache"))
    yield
    if old is None:
        os.environ.pop("BACKPROP_VERIFIER_CACHE_DIR", None)
    else:
        os.environ["BACKPROP_VERIFIER_CACHE_DIR"] = old
