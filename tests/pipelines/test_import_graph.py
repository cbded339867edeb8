"""No import cycles among the project's own modules.

A cycle works only while each module in it happens to define what the others need before it
imports them; a moved line or a new caller turns it into an ``ImportError`` at start-up. An
import inside a function hides a cycle from the reader but not from Python (it runs on the
first call, half-way through somebody's import), so those count too. Imports under
``if TYPE_CHECKING:`` never run and are left out.

The graph is read from the source with :mod:`ast` (nothing is imported), so the test is fast
and sees every import, whichever branch runs it. An import of a submodule is an edge to that
submodule only, not to the packages above it: Python runs a package's ``__init__`` first, but
that is an ordering, not a module waiting on a half-built one.

``audit/``, ``pipelines/`` and ``dashboards/`` must be free of cycles.
"""

from __future__ import annotations

import ast
import itertools
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("audit", "pipelines", "dashboards")
STRICT = ("audit", "pipelines", "dashboards")


@dataclass
class ImportGraph:
    """Module name -> the project modules it imports, with where each import is written."""

    edges: dict[str, dict[str, str]] = field(default_factory=dict)  # module -> {target: "file:line"}

    def cycles(self) -> list[list[str]]:
        """One cycle per strongly connected component, as ``[a, b, ..., a]``.

        A component with more than one module always holds a cycle; the one shown is the
        shortest through the component's first module (alphabetically), so the report is
        stable from run to run.
        """
        return [self._shortest_cycle(min(component)) for component in self.components()]

    def components(self) -> list[set[str]]:
        """The groups of modules that reach each other through imports (more than one module)."""
        # Tarjan's algorithm, iterative so a deep chain of imports cannot hit the recursion limit.
        index: dict[str, int] = {}
        low: dict[str, int] = {}
        stack: list[str] = []
        on_stack: set[str] = set()
        found: list[set[str]] = []
        for root in sorted(self.edges):
            if root in index:
                continue
            work = [(root, iter(sorted(self.edges[root])))]
            index[root] = low[root] = len(index)
            stack.append(root)
            on_stack.add(root)
            while work:
                node, children = work[-1]
                child = next(children, None)
                if child is not None:
                    if child not in index:
                        index[child] = low[child] = len(index)
                        stack.append(child)
                        on_stack.add(child)
                        work.append((child, iter(sorted(self.edges.get(child, {})))))
                    elif child in on_stack:
                        low[node] = min(low[node], index[child])
                    continue
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = set()
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.add(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(component)
        return sorted(found, key=min)

    def _shortest_cycle(self, start: str) -> list[str]:
        came_from: dict[str, str] = {}
        queue = deque([start])
        while queue:
            node = queue.popleft()
            for child in sorted(self.edges.get(node, {})):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if child not in came_from:
                    came_from[child] = node
                    queue.append(child)
        raise AssertionError(f"{start} is in a component but on no cycle")  # pragma: no cover

    def describe(self, cycle: list[str]) -> str:
        """``a -> b -> a``, the line that makes each step, and the other modules caught with them."""
        steps = [f"    {a} -> {b}  ({self.edges[a][b]})" for a, b in itertools.pairwise(cycle)]
        component = next((c for c in self.components() if cycle[0] in c), set())
        others = sorted(component - set(cycle))
        tail = [f"    (the same knot also holds {', '.join(others)})"] if others else []
        return "\n".join([" -> ".join(cycle), *steps, *tail])


def module_names(root: Path, packages: tuple[str, ...]) -> dict[str, Path]:
    """Every module of ``packages`` under ``root``: dotted name -> file."""
    names: dict[str, Path] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            if parts[-1] == "__init__":
                parts = parts[:-1]
            names[".".join(parts)] = path
    return names


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST):
    """Every import statement that can run: module level, in functions and classes, in branches."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            yield from (n for child in node.orelse for n in _imports_in(child))
            continue
        yield from _imports_in(node)


def _imports_in(node: ast.AST):
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        yield node
    else:
        yield from _imports(node)


def build_graph(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> ImportGraph:
    """Parse every module of ``packages`` and link it to the project modules it imports."""
    modules = module_names(root, packages)

    def resolve(dotted: str) -> str | None:
        # "audit.schema.Contact" is a name in audit.schema; "pipelines.diarization.embedded"
        # is a module. The longest prefix that is a module is what the import loads.
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    graph = ImportGraph()
    for name, path in modules.items():
        is_package = path.name == "__init__.py"
        targets: dict[str, str] = {}
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in _imports(tree):
            if isinstance(node, ast.Import):
                wanted = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:  # from . import x / from ..y import z, relative to this module's package
                    package = name.split(".") if is_package else name.split(".")[:-1]
                    package = package[:len(package) - (node.level - 1)]
                    base = ".".join([*package, *([node.module] if node.module else [])])
                wanted = [f"{base}.{alias.name}" for alias in node.names]
            for dotted in wanted:
                target = resolve(dotted)
                if target and target != name:
                    targets.setdefault(target, f"{path.relative_to(root)}:{node.lineno}")
        graph.edges[name] = targets
    return graph


def _touches(cycle: list[str], packages: tuple[str, ...]) -> bool:
    return any(module.split(".")[0] in packages for module in cycle)


def test_no_import_cycle():
    graph = build_graph()
    cycles = [c for c in graph.cycles() if _touches(c, STRICT)]
    assert not cycles, "import cycles (break them: move the shared part to a module both can import):\n" + \
        "\n".join(graph.describe(c) for c in cycles)


# The checker itself, on small packages written for the purpose.

@pytest.mark.parametrize("files, expected", [
    pytest.param({"a.py": "import pkg.b", "b.py": "from pkg import a"},
                 [["pkg.a", "pkg.b", "pkg.a"]], id="module-level"),
    pytest.param({"a.py": "def f():\n    from pkg.b import g", "b.py": "from pkg.a import f"},
                 [["pkg.a", "pkg.b", "pkg.a"]], id="import-inside-a-function"),
    pytest.param({"a.py": "from .b import g", "b.py": "from . import c", "c.py": "from ..pkg.a import x"},
                 [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]], id="relative-imports"),
    pytest.param({"__init__.py": "from pkg.a import A", "a.py": "from pkg import B"},
                 [["pkg", "pkg.a", "pkg"]], id="package-and-its-submodule"),
    pytest.param({"a.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B",
                  "b.py": "import pkg.a"},
                 [], id="type-checking-only"),
    pytest.param({"__init__.py": "from pkg.a import A", "a.py": "from pkg.base import T", "base.py": ""},
                 [], id="submodule-is-no-edge-to-its-package"),
    pytest.param({"a.py": "import numpy\nfrom pkg.b import x", "b.py": "import os"},
                 [], id="no-cycle"),
])
def test_checker_finds_cycles(tmp_path, files, expected):
    (tmp_path / "pkg").mkdir()
    files = {"__init__.py": "", **files}
    for name, text in files.items():
        (tmp_path / "pkg" / name).write_text(text + "\n", encoding="utf-8")
    assert build_graph(tmp_path, ("pkg",)).cycles() == expected


def test_cycle_report_names_the_lines():
    graph = ImportGraph({"x": {"y": "x.py:3"}, "y": {"x": "y.py:7"}})
    assert graph.describe(graph.cycles()[0]) == "x -> y -> x\n    x -> y  (x.py:3)\n    y -> x  (y.py:7)"
