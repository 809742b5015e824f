"""HTTP content negotiation (RFC 9110 §12.5.1) over the format registry.

The Accept header is parsed once into media ranges with q-values; each offered media type
takes the q of the *most specific* range that matches it (``text/turtle`` beats ``text/*``
beats ``*/*``). Among offers with the highest q > 0 the tie goes to the one matched more
specifically, then to the one the client listed first, then to the server's order, so
``*/*`` yields the server's default and ``text/turtle, */*`` yields Turtle.

>>> [f.name for f in (choose("text/turtle;q=0.5, application/rdf+xml", GRAPH_FORMATS),)]
['rdfxml']
>>> choose("text/*", RESULT_FORMATS).name
'csv'
>>> choose("application/sparql-results+xml;q=0, */*;q=0.5", RESULT_FORMATS).name
'json'
>>> choose("image/png", RESULT_FORMATS) is None
True
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from newskg import formats
from newskg.formats import Format

# The formats each kind of query answers in, in the server's order of preference (the
# registry's order): SELECT/ASK tables, CONSTRUCT/DESCRIBE graphs (quad formats hold a graph
# too: its triples are written in the default graph).
RESULT_FORMATS: tuple[Format, ...] = tuple(f for f in formats.FORMATS if f.kind == "results")
GRAPH_FORMATS: tuple[Format, ...] = tuple(
    f for f in formats.FORMATS if f.kind in ("graph", "dataset")
)

# One element of an Accept list: a media range, then parameters (q among them). Commas inside
# quoted parameter values do not split elements.
_ELEMENT = re.compile(r'(?:[^,"]|"(?:[^"\\]|\\.)*")+')
_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")


@dataclass(frozen=True)
class MediaRange:
    type: str  # "*" for a wildcard
    subtype: str  # "*" for a wildcard
    q: float
    order: int  # position in the header: earlier wins a tie

    def specificity(self, media_type: str) -> int | None:
        """2 for an exact match, 1 for ``type/*``, 0 for ``*/*``, None when it does not match."""
        kind, _, sub = media_type.lower().partition("/")
        if self.type == "*":
            return 0
        if self.type != kind:
            return None
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else None


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an Accept header; no header (or an empty one) accepts anything.
    Malformed elements are skipped rather than failing the request."""
    if header is None or not header.strip():
        return [MediaRange("*", "*", 1.0, 0)]
    ranges = []
    for order, match in enumerate(_ELEMENT.finditer(header)):
        media, *params = (part.strip() for part in match.group().split(";"))
        kind, slash, sub = media.lower().partition("/")
        if (
            not slash
            or not _TOKEN.match(kind)
            or not _TOKEN.match(sub)
            or (kind == "*" and sub != "*")
        ):
            continue
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = min(max(float(value.strip()), 0.0), 1.0)
                except ValueError:
                    q = 0.0  # an unreadable weight is not a preference
                break  # parameters after q are accept-extensions, not part of the range
        ranges.append(MediaRange(kind, sub, q, order))
    return ranges


def quality(ranges: Sequence[MediaRange], media_type: str) -> tuple[float, int, int]:
    """(q, specificity, -order) of the most specific range matching ``media_type``;
    q is 0 when none matches."""
    best: tuple[int, int, MediaRange] | None = None
    for media_range in ranges:
        spec = media_range.specificity(media_type)
        if spec is not None and (best is None or spec > best[0]):
            best = (spec, -media_range.order, media_range)
    if best is None:
        return (0.0, -1, 0)
    return (best[2].q, best[0], best[1])


def best_match(ranges: Sequence[MediaRange], offers: Sequence[str]) -> str | None:
    """The offered media type the client prefers, or None when it accepts none of them."""
    scored = [(quality(ranges, offer), -index, offer) for index, offer in enumerate(offers)]
    if not scored:
        return None
    (q, _spec, _order), _index, offer = max(scored)
    return offer if q > 0 else None


def media_types(fmt: Format) -> list[str]:
    """The media types a format answers to: its own, then aliases that are media types."""
    return [fmt.media_type, *(a for a in fmt.aliases if "/" in a)]


def choose(
    accept: str | Sequence[MediaRange] | None, candidates: Sequence[Format]
) -> Format | None:
    """The candidate format the client prefers by its Accept header, or None.

    A format's own media type matches ranges as usual; its aliases (``application/x-turtle``,
    ``text/plain`` for N-Triples) only when the client names them exactly, so a wildcard
    never picks a format through an alias the client did not mention. Its generic types
    (``application/xml``, ``application/json``: :mod:`newskg.formats`) count only when no
    candidate is acceptable otherwise, so a browser's ``application/xml;q=0.9, */*;q=0.8``
    gets the server's default, and ``Accept: application/xml`` alone gets XML.

    >>> choose("application/xml", RESULT_FORMATS).name, choose("text/xml", GRAPH_FORMATS).name
    ('xml', 'rdfxml')
    """
    ranges = parse_accept(accept) if accept is None or isinstance(accept, str) else accept
    scored = []
    for index, fmt in enumerate(candidates):
        score = quality(ranges, fmt.media_type)
        for alias in media_types(fmt)[1:]:
            alias_score = quality(ranges, alias)
            if alias_score[1] == 2 and alias_score > score:
                score = alias_score
        scored.append((score, -index, fmt.name, fmt))
    if not scored:
        return None
    (q, _spec, _order), _index, _name, fmt = max(scored, key=lambda item: item[:3])
    return fmt if q > 0 else _by_generic(ranges, candidates)


def _by_generic(ranges: Sequence[MediaRange], candidates: Sequence[Format]) -> Format | None:
    """The candidate whose generic type the client names exactly with the highest q (the
    server's order breaks ties), or None."""
    scored = [
        (score, -index, fmt)
        for index, fmt in enumerate(candidates)
        for generic in fmt.generic
        if (score := quality(ranges, generic))[1] == 2 and score[0] > 0
    ]
    return max(scored, key=lambda item: item[:2])[2] if scored else None


def by_format_param(value: str, candidates: Sequence[Format]) -> Format | None:
    """The candidate a ``format=`` value names (name, alias, media type or extension), or
    None. A structured-syntax suffix counts, so ``json`` names JSON-LD among graph formats
    and ``xml`` names RDF/XML.

    >>> by_format_param("json", GRAPH_FORMATS).name, by_format_param("json", RESULT_FORMATS).name
    ('jsonld', 'json')
    >>> by_format_param("ttl", RESULT_FORMATS) is None
    True
    """
    wanted = value.strip().lower()
    for fmt in candidates:
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    for fmt in candidates:
        if fmt.media_type.endswith("+" + wanted) or wanted in fmt.generic:
            return fmt
    return None


def known_format(value: str) -> bool:
    """Whether ``format=value`` names any registered format."""
    return any(by_format_param(value, group) for group in (RESULT_FORMATS, GRAPH_FORMATS))
