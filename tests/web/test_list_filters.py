"""List pages for researchers (issue 15): filters and exports, against a live server on the
bundled corpus; every expected list is the store's own answer to a SPARQL query.

``/events?type=killing&actor=…&from=…&to=…`` narrows a list (unknown parameters are a 400,
never ignored), and every list exports as CSV and JSON by suffix or ``Accept``.
"""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.web.corpus import BASE, sparql

pytestmark = pytest.mark.slow
NKG = "https://w3id.org/newskg/ontology#"
ROLES = f"<{NKG}agent>|<{NKG}target>|<{NKG}participant>"


def get(url: str, accept: str | None = None) -> tuple[int, str, str]:
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers["Content-Type"], answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read().decode()


def listed(server: str, path: str, **params: str | list[str]) -> list[str]:
    """The IRIs of a list's JSON export."""
    status, media, body = get(f"{server}{path}.json?{urllib.parse.urlencode(params, True)}")
    assert status == 200 and media.startswith("application/json"), body
    answer = json.loads(body)
    assert answer["total"] == len(answer["items"])
    return [item["iri"] for item in answer["items"]]


def most(store: Path, query: str) -> str:
    """The ?x of ``query`` (over ?x ?y) with the most ?y."""
    rows = sparql(store, f"SELECT ?x WHERE {{ {query} }} GROUP BY ?x ORDER BY DESC(COUNT(?y)) ?x")
    return rows[0][0]


def test_events_by_type_actor_and_period(corpus_store: Path, corpus_server: str) -> None:
    types = {
        t for (t,) in sparql(corpus_store, f"SELECT DISTINCT ?t WHERE {{ ?e <{NKG}eventType> ?t }}")
    }
    assert len(types) >= 3
    for iri in types:
        name = iri.removeprefix(NKG + "event-")
        expected = sparql(corpus_store, f"SELECT ?e WHERE {{ ?e <{NKG}eventType> <{iri}> }}")
        assert sorted(listed(corpus_server, "/events", type=name)) == sorted(e for (e,) in expected)
    actor = most(corpus_store, f"?y {ROLES} ?x . ?x a <{NKG}Actor>")
    expected = {e for (e,) in sparql(corpus_store, f"SELECT ?e WHERE {{ ?e {ROLES} <{actor}> }}")}
    key = actor.removeprefix(BASE + "id/actor/")
    for form in (key, "/id/actor/" + key, actor):
        assert set(listed(corpus_server, "/events", actor=form)) == expected, form
    pairs = sparql(
        corpus_store,
        f"SELECT ?a ?b WHERE {{ ?e {ROLES} ?a, ?b . ?a a <{NKG}Actor> . ?b a <{NKG}Actor> "
        "FILTER(STR(?a) < STR(?b)) } LIMIT 1",
    )
    if pairs:  # who did what to whom: both must take part
        a, b = pairs[0]
        both = sparql(
            corpus_store, f"SELECT DISTINCT ?e WHERE {{ ?e {ROLES} <{a}> . ?e {ROLES} <{b}> }}"
        )
        keys = [x.removeprefix(BASE + "id/actor/") for x in (a, b)]
        assert set(listed(corpus_server, "/events", actor=keys)) == {e for (e,) in both}
    (year,) = sparql(
        corpus_store, f"SELECT (SUBSTR(STR(MIN(?d)), 1, 4) AS ?y) WHERE {{ ?e <{NKG}date> ?d }}"
    )
    in_year = sparql(
        corpus_store,
        f'SELECT ?e WHERE {{ ?e <{NKG}date> ?d FILTER(STRSTARTS(STR(?d), "{year[0]}")) }}',
    )
    assert in_year
    assert sorted(listed(corpus_server, "/events", **{"from": year[0], "to": year[0]})) == sorted(
        e for (e,) in in_year
    )


def test_statements_memberships_articles_and_entities_by_what_they_link(
    corpus_store: Path, corpus_server: str
) -> None:
    speaker = most(corpus_store, f"?y <{NKG}speaker> ?x . ?x a <{NKG}Actor>")
    said = sparql(corpus_store, f"SELECT ?s WHERE {{ ?s <{NKG}speaker> <{speaker}> }}")
    assert sorted(listed(corpus_server, "/statements", actor=speaker)) == sorted(s for (s,) in said)
    org = most(corpus_store, f"?y <{NKG}organization> ?x")
    members = sparql(corpus_store, f"SELECT ?m WHERE {{ ?m <{NKG}organization> <{org}> }}")
    assert sorted(listed(corpus_server, "/memberships", organization=org)) == sorted(
        m for (m,) in members
    )
    mentioning = sparql(corpus_store, f"SELECT ?a WHERE {{ <{speaker}> <{NKG}mentionedIn> ?a }}")
    assert sorted(listed(corpus_server, "/articles", actor=speaker)) == sorted(
        a for (a,) in mentioning
    )
    article = mentioning[0][0]
    actors = sparql(
        corpus_store, f"SELECT ?x WHERE {{ ?x a <{NKG}Actor> ; <{NKG}mentionedIn> <{article}> }}"
    )
    assert sorted(listed(corpus_server, "/actors", article=article)) == sorted(x for (x,) in actors)


@pytest.mark.parametrize(
    ("path", "message"),
    [
        ("/events?kind=killing", "this list takes no parameter kind"),
        ("/actors?type=killing", "this list takes no parameter type"),
        ("/events?type=kiling", "type='kiling' is no event type"),
        ("/events?from=2020-13-45x", "from='2020-13-45x' is not a date"),
        ("/events?from=2021&to=2020", "from=2021 is after to=2020"),
        ("/events?actor=a/b", "actor='a/b' names no actor"),
        ("/events?from=2020&from=2021", "from is given more than once"),
    ],
)
def test_what_a_list_does_not_take_is_a_400(corpus_server: str, path: str, message: str) -> None:
    status, media, body = get(corpus_server + path, "application/json")
    assert status == 400 and media.startswith("application/json"), body
    assert json.loads(body)["error"]["message"] == message


def test_exports_by_suffix_and_accept_and_the_page_keeps_its_filters(
    corpus_store: Path, corpus_server: str
) -> None:
    status, media, body = get(corpus_server + "/events.csv?sort=date&order=desc")
    assert status == 200 and media.startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(body)))
    status, media, by_accept = get(corpus_server + "/events?sort=date&order=desc", "text/csv")
    assert status == 200 and media.startswith("text/csv") and by_accept == body
    exported = json.loads(
        get(corpus_server + "/events?sort=date&order=desc", "application/json")[2]
    )
    assert [row["iri"] for row in table] == [item["iri"] for item in exported["items"]]
    assert [row["date"] for row in table] == [str(item["date"]) for item in exported["items"]]
    dates = [row["date"] for row in table if row["date"]]
    assert dates == sorted(dates, reverse=True) and len(table) == exported["total"]
    (events,) = sparql(corpus_store, f"SELECT (COUNT(?e) AS ?n) WHERE {{ ?e a <{NKG}Event> }}")
    assert exported["total"] == int(events[0])
    actor = most(corpus_store, f"?y {ROLES} ?x . ?x a <{NKG}Actor>")
    key = actor.removeprefix(BASE + "id/actor/")
    status, media, page = get(f"{corpus_server}/events?actor={key}", "text/html,*/*;q=0.8")
    assert status == 200 and media.startswith("text/html")
    assert f"actor = {key}" in page
    assert f'href="events.csv?sort=date&amp;order=asc&amp;actor={key}"' in page
    assert f'href="?sort=label&amp;order=asc&amp;actor={key}"' in page
