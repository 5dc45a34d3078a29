"""The pytest plugin in a user's project that has its own ``verify.py`` and ``derive.py`` (issue 16.1)."""

import subprocess
import sys
import textwrap

USER_VERIFY = "WHO = 'user verify'\n\ndef check(x):\n    return x + 1\n"
USER_DERIVE = "WHO = 'user derive'\n"
USER_TEST = textwrap.dedent('''
    import derive
    import verify


    def test_own_modules():
        assert verify.WHO == "user verify" and verify.check(1) == 2
        assert derive.WHO == "user derive"
''')


def _project(tmp_path):
    (tmp_path / "verify.py").write_text(USER_VERIFY)
    (tmp_path / "derive.py").write_text(USER_DERIVE)
    (tmp_path / "test_user.py").write_text(USER_TEST)
    return tmp_path


def _pytest(cwd, *args):
    return subprocess.run([sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
                          capture_output=True, text=True, cwd=cwd, timeout=120)


def test_user_project_with_own_verify_and_derive(tmp_path):
    proc = _pytest(_project(tmp_path), "-q")
    assert "Error while loading plugin" not in proc.stdout + proc.stderr
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_user_project_rootdir_on_path_late(tmp_path):
    """``pytest tests/`` with the module beside the test (prepend import mode inserts it at collection)."""
    project = _project(tmp_path)
    (project / "sub").mkdir()
    for name in ("verify.py", "derive.py", "test_user.py"):
        (project / name).rename(project / "sub" / name)
    proc = subprocess.run([sys.executable, "-c", "import sys, pytest; sys.exit(pytest.main(['-q', "
                           "'-p', 'no:cacheprovider', 'sub']))"], capture_output=True, text=True,
                          cwd=project, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout


def test_plugin_loaded_with_its_options(tmp_path):
    proc = _pytest(_project(tmp_path), "--help")
    assert proc.returncode == 0, proc.stderr
    assert "--backprop-truth" in proc.stdout and "--backprop-seed" in proc.stdout
    proc = _pytest(tmp_path, "--fixtures", "-q", str(tmp_path / "test_user.py"))
    assert "backprop_check" in proc.stdout, proc.stdout + proc.stderr


def test_loading_the_plugin_imports_none_of_our_packages():
    code = ("import sys, pytest_backprop_verifier as p; "
            "print(sorted(m for m in ('verify', 'derive', 'numeric') if m in sys.modules)); "
            "print(hasattr(p, 'backprop_check'), hasattr(p, 'pytest_addoption'))")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.split("\n")[:2] == ["[]", "True True"], proc.stdout + proc.stderr
