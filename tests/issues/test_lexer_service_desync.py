"""Replays the SSRF of issue 11 through the SERVICE check: the lexer of :mod:`newskg.sparql.lexer`
and oxigraph's parser read these queries apart, so the server ran a SERVICE to a loopback
listener and returned its answer, through GET, form POST and direct POST:

- ``BIND(2<'>#' AS ?z) SERVICE <…>``: the lexer took ``<'>`` for an IRI and the rest of the
  line for a comment; the parser reads ``<`` after an operand as less-than, then a string;
- ``BIND(<http://x/\\u0041#> AS ?i) SERVICE <…>``: the lexer refused the ``\\u`` escape
  inside an IRI (SPARQL allows it) and so took ``#`` for the start of a comment;
- the parser matches keywords by prefix with no word boundary, so ``SERVICESILENT<…>`` and
  ``SERVICEex:x {…}`` are SERVICE clauses; the lexer saw the words ``SERVICESILENT`` and a
  prefixed name.

Each must be refused (400 naming SERVICE) and the listener must see no connection."""

from __future__ import annotations

import urllib.parse

import pyoxigraph
import pytest

from tests.conftest import assert_no_connection
from tests.ops.raw_http import Reply, exchange

ATTACKS = [
    pytest.param(
        "SELECT * WHERE {{ BIND(2<'>#' AS ?z) "
        "SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        id="less-than",
    ),
    pytest.param(
        "SELECT * WHERE {{ BIND(<http://x/\\u0041#> AS ?i) "
        "SERVICE <http://127.0.0.1:{port}/x> {{ ?s ?p ?o }} }}",
        id="uchar-in-iri",
    ),
    pytest.param(
        "SELECT*WHERE{{SERVICESILENT<http://127.0.0.1:{port}/x>{{?s ?p ?o}}}}", id="glued-keyword"
    ),
    pytest.param(
        "PREFIX ex: <http://127.0.0.1:{port}/> SELECT * WHERE {{ SERVICEex:x {{ ?s ?p ?o }} }}",
        id="glued-to-a-name",
    ),
]


@pytest.mark.parametrize("template", ATTACKS)
def test_the_attack_is_valid_sparql(template: str) -> None:
    """The parser takes each attack (no SyntaxError), so the check is all that stood
    between it and the listener. Port 1 is one oxigraph refuses to call; SILENT hides it."""
    try:
        list(pyoxigraph.Store().query(template.format(port=1)))  # type: ignore[arg-type]
    except OSError as exc:  # the SERVICE was run
        assert "port 1 " in str(exc)


@pytest.mark.parametrize("template", ATTACKS)
def test_service_is_refused_whatever_the_reading(live_server: str, listener, template: str) -> None:
    sock, port = listener
    query = template.format(port=port)
    encoded = urllib.parse.quote(query, safe="")
    accept = {"Accept": "application/json"}
    replies: list[Reply] = [
        exchange(live_server, "GET", "/sparql?query=" + encoded, accept),
        exchange(
            live_server,
            "POST",
            "/sparql",
            {**accept, "Content-Type": "application/x-www-form-urlencoded"},
            ("query=" + encoded).encode(),
        ),
        exchange(
            live_server,
            "POST",
            "/sparql",
            {**accept, "Content-Type": "application/sparql-query"},
            query.encode(),
        ),
    ]
    for reply in replies:
        assert reply.status == 400, reply.body[:500]
        assert "SERVICE" in reply.body.decode()
    assert_no_connection(sock)
