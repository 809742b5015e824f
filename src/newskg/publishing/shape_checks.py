"""Validate a pyoxigraph store against the shapes with the compiled SPARQL checks.

The build checks what it writes here, in the store, at SPARQL speed and, for a change, only
over the changed focus nodes; ``newskg validate`` keeps pySHACL
(:func:`newskg.publishing.validation.validate`), which these checks agree with result for
result (tests/publishing/test_shape_checks.py, test_shape_mutations.py). One query runs
per node shape; with a focus, one more first finds which shapes target which focus nodes.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Sequence
from functools import lru_cache
from typing import Any

import pyoxigraph

from newskg.publishing.shape_compiler import FOCUS_MARK, TARGETS_MARK, CompiledShape, compile_shapes
from newskg.publishing.validation import Report, Result

_RANK = {"Violation": 0, "Warning": 1, "Info": 2}


def _values_clause(focus: Collection[str]) -> str:
    """``VALUES ?this { <iri> ... }``; each IRI checked by pyoxigraph (ValueError if bad)."""
    return "VALUES ?this { " + " ".join(str(pyoxigraph.NamedNode(iri)) for iri in focus) + " }\n"


def _format(message: str, solution: pyoxigraph.QuerySolution, variables: list[str]) -> str:
    """``{?var}``/``{$var}`` replaced by the solution's values, as pySHACL does: other
    variables first, then ``this`` and ``value`` (the focus node when ``?value`` is unbound)."""
    bound = {name: solution[name] for name in variables if solution[name] is not None}
    this = bound.pop("this")
    value = bound.pop("value", this)
    bound.pop("path", None)
    bound.update({"this": this, "value": value})
    for name, term in bound.items():
        text = term.value
        try:  # pySHACL passes the value to re.sub as a replacement template
            message = re.sub(f"{{[?$]{name}}}", text, message)
        except re.error:  # ...which it cannot be when it holds a stray backslash escape
            message = message.replace(f"{{?{name}}}", text).replace(f"{{${name}}}", text)
    return message


_CHECK = "newskgCheck"  # which check (or shape) of a query a solution is from


@lru_cache(maxsize=64)
def _shape_query(shape: CompiledShape, focused: bool) -> str:
    """One query for all the checks of ``shape``: a UNION with a branch per check. Over the
    whole data each branch finds the focus nodes by the shape's targets; for a focus, the
    runner replaces ``TARGETS_MARK`` by the VALUES of the focus nodes the shape targets."""
    branches = [
        f"{{ {{ {check.focused if focused else check.whole} }} BIND ({index} AS ?{_CHECK}) }}"
        for index, check in enumerate(shape.checks)
    ]
    query = f"{shape.prologue}SELECT * WHERE {{ {' UNION '.join(branches)} }}"
    return query if focused else query.replace(TARGETS_MARK, shape.targets)


@lru_cache(maxsize=4)
def _targets_query(shapes: tuple[CompiledShape, ...]) -> str:
    """Which of the focus nodes each shape targets, in one query (``?newskgCheck`` is the
    shape's index)."""
    prologue = "\n".join(dict.fromkeys(line for s in shapes for line in s.prologue.splitlines()))
    branches = [f"{{ {s.targets} BIND ({i} AS ?{_CHECK}) }}" for i, s in enumerate(shapes)]
    return f"{prologue}\nSELECT DISTINCT ?{_CHECK} ?this WHERE {{ {' UNION '.join(branches)} }}"


def _focus_per_shape(
    store: pyoxigraph.Store,
    shapes: tuple[CompiledShape, ...],
    restriction: str,
    dataset: dict[str, Any],
) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    solutions = store.query(_targets_query(shapes).replace(FOCUS_MARK, restriction), **dataset)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT
    for solution in solutions:
        index, this = solution[_CHECK], solution["this"]
        assert index is not None and isinstance(this, pyoxigraph.NamedNode)  # VALUES of IRIs
        found.setdefault(int(index.value), []).append(this.value)
    return found


def _solutions(
    store: pyoxigraph.Store,
    shapes: tuple[CompiledShape, ...],
    focus: Collection[str] | None,
    dataset: dict[str, Any],
) -> Iterator[tuple[CompiledShape, pyoxigraph.QuerySolutions]]:
    """Each shape with any focus node, and the solutions of its query."""
    if focus is None:
        for shape in shapes:
            if shape.focus_ask and not store.query(
                shape.focus_ask.replace(FOCUS_MARK, ""), **dataset
            ):
                continue  # no focus node: nothing to check
            solutions = store.query(_shape_query(shape, False).replace(FOCUS_MARK, ""), **dataset)
            assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT
            yield shape, solutions
        return
    for index, nodes in _focus_per_shape(store, shapes, _values_clause(focus), dataset).items():
        shape, values = shapes[index], _values_clause(nodes)
        query = _shape_query(shape, True).replace(TARGETS_MARK, values).replace(FOCUS_MARK, values)
        solutions = store.query(query, **dataset)
        assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT
        yield shape, solutions


def run_checks(
    store: pyoxigraph.Store,
    shapes: Sequence[CompiledShape],
    *,
    focus: Collection[str] | None = None,
    graphs: Sequence[pyoxigraph.NamedNode] | None = None,
) -> Report:
    """Run the compiled ``shapes`` over ``store``; see :func:`check_store`."""
    if focus is not None and not focus:
        return Report(conforms=True)
    dataset: dict[str, Any] = (
        {"use_default_graph_as_union": True} if graphs is None else {"default_graph": list(graphs)}
    )
    results: list[Result] = []
    for shape, solutions in _solutions(store, tuple(shapes), focus, dataset):
        variables = [v.value for v in solutions.variables if v.value != _CHECK]
        for solution in solutions:
            this, index = solution["this"], solution[_CHECK]
            assert this is not None and index is not None  # every branch binds both
            check = shape.checks[int(index.value)]
            message = (
                _format(check.message, solution, variables) if check.templated else check.message
            )
            results.append(Result(this.value, check.path, message, check.severity, check.shape))
    results.sort(
        key=lambda r: (
            _RANK.get(r.severity, 3),
            r.focus_node,
            r.path or "",
            r.message,
            r.shape or "",
        )
    )
    return Report(conforms=not any(r.severity == "Violation" for r in results), results=results)


def check_store(
    store: pyoxigraph.Store,
    *,
    focus: Collection[str] | None = None,
    graphs: Sequence[pyoxigraph.NamedNode] | None = None,
) -> Report:
    """Validate ``store`` against newskg's shapes with the compiled checks.

    The data graph is the union of ``graphs`` (default: of every named graph and the
    default graph). With ``focus`` (IRIs), only those focus nodes are checked, as pySHACL's
    ``focus_nodes`` does, though the constraints still read all the data; an empty
    ``focus`` checks nothing (pySHACL would check everything). Results and their order are
    those of :func:`newskg.publishing.validation.validate` on the same data.

    An organization without its label and its article, as the build would see it:

    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> ex, nkg = "http://example.org/", "https://w3id.org/newskg/ontology#"
    >>> store.add(pyoxigraph.Quad(
    ...     pyoxigraph.NamedNode(ex + "acme"),
    ...     pyoxigraph.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
    ...     pyoxigraph.NamedNode(nkg + "Organization"),
    ...     pyoxigraph.NamedNode(ex + "graph")))
    >>> report = check_store(store)
    >>> report.conforms
    False
    >>> [(r.path, r.severity) for r in report.results]
    [('nkg:mentionedIn', 'Violation'), ('rdfs:label', 'Violation')]
    >>> check_store(store, focus=[ex + "another"]).conforms
    True
    """
    return run_checks(store, compile_shapes(), focus=focus, graphs=graphs)
