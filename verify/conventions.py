"""Calling conventions: how to call a user's backprop and where its gradients come out (runs in the child).

A :class:`Convention` is data read from the options:

* the target: ``FILE.py:function`` or ``FILE.py:Class.method`` (the object is built by ``factory``, a call
  template such as ``Network(sizes)``, and the verifier's weights are put where ``params`` says, e.g.
  ``weights,biases`` or ``params[W{N+1}],params[b{N+1}]`` or ``layers[*].weights,layers[*].biases``);
* ``args``: the call's argument template (default ``weights, X, Y`` for functions, ``X, Y`` for methods);
* ``per_sample``: ``sum`` or ``mean`` - the function takes one sample (``x, y``) and the verifier combines
  the n results;
* the gradients: the return value (a list; a tuple of two lists in either order; a dict keyed ``W1``/
  ``dW1``/``b1``...; per-layer objects with ``dweights``/``dbiases``; a leading loss is skipped), or
  ``grads`` paths on the object (``layers[*].dweights,layers[*].dbiases``), or ``update``: the code only
  applies ``W -= lr * grad`` and the gradient is recovered as (W_before - W_after) / lr.

``execute`` returns plain data (lists of arrays in the user's layout, notes, side effects) or a problem;
it never decides a verdict. The same code runs in the child process and, for Python callables, in-process.
"""

from __future__ import annotations

import copy
import importlib.util
import sys
import traceback
from dataclasses import asdict, dataclass
from pathlib import Path as FilePath

import numpy as np

from .bindings import BindingError, CallTemplate, parse_args, parse_call, parse_path

__all__ = ["Convention", "ConventionError", "Loaded", "execute", "load_target", "outside_frames"]

HERE = str(FilePath(__file__).resolve().parent)


class ConventionError(Exception):
    """The call could not be made or its result not read: ``kind`` (type|count|binding|exception|exit)."""

    def __init__(self, kind: str, message: str, detail: str = ""):
        super().__init__(message)
        self.kind, self.message, self.detail = kind, message, detail

    def as_dict(self) -> dict:
        return {"kind": self.kind, "message": self.message, "detail": self.detail, "layer": None}


@dataclass(frozen=True)
class Convention:
    target: str = ""
    factory: str | None = None
    params: str | None = None
    args: str | None = None
    per_sample: str | None = None
    grads: str | None = None
    update: float | None = None
    bias: bool = False

    def as_dict(self) -> dict:
        return asdict(self)

    def templates(self, method: bool) -> tuple[CallTemplate | None, CallTemplate]:
        """(factory, call arguments) parsed; raises BindingError with a one-line reason."""
        factory = parse_call(self.factory) if self.factory else None
        if self.args is not None:
            return factory, parse_args(self.args)
        one = "x, y" if self.per_sample else "X, Y"
        default = one if method else f"weights, {one}" + (", biases" if self.bias else "")
        if self.update is not None:
            default += ", lr"
        return factory, parse_args(default)

    def check(self) -> None:
        """Validate the option values up front (one-line ValueError)."""
        if self.per_sample not in (None, "sum", "mean"):
            raise ValueError(f"--per-sample must be sum or mean, got {self.per_sample!r}")
        if self.update is not None and not (np.isfinite(self.update) and self.update > 0):
            raise ValueError(f"--update needs a positive learning rate, got {self.update!r}")
        if self.update is not None and self.grads:
            raise ValueError("--update and --grads exclude each other")
        method = "." in self.target.rpartition(":")[2]
        if self.factory and self.target and not method:
            raise ValueError("--factory builds an object: it needs a FILE.py:Class.method target")
        try:
            self.templates(method)
            for text in (self.params, self.grads):
                for part in (text or "").split(","):
                    if part.strip():
                        parse_path(part)
        except BindingError as exc:
            raise ValueError(str(exc)) from None


@dataclass
class Loaded:
    """What the target names: a function, or a class and the method to call on its instances."""

    module: object
    function: object = None
    cls: object = None
    method: str | None = None
    filename: str | None = None


def outside_frames(exc: BaseException) -> str:
    """The traceback of ``exc`` without the verifier's own frames (every other frame is kept)."""
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not str(FilePath(f.filename).resolve()).startswith(HERE)]
    return "".join(traceback.format_list(frames)).rstrip()


def load_target(spec: str) -> Loaded:
    """Import FILE.py (its folder first on sys.path, after the verifier's modules) and find NAME or
    Class.method; raises ConventionError (kind binding|exception|exit) with a one-line reason."""
    path_text, _, name = spec.rpartition(":")
    path = FilePath(path_text).resolve()
    module_name = f"_verify_user_{abs(hash(str(path)))}"
    loader = importlib.util.spec_from_file_location(module_name, path)
    if loader is None or loader.loader is None:
        raise ConventionError("binding", f"cannot import {path_text} (not a Python file?)")
    module = importlib.util.module_from_spec(loader)
    sys.modules[module_name] = module
    if str(path.parent) not in sys.path:
        sys.path.insert(0, str(path.parent))
    try:
        loader.loader.exec_module(module)
    except SyntaxError as exc:
        raise ConventionError("binding", f"{exc.filename}:{exc.lineno}: SyntaxError: {exc.msg}") from None
    except BaseException as exc:  # noqa: BLE001 - user code: SystemExit and friends are findings too
        kind = "exception" if isinstance(exc, Exception) else "exit"
        raise ConventionError(kind, f"importing {path_text} raised {type(exc).__name__}: {exc}",
                              outside_frames(exc)) from None
    head, _, method = name.partition(".")
    obj = getattr(module, head, None)
    if obj is None:
        found = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        raise ConventionError("binding", f"{path_text} has no function {head!r} (it defines: "
                              f"{', '.join(found) or 'nothing'})")
    if method:
        if not isinstance(obj, type):
            raise ConventionError("binding", f"{path_text}:{head} is not a class (for Class.method)")
        if not callable(getattr(obj, method, None)):
            raise ConventionError("binding", f"class {head} has no method {method!r}")
        return Loaded(module, cls=obj, method=method, filename=str(path))
    if not callable(obj):
        raise ConventionError("binding", f"{path_text}:{name} is a {type(obj).__name__}, not a function")
    return Loaded(module, function=obj, filename=str(path))


# -- paths on the user's object ----------------------------------------------------------------------
def _key(text: str, N: int):
    key = text.replace("{N+1}", str(N + 1)).replace("{N}", str(N))
    return int(key) if key.isdigit() else key


def _step(obj, kind, value, N):
    if kind == "attr":
        return getattr(obj, value)
    return obj[_key(value, N)]


def read_path(obj, path_text: str, L: int) -> list:
    """The L arrays a path names on ``obj`` (one per layer)."""
    path = parse_path(path_text)
    if not path.per_layer:
        value = obj
        for kind, v in path.steps:
            value = _step(value, kind, v, 0)
        return list(value)
    each = [i for i, (kind, _) in enumerate(path.steps) if kind == "each"]
    if each:
        head, tail = path.steps[:each[0]], path.steps[each[0] + 1:]
        items = obj
        for kind, v in head:
            items = _step(items, kind, v, 0)
        found = [it for it in items if not tail or hasattr(it, tail[0][1])]
        out = []
        for it in found:
            for kind, v in tail:
                it = _step(it, kind, v, 0)
            out.append(it)
        return out
    out = []
    for N in range(L):
        value = obj
        for kind, v in path.steps:
            value = _step(value, kind, v, N)
        out.append(value)
    return out


def write_path(obj, path_text: str, arrays: list) -> None:
    """Put the verifier's arrays where the path says (the last step is assigned)."""
    path = parse_path(path_text)
    *head, (kind, v) = path.steps
    if not path.per_layer:
        target = obj
        for k, val in head:
            target = _step(target, k, val, 0)
        _assign(target, kind, v, list(arrays), 0)
        return
    each = [i for i, (k, _) in enumerate(path.steps) if k == "each"]
    if each:
        items = obj
        for k, val in path.steps[:each[0]]:
            items = _step(items, k, val, 0)
        tail = path.steps[each[0] + 1:]
        holders = [it for it in items if tail and hasattr(it, tail[0][1])]
        if len(holders) != len(arrays):
            raise ConventionError("binding", f"{path_text}: found {len(holders)} layers with "
                                  f"{tail[0][1] if tail else 'it'!r}, the network has {len(arrays)}")
        for it, arr in zip(holders, arrays, strict=True):
            for k, val in tail[:-1]:
                it = _step(it, k, val, 0)
            _assign(it, tail[-1][0], tail[-1][1], arr, 0)
        return
    for N, arr in enumerate(arrays):
        target = obj
        for k, val in head:
            target = _step(target, k, val, N)
        _assign(target, kind, v, arr, N)


def _assign(target, kind, value, arr, N):
    if kind == "attr":
        setattr(target, value, arr)
    else:
        target[_key(value, N)] = arr


# -- one call ----------------------------------------------------------------------------------------
def _invoke(fn, args, kwargs, name: str):
    try:
        return fn(*args, **kwargs)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # noqa: BLE001 - SystemExit, GeneratorExit...: reported, never obeyed
        kind = "exception" if isinstance(exc, Exception) else "exit"
        kind = "memory" if isinstance(exc, MemoryError) else kind
        hint = ""
        if isinstance(exc, TypeError) and not outside_frames(exc).count("\n"):
            hint = " (does the call match your signature? see --args)"
        raise ConventionError(kind, f"{name} raised {type(exc).__name__}: {exc}{hint}",
                              outside_frames(exc)) from None


def _param_paths(conv: Convention, obj) -> tuple[str, str | None]:
    if conv.params:
        parts = [p.strip() for p in conv.params.split(",")]
        if conv.bias and len(parts) < 2:
            raise ConventionError("binding", "--params needs two paths with --biases: WEIGHTS,BIASES")
        return parts[0], (parts[1] if conv.bias else None)
    if hasattr(obj, "weights"):
        return "weights", ("biases" if conv.bias else None)
    raise ConventionError("binding", f"where do the weights of a {type(obj).__name__} live? pass --params "
                          "(e.g. weights,biases or params[W{N+1}],params[b{N+1}] or layers[*].weights,"
                          "layers[*].biases)")


def _values(req: dict) -> dict:
    """Fresh copies of every input for one call (the user may keep or change them)."""
    values = {k: copy.deepcopy(req[k]) for k in ("weights", "biases", "X", "Y", "labels", "sizes", "n", "lr")}
    values["xs"], values["ys"] = copy.deepcopy(req["xs"]), copy.deepcopy(req["ys"])
    values["pairs"] = list(zip(values["xs"], values["ys"], strict=True))
    return values


def _arrays(values: dict) -> list[tuple[str, np.ndarray]]:
    named = [("X", values["X"]), ("Y", values["Y"])]
    named += [(f"W_{N}", W) for N, W in enumerate(values["weights"])]
    named += [(f"b_{N}", b) for N, b in enumerate(values["biases"] or [])]
    named += [(f"x (sample {s})", x) for s, x in enumerate(values["xs"])]
    return [(k, v) for k, v in named if isinstance(v, np.ndarray)]


def _read(conv, obj, result, req, values, paths) -> tuple[list, list | None, str]:
    sizes_W, sizes_b = req["weight_sizes"], req["bias_sizes"]
    L = len(sizes_W)
    if conv.update is not None:
        if obj is not None:
            after_W = read_path(obj, paths[0], L)
            after_b = read_path(obj, paths[1], L) if paths[1] else None
            form = "update of the object"
        elif result is not None:
            from .returns import read_return

            g = read_return(result, sizes_W, sizes_b, conv.bias)
            after_W, after_b, form = g.W, g.b, f"update returned as {g.form}"
        else:
            after_W, after_b, form = values["weights"], values["biases"], "update in place"
        grad = [(np.asarray(W0, float) - np.asarray(W1, float)) / conv.update
                for W0, W1 in zip(req["weights"], after_W, strict=False)]
        grad_b = None if after_b is None or req["biases"] is None else [
            (np.asarray(b0, float) - np.asarray(b1, float)) / conv.update
            for b0, b1 in zip(req["biases"], after_b, strict=False)]
        return grad, grad_b, f"{form}: (before - after) / lr, lr = {conv.update:g}"
    if conv.grads:
        parts = [p.strip() for p in conv.grads.split(",")]
        source = obj if obj is not None else result
        W = read_path(source, parts[0], L)
        b = read_path(source, parts[1], L) if len(parts) > 1 else None
        return W, b, f"--grads {conv.grads}"
    from .returns import read_return

    g = read_return(result, sizes_W, sizes_b, conv.bias)
    return g.W, g.b, g.form


def _combine(parts: list, how: str) -> list:
    total = [np.array(g, dtype=np.result_type(g, np.float64) if np.asarray(g).dtype.kind in "iub" else None,
                      copy=True) for g in parts[0]]
    for more in parts[1:]:
        if len(more) != len(total) or any(np.shape(a) != np.shape(g)
                                          for a, g in zip(more, total, strict=True)):
            raise ConventionError("shape", "the per-sample gradients do not all have the same shapes")
        total = [t + np.asarray(a) for t, a in zip(total, more, strict=True)]
    return [t / len(parts) for t in total] if how == "mean" else total


def _once(conv: Convention, loaded: Loaded, req: dict, factory, template) -> tuple[dict, list[str]]:
    values = _values(req)
    given = _arrays(values)
    pristine = [(k, v.copy()) for k, v in given]
    obj, paths, name = None, (None, None), getattr(loaded.function, "__name__", loaded.method or "?")
    if loaded.cls is not None:
        name = f"{loaded.cls.__name__}.{loaded.method}"
        if factory is None:
            obj = _invoke(loaded.cls, [list(values["sizes"])], {}, f"{loaded.cls.__name__}(sizes)")
        else:
            callee = loaded.module
            for part in factory.callee.split("."):
                callee = getattr(callee, part, None)
            if not callable(callee):
                raise ConventionError("binding", f"--factory: {factory.callee!r} is not defined in the file")
            try:
                bound = factory.bind(values)
            except (IndexError, KeyError, TypeError, BindingError) as exc:
                raise ConventionError("binding", f"--factory {conv.factory}: {exc} (for sizes "
                                      f"{values['sizes']})") from None
            obj = _invoke(callee, *bound, f"--factory {factory.callee}")
        paths = _param_paths(conv, obj)
        try:
            write_path(obj, paths[0], values["weights"])
            if paths[1]:
                write_path(obj, paths[1], values["biases"])
        except (AttributeError, KeyError, IndexError, TypeError) as exc:
            where = conv.params or "weights,biases"
            raise ConventionError("binding", f"--params {where}: cannot set the weights on the "
                                  f"{type(obj).__name__} ({type(exc).__name__}: {exc})") from None
        fn = getattr(obj, loaded.method)
    else:
        fn = loaded.function
    try:
        if conv.per_sample:
            parts, forms = [], set()
            for s in range(len(values["xs"])):
                one = {**values, "x": values["xs"][s], "y": values["ys"][s], "label": values["ys"][s]}
                result = _invoke(fn, *template.bind(one), name)
                W, b, form = _read(conv, obj, result, req, values, paths)
                parts.append(W + (b or []))
                forms.add(form)
            L = len(req["weight_sizes"])
            merged = _combine(parts, conv.per_sample)
            W, b = merged[:L], (merged[L:] or None)
            how = "summed" if conv.per_sample == "sum" else "averaged"
            form = f"{forms.pop()}, {len(parts)} per-sample calls {how} by the verifier"
        else:
            result = _invoke(fn, *template.bind(values), name)
            W, b, form = _read(conv, obj, result, req, values, paths)
    except BindingError as exc:
        raise ConventionError("binding", str(exc)) from None
    except (AttributeError, KeyError, IndexError, TypeError) as exc:
        raise ConventionError("type", f"cannot read the gradients ({type(exc).__name__}: {exc})") from None
    except Exception as exc:
        from .returns import ReturnError

        if isinstance(exc, ReturnError):
            raise ConventionError(exc.kind, exc.message) from None
        raise
    skip = {k for k, _ in pristine if k.startswith(("W_", "b_"))} if conv.update is not None else set()
    mutated = [k for (k, now), (_, before) in zip(given, pristine, strict=True)
               if k not in skip and not (now.shape == before.shape and
                                         np.array_equal(now, before, equal_nan=True))]
    return {"W": [np.asarray(g) for g in W], "b": None if b is None else [np.asarray(g) for g in b],
            "form": form}, mutated


def execute(conv: Convention, loaded: Loaded, req: dict) -> dict:
    """Call the user's code on the request's inputs (user layout) ``req["repeat"]`` times; returns
    {"W", "b", "form", "mutated", "nondeterministic"}. Raises ConventionError for every user-side problem."""
    try:
        factory, template = conv.templates(loaded.cls is not None)
    except BindingError as exc:
        raise ConventionError("binding", str(exc)) from None
    first, mutated = _once(conv, loaded, req, factory, template)
    out = {**first, "mutated": mutated, "nondeterministic": None}
    for _ in range(int(req.get("repeat", 1)) - 1):
        again, _ = _once(conv, loaded, req, factory, template)
        pairs = list(zip(first["W"] + (first["b"] or []), again["W"] + (again["b"] or []), strict=False))
        if len(pairs) != len(first["W"] + (first["b"] or [])) or any(
                np.shape(a) != np.shape(b) or not np.array_equal(a, b, equal_nan=True) for a, b in pairs):
            diff = max((float(np.max(np.abs(np.asarray(a, float) - np.asarray(b, float))))
                        for a, b in pairs if np.shape(a) == np.shape(b) and np.size(a)), default=float("nan"))
            out["nondeterministic"] = (f"two calls on the same inputs returned different gradients (max "
                                       f"difference {diff:.3g}): unseeded randomness or state kept between "
                                       "calls?")
    return out
