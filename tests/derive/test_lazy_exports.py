"""derive's lazy public API (PEP 562): every exported name is the function or class the docs name, even
after every submodule has been imported (a module named like a function would shadow it)."""
import subprocess
import sys
import types

import derive

SCRIPT = """
import importlib, pkgutil, types
import derive
for info in pkgutil.walk_packages(derive.__path__, "derive."):
    if not info.name.endswith("__main__"):
        importlib.import_module(info.name)
names = ["prove", "closed_form", "ground_truth"] + list(derive.__all__)  # these first: no other
bad = [n for n in names if isinstance(getattr(derive, n), types.ModuleType)]  # lookup may mend them
print(sorted(set(bad)))
"""


def test_every_export_resolves_to_what_it_names():
    for name in derive.__all__:
        assert not isinstance(getattr(derive, name), types.ModuleType), name
    assert callable(derive.prove) and callable(derive.closed_form) and callable(derive.ground_truth)


def test_importing_every_submodule_shadows_no_export():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_import_derive_imports_no_submodule():
    """Only the start-up Ctrl-C guard (derive/startup.py, standard library only) and nothing heavy."""
    out = subprocess.run([sys.executable, "-c", "import derive, sys; "
                          "print(sorted(m for m in sys.modules if m.startswith('derive.')), "
                          "[m for m in ('numpy', 'sympy', 'rich') if m in sys.modules])"],
                         capture_output=True, text=True, timeout=60)
    assert out.stdout.strip() == "['derive.startup'] []", out.stdout
