"""The package layout: no import cycle, and the library never imports the benchmark recipes or
the command line (they sit on top of it)."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import skcromel

ROOT = Path(skcromel.__file__).resolve().parent


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {_module_name(p): p for p in sorted(ROOT.rglob("*.py"))}


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    is_package = MODULES[module].name == "__init__.py"
    base = module.split(".")
    base = base if is_package else base[:-1]
    base = base[: len(base) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def _imports(module: str) -> set[str]:
    """skcromel modules imported anywhere in ``module`` (module level or inside functions)."""
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            target = _resolve(module, node)
            names = [f"{target}.{a.name}" for a in node.names] + [target]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name.startswith("skcromel") and name != module:
                out.add(name)
    return out


GRAPH = {m: _imports(m) for m in MODULES}


def _cycles(graph):
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []
    sys.setrecursionlimit(max(10000, sys.getrecursionlimit()))

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in graph[v]:
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

    for v in graph:
        if v not in index:
            visit(v)
    return out


def _ancestor_packages(module: str) -> set[str]:
    parts = module.split(".")
    return {".".join(parts[:i]) for i in range(1, len(parts))}


def test_import_graph_has_no_cycle():
    # a module importing its own package's __init__ is how re-exports work, not a cycle
    graph = {m: {w for w in deps if w not in _ancestor_packages(m)} for m, deps in GRAPH.items()}
    assert _cycles(graph) == []


@pytest.mark.parametrize("top", ["skcromel.benchmark", "skcromel.cli"])
def test_library_does_not_import_benchmark_or_cli(top):
    offenders = {
        m: sorted(d for d in deps if d == top or d.startswith(top + "."))
        for m, deps in GRAPH.items()
        if not (m == top or m.startswith(top + "."))
    }
    # the command line may use the benchmark runner; nothing else may
    if top == "skcromel.benchmark":
        offenders = {m: d for m, d in offenders.items() if not m.startswith("skcromel.cli")}
    assert {m: d for m, d in offenders.items() if d} == {}


def test_private_modules_are_reexported():
    """Every name in a private module's ``__all__`` is reachable from its package (the command
    line and the benchmark recipes are not library API: their modules are left out)."""
    import importlib

    missing = []
    for name in MODULES:
        leaf = name.rpartition(".")[2]
        if not leaf.startswith("_") or leaf.startswith("__") or leaf == "_compat":
            continue
        if name.startswith(("skcromel.cli.", "skcromel.benchmark.models.")):
            continue
        mod = importlib.import_module(name)
        package = importlib.import_module(name.rpartition(".")[0])
        missing += [f"{name}.{n}" for n in getattr(mod, "__all__", []) if not hasattr(package, n)]
    assert missing == []
