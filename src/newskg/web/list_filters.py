"""What a list page can be narrowed to: ``/events?type=killing&actor=…&from=2020&to=2020-06``.

Each list (:data:`newskg.web.browse.LISTINGS`) names the filters it takes. A row carries the
IRIs it links to (the entities and article of an event, a statement's speaker, the articles
an entity is mentioned in, the entities an article mentions …) and its date. It matches when
it links to every entity asked (``actor``, ``organization``, ``place``, ``article``: a key
such as ``jane-roe``, a path ``/id/actor/jane-roe`` or the IRI; repeated, all of them), to
one of the event types asked (``type=killing``, repeated: any), and when its date overlaps
the period asked (``from``, ``to``: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``, inclusive; a
row without a date is left out). A parameter the list does not take is a 400 naming those it
takes, never ignored.

>>> period("2020-02", "from")
('2020-02-01', '2020-02-31')
>>> Query(start="2020-03-01").overlaps("2020")
True
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Collection
from dataclasses import dataclass

from werkzeug.datastructures import MultiDict

from newskg.vocab import NKG
from newskg.web.http.errors import APIError

#: Entity filters: the parameter and where its IRIs live under the base.
ENTITIES = {
    "actor": "id/actor/",
    "organization": "id/organization/",
    "place": "id/place/",
    "article": "id/article/",
}
DATES = ("from", "to")
#: Parameters every list takes besides its filters.
PAGING = ("sort", "order", "page", "format")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
_EVENT_TYPE = str(NKG) + "event-"


def period(value: str, name: str, strict: bool = True) -> tuple[str, str]:
    """The first and last day (ISO, compared as text) of a ``YYYY[-MM[-DD]]`` value; not
    ``strict`` (a row's date), an ``xsd:dateTime`` counts as its day. Anything else is a 400."""
    value = value.strip()
    match = _DATE.match(value if strict else value[:10])
    if match is None:
        raise APIError(
            400,
            f"{name}={value!r} is not a date",
            f"Give {name}=YYYY, YYYY-MM or YYYY-MM-DD.",
        )
    year, month, day = match.groups()
    if day:
        return (f"{year}-{month}-{day}",) * 2
    if month:
        return f"{year}-{month}-01", f"{year}-{month}-31"
    return f"{year}-01-01", f"{year}-12-31"


@dataclass(frozen=True)
class Query:
    """The filters of one request, resolved to IRIs."""

    links: tuple[str, ...] = ()
    types: tuple[str, ...] = ()
    start: str | None = None
    end: str | None = None
    #: The filter parameters as given, to keep in the page's sort, pager and download links.
    given: tuple[tuple[str, str], ...] = ()

    def overlaps(self, date: str) -> bool:
        if self.start is None and self.end is None:
            return True
        try:
            first, last = period(date, "date", strict=False)
        except APIError:  # a row's date that is no date: it is in no period
            return False
        return (self.start is None or last >= self.start) and (
            self.end is None or first <= self.end
        )

    def matches(self, links: frozenset[str], date: str) -> bool:
        return (
            all(iri in links for iri in self.links)
            and (not self.types or any(t in links for t in self.types))
            and self.overlaps(date)
        )

    @property
    def query_string(self) -> str:
        return urllib.parse.urlencode(self.given)


def parse(
    args: MultiDict[str, str], takes: tuple[str, ...], base: str, event_types: Collection[str]
) -> Query:
    """The filters of ``args`` a list taking ``takes`` understands (400 for any other);
    ``event_types``: the IRIs of the event types the ontology defines."""
    unknown = sorted(set(args) - set(takes) - set(PAGING))
    if unknown:
        raise APIError(
            400,
            f"this list takes no parameter {', '.join(unknown)}",
            f"It takes: {', '.join((*takes, *PAGING))}.",
        )
    for name in (*DATES, *PAGING):
        if len(args.getlist(name)) > 1:
            raise APIError(400, f"{name} is given more than once", f"Give one {name}=.")
    links = [_entity(name, value, base) for name in ENTITIES for value in args.getlist(name)]
    types = [_event_type(value, event_types) for value in args.getlist("type")]
    start = period(args["from"], "from")[0] if "from" in args else None
    end = period(args["to"], "to")[1] if "to" in args else None
    if start is not None and end is not None and start > end:
        raise APIError(400, f"from={args['from']} is after to={args['to']}", "Swap them.")
    given = tuple((name, value) for name in takes for value in args.getlist(name))
    return Query(tuple(links), tuple(types), start, end, given)


def _entity(name: str, value: str, base: str) -> str:
    """An entity parameter's IRI: the IRI itself, a path under this site, or a key."""
    value = value.strip()
    prefix = base + ENTITIES[name]
    if value.startswith(prefix):
        return value
    path = value.lstrip("/")
    if path.startswith(ENTITIES[name]):
        return base + path
    if not value or "/" in value:
        raise APIError(
            400,
            f"{name}={value!r} names no {name}",
            f"Give its key ({name}=jane-roe), its path (/{ENTITIES[name]}jane-roe) or its IRI.",
        )
    return prefix + value


def _event_type(value: str, known: Collection[str]) -> str:
    """An event type's IRI from its name (``killing``, ``legal action``), ``event-`` name or
    IRI; one the ontology does not define is a 400 that lists those it does."""
    value = value.strip()
    iri = (
        value
        if value.startswith(_EVENT_TYPE)
        else _EVENT_TYPE + value.removeprefix("event-").replace(" ", "-").lower()
    )
    if iri not in known:
        names = sorted(t.removeprefix(_EVENT_TYPE) for t in known)
        raise APIError(400, f"type={value!r} is no event type", f"Use one of: {', '.join(names)}.")
    return iri
