"""The project's import graph from the AST (module-level and function-level imports alike), its cycles
and the imports that break the one-way data flow. ``python tests/packaging/import_graph.py`` prints them."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("derive", "numeric", "verify")
ALLOWED = {"derive": {"derive"}, "numeric": {"numeric"}, "verify": {"verify", "derive", "numeric"}}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            found[module_name(path)] = path
    return found


def _resolve(name: str, known: dict) -> str | None:
    """The longest known module that ``name`` names (``a.b.c`` may be module a.b's attribute c)."""
    while name and name not in known:
        name = name.rpartition(".")[0]
    return name or None


def imports(mod: str, path: Path, known: dict) -> set[str]:
    """Project modules imported anywhere in ``mod``, relative imports resolved. The parent packages that
    Python runs first are not counted: only what the code names."""
    is_package = path.name == "__init__.py"
    base = mod.split(".") if is_package else mod.split(".")[:-1]
    out = set()
    try:
        tree = ast.parse(path.read_text(), str(path))
    except SyntaxError as exc:  # a file being edited: reported by the tests that import it
        print(f"not parsed: {path}: {exc.msg}", file=sys.stderr)
        return set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                prefix = ".".join(anchor + ([node.module] if node.module else []))
            else:
                prefix = node.module or ""
            # "from p import x": the module p.x if there is one, else an attribute of module p
            names = [f"{prefix}.{a.name}" if f"{prefix}.{a.name}" in known else prefix for a in node.names]
        else:
            continue
        for name in names:
            target = _resolve(name, known)
            if target and target != mod:
                out.add(target)
    return out


def graph() -> dict[str, set[str]]:
    known = modules()
    return {mod: imports(mod, path, known) for mod, path in known.items()}


def cycles(g: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in g.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(g):
        if v not in index:
            visit(v)
    return sorted(out)


def against_the_flow(g: dict[str, set[str]]) -> list[tuple[str, str]]:
    return sorted((m, t) for m, targets in g.items() for t in targets
                  if t.split(".")[0] not in ALLOWED[m.split(".")[0]])


if __name__ == "__main__":
    g = graph()
    for comp in cycles(g):
        print("cycle:", " <-> ".join(comp))
    for m, t in against_the_flow(g):
        print(f"against the flow: {m} imports {t}")
