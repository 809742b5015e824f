"""Throttle bypass (issue 11): ``?%71uery=...`` (the parameter name percent-encoded) ran
queries that were never throttled nor charged, because the throttle looked for the bytes
``query=`` in the raw query string; one address kept the server busy for 90 s without a
429. Replayed against a live server: the throttle and the endpoint decide "is this a query"
from the same parsed parameters, for every spelling and every way of sending one."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

import pytest

from newskg.web.sparql_request import asks_query
from tests.ops.raw_http import exchange

SLOW = (
    "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . "
    "?j ?k ?l . ?m ?n0 ?o . ?p ?q ?r }"
)
JSON = {"Accept": "application/json"}
FORM = {**JSON, "Content-Type": "application/x-www-form-urlencoded"}
DIRECT = {**JSON, "Content-Type": "application/sparql-query"}


def test_a_query_is_read_from_the_parsed_parameters() -> None:
    assert asks_query("GET", b"%71uery=ASK%7B%7D")
    assert asks_query("HEAD", b"format=json&q%75ery=x")
    assert asks_query("POST", b"")  # a form or a direct query: the endpoint reads the body
    assert not asks_query("GET", b"QUERY=ASK%7B%7D")  # not the Protocol's name: no query
    assert not asks_query("GET", b"format=json")
    assert not asks_query("GET", b"query%ff=x")  # not UTF-8: the endpoint's 400, no query


def percent_encoded(query: str) -> str:
    return "/sparql?%71uery=" + quote(query)


@pytest.mark.slow
@pytest.mark.parametrize("how", ["percent-encoded name", "form body", "direct POST"])
def test_every_spelling_is_charged_and_throttled(
    how: str, start_server: Callable[..., str], store_dir: Path
) -> None:
    base = start_server(
        "newskg.serve",
        "--store",
        store_dir,
        "--workers",
        "2",
        "--query-timeout",
        "1",
        "--throttle-query-seconds",
        "0.5",
        "--throttle-window",
        "600",
    )

    def send(query: str, source: str) -> int:
        if how == "percent-encoded name":
            return exchange(base, "GET", percent_encoded(query), JSON, source=source).status
        if how == "form body":
            body = ("%71uery=" + quote(query)).encode()
            return exchange(base, "POST", "/sparql", FORM, body, source=source).status
        return exchange(base, "POST", "/sparql", DIRECT, query.encode(), source=source).status

    assert send(SLOW, "127.0.0.7") == 503  # ran to the time limit: 1 s charged
    refused = exchange(base, "GET", percent_encoded("ASK {} # again"), JSON, source="127.0.0.7")
    assert refused.status == 429, refused.body
    assert "share of query time" in json.loads(refused.body)["error"]["message"]
    assert int(refused.header("Retry-After") or 0) >= 1
    assert send("ASK {} # other", "127.0.0.8") == 200  # another client is served


@pytest.mark.slow
def test_the_upper_case_name_is_no_query(live_server: str) -> None:
    """``QUERY=`` is not the Protocol's parameter: the endpoint describes itself, runs
    nothing (so there is nothing to throttle)."""
    reply = exchange(live_server, "GET", "/sparql?QUERY=" + quote(SLOW), {"Accept": "text/turtle"})
    assert reply.status == 200
    assert b"http://www.w3.org/ns/sparql-service-description#" in reply.body
