"""Mutations of corpus data that violate the shapes' constraints, for
test_shape_mutations.py: generated from the compiled checks (one per check: drop the values,
add one too many, a wrong datatype, an ill-typed literal, an untyped resource, a value
outside sh:in, too short, out of range, ...), hand-written for the SHACL-SPARQL constraints
(``SPARQL_MUTATIONS``), and grouped into stores (``batches_of``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib import Literal as RdfLiteral
from rdflib.collection import Collection
from rdflib.namespace import SH, XSD

from newskg.publishing.shape_compiler import FOCUS_MARK, Check, CompiledShape, compile_shapes
from newskg.publishing.validation import load_shapes
from tests.publishing.shape_agreement import store_of

EX = "http://example.org/mutant/"
NIF = "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#"
NKG = "https://w3id.org/newskg/ontology#"
XSD_NS = str(XSD)
UNTYPED = ox.NamedNode(EX + "untyped")


@dataclass
class Mutation:
    """Quads to remove and add; ``check`` (shape index, check index) must then report
    ``focus`` (None for the literal edge cases, which only have to agree)."""

    name: str
    focus: str
    remove: list[ox.Quad] = field(default_factory=list)
    add: list[ox.Quad] = field(default_factory=list)
    check: tuple[int, int] | None = None

    def touched(self) -> set[str]:
        """The nodes it changes and the node it expects reported."""
        return {str(q.subject) for q in self.remove + self.add} | {self.focus}


class Data:
    """The corpus quads, and lookups the mutations need."""

    def __init__(self, quads: list[ox.Quad]) -> None:
        self.quads, self.store = quads, store_of(quads)
        self.used: dict[str, int] = {}

    def nodes(self, shape: CompiledShape) -> list[ox.NamedNode]:
        query = f"{shape.prologue}SELECT DISTINCT ?this WHERE {{ {shape.targets} }}"
        solutions = self.store.query(query.replace(FOCUS_MARK, ""), use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        return sorted(
            (s["this"] for s in solutions if isinstance(s["this"], ox.NamedNode)), key=str
        )

    def next_node(self, shape: CompiledShape) -> ox.NamedNode:
        """The shape's focus nodes in turn, so that mutations spread over nodes."""
        nodes = self.nodes(shape)
        assert nodes, f"the corpus has no focus node of {shape.name}: add data to articles/"
        index = self.used.get(shape.name, 0)
        self.used[shape.name] = index + 1
        return nodes[index % len(nodes)]

    def graph_of(self, node: ox.NamedNode) -> ox.NamedNode:
        for quad in self.store.quads_for_pattern(node, None, None):
            assert isinstance(quad.graph_name, ox.NamedNode)
            return quad.graph_name
        for quad in self.store.quads_for_pattern(None, None, node):
            assert isinstance(quad.graph_name, ox.NamedNode)
            return quad.graph_name
        raise AssertionError(node)

    def values(self, node: ox.NamedNode, predicate: str, inverse: bool = False) -> list[ox.Quad]:
        p = ox.NamedNode(predicate)
        pattern = (None, p, node) if inverse else (node, p, None)
        return list(self.store.quads_for_pattern(*pattern))

    def one(self, query: str) -> dict[str, ox.NamedNode | ox.Literal]:
        solutions = self.store.query(query, use_default_graph_as_union=True)
        assert isinstance(solutions, ox.QuerySolutions)
        for solution in solutions:
            return {v.value: solution[v] for v in solutions.variables}
        raise AssertionError(f"no data for the mutation: {query}")


def _ox(node: URIRef | RdfLiteral) -> ox.NamedNode | ox.Literal:
    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if node.language:
        return ox.Literal(str(node), language=node.language)
    return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype or XSD.string)))


def _others(sample: ox.Quad | None, count: int, inverse: bool) -> list[ox.NamedNode | ox.Literal]:
    """``count`` values, distinct from each other and from ``sample``'s, of its kind."""
    value = None if sample is None else (sample.subject if inverse else sample.object)
    if isinstance(value, ox.Literal) and value.datatype.value in (
        XSD_NS + "integer",
        XSD_NS + "decimal",
    ):
        return [
            ox.Literal(str(int(float(value.value)) + 1000 + k), datatype=value.datatype)
            for k in range(count)
        ]
    if isinstance(value, ox.Literal) and value.datatype.value == XSD_NS + "date":
        return [ox.Literal(f"1999-01-{k + 1:02d}", datatype=value.datatype) for k in range(count)]
    if isinstance(value, ox.Literal):
        return [ox.Literal(f"{value.value} {k}", datatype=value.datatype) for k in range(count)]
    return [ox.NamedNode(f"{EX}other{k}") for k in range(count)]


def _bad_value(
    shapes: Graph, component: URIRef, parameter: URIRef | RdfLiteral | BNode
) -> ox.NamedNode | ox.Literal:
    """A value that violates ``component`` with ``parameter``."""
    if component == SH.datatype:  # a language-tagged string, or an ill-typed literal
        if parameter == XSD.string:
            return ox.Literal("text", language="en")
        return ox.Literal("abc", datatype=ox.NamedNode(str(parameter)))
    if component in (SH["class"], SH.pattern):
        return UNTYPED
    if component == SH.nodeKind:
        return ox.Literal(EX + "as-a-string") if parameter == SH.IRI else UNTYPED
    if component == SH["in"]:
        first = next(iter(Collection(shapes, parameter)))
        return (
            ox.NamedNode(EX + "not-listed")
            if isinstance(first, URIRef)
            else ox.Literal("not-listed")
        )
    if component == SH.minLength:
        return ox.Literal("")
    if component in (SH.minInclusive, SH.maxInclusive):
        assert isinstance(parameter, RdfLiteral)
        step = -1 if component == SH.minInclusive else 1
        return ox.Literal(
            str(parameter.value + step), datatype=ox.NamedNode(str(parameter.datatype))
        )
    if component == SH["or"]:
        members = list(Collection(shapes, parameter))
        classes = any(shapes.value(m, SH["class"]) is not None for m in members)
        return UNTYPED if classes else ox.Literal("text", language="en")
    raise AssertionError(f"no bad value for {component}: add one to _bad_value")


def property_mutation(
    data: Data, shapes: Graph, at: tuple[int, int], shape: CompiledShape, check: Check
) -> Mutation:
    node = next(
        p for p in shapes.subjects(SH.path, None) if p.n3(shapes.namespace_manager) == check.shape
    )
    path = shapes.value(node, SH.path)
    inverse = isinstance(path, BNode)
    predicate = str(shapes.value(path, SH.inversePath) if inverse else path)
    component: URIRef = SH[check.component.removeprefix("sh:")]
    parameter = shapes.value(node, component)
    assert isinstance(parameter, URIRef | RdfLiteral | BNode)
    focus = data.next_node(shape)
    current = data.values(focus, predicate, inverse)
    graph = data.graph_of(focus)
    name = f"{shape.name} {check.path} {check.component}"

    def quad(value: ox.NamedNode | ox.Literal) -> ox.Quad:
        if inverse:
            assert isinstance(value, ox.NamedNode)
            return ox.Quad(value, ox.NamedNode(predicate), focus, graph)
        return ox.Quad(focus, ox.NamedNode(predicate), value, graph)

    if component == SH.minCount:
        return Mutation(name, focus.value, current, [], at)
    if component == SH.maxCount:
        extra = _others(current[0] if current else None, int(str(parameter)) + 1, inverse)
        return Mutation(name, focus.value, [], [quad(v) for v in extra], at)
    if component == SH.hasValue:
        target = _ox(parameter)  # type: ignore[arg-type]
        return Mutation(name, focus.value, [q for q in current if q.object == target], [], at)
    return Mutation(
        name, focus.value, current, [quad(_bad_value(shapes, component, parameter))], at
    )


def replace_values(
    data: Data, node: ox.NamedNode, predicate: str, value: ox.NamedNode | ox.Literal | ox.BlankNode
) -> tuple[list[ox.Quad], list[ox.Quad]]:
    old = data.values(node, predicate)
    return old, [ox.Quad(node, ox.NamedNode(predicate), value, data.graph_of(node))]


PREFIXES = f"PREFIX nif: <{NIF}> PREFIX nkg: <{NKG}> "


def _article_length(data: Data) -> Mutation:
    article = data.one(PREFIXES + "SELECT ?a WHERE { ?a a nkg:Article } ORDER BY ?a")["a"]
    assert isinstance(article, ox.NamedNode)
    remove, add = replace_values(
        data, article, NIF + "endIndex", ox.Literal("7", datatype=ox.NamedNode(XSD_NS + "integer"))
    )
    return Mutation("article endIndex is not the text length", article.value, remove, add)


def _block_reason(data: Data) -> Mutation:
    block = data.one(PREFIXES + 'SELECT ?b WHERE { ?b nkg:blockKind "body" } ORDER BY ?b')["b"]
    assert isinstance(block, ox.NamedNode)
    remove, add = replace_values(data, block, NKG + "blockKind", ox.Literal("furniture"))
    return Mutation("furniture block without a reason", block.value, remove, add)


def _evidence_context(data: Data) -> Mutation:
    found = data.one(
        PREFIXES + "SELECT ?fact ?span ?other WHERE { ?fact nkg:article ?a ; nkg:evidence ?span ."
        " ?other a nkg:Article FILTER (?other != ?a) } ORDER BY ?fact ?span LIMIT 1"
    )
    span, other = found["span"], found["other"]
    assert isinstance(span, ox.NamedNode) and isinstance(other, ox.NamedNode)
    remove, add = replace_values(data, span, NIF + "referenceContext", other)
    return Mutation("evidence from another article", found["fact"].value, remove, add)


def _role_case(data: Data) -> Mutation:
    membership = data.one(PREFIXES + "SELECT ?m WHERE { ?m a nkg:Membership } ORDER BY ?m")["m"]
    assert isinstance(membership, ox.NamedNode)
    remove, add = replace_values(data, membership, NKG + "role", ox.Literal("Secretary General"))
    return Mutation("role not lower case", membership.value, remove, add)


def _span_offsets(data: Data) -> Mutation:
    span = data.one(PREFIXES + "SELECT ?s WHERE { ?s nif:anchorOf ?x } ORDER BY DESC(?s)")["s"]
    assert isinstance(span, ox.NamedNode)
    remove, add = replace_values(
        data,
        span,
        NIF + "endIndex",
        ox.Literal("1000000", datatype=ox.NamedNode(XSD_NS + "integer")),
    )
    return Mutation("span end beyond the text", span.value, remove, add)


def _span_anchor(data: Data) -> Mutation:
    span = data.one(PREFIXES + "SELECT ?s WHERE { ?s nif:anchorOf ?x } ORDER BY ?s")["s"]
    assert isinstance(span, ox.NamedNode)
    remove, add = replace_values(data, span, NIF + "anchorOf", ox.Literal("not the text"))
    return Mutation("anchor text not at the offsets", span.value, remove, add)


#: The SHACL-SPARQL constraints, by node shape and order among its sh:sparql checks.
SPARQL_MUTATIONS: dict[tuple[str, int], Callable[[Data], Mutation]] = {
    ("nkgsh:ArticleShape", 0): _article_length,
    ("nkgsh:BlockShape", 0): _block_reason,
    ("nkgsh:EvidenceContextShape", 0): _evidence_context,
    ("nkgsh:MembershipShape", 0): _role_case,
    ("nkgsh:SpanTextShape", 0): _span_offsets,
    ("nkgsh:SpanTextShape", 1): _span_anchor,
}


def check_mutations(data: Data) -> list[Mutation]:
    """One mutation per compiled check, meant to make that check report its focus node."""
    shapes, found = load_shapes(), []
    for i, shape in enumerate(compile_shapes()):
        sparql = 0
        for j, check in enumerate(shape.checks):
            if check.component == "sh:sparql":
                make = SPARQL_MUTATIONS.get((shape.name, sparql))
                assert make is not None, (
                    f"no mutation violates {shape.name}'s SPARQL constraint #{sparql}:"
                    " add one to SPARQL_MUTATIONS"
                )
                mutation = make(data)
                mutation.check = (i, j)
                sparql += 1
            else:
                mutation = property_mutation(data, shapes, (i, j), shape, check)
            found.append(mutation)
    return found


def batches_of(mutations: list[Mutation]) -> list[list[Mutation]]:
    """Mutations grouped so that no two in a group touch the same node: each result of a
    group's store comes from one mutation."""
    batches: list[tuple[set[str], list[Mutation]]] = []
    for mutation in mutations:
        keys = mutation.touched()
        for used, batch in batches:
            if not used & keys and len(batch) < 24:
                used |= keys
                batch.append(mutation)
                break
        else:
            batches.append((set(keys), [mutation]))
    return [batch for _, batch in batches]


def mutated(data: Data, batch: list[Mutation]) -> ox.Store:
    store = store_of(data.quads)
    for mutation in batch:
        for quad in mutation.remove:
            store.remove(quad)
        store.extend(mutation.add)
    return store
