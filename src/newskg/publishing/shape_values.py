"""Value-type SHACL constraints as SPARQL expressions, and reading the shapes graph.

:mod:`newskg.publishing.shape_compiler` builds each check's query around the expressions
made here: for a value node ``?value``, whether it satisfies ``sh:class``, ``sh:datatype``,
``sh:nodeKind``, ``sh:in``, ``sh:hasValue``, ``sh:minLength``, ``sh:min/maxInclusive``,
``sh:pattern`` or ``sh:or``, exactly as pySHACL decides it. pySHACL reads literals through
rdflib, so a literal is well-formed for ``sh:datatype`` when rdflib can read it
(``_WELL_FORMED``), and ``sh:pattern`` follows Python's ``re.search``. One difference is
left: a number whose lexical form rdflib reads but Oxigraph keeps as a string (``" 5"``,
``"1_000"``, ``"1e5"^^xsd:decimal``; newskg writes none) is a number to pySHACL in
``sh:minInclusive`` and ``sh:maxInclusive``, and ``sh:minLength`` counts rdflib's
normalised form.

>>> value_condition(Graph(), BNode(), SH.datatype, XSD.string, [])
'COALESCE(isLiteral(?value) && DATATYPE(?value) = <http://www.w3.org/2001/XMLSchema#string>, false)'
"""

from __future__ import annotations

import re

from rdflib import RDF, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD
from rdflib.term import Node

from newskg.errors import NewskgError

#: Predicates that say nothing about validity (SHACL's non-validating properties).
IGNORED = {SH.name, SH.description, SH.order, SH.group, SH.defaultValue}

VALUE_COMPONENTS = {
    SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue, SH.minLength,
    SH.minInclusive, SH.maxInclusive, SH.pattern, SH["or"],
}  # fmt: skip

# Lexical forms rdflib reads as a value of the datatype (pySHACL fails ill-typed literals
# only where rdflib can tell), as XPath regular expressions over STR(?value).
_INT = r"[0-9]+(_[0-9]+)*"
_WELL_FORMED: dict[URIRef, tuple[str, str] | None] = {  # datatype: (regex, flags) | any form
    XSD.string: None,
    RDF.langString: None,
    XSD.gYear: None,  # rdflib has no parser for these: any lexical form passes pySHACL
    XSD.gYearMonth: None,
    XSD.integer: (rf"^\s*[+-]?{_INT}\s*$", ""),  # Python's int()
    XSD.nonNegativeInteger: (rf"^\s*(\+?{_INT}|-0+)\s*$", ""),
    XSD.decimal: (  # Python's Decimal()
        rf"^\s*[+-]?(({_INT}(\.({_INT})?)?|\.{_INT})(e[+-]?{_INT})?|nan|s?nan[0-9]*|inf(inity)?)\s*$",
        "i",
    ),
    # rdflib's parse_xsd_date: YYYY-MM-DD, then a zone or a time it drops
    XSD.date: (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([zZ]|[+-][0-9]{2}:[0-9]{2}|T.*)?$", ""),
}
_NODE_KINDS = {
    SH.IRI: "isIRI(?value)",
    SH.BlankNode: "isBlank(?value)",
    SH.Literal: "isLiteral(?value)",
    SH.BlankNodeOrIRI: "!isLiteral(?value)",
    SH.BlankNodeOrLiteral: "!isIRI(?value)",
    SH.IRIOrLiteral: "!isBlank(?value)",
}


class ShapeCompileError(NewskgError):
    """A shape uses a SHACL feature the SPARQL compiler does not implement."""


def show(shapes: Graph, node: Node) -> str:
    """A node as :func:`newskg.publishing.validation._results` shows paths and shapes."""
    if isinstance(node, URIRef | BNode):
        return node.n3(shapes.namespace_manager)
    return str(node)


def term(node: Node) -> str:
    """A shapes-graph term in SPARQL syntax."""
    if isinstance(node, URIRef | Literal):
        return node.n3()
    raise ShapeCompileError(f"{node!r} is a blank node where a term was expected")


def one(shapes: Graph, shape: Node, predicate: URIRef) -> Node | None:
    values = list(shapes.objects(shape, predicate))
    if len(values) > 1:
        raise ShapeCompileError(
            f"shape {show(shapes, shape)} has {len(values)} values of {show(shapes, predicate)}:"
            " give it one (pySHACL would read an arbitrary one)"
        )
    return values[0] if values else None


def deactivated(shapes: Graph, node: Node) -> bool:
    value = one(shapes, node, SH.deactivated)
    return isinstance(value, Literal) and value.value is True


def check_keys(shapes: Graph, shape: Node, allowed: set[URIRef]) -> None:
    for predicate in set(shapes.predicates(shape)):
        if str(predicate).startswith(str(SH)) and predicate not in allowed:
            raise ShapeCompileError(
                f"shape {show(shapes, shape)} uses {show(shapes, predicate)}, which the SPARQL"
                " shape compiler (newskg.publishing.shape_compiler) does not implement: add it"
                " there with an agreement test against pySHACL, or express it with the"
                " components it supports"
            )


def _regex(pattern: str, flags: str) -> tuple[str, str]:
    """A ``sh:pattern`` as pySHACL runs it (Python's ``re.search``, honouring only the ``i``
    and ``m`` of ``sh:flags``) as SPARQL REGEX arguments: Python's ``$`` (without ``m``)
    also matches before a final newline, XPath's does not."""
    flags = "".join(f for f in "im" if f in flags.lower())
    if "m" not in flags and re.search(r"(?<!\\)(\\\\)*\$$", pattern):
        pattern = pattern[:-1] + r"(\n)?$"
    return pattern, flags


def _in_range(shapes: Graph, shape: Node, component: URIRef, bound: Node) -> str:
    """``sh:minInclusive``/``sh:maxInclusive`` as pySHACL decides them: SPARQL's comparison
    where it is defined. Where it is not (an ill-typed number, a date against a number),
    rdflib orders literals of different datatypes by their datatype IRIs, so pySHACL
    passes or fails them by that order; strings, IRIs and blank nodes always fail."""
    if not isinstance(bound, Literal) or bound.datatype is None:
        raise ShapeCompileError(
            f"shape {show(shapes, shape)}: {show(shapes, component)} {bound!r} is not a typed"
            " literal: give a number such as 0"
        )
    above = f"STR(DATATYPE(?value)) > {Literal(str(bound.datatype)).n3()}"
    if component == SH.minInclusive:
        compared, by_datatype = f"?value >= {term(bound)}", above
    else:
        compared, by_datatype = f"?value <= {term(bound)}", f"!({above})"
    incomparable = (
        "isLiteral(?value) && !(DATATYPE(?value) IN (xsd:string, rdf:langString))"
        f" && DATATYPE(?value) != {term(bound.datatype)} && {by_datatype}"
    )
    return f"COALESCE({compared}, {incomparable}, false)"


def value_condition(
    shapes: Graph,
    shape: Node,
    component: URIRef,
    parameter: Node,
    patterns: list[str],
    focused: bool = False,
) -> str:
    """A SPARQL expression, never an error, true iff ``?value`` satisfies one value-type
    constraint (``component`` with ``parameter``) of ``shape``; it may need graph
    patterns, which it appends to ``patterns`` (to follow the value's own pattern).
    ``focused``: planned for the values of a few focus nodes rather than of all."""
    if component == SH["class"] and focused:
        # A direct type first: Oxigraph stops there for nearly every value (the path closure
        # costs 2.4x as much; an entity named in 650 articles has 650 values to check).
        cls = term(parameter)
        return (
            f"(EXISTS {{ ?value rdf:type {cls} }}"
            f" || EXISTS {{ ?value rdf:type/rdfs:subClassOf* {cls} }})"
        )
    if component == SH["class"]:
        # The instances once, hash-joined: an EXISTS per value is 30x slower in Oxigraph.
        flag = f"?isInstance{len(patterns)}"
        patterns.append(
            f"OPTIONAL {{ SELECT DISTINCT ?value ({flag}_ AS {flag}) WHERE {{"
            f" ?value rdf:type/rdfs:subClassOf* {term(parameter)} BIND (true AS {flag}_) }} }}"
        )
        return f"BOUND({flag})"
    if component == SH.datatype:
        if parameter not in _WELL_FORMED:
            raise ShapeCompileError(
                f"shape {show(shapes, shape)}: sh:datatype {show(shapes, parameter)} has no"
                " lexical check in shape_compiler._WELL_FORMED: add rdflib's lexical rule for it"
            )
        lexical = _WELL_FORMED[URIRef(str(parameter))]
        condition = f"isLiteral(?value) && DATATYPE(?value) = {term(parameter)}"
        if lexical is not None:  # numbers Oxigraph parsed are well-formed: skip the REGEX
            native = "isNumeric(?value) || " if parameter in (XSD.integer, XSD.decimal) else ""
            regex, regex_flags = (Literal(part).n3() for part in lexical)
            condition += f" && ({native}REGEX(STR(?value), {regex}, {regex_flags}))"
        if parameter == XSD.date:  # a real calendar day, as Python's date() requires
            condition += " && isLiteral(xsd:date(SUBSTR(STR(?value), 1, 10)))"
        return f"COALESCE({condition}, false)"
    if component == SH.nodeKind:
        if parameter not in _NODE_KINDS:
            raise ShapeCompileError(f"shape {show(shapes, shape)}: unknown sh:nodeKind {parameter}")
        return _NODE_KINDS[URIRef(str(parameter))]
    if component == SH["in"]:
        members = list(Collection(shapes, parameter))
        return (
            "(" + " || ".join([f"sameTerm(?value, {term(m)})" for m in members] or ["false"]) + ")"
        )
    if component == SH.hasValue:
        return f"sameTerm(?value, {term(parameter)})"
    if component == SH.minLength:
        return f"COALESCE(STRLEN(STR(?value)) >= {term(parameter)}, false)"
    if component in (SH.minInclusive, SH.maxInclusive):
        return _in_range(shapes, shape, component, parameter)
    if component == SH.pattern:
        flags = one(shapes, shape, SH.flags)
        pattern, sparql_flags = _regex(str(parameter), str(flags or ""))
        args = f"{Literal(pattern).n3()}, {Literal(sparql_flags).n3()}"
        return f"COALESCE(!isBlank(?value) && REGEX(STR(?value), {args}), false)"
    if component == SH["or"]:
        members = list(Collection(shapes, parameter))
        parts = [_conforms(shapes, m, patterns, focused) for m in members]
        return "(" + " || ".join(parts or ["false"]) + ")"
    raise AssertionError(component)  # callers pass only VALUE_COMPONENTS


def _conforms(shapes: Graph, shape: Node, patterns: list[str], focused: bool) -> str:
    """True iff ``?value`` conforms to ``shape`` (a member of an ``sh:or``)."""
    if deactivated(shapes, shape):  # a deactivated shape is conformed to by every node
        return "true"
    check_keys(shapes, shape, VALUE_COMPONENTS | {SH.deactivated, SH.flags} | IGNORED)
    parts = [
        value_condition(shapes, shape, component, parameter, patterns, focused)
        for component in sorted(VALUE_COMPONENTS)
        for parameter in shapes.objects(shape, component)
    ]
    return "(" + " && ".join(parts or ["true"]) + ")"
