"""Each article's named graph, and the version's graphs together: made from the extractions
(entities linked across all articles, labels chosen from all of them), validated alone and
together against the shapes, and written into a version's store, rewriting only graphs that
changed. The steps :mod:`newskg.publishing.pipeline` runs after extraction."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

import pyoxigraph
from rdflib import Graph
from rdflib.term import Node

from newskg.extraction.crossdoc import link_across
from newskg.extraction.graph import canonical_labels, split_descriptions, to_graph
from newskg.extraction.model import Extraction
from newskg.publishing import validation
from newskg.publishing.incremental import ArticleRecord, Source
from newskg.publishing.results import BuildError, BuildResult, Built, Rejected
from newskg.vocab import NKG_ONTOLOGY, Iris

Progress = Callable[[str, str], None]  # (stage, article source)


def graph_digest(graph: Graph) -> str:
    h = hashlib.sha256()
    for line in sorted(graph.serialize(format="nt").splitlines()):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


def to_graphs(
    extractions: list[tuple[Source, Extraction]],
    iris: Iris,
    result: BuildResult,
    progress: Progress,
    previous: dict[str, ArticleRecord] | None = None,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[Built]:
    """Link entities across all articles, choose their labels, and make each article's graph;
    a graph that differs from the one ``previous`` lists is validated on its own."""
    previous = previous or {}
    link_across([x for _, x in extractions])
    labels = canonical_labels(x for _, x in extractions)
    built = []
    for source, extraction in extractions:
        problem: str | None
        try:
            graph = to_graph(extraction, iris, labels)
            digest = graph_digest(graph)
        except Exception as exc:  # noqa: BLE001 - e.g. a sidecar URL that is no IRI
            graph, digest, problem = Graph(), "", f"cannot be written as RDF: {exc}"
        else:
            before = previous.get(source.id)
            if before is not None and before.graph == digest:
                built.append(Built(extraction.article, graph, source, digest, unchanged=True))
                continue  # validated when it was published
            progress("validate", str(source.path))
            problem = _rdf_problem(graph) or _shape_problem(graph, str(source.path))
        if not problem:
            built.append(Built(extraction.article, graph, source, digest))
        elif rejectable(source.id):
            result.rejected.append(Rejected(str(source.path), problem, source.id))
        else:
            raise BuildError(
                f"article {source.id!r} of the published version no longer "
                f"passes once linked with the new articles: {problem}",
                result,
            )
    return built


def _rdf_problem(graph: Graph) -> str | None:
    """Why the store would refuse the graph (rdflib accepts IRIs Oxigraph does not, such as
    a relative ``schema:url``), or None."""
    try:
        for _ in pyoxigraph.parse(
            graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES
        ):
            pass
    except (SyntaxError, ValueError) as exc:
        return f"is not valid RDF ({exc}); check the IRIs its sidecar gives (url)"
    return None


def _shape_problem(graph: Graph, source: str) -> str | None:
    report = validation.validate(graph)
    return None if report.conforms else "does not conform to the shapes:\n" + report.text(source)


def validate_together(
    built: list[Built],
    result: BuildResult,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[Built]:
    """Validate the union; (rejectable) articles whose nodes break a shape together are left
    out, once.

    An unchanged graph was validated together with the others when it was published: then
    only the nodes of changed graphs and the entities (the one
    place articles share nodes) are validated, so an add or remove costs what changed, not
    the whole store."""
    for attempt in range(2):
        union, changed = Graph(), set[Node]()
        for item in built:
            union += item.graph
            nodes = split_descriptions(item.graph)[0] if item.unchanged else item.graph
            changed.update(nodes.subjects())
        # Everything changed (a build): no need to name the nodes.
        focus = None if len(changed) == len(set(union.subjects())) else changed
        report = validation.validate(union, focus=focus)
        if report.conforms:
            return built
        failing = {r.focus_node for r in report.results}
        guilty = [
            b
            for b in built
            if rejectable(b.article.id) and any(str(s) in failing for s in set(b.graph.subjects()))
        ]
        if attempt or not guilty:
            raise BuildError(
                "the merged graph does not conform:\n" + report.text("merged graph"), result
            )
        for item in guilty:
            result.rejected.append(
                Rejected(
                    str(item.source.path),
                    "conflicts with other articles:\n" + report.text(str(item.source.path)),
                    item.article.id,
                )
            )
        built = [b for b in built if b not in guilty]
    return built


def content_digest(built: list[Built]) -> str:
    h = hashlib.sha256()
    for item in sorted(built, key=lambda b: b.article.id):
        h.update(f"{item.article.id}\0{item.digest}\n".encode())
    return h.hexdigest()


def load_graph(target: pyoxigraph.Store, graph: Graph, name: str) -> None:
    target.load(
        graph.serialize(format="nt", encoding="utf-8"),
        format=pyoxigraph.RdfFormat.N_TRIPLES,
        to_graph=pyoxigraph.NamedNode(str(name)),
    )


def load_ontology(target: pyoxigraph.Store) -> None:
    target.load(
        path=str(validation.ONTOLOGY_PATH),
        format=pyoxigraph.RdfFormat.TURTLE,
        to_graph=pyoxigraph.NamedNode(str(NKG_ONTOLOGY)),
    )


def write_graphs(
    target: pyoxigraph.Store,
    iris: Iris,
    built: list[Built],
    previous: dict[str, ArticleRecord],
    progress: Progress,
) -> list[str]:
    """Make ``target`` (empty, or a copy of the version ``previous`` describes) hold exactly
    ``built``: only article graphs that changed are rewritten (their ids are returned); the
    shared entities graph and the ontology always are."""
    rewritten = []
    keep = {b.article.id for b in built}
    for article_id in sorted(previous.keys() - keep):
        target.remove_graph(pyoxigraph.NamedNode(str(iris.graph(article_id))))
    descriptions = Graph()
    for item in built:
        described, facts = split_descriptions(item.graph)
        descriptions += described
        if item.unchanged:
            continue
        progress("store", str(item.source.path))
        rewritten.append(item.article.id)
        name = iris.graph(item.article.id)
        target.clear_graph(pyoxigraph.NamedNode(str(name)))
        load_graph(target, facts, name)
    target.clear_graph(pyoxigraph.NamedNode(str(iris.entities_graph())))
    load_graph(target, descriptions, iris.entities_graph())
    target.clear_graph(pyoxigraph.NamedNode(str(NKG_ONTOLOGY)))
    load_ontology(target)
    return sorted(rewritten)
