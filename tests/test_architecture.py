"""The shape DESIGN.md promises, checked on the source: every import arrow points down, `jobs` is only the
doorbell, and no module grows past what one can read in a sitting."""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("factcheck", "workers")
MAX_LINES = 400


def _modules() -> dict[str, Path]:
    found = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
            found[name.removesuffix(".__init__")] = path
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the project modules it imports, anywhere in its body (imports inside functions count too: a
    lazy import hides a cycle, it does not remove it). `from pkg import sub` is an arrow to the submodule only."""
    modules = _modules()
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = name.split(".") if is_package else name.split(".")[:-1]
                    base = base[:len(base) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                for alias in node.names:
                    sub = f"{source}.{alias.name}"
                    targets.append(sub if sub in modules else source)
            for target in targets:
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one member (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in list(graph):
        if v not in index:
            visit(v)
    return found


def _package_of(module: str) -> str:
    parts = module.split(".")
    return ".".join(parts[:2]) if (ROOT / Path(*parts[:2])).is_dir() else module


def test_no_module_imports_itself_back():
    assert _cycles(import_graph()) == []


def test_no_two_packages_import_each_other():
    graph: dict[str, set[str]] = defaultdict(set)
    for a, targets in import_graph().items():
        for b in targets:
            pa, pb = _package_of(a), _package_of(b)
            if pa != pb and "factcheck" not in (pa, pb):  # the root is the composition root; nothing imports it
                graph[pa].add(pb)
    assert _cycles(graph) == []


def test_nothing_in_the_app_imports_the_composition_root():
    importers = {a for a, targets in import_graph().items() if "factcheck" in targets}
    assert importers <= {"factcheck.cli", "factcheck.wsgi", "workers"}, importers


@pytest.mark.parametrize("lower", ["factcheck.jobs"])
def test_the_doorbell_imports_nothing_above_db_and_config(lower):
    allowed = {"factcheck.db", "factcheck.config", "factcheck.errors"}
    assert import_graph()[lower] <= allowed, import_graph()[lower] - allowed


def test_workers_reach_the_app_only_through_the_registry_and_the_doorbell():
    used = set().union(*(targets for name, targets in import_graph().items() if name.startswith("workers")))
    assert not {m for m in used if m.startswith(("factcheck.services", "factcheck.web", "factcheck.api",
                                                  "factcheck.exports"))}


def test_the_renderers_in_exports_use_no_services():
    for name, targets in import_graph().items():
        if name.startswith("factcheck.exports"):
            assert not {t for t in targets if t.startswith(("factcheck.services", "factcheck.web", "factcheck.jobs"))}, name


def test_no_app_module_is_longer_than_one_sitting():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_LINES}
    assert long == {}
