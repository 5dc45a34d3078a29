"""Suite-wide fixtures: the truth cache of derive lives in a temporary directory, never the user's."""
from __future__ import annotations

import os

import pytest


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
