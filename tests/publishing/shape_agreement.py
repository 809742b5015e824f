"""Helpers for the agreement tests of the compiled shape checks against pySHACL.

The reference is :func:`newskg.publishing.validation.validate` (pySHACL) over the store's
own quads (what ``validate_store`` reads), so both engines see the same data: Oxigraph
normalises literals when it loads them (``"0.90"^^xsd:decimal`` is stored as ``0.9``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable

import pyoxigraph
from rdflib import Dataset, URIRef

from newskg.publishing import validation
from newskg.publishing.shape_checks import check_store
from newskg.publishing.shape_compiler import compile_shapes
from newskg.publishing.validation import Report, Result


def store_of(quads: Iterable[pyoxigraph.Quad]) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.extend(quads)
    return store


def reference(store: pyoxigraph.Store, focus: Collection[str] | None = None) -> Report:
    """pySHACL's report on the union of the store's graphs."""
    data = Dataset()
    data.parse(data=store.dump(format=pyoxigraph.RdfFormat.N_QUADS), format="nquads")
    return validation.validate(data, focus=None if focus is None else [URIRef(f) for f in focus])


def _key(result: Result) -> tuple[int, str, str, str, str]:
    rank = {"Violation": 0, "Warning": 1, "Info": 2}.get(result.severity, 3)
    return (rank, result.focus_node, result.path or "", result.message, result.shape or "")


def _sparql_leeway(mine: Report, ref: Report) -> tuple[list[Result], list[Result]]:
    """Both reports without the results of SHACL-SPARQL constraints on focus nodes that
    both also report through a core constraint (a non-number or negative offset).

    On such values the two SPARQL engines evaluate the shapes' own queries differently:
    rdflib compares a string with a number (SPARQL 1.1 and Oxigraph raise a type error) and
    gives "" for SUBSTR from a negative start (XPath's fn:substring, which Oxigraph follows,
    counts from there). The core constraints already report those values in both.
    """
    sparql = {c.shape for s in compile_shapes() for c in s.checks if c.component == "sh:sparql"}

    def flagged(report: Report) -> set[str]:
        return {r.focus_node for r in report.results if r.shape not in sparql}

    both = flagged(mine) & flagged(ref)

    def kept(report: Report) -> list[Result]:
        return [r for r in report.results if r.shape not in sparql or r.focus_node not in both]

    return kept(mine), kept(ref)


def assert_agree(
    store: pyoxigraph.Store, focus: Collection[str] | None = None, *, sparql_leeway: bool = False
) -> Report:
    """``check_store`` gives pySHACL's results, in validation's order; returns them.
    ``sparql_leeway``: see :func:`_sparql_leeway`."""
    mine, ref = check_store(store, focus=focus), reference(store, focus)
    if sparql_leeway:
        mine_kept, ref_kept = _sparql_leeway(mine, ref)
        mine, ref = Report(mine.conforms, mine_kept), Report(ref.conforms, ref_kept)
    expected = sorted(ref.results, key=_key)  # pySHACL's order, ties broken as check_store does
    missing = Counter(map(_key, expected)) - Counter(map(_key, mine.results))
    extra = Counter(map(_key, mine.results)) - Counter(map(_key, expected))
    assert mine.results == expected, f"pySHACL only: {missing}\ncompiled only: {extra}"
    assert mine.conforms == ref.conforms
    return mine
