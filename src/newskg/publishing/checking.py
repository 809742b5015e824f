"""Checking a new version against the shapes before it is published, and naming the
articles that broke them.

A build checks every node; an add or remove checks the nodes of the graphs it made and the
entities whose description it rewrote (:func:`newskg.publishing.assembly.focus`), against
the whole new version (constraints follow links into the rest of the store).
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import pyoxigraph

from newskg.publishing import validation
from newskg.publishing.assembly import Assembled
from newskg.publishing.entity_index import EntityIndex
from newskg.publishing.shape_checks import check_store
from newskg.vocab import Iris


def check(store: pyoxigraph.Store, focus: Collection[str] | None) -> validation.Report:
    """The shapes' report on ``store`` (the union of its graphs), for ``focus`` nodes only
    when given: the shapes compiled to SPARQL and run in the store
    (:mod:`newskg.publishing.shape_checks`; ``newskg validate`` runs pySHACL, and the two
    are tested to agree)."""
    return check_store(store, focus=focus)


def blame(
    store: pyoxigraph.Store,
    iris: Iris,
    report: validation.Report,
    done: Assembled,
    index: EntityIndex,
    rejectable: Callable[[str], bool],
) -> tuple[dict[str, list[validation.Result]], list[validation.Result]]:
    """(article id -> the violations its graph or its entities caused, for the articles
    ``rejectable`` allows; the violations no such article caused)."""
    graphs = {str(iris.graph(article_id)): article_id for article_id in done.graphs}
    guilty: dict[str, list[validation.Result]] = {}
    unexplained = []
    for result in report.violations:
        culprits = set()
        node = pyoxigraph.NamedNode(result.focus_node) if "://" in result.focus_node else None
        if node is not None:
            for quad in store.quads_for_pattern(node, None, None, None):
                article_id = graphs.get(getattr(quad.graph_name, "value", ""))
                if article_id is not None:
                    culprits.add(article_id)
        if result.focus_node in done.entities:
            culprits |= index.contributions(result.focus_node).keys() & done.graphs
        culprits = {c for c in culprits if rejectable(c)}
        if not culprits:
            unexplained.append(result)
        for article_id in culprits:
            guilty.setdefault(article_id, []).append(result)
    return guilty, unexplained
