"""Events in date order, for an entity's page and an article's page: a list, and a strip (SVG,
server-rendered: readable without JavaScript) with one dot per date, each a link.

Dates are as extracted (``xsd:date``, ``xsd:gYearMonth`` or ``xsd:gYear``); an event is placed
at the first day its date covers, and undated events come last in the list (they have no
place on the strip).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from newskg.vocab import NKG
from newskg.web.views import describe as d

#: Most events a page lists (the strip shows every dated one); the rest: the events list,
#: filtered by the entity (``/events?actor=…``).
LISTED = 100
WIDTH, HEIGHT, MARGIN = 720, 56, 24
ROLES = (NKG.agent, NKG.target, NKG.participant, NKG.place)
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


@dataclass(frozen=True)
class Happening:
    """One event as a timeline shows it."""

    event: d.Value
    date: str
    kind: str  # the event type's label
    role: str  # the entity's part in it (agent, target …); "" on an article's timeline


@dataclass(frozen=True)
class Dot:
    x: float
    date: str
    events: list[Happening]


@dataclass(frozen=True)
class Timeline:
    happenings: list[Happening]  # dated first, in date order, then undated
    dots: list[Dot]
    first: str
    last: str

    @property
    def listed(self) -> list[Happening]:
        return self.happenings[:LISTED]


def day(date: str) -> dt.date | None:
    """The first day ``date`` covers (None when it is not a date).

    >>> day("2020-03"), day("2020"), day("soon")
    (datetime.date(2020, 3, 1), datetime.date(2020, 1, 1), None)
    """
    match = _DATE.match(date)
    if match is None:
        return None
    year, month, first = match.groups()
    try:
        return dt.date(int(year), int(month or 1), int(first or 1))
    except ValueError:
        return None


def of_entity(ctx: d.Context, iri: str) -> Timeline | None:
    """The events ``iri`` takes part in (None when there are none)."""
    roles = " ".join(f"<{r}>" for r in ROLES)
    return _timeline(ctx, f"?e ?role <{iri}> . VALUES ?role {{ {roles} }}", "?role")


def of_article(ctx: d.Context, iri: str) -> Timeline | None:
    """The events an article reports (None when there are none)."""
    return _timeline(ctx, f"?e <{NKG.article}> <{iri}>", "")


def _timeline(ctx: d.Context, pattern: str, role: str) -> Timeline | None:
    rows = ctx.query(f"""
        SELECT ?e {role} (SAMPLE(?dt) AS ?date) (SAMPLE(?tl) AS ?kind) WHERE {{
          {pattern} . ?e a <{NKG.Event}>
          OPTIONAL {{ ?e <{NKG.date}> ?dt }}
          OPTIONAL {{ ?e <{NKG.eventType}>/<{d.RDFS}label> ?tl }}
        }} GROUP BY ?e {role}""")
    found: dict[str, Happening] = {}
    for row in rows:
        event = row["e"].value
        part = d.predicate_label(ctx, row["role"].value) if role else ""
        if event in found:  # one entity in two roles of one event: one line, both roles
            found[event] = dataclasses.replace(found[event], role=f"{found[event].role}, {part}")
            continue
        found[event] = Happening(
            d.Value(ctx.label(event), ctx.href(event), event),
            row["date"].value if row["date"] is not None else "",
            row["kind"].value if row["kind"] is not None else "",
            part,
        )
    if not found:
        return None
    dated = sorted(
        (h for h in found.values() if day(h.date)), key=lambda h: (day(h.date), h.event.text)
    )
    undated = sorted((h for h in found.values() if not day(h.date)), key=lambda h: h.event.text)
    first, last = (dated[0].date, dated[-1].date) if dated else ("", "")
    return Timeline(dated + undated, _dots(dated), first, last)


def _dots(dated: list[Happening]) -> list[Dot]:
    """One dot per date on the strip, placed by day between the first and the last."""
    if not dated:
        return []
    days = [day(h.date) for h in dated]
    first, last = days[0], days[-1]
    assert first is not None and last is not None
    span = max((last - first).days, 1)
    by_date: dict[str, list[Happening]] = {}
    for happening in dated:
        by_date.setdefault(happening.date, []).append(happening)
    dots = []
    for date, events in by_date.items():
        at = day(date)
        assert at is not None
        share = (at - first).days / span if len(by_date) > 1 else 0.5
        dots.append(Dot(MARGIN + share * (WIDTH - 2 * MARGIN), date, events))
    return dots
