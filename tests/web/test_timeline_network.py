"""An entity's timeline and network, an article's timeline (issue 15), on a live server over
the bundled corpus: server-rendered (no script), every dot and node a link that answers,
and what they show is the store's answer to SPARQL (the oracle)."""

from __future__ import annotations

import urllib.request
from html.parser import HTMLParser
from pathlib import Path

import pytest

from newskg.web.views.timeline import day
from tests.web.corpus import BASE, sparql

pytestmark = pytest.mark.slow
NKG = "https://w3id.org/newskg/ontology#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


class Figure(HTMLParser):
    """The links of one ``<figure class=NAME>`` and the texts of its list items."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self.name, self.depth = name, 0
        self.svg_links: list[str] = []
        self.items: list[str] = []
        self.item_links: list[str] = []
        self.titles: list[str] = []
        self._in_item = self._in_title = self._in_svg = False
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.scripts += tag == "script"
        if tag == "figure" and found.get("class") == self.name:
            self.depth = 1
        elif self.depth and tag == "figure":
            self.depth += 1
        if not self.depth:
            return
        self._in_svg |= tag == "svg"
        if tag == "a" and self._in_svg:
            self.svg_links.append(found["href"] or "")
        elif tag == "a" and self._in_item:
            self.item_links.append(found["href"] or "")
        if tag == "li":
            self._in_item = True
            self.items.append("")
        self._in_title |= tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if not self.depth:
            return
        if tag == "figure":
            self.depth -= 1
        self._in_item &= tag != "li"
        self._in_title &= tag != "title"
        self._in_svg &= tag != "svg"

    def handle_data(self, data: str) -> None:
        if self._in_item and self.items:
            self.items[-1] += data
        if self._in_title and self.depth:
            self.titles.append(data)


def page(server: str, iri: str, figure: str) -> Figure:
    with urllib.request.urlopen(server + "/" + iri[len(BASE) :], timeout=30) as answer:
        parsed = Figure(figure)
        parsed.feed(answer.read().decode())
    assert parsed.scripts == 0, "readable without JavaScript"
    return parsed


def answers(server: str, href: str) -> int:
    with urllib.request.urlopen(server + href, timeout=30) as answer:
        return int(answer.status)


def ordered(rows: list[tuple[str, ...]]) -> list[str]:
    """Events (iri, date, label) as a timeline lists them: dated by day, then undated."""
    dated = sorted((r for r in rows if day(r[1])), key=lambda r: (day(r[1]), r[2]))
    return [r[0] for r in dated] + [r[0] for r in sorted(rows, key=lambda r: r[2]) if not day(r[1])]


def test_an_entity_shows_its_events_in_date_order_and_who_acts_on_whom(
    corpus_store: Path, corpus_server: str
) -> None:
    roles = f"<{NKG}agent>|<{NKG}target>|<{NKG}participant>|<{NKG}place>"
    entity = sparql(
        corpus_store,
        f"SELECT ?x WHERE {{ ?e <{NKG}agent> ?a ; <{NKG}target> ?t ; {roles} ?x . "
        f"?x a <{NKG}Actor> }} GROUP BY ?x ORDER BY DESC(COUNT(DISTINCT ?e)) ?x LIMIT 1",
    )[0][0]
    events = sparql(
        corpus_store,
        f"SELECT ?e (SAMPLE(?d) AS ?date) (SAMPLE(?l) AS ?label) WHERE {{ ?e {roles} <{entity}> ; "
        f"a <{NKG}Event> OPTIONAL {{ ?e <{NKG}date> ?d }} OPTIONAL {{ ?e <{LABEL}> ?l }} }} "
        "GROUP BY ?e",
    )
    timeline = page(corpus_server, entity, "timeline")
    expected = ["/" + iri[len(BASE) :] for iri in ordered(events)]
    assert timeline.item_links == expected
    dated = {"/" + r[0][len(BASE) :] for r in events if day(r[1])}
    assert set(timeline.svg_links) <= dated and len(timeline.svg_links) == len(
        {r[1] for r in events if day(r[1])}
    )
    for href in set(timeline.svg_links):
        assert answers(corpus_server, href) == 200

    ties = sparql(
        corpus_store,
        f"SELECT DISTINCT ?a ?t WHERE {{ ?e a <{NKG}Event> ; <{NKG}agent>|<{NKG}target>|"
        f"<{NKG}participant> <{entity}> ; <{NKG}agent> ?a ; <{NKG}target> ?t FILTER(?a != ?t) }}",
    )
    assert ties
    network = page(corpus_server, entity, "network")
    ends = {"/" + iri[len(BASE) :] for tie in ties for iri in tie} | {"/" + entity[len(BASE) :]}
    assert set(network.svg_links) == ends  # fewer than the cap of other nodes here
    labels = dict(sparql(corpus_store, f"SELECT ?x ?l WHERE {{ ?x <{LABEL}> ?l }}"))
    arrows = {t for t in network.titles if "→" in t}
    for source, target in ties:
        assert any(a.startswith(f"{labels[source]} → {labels[target]}: ") for a in arrows)
    assert len(arrows) == len(ties)
    for href in network.svg_links:
        assert answers(corpus_server, href) == 200


def test_an_article_shows_its_events_on_a_timeline(corpus_store: Path, corpus_server: str) -> None:
    (article,) = sparql(
        corpus_store,
        f"SELECT ?a WHERE {{ ?e a <{NKG}Event> ; <{NKG}article> ?a ; <{NKG}date> ?d }} "
        "GROUP BY ?a ORDER BY DESC(COUNT(?e)) LIMIT 1",
    )[0]
    events = sparql(
        corpus_store,
        f"SELECT ?e (SAMPLE(?d) AS ?date) (SAMPLE(?l) AS ?label) WHERE {{ ?e a <{NKG}Event> ; "
        f"<{NKG}article> <{article}> OPTIONAL {{ ?e <{NKG}date> ?d }} "
        f"OPTIONAL {{ ?e <{LABEL}> ?l }} }} GROUP BY ?e",
    )
    timeline = page(corpus_server, article, "timeline")
    assert timeline.item_links == ["/" + iri[len(BASE) :] for iri in ordered(events)]
    shown = [item.split()[0] for item in timeline.items]  # each item starts with its date
    known = [date for date in shown if date != "undated"]
    assert known == sorted(known, key=lambda date: str(day(date)))
    assert len(known) == sum(1 for r in events if day(r[1]))
