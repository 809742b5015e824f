"""Replays the 5xx of issue 11 on a point lookup's LIMIT: a LIMIT of more than 4,300 digits
made ``int()`` raise in :func:`newskg.sparql.lexer.lookup_modifiers` (Python's limit on converting
long digit strings), a 500 with a traceback. A number past what the parser takes
(2^64 - 1) now makes the text no point lookup, so the engine answers it as it answers any
query: here a 400 syntax error. Up to 2^64 - 1 the lookup is answered."""

from __future__ import annotations

import json
import urllib.parse

import pytest

from tests.ops.raw_http import exchange

LOOKUP = "SELECT ?p ?o WHERE { <http://localhost:8000/id/actor/hassan-nasrallah> ?p ?o } "
AS_JSON = {"Accept": "application/sparql-results+json, application/json;q=0.5"}


def _ask(base: str, query: str, how: str) -> tuple[int, bytes]:
    if how == "get":
        reply = exchange(base, "GET", "/sparql?query=" + urllib.parse.quote(query), AS_JSON)
    else:
        reply = exchange(
            base,
            "POST",
            "/sparql",
            {**AS_JSON, "Content-Type": "application/sparql-query"},
            query.encode(),
        )
    return reply.status, reply.body


@pytest.mark.parametrize("how", ["get", "direct"])
def test_huge_limits_and_offsets_are_syntax_errors_not_500(live_server: str, how: str) -> None:
    for number in ("9" * 4301, "1" + "0" * 5000, str(2**64)):
        for modifier in ("LIMIT", "OFFSET"):
            status, body = _ask(live_server, f"{LOOKUP}{modifier} {number}", how)
            assert status == 400, (modifier, number[:20], status, body[:300])
            assert "syntax error" in json.loads(body)["error"]["message"]
    status, body = _ask(live_server, f"{LOOKUP}LIMIT {2**64 - 1}", how)
    assert status == 200, body[:300]
    assert json.loads(body)["results"]["bindings"]
