"""The import graph of ``src/newskg``: no cycles, and the layers point one way.

The data flows extraction -> publishing -> backends -> sparql -> web, with ``cli`` and ``serve``
on top. Each module is parsed with :mod:`ast` (nothing is imported), and every ``import`` counts:
at module level and inside functions, since a function-level import only hides a cycle until
the function runs. Imports under ``if TYPE_CHECKING:`` are left out: they never run; so are
those under ``if __name__ == "__main__":``, which run only when the module is the program
(``python -m newskg.serve`` runs the click command of ``newskg.cli.serving``).

An edge goes to the module an import names: ``from newskg.web.http import errors`` is an edge
to ``newskg.web.http.errors``, ``from newskg.web import create_app`` one to ``newskg.web``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
PACKAGE = "newskg"


@dataclass(frozen=True)
class Edge:
    """``source`` imports ``target`` (a newskg module, or a third-party top-level name)."""

    source: str
    target: str
    line: int
    in_function: bool

    def __str__(self) -> str:
        where = "inside a function" if self.in_function else "at module level"
        return f"{self.source} imports {self.target} (line {self.line}, {where})"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def modules() -> dict[str, Path]:
    """Every module of the package by dotted name."""
    return {module_name(path): path for path in sorted((SRC / PACKAGE).rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _is_main(test: ast.expr) -> bool:
    return (
        isinstance(test, ast.Compare)
        and isinstance(test.left, ast.Name)
        and test.left.id == "__name__"
        and any(isinstance(c, ast.Constant) and c.value == "__main__" for c in test.comparators)
    )


Import = ast.Import | ast.ImportFrom


def _imports(tree: ast.AST, in_function: bool = False) -> Iterator[tuple[Import, bool]]:
    """Every import statement under ``tree`` outside ``if TYPE_CHECKING:`` bodies, and
    whether it sits inside a function."""
    for node in ast.iter_child_nodes(tree):
        if isinstance(node, Import):
            yield node, in_function
        elif isinstance(node, ast.If) and (_is_type_checking(node.test) or _is_main(node.test)):
            for statement in node.orelse:  # the else branch runs
                yield from _imports(ast.Module(body=[statement], type_ignores=[]), in_function)
        else:
            inner = in_function or isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            yield from _imports(node, inner)


def _resolve(name: str, known: dict[str, Path]) -> str:
    """The newskg module ``name`` names: itself, or its longest known prefix."""
    while name not in known and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


def edges(known: dict[str, Path] | None = None) -> list[Edge]:
    """Every import of every newskg module, resolved to newskg modules or third-party names."""
    known = modules() if known is None else known
    found: list[Edge] = []
    for source, path in known.items():
        is_package = path.name == "__init__.py"
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node, in_function in _imports(tree):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                base = node.module or ""
                if node.level:
                    anchor = source.split(".")
                    drop = node.level - 1 if is_package else node.level
                    anchor = anchor[: len(anchor) - drop] if drop else anchor
                    base = ".".join([*anchor, base] if base else anchor)
                for alias in node.names:
                    submodule = f"{base}.{alias.name}"
                    targets.append(submodule if submodule in known else base)
            for target in targets:
                if target == PACKAGE or target.startswith(PACKAGE + "."):
                    target = _resolve(target, known)
                else:
                    target = target.split(".")[0]
                edge = Edge(source, target, node.lineno, in_function)
                if target != source and edge not in found:
                    found.append(edge)
    return found


def internal_graph(found: list[Edge]) -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {name: set() for name in modules()}
    for edge in found:
        if edge.target in graph:
            graph[edge.source].add(edge.target)
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a path that ends where it starts) per strongly connected component
    of more than one module (Tarjan's algorithm, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
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
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return [_cycle_in(set(component), graph) for component in components]


def _cycle_in(component: set[str], graph: dict[str, set[str]]) -> list[str]:
    """A shortest path from the component's first module back to itself (breadth-first)."""
    start = min(component)
    previous: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for child in sorted(graph[node] & component):
                if child == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(previous[path[-1]])
                    return [start, *reversed(path[:-1]), start] if node != start else [start, start]
                if child not in previous:
                    previous[child] = node
                    following.append(child)
        frontier = following
    raise AssertionError(f"no cycle through {start}")  # a component always has one


@dataclass(frozen=True)
class Rule:
    layer: str
    forbidden: tuple[str, ...]
    why: str

    def breaks(self, edge: Edge) -> str | None:
        """The forbidden name ``edge`` reaches, or None."""
        if not _within(edge.source, self.layer):
            return None
        return next((name for name in self.forbidden if _within(edge.target, name)), None)


def _within(module: str, prefix: str) -> bool:
    return module == prefix or module.startswith(prefix + ".")


RULES = [
    Rule(
        "newskg.extraction",
        (
            "newskg.publishing",
            "newskg.backends",
            "newskg.sparql",
            "newskg.web",
            "newskg.cli",
            "newskg.serve",
        ),
        "extraction turns articles into RDF and knows nothing of stores, SPARQL or the web",
    ),
    Rule(
        "newskg.sparql",
        ("newskg.web", "flask"),
        "query processes run SPARQL without Flask; the web layer calls them, not the reverse",
    ),
    Rule(
        "newskg.backends",
        ("newskg.web", "newskg.cli", "newskg.publishing"),
        "a backend is where the dataset lives; publishing, the web and the command line "
        "choose and use one",
    ),
    Rule(
        "newskg.publishing",
        ("newskg.web", "newskg.cli", "newskg.serve"),
        "publishing builds versions; serving them is the layer above",
    ),
]


def test_the_graph_is_found() -> None:
    """Guard against a parser that finds nothing (and so no cycle): the package imports
    itself in many places."""
    found = edges()
    assert len(modules()) > 40
    assert sum(edge.target.startswith(PACKAGE + ".") for edge in found) > 100


def test_relative_imports_resolve() -> None:
    known = {"newskg": Path("newskg/__init__.py"), "newskg.a": Path("a.py")}
    assert _resolve("newskg.a.name", known) == "newskg.a"
    assert _resolve("newskg.b", known) == "newskg"


def test_no_import_cycles() -> None:
    graph = internal_graph(edges())
    found = cycles(graph)
    if found:
        pytest.fail(
            "import cycles (break each by moving the shared part down a layer):\n"
            + "\n".join(" -> ".join(cycle) for cycle in found)
        )


@pytest.mark.parametrize("rule", RULES, ids=[rule.layer for rule in RULES])
def test_layers_point_one_way(rule: Rule) -> None:
    broken = [
        f"{edge}: {rule.layer} must not import {name}"
        for edge in edges()
        if (name := rule.breaks(edge))
    ]
    if broken:
        pytest.fail(f"{rule.why}:\n" + "\n".join(broken))
