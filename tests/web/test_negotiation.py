"""Content negotiation (src/newskg/web/http/negotiation.py): Accept parsing, q-values, wildcards,
specificity, ties, and ``format=`` names."""

from __future__ import annotations

import pytest

from newskg.web.http.negotiation import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    MediaRange,
    best_match,
    by_format_param,
    choose,
    known_format,
    parse_accept,
    quality,
)


def test_no_header_accepts_anything() -> None:
    assert parse_accept(None) == [MediaRange("*", "*", 1.0, 0)]
    assert parse_accept("  ") == [MediaRange("*", "*", 1.0, 0)]


def test_q_values_are_parsed_clamped_and_bad_ones_ignored() -> None:
    ranges = parse_accept(
        "text/turtle;q=0.5, application/rdf+xml;Q=2, text/csv;q=x, "
        'bogus, */json, application/ld+json;profile="a,b";q=0.3'
    )
    assert [(r.type, r.subtype, r.q) for r in ranges] == [
        ("text", "turtle", 0.5),
        ("application", "rdf+xml", 1.0),
        ("text", "csv", 0.0),
        ("application", "ld+json", 0.3),
    ]


@pytest.mark.parametrize(
    ("accept", "results", "graph"),
    [
        (None, "json", "turtle"),  # no Accept: the server's defaults
        ("*/*", "json", "turtle"),
        ("application/*", "json", "ntriples"),  # first application/* of each kind
        ("text/*", "csv", "turtle"),
        ("application/sparql-results+xml", "xml", None),
        ("application/sparql-results+xml, */*;q=0.1", "xml", "turtle"),
        ("text/turtle;q=0.5, application/rdf+xml", None, "rdfxml"),
        ("application/n-triples, text/turtle", None, "ntriples"),  # equal q: the client's order
        ("text/tab-separated-values;q=0.9, text/csv;q=0.8", "tsv", None),
        # the most specific range decides a type's q: text/csv is refused though text/* is fine
        ("text/*;q=0.9, text/csv;q=0", "tsv", "turtle"),
        ("*/*;q=0.1, text/turtle;q=0", "json", "ntriples"),
        # a common alias of SPARQL JSON results; for a graph, JSON-LD (as Oxigraph answers)
        ("application/json", "json", "jsonld"),
        # XML's generic types: SPARQL XML results, RDF/XML (as Oxigraph and Fuseki answer)
        ("application/xml", "xml", "rdfxml"),
        ("text/xml", "xml", "rdfxml"),
        # a generic type counts only when nothing else is acceptable
        ("application/xml, text/csv;q=0.1", "csv", "rdfxml"),
        ("text/n3", None, "turtle"),  # N3 answered as Turtle
        # N-Triples' registered alias; for a table, CSV (as Oxigraph answers)
        ("text/plain", "csv", "ntriples"),
        ("image/png", None, None),
        # a browser: HTML first, then */*: the server's defaults, not XML
        ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "json", "turtle"),
    ],
)
def test_choose(accept: str | None, results: str | None, graph: str | None) -> None:
    chosen_results = choose(accept, RESULT_FORMATS)
    chosen_graph = choose(accept, GRAPH_FORMATS)
    assert (chosen_results and chosen_results.name) == results
    assert (chosen_graph and chosen_graph.name) == graph


def test_specific_match_beats_wildcard_at_equal_q() -> None:
    ranges = parse_accept("*/*, application/trig")
    assert choose(ranges, GRAPH_FORMATS).name == "trig"
    assert quality(ranges, "application/trig") == (1.0, 2, -1)
    assert quality(ranges, "text/turtle") == (1.0, 0, 0)


def test_best_match_over_plain_media_types() -> None:
    ranges = parse_accept("text/html;q=0.9, text/plain")
    assert best_match(ranges, ["text/html", "text/plain"]) == "text/plain"
    assert best_match(ranges, ["application/json"]) is None
    assert best_match(ranges, []) is None


@pytest.mark.parametrize(
    ("value", "results", "graph"),
    [
        ("json", "json", "jsonld"),
        ("xml", "xml", "rdfxml"),
        ("csv", "csv", None),
        ("TSV", "tsv", None),
        ("turtle", None, "turtle"),
        ("ttl", None, "turtle"),
        ("ntriples", None, "ntriples"),
        ("nt", None, "ntriples"),
        ("nquads", None, "nquads"),
        ("trig", None, "trig"),
        ("jsonld", None, "jsonld"),
        ("json-ld", None, "jsonld"),
        ("rdfxml", None, "rdfxml"),
        ("application/sparql-results+json", "json", None),
        # what SPARQLWrapper sends: short names and media types
        ("text/tab-separated-values", "tsv", None),
        ("rdf+xml", None, "rdfxml"),
        ("application/ld+json", None, "jsonld"),
        ("n3", None, "turtle"),
        ("application/xml", "xml", "rdfxml"),
    ],
)
def test_format_parameter(value: str, results: str | None, graph: str | None) -> None:
    found_results = by_format_param(value, RESULT_FORMATS)
    found_graph = by_format_param(value, GRAPH_FORMATS)
    assert (found_results and found_results.name) == results
    assert (found_graph and found_graph.name) == graph
    assert known_format(value)


def test_unknown_format_parameter() -> None:
    assert not known_format("yaml")
