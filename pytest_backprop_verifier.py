"""pytest11 entry point of backprop-verifier: the ``backprop_check`` fixture and its options.

The plugin's content lives in ``verify/pytest_plugin.py``. This module exists only so that loading the
plugin never imports a module named ``verify`` (or ``derive``, ``numeric``): a user's project with its own
``verify.py`` or ``derive.py`` must keep its modules, and pytest must start. The plugin file is therefore
loaded here from its path, under a private module name, without importing the ``verify`` package; the
fixture imports ``verify`` only when a test uses it. (So ``verify/pytest_plugin.py`` must not import
``verify`` at module level and must not use relative imports.)
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

__all__ = ["PLUGIN_FILE"]

PLUGIN_FILE = Path(__file__).resolve().parent / "verify" / "pytest_plugin.py"
_NAME = "_backprop_verifier_pytest_plugin"


def _load():
    module = sys.modules.get(_NAME)
    if module is None:
        spec = importlib.util.spec_from_file_location(_NAME, PLUGIN_FILE)
        module = importlib.util.module_from_spec(spec)
        sys.modules[_NAME] = module
        spec.loader.exec_module(module)
    return module


def _exports(module) -> dict:
    """Hooks (``pytest_*``) and fixtures of the plugin file, to be found on this module by pytest."""
    names = [n for n in vars(module) if not n.startswith("_") and n != "annotations"]
    return {n: getattr(module, n) for n in names
            if n.startswith("pytest_") or type(getattr(module, n)).__name__ == "FixtureFunctionDefinition"
            or hasattr(getattr(module, n), "_pytestfixturefunction")}


globals().update(_exports(_load()))
