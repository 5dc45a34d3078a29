"""Loading and calling a user's backprop function safely.

The contract (the paper's setting): ``backprop(weights, X, Y) -> list of arrays`` with ``weights`` a list of
W_N of shape (m_{N+1}, m_N), X (m_0, n), Y (m_L, n); it returns dLambda/dW_N for every N (sigmoid on every
layer, log-loss averaged over the n samples, no biases, unless the command's options say otherwise).

Everything that can go wrong on the user's side becomes a :class:`Problem` (data), never our traceback:
an exception is reported with the frames of the user's own file only.
"""

from __future__ import annotations

import importlib.util
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

__all__ = ["Problem", "UserCodeError", "call_user", "load_function", "validate_gradients",
           "validate_with_biases"]


@dataclass(frozen=True)
class Problem:
    """Something wrong with what the user's function did: kind is exception|type|count|shape|nonfinite."""

    kind: str
    message: str
    detail: str = ""
    layer: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


class UserCodeError(Exception):
    """The user's file or function cannot be loaded (bad spec, missing file, syntax error, not callable)."""


def load_function(spec: str):
    """``"path/to/file.py:function"`` -> the callable; raises UserCodeError with a one-line reason."""
    path_text, sep, name = spec.rpartition(":")
    if not sep or not path_text or not name:
        raise UserCodeError(f"expected FILE.py:FUNCTION, got {spec!r}")
    path = Path(path_text)
    if not path.is_file():
        raise UserCodeError(f"no such file: {path}")
    module_name = f"_verify_user_{abs(hash(str(path.resolve())))}"
    loader = importlib.util.spec_from_file_location(module_name, path)
    if loader is None or loader.loader is None:
        raise UserCodeError(f"cannot import {path} (not a Python file?)")
    module = importlib.util.module_from_spec(loader)
    sys.modules[module_name] = module
    folder = str(path.resolve().parent)
    if folder not in sys.path:  # the user's own helper modules beside the file must import
        sys.path.insert(0, folder)
    try:
        loader.loader.exec_module(module)
    except SyntaxError as exc:
        raise UserCodeError(f"{exc.filename}:{exc.lineno}: SyntaxError: {exc.msg}") from None
    except Exception as exc:
        frames = user_frames(exc, str(path.resolve()))
        raise UserCodeError(f"importing {path} failed: {type(exc).__name__}: {exc}{frames}") from None
    fn = getattr(module, name, None)
    if fn is None:
        found = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        raise UserCodeError(f"{path} has no function {name!r} (it defines: {', '.join(found) or 'nothing'})")
    if not callable(fn):
        raise UserCodeError(f"{path}:{name} is a {type(fn).__name__}, not a function")
    return fn


def _same_file(a: str, b: str) -> bool:
    try:
        return Path(a).resolve() == Path(b).resolve()
    except OSError:
        return a == b


def user_frames(exc: BaseException, filename: str | None) -> str:
    """The traceback lines of ``exc`` that lie in the user's file (all non-verify frames if unknown)."""
    frames = traceback.extract_tb(exc.__traceback__)
    if filename is not None:
        mine = [f for f in frames if _same_file(f.filename, filename)]
    else:
        here = str(Path(__file__).resolve().parent)
        mine = [f for f in frames if not str(Path(f.filename).resolve()).startswith(here)]
    if not mine:
        return ""
    return "\n" + "".join(traceback.format_list(mine)).rstrip()


def call_user(fn, weights, X, Y, biases=None):
    """Call ``fn`` on copies of the inputs; returns (result, None) or (None, Problem) if it raised."""
    args = [[np.array(W, copy=True) for W in weights], np.array(X, copy=True), np.array(Y, copy=True)]
    if biases is not None:
        args.append([np.array(b, copy=True) for b in biases])
    code = getattr(fn, "__code__", None)
    filename = code.co_filename if code is not None else None
    try:
        return fn(*args), None
    except Exception as exc:  # the user's bug, reported as data
        where = user_frames(exc, filename)
        name = getattr(fn, "__name__", repr(fn))
        hint = ""
        if isinstance(exc, TypeError) and not where:  # the call itself failed: a signature mismatch
            hint = (" (a function with biases needs --biases / bias=True)" if biases is None else
                    " (biases are on: the signature is backprop(weights, X, Y, biases))")
        return None, Problem("exception", f"{name} raised {type(exc).__name__}: {exc}{hint}",
                             where.strip("\n"))


def validate_gradients(result, shapes, name: str = "W") -> tuple[list[np.ndarray] | None, list[Problem]]:
    """Check the return value: a list/tuple of len(shapes) real arrays with the weights' shapes.

    Returns (arrays, problems). Arrays are returned whenever the count is right so that a diagnosis
    can look at wrong shapes (a transposed gradient has the transposed shape).
    """
    L = len(shapes)
    if isinstance(result, np.ndarray) and result.dtype != object:
        return None, [Problem("type", f"returned one array of shape {result.shape}; expected a list of {L} "
                                      "arrays, one grad_W[N] per weight matrix")]
    if not isinstance(result, list | tuple):
        return None, [Problem("type", f"returned {type(result).__name__}; expected a list of {L} arrays "
                                      "(one grad_W[N] per weight matrix W_N)")]
    if len(result) != L:
        hint = ""
        if len(result) == 2 and isinstance(result[0], list | tuple) and len(result[0]) == L:
            hint = " (did you return (gradients, something)? return the list of gradients only)"
        elif len(result) in (L - 1, L + 1):
            hint = " (off by one layer?)"
        arrays = _as_arrays(result)
        return arrays, [Problem("count", f"returned {len(result)} arrays; the network has {L} weight "
                                         f"matrices W_0..W_{L - 1}{hint}")]
    arrays = _as_arrays(result)
    if arrays is None:
        kinds = sorted({type(g).__name__ for g in result})
        return None, [Problem("type", f"returned a list of {', '.join(kinds)}; expected numeric arrays")]
    problems = []
    for N, (g, shape) in enumerate(zip(arrays, shapes, strict=True)):
        if g.shape != tuple(shape):
            problems.append(Problem("shape", f"grad_{name}[{N}] has shape {g.shape}; {name}_{N} has shape "
                                             f"{tuple(shape)}", layer=N))
        elif not np.all(np.isfinite(g)):
            bad = int(np.sum(~np.isfinite(g)))
            problems.append(Problem("nonfinite", f"grad_{name}[{N}] has {bad} NaN/inf entries", layer=N))
    return arrays, problems


def validate_with_biases(result, shapes):
    """The return value of ``backprop(weights, X, Y, biases)``: a pair (grad_W, grad_b); grad_b[N] may be
    shaped (m_{N+1}, 1) like b_N or flat (m_{N+1},). Returns (grad_W arrays, grad_b arrays, problems)."""
    L = len(shapes)
    if not (isinstance(result, list | tuple) and len(result) == 2) or isinstance(result[0], np.ndarray):
        what = f"a list of {len(result)} items" if isinstance(result, list | tuple) else type(result).__name__
        return None, None, [Problem("type", f"returned {what}; with biases the function must return "
                                            f"(grad_W, grad_b), two lists of {L} arrays")]
    grad_W, problems = validate_gradients(result[0], shapes, "W")
    flat = result[1]
    if isinstance(flat, list | tuple):
        flat = [np.reshape(g, (-1, 1)) if isinstance(g, np.ndarray) and g.ndim == 1 else g for g in flat]
    grad_b, more = validate_gradients(flat, [(s[0], 1) for s in shapes], "b")
    return grad_W, grad_b, problems + more


def _as_arrays(result) -> list[np.ndarray] | None:
    out = []
    for g in result:
        try:
            a = np.asarray(g)
        except Exception:
            return None
        if a.dtype.kind not in "fiu":
            return None
        out.append(a if a.dtype.kind == "f" else a.astype(float))
    return out


def pin_verifier_modules() -> None:
    """Import derive (the truth) from the verifier's own folder, never from the current folder or the
    user's: a ``derive.py`` there must not shadow it. Raises UserCodeError when it already is shadowed."""
    import importlib
    import os

    root = Path(__file__).resolve().parent.parent
    cwd = {"", os.getcwd()}
    saved = list(sys.path)
    if str(root) not in {str(Path(p or ".").resolve()) for p in sys.path if p in cwd}:
        sys.path[:] = [p for p in sys.path if p not in cwd]
    try:
        for name in ("derive",):
            module = importlib.import_module(name)
            where = Path(getattr(module, "__file__", "") or "").resolve()
            if root not in where.parents:
                raise UserCodeError(f"the module {name!r} was imported from {where}, not from the verifier "
                                    f"({root}): rename that file or run from another folder")
    finally:
        sys.path[:] = saved
