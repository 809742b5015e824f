"""Compile the SHACL shapes into SPARQL checks, once per process.

pySHACL walks the shapes for every focus node in Python (about 200 ms per article graph);
a build cannot afford that. Each constraint of ``shapes/newskg.ttl`` is therefore compiled
once into one SPARQL SELECT over the whole data graph whose solutions are exactly the
validation results pySHACL reports for it (as SHACL-SPARQL engines and TopBraid's compiled
validators do), and :mod:`newskg.publishing.shape_checks` runs them in Oxigraph, the checks
of a node shape together as one query. pySHACL stays the reference (``newskg validate``);
tests/publishing/test_shape_checks.py and test_shape_mutations.py hold the two to the same
results.

A SHACL-SPARQL query is joined with the shape's focus nodes instead of having ``$this``
pre-bound: the same results when its WHERE clause binds ``$this`` in a triple pattern, as
every query of the shapes does (the VALUES of a focus go inside that clause too).

Only the SHACL features the shapes use are compiled; any other component raises
:class:`ShapeCompileError` at compile time rather than being skipped. Value-type
constraints become SPARQL expressions in :mod:`newskg.publishing.shape_values`.

>>> compiled = compile_shapes()
>>> sorted({check.component for shape in compiled for check in shape.checks})[:4]
['sh:class', 'sh:datatype', 'sh:hasValue', 'sh:in']
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.namespace import SH
from rdflib.term import Node

from newskg.publishing.shape_values import (
    IGNORED,
    VALUE_COMPONENTS,
    ShapeCompileError,
    check_keys,
    deactivated,
    one,
    show,
    term,
    value_condition,
)
from newskg.publishing.validation import load_shapes

__all__ = [
    "FOCUS_MARK",
    "TARGETS_MARK",
    "Check",
    "CompiledShape",
    "ShapeCompileError",
    "compile_shapes",
]

#: Where a query takes the ``VALUES ?this`` clause that restricts it to given focus nodes;
#: a SPARQL comment, so the query runs unchanged without a focus.
FOCUS_MARK = "\n#newskg-focus\n"
#: Where a check's query takes the group binding ``?this`` to its focus nodes: the shape's
#: ``targets`` over the whole data, or the VALUES of the focus nodes it targets.
TARGETS_MARK = "\n#newskg-targets\n"

_TARGETS = {SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target}
_PROPERTY_KEYS = {SH.path, SH.message, SH.severity, SH.deactivated} | IGNORED
_NODE_KEYS = _TARGETS | {SH.property, SH.sparql, SH.message, SH.severity, SH.deactivated}
_NODE_KEYS |= IGNORED | {SH.declare}
_FOCUS_COMPONENTS = {SH.minCount, SH.maxCount, SH.hasValue}


@dataclass(frozen=True)
class Check:
    """One constraint of one shape, compiled to a SPARQL SELECT, planned twice: ``whole``
    for the whole data, ``focused`` for a few focus nodes (``FOCUS_MARK`` takes the VALUES).

    Every solution is one validation result; its ``?this`` is the focus node. ``message``
    is the constraint's ``sh:message``; for SHACL-SPARQL constraints, ``{?var}`` in it is
    replaced by the solution's values as pySHACL does (``templated``).
    """

    shape: str  # as validation.Result.shape shows it
    path: str | None
    severity: str
    component: str  # e.g. "sh:minCount", "sh:sparql"
    message: str
    whole: str
    focused: str
    templated: bool = False


@dataclass(frozen=True)
class CompiledShape:
    """A node shape's checks, run together as one query (a UNION, one branch per check)."""

    name: str
    prologue: str  # the PREFIX lines its queries need
    targets: str  # a group binding ?this to each focus node once
    checks: tuple[Check, ...]
    #: ASK whether a shape with SPARQL targets has any focus node: those targets select only
    #: broken nodes, so there usually are none and the (costly) checks need not run.
    focus_ask: str | None = None


def _prefixes(shapes: Graph, node: Node) -> str:
    """PREFIX lines for the ``sh:prefixes`` of a SPARQL target or constraint."""
    lines = ["PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>"]
    lines.append("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>")
    lines.append("PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>")
    for declarer in shapes.objects(node, SH.prefixes):
        for declaration in shapes.objects(declarer, SH.declare):
            prefix = shapes.value(declaration, SH.prefix)
            namespace = shapes.value(declaration, SH.namespace)
            lines.append(f"PREFIX {prefix}: <{namespace}>")
    return "\n".join(dict.fromkeys(lines)) + "\n"


def _with_focus(select: str) -> str:
    """``select`` with the focus mark at the start of its WHERE group."""
    brace = select.index("{")
    return select[: brace + 1] + FOCUS_MARK + select[brace + 1 :]


def _sparql_text(shapes: Graph, node: Node, owner: Node) -> tuple[str, str]:
    """The prefixes and the SELECT text of a SPARQL target or constraint, checked."""
    select = one(shapes, node, SH.select)
    if select is None:
        raise ShapeCompileError(f"shape {show(shapes, owner)}: a SPARQL node without sh:select")
    text, prologue = str(select), _prefixes(shapes, node)
    for unsupported in ("$currentShape", "$shapesGraph", "$PATH", "?failure", "$failure"):
        if unsupported in text:
            raise ShapeCompileError(
                f"shape {show(shapes, owner)}: its SPARQL uses {unsupported}, which the shape"
                " compiler does not bind: rewrite the query without it"
            )
    if re.search(r"\b(LIMIT|OFFSET)\b", text, re.IGNORECASE):  # per focus node in pySHACL
        raise ShapeCompileError(
            f"shape {show(shapes, owner)}: its sh:select uses LIMIT or OFFSET, which would apply"
            " to all focus nodes at once here: remove it"
        )
    if re.match(r"\s*(PREFIX|BASE)\b", text, re.IGNORECASE):
        raise ShapeCompileError(
            f"shape {show(shapes, owner)}: declare the prefixes of its sh:select with"
            " sh:prefixes/sh:declare, not PREFIX in the query"
        )
    projection = re.match(r"\s*SELECT\s+(.*?)\s*(WHERE\b|\{)", text, re.IGNORECASE | re.DOTALL)
    if projection is None or not re.search(r"[?$]this\b", projection.group(1)):
        raise ShapeCompileError(
            f"shape {show(shapes, owner)}: its sh:select must project $this (SELECT $this ...)"
        )
    return prologue, text


def _focus_pattern(shapes: Graph, shape: Node) -> tuple[str, str]:
    """Prefixes, and a group binding ``?this`` to every focus node of ``shape`` once."""
    branches, prologue = [], _prefixes(shapes, shape)
    for cls in shapes.objects(shape, SH.targetClass):
        branches.append(f"?this rdf:type/rdfs:subClassOf* {term(cls)}")
    for predicate in shapes.objects(shape, SH.targetSubjectsOf):
        branches.append(f"?this {term(predicate)} ?targetObject")
    for predicate in shapes.objects(shape, SH.targetObjectsOf):
        branches.append(f"?targetSubject {term(predicate)} ?this")
    for target in shapes.objects(shape, SH.target):
        if (target, RDF.type, SH.SPARQLTarget) not in shapes:
            raise ShapeCompileError(
                f"shape {show(shapes, shape)}: sh:target of a type other than sh:SPARQLTarget"
                " is not compiled: use sh:targetClass, sh:targetSubjectsOf, sh:targetObjectsOf"
                " or an sh:SPARQLTarget"
            )
        target_prologue, select = _sparql_text(shapes, target, shape)
        prologue += target_prologue
        branches.append(f"{{ {_with_focus(select)} }}")
    union = " UNION ".join(f"{{ {FOCUS_MARK}{b} }}" for b in branches)
    return prologue, f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}"


def _severity(shapes: Graph, shape: Node) -> str:
    severity = one(shapes, shape, SH.severity)
    return str(severity or SH.Violation).rsplit("#", 1)[-1]


def _message(shapes: Graph, shape: Node, default: str) -> str:
    messages = sorted(str(m) for m in shapes.objects(shape, SH.message))
    return messages[0] if messages else default


def _path(shapes: Graph, shape: Node) -> str:
    """The triple pattern from ``?this`` to ``?value`` along the shape's ``sh:path``."""
    path = one(shapes, shape, SH.path)
    if isinstance(path, URIRef):
        return f"?this {term(path)} ?value"
    inverse = one(shapes, path, SH.inversePath) if isinstance(path, BNode) else None
    if isinstance(inverse, URIRef) and len(set(shapes.predicates(path))) == 1:
        return f"?value {term(inverse)} ?this"
    raise ShapeCompileError(
        f"property shape {show(shapes, shape)}: only an IRI or [sh:inversePath IRI] path is"
        " compiled: add the path form to shape_compiler._path"
    )


def _count(shapes: Graph, shape: Node, count: Node) -> int:
    if isinstance(count, Literal) and isinstance(count.value, int) and count.value >= 0:
        return count.value
    raise ShapeCompileError(f"shape {show(shapes, shape)}: {count!r} is not a count: use 0, 1, ...")


def _property_checks(shapes: Graph, node_shape: Node, shape: Node, focus: str) -> Iterator[Check]:
    """The checks of a property shape, each planned twice: for the whole data (hash joins
    over all values) and for a few focus nodes (a lookup per node)."""
    if deactivated(shapes, shape):  # checks nothing, whatever it holds
        return
    check_keys(shapes, shape, _PROPERTY_KEYS | VALUE_COMPONENTS | _FOCUS_COMPONENTS | {SH.flags})
    step, shown = _path(shapes, shape), show(shapes, shape)
    path = show(shapes, one(shapes, shape, SH.path) or shape)
    severity = _severity(shapes, shape)

    def check(component: URIRef, plans: tuple[str, str], default: str) -> Check:
        name = "sh:" + str(component).removeprefix(str(SH))
        message = _message(shapes, shape, f"{default} (shape {show(shapes, node_shape)})")
        return Check(shown, path, severity, name, message, *plans)

    def lacking(pattern: str) -> tuple[str, str]:
        """Focus nodes without a match of ``pattern``: MINUS is a hash anti-join in
        Oxigraph (fast over all nodes), NOT EXISTS one lookup per focus node."""
        return (
            f"SELECT ?this WHERE {{ {focus} MINUS {{ {FOCUS_MARK}{pattern} }} }}",
            f"SELECT ?this WHERE {{ {focus} FILTER NOT EXISTS {{ {pattern} }} }}",
        )

    for count in shapes.objects(shape, SH.minCount):
        n = _count(shapes, shape, count)
        grouped = (
            f"SELECT ?this WHERE {{ {focus} OPTIONAL {{ {step} }} }} GROUP BY ?this"
            f" HAVING (COUNT(DISTINCT ?value) < {n})"
        )
        plans = lacking(step) if n == 1 else (grouped, grouped)
        yield check(
            SH.minCount, plans, f"fewer than {n} values on {path}: add the missing value(s)"
        )
    for count in shapes.objects(shape, SH.maxCount):
        n = _count(shapes, shape, count)
        query = (
            f"SELECT ?this WHERE {{ {focus} {step} }} GROUP BY ?this"
            f" HAVING (COUNT(DISTINCT ?value) > {n})"
        )
        yield check(
            SH.maxCount, (query, query), f"more than {n} values on {path}: keep at most {n}"
        )
    for value in shapes.objects(shape, SH.hasValue):
        plans = lacking(step.replace("?value", term(value)))
        yield check(SH.hasValue, plans, f"{path} does not have {show(shapes, value)}: add it")
    for component in sorted(VALUE_COMPONENTS - {SH.hasValue}):
        for parameter in shapes.objects(shape, component):
            queries = []
            for focused in (False, True):
                patterns: list[str] = []
                condition = value_condition(shapes, shape, component, parameter, patterns, focused)
                where = " ".join([focus, step, *patterns, f"FILTER (!{condition})"])
                queries.append(f"SELECT DISTINCT ?this ?value WHERE {{ {where} }}")
            yield check(
                component,
                (queries[0], queries[1]),
                f"a value of {path} does not satisfy {show(shapes, component)}"
                f" {show(shapes, parameter)}",
            )


def _sparql_checks(shapes: Graph, shape: Node, focus: str) -> Iterator[tuple[str, Check]]:
    """The shape's SHACL-SPARQL constraints, with the prefixes each needs."""
    for constraint in shapes.objects(shape, SH.sparql):
        if deactivated(shapes, constraint):
            continue
        prologue, select = _sparql_text(shapes, constraint, shape)
        message = _message(shapes, constraint, _message(shapes, shape, "SPARQL constraint failed"))
        query = f"SELECT DISTINCT * WHERE {{ {focus} {{ {_with_focus(select)} }} }}"
        shown, severity = show(shapes, shape), _severity(shapes, shape)
        yield prologue, Check(shown, None, severity, "sh:sparql", message, query, query, True)


def _node_shapes(shapes: Graph) -> list[Node]:
    found = {s for target in _TARGETS for s in shapes.subjects(target, None)}
    found |= set(shapes.subjects(RDF.type, SH.NodeShape))
    for shape in set(shapes.subjects(RDF.type, SH.PropertyShape)) | found:
        if (shape, RDF.type, RDFS.Class) in shapes or (
            shapes.value(shape, SH.path) is not None and shape in found
        ):
            raise ShapeCompileError(
                f"shape {show(shapes, shape)}: implicit class targets and property shapes with"
                " their own targets are not compiled: target a node shape holding sh:property"
            )
    return sorted(found - set(shapes.subjects(SH.path, None)), key=str)


def compile_shapes(shapes: Graph | None = None) -> list[CompiledShape]:
    """Every node shape of ``shapes`` (default: newskg's) with its constraints as checks.

    Raises :class:`ShapeCompileError` naming the shape and the component when a shape uses
    anything the compiler does not implement. Compiling the default shapes is cached.
    """
    if shapes is None:
        return list(_default_shapes())
    compiled: list[CompiledShape] = []
    for node_shape in _node_shapes(shapes):
        if deactivated(shapes, node_shape):
            continue
        check_keys(shapes, node_shape, _NODE_KEYS)
        prologue, focus = _focus_pattern(shapes, node_shape)
        checks = [
            check
            for shape in shapes.objects(node_shape, SH.property)
            for check in _property_checks(shapes, node_shape, shape, TARGETS_MARK)
        ]
        for sparql_prologue, check in _sparql_checks(shapes, node_shape, TARGETS_MARK):
            prologue += sparql_prologue
            checks.append(check)
        if checks and any((node_shape, target, None) in shapes for target in _TARGETS):
            prologue = "\n".join(dict.fromkeys(prologue.splitlines())) + "\n"
            ask = (
                f"{prologue}ASK {{ {focus} }}" if (node_shape, SH.target, None) in shapes else None
            )
            name = show(shapes, node_shape)
            compiled.append(_parsed(CompiledShape(name, prologue, focus, tuple(checks), ask)))
    return compiled


def _parsed(shape: CompiledShape) -> CompiledShape:
    """``shape``, once every query it runs has parsed (run on an empty store): a SPARQL
    syntax error in the shapes shows at compile time, naming the shape."""
    empty = pyoxigraph.Store()
    queries = [shape.focus_ask or f"{shape.prologue}ASK {{ {shape.targets} }}"]
    queries += [shape.prologue + plan for c in shape.checks for plan in (c.whole, c.focused)]
    for query in queries:
        try:
            empty.query(query.replace(TARGETS_MARK, shape.targets).replace(FOCUS_MARK, ""))
        except SyntaxError as error:
            raise ShapeCompileError(
                f"shape {shape.name}: a query compiled from it does not parse ({error}):"
                f" fix its SPARQL (sh:select) or the compiler\n{query}"
            ) from error
    return shape


@lru_cache(maxsize=1)
def _default_shapes() -> tuple[CompiledShape, ...]:
    return tuple(compile_shapes(load_shapes()))
