"""What extraction produces: plain data, free of RDF, in the order the pipeline fills it.

reader -> :class:`ArticleText` (the text as received, its metadata, which regions are prose)
extract -> :class:`Extraction` (entities, statements, events, memberships, each with evidence)
graph -> an rdflib graph under the ontology (see :mod:`newskg.extraction.graph`)

Every offset is a Python string index (a Unicode code point, as NIF 2.0 counts) into
``ArticleText.text``, so ``text[span.begin:span.end]`` is always the evidence's exact words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

EntityKind = Literal["actor", "organization", "place"]
RoleInEvent = Literal["agent", "target", "participant"]

#: The closed list of event types (``skos:prefLabel`` of the ontology's concepts).
EVENT_TYPES: tuple[str, ...] = (
    "attack",
    "killing",
    "death",
    "meeting",
    "statement",
    "election",
    "appointment",
    "agreement",
    "protest",
    "withdrawal",
    "military deployment",
    "legal action",
    "funeral",
    "other",
)


@dataclass(frozen=True, order=True)
class Span:
    """A half-open character range ``[begin, end)`` of the article text."""

    begin: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.begin <= self.end:
            raise ValueError(f"bad span [{self.begin}, {self.end})")

    def of(self, text: str) -> str:
        """The exact words this span covers in ``text``."""
        return text[self.begin : self.end]

    def contains(self, other: Span) -> bool:
        return self.begin <= other.begin and other.end <= self.end


@dataclass
class ArticleText:
    """One article as read: the exact text, its metadata and its prose regions.

    ``id`` is the file stem, the article's stable name (IRIs are minted from it).
    ``body`` lists the paragraphs that are article prose, in text order; everything else
    (headline, date line, byline, captions, newsletter prompts, social posts, author bios)
    is in ``excluded`` with the reason, and extraction never looks at it.
    """

    id: str
    source: str  # path of the file it was read from, for error messages
    text: str
    headline: str | None = None
    headline_span: Span | None = None
    date_published: str | None = None  # ISO 8601 date (YYYY-MM-DD)
    authors: list[str] = field(default_factory=list)
    publisher: str | None = None
    url: str | None = None
    body: list[Span] = field(default_factory=list)
    excluded: list[tuple[Span, str]] = field(default_factory=list)
    #: Date that relative expressions ("on Saturday") resolve against: the published date,
    #: or failing that the latest full date the text states (e.g. in a photo caption).
    reference_date: str | None = None
    #: How the text was obtained: "text" (a text file as it is) or, for an HTML page, the
    #: step of :mod:`newskg.extraction.html`'s chain that found it ("trafilatura", ...).
    extractor: str = "text"
    #: What the reader doubts about this article but publishes (e.g. a body implausibly small
    #: against the prose in the file: a husk); the build reports each with the file.
    warnings: list[str] = field(default_factory=list)
    #: How much like article prose the reader's weighing found each block (0-1), for
    #: ``newskg read``; empty when the furniture rules decided alone (a short or clean text).
    block_scores: dict[Span, float] = field(default_factory=dict)


@dataclass
class Entity:
    """A person, organization or place, resolved within one article.

    ``key`` identifies the entity across articles (it becomes the IRI slug): the gazetteer
    entry's key when linked, else derived from the canonical name.
    """

    key: str
    kind: EntityKind
    label: str
    alt_labels: set[str] = field(default_factory=set)
    wikidata: str | None = None  # "Q…" only from the curated gazetteer
    mentions: list[Span] = field(default_factory=list)


@dataclass
class Statement:
    """A direct (or partial) quote, attributed when the speaker is known."""

    quote: str  # exactly text[quote_span.begin:quote_span.end]
    quote_span: Span
    speaker: str | None  # Entity.key of an actor or organization
    evidence: list[Span]  # the sentence(s) that carry the quote and its attribution
    confidence: float
    rule: str


@dataclass
class EventArgument:
    entity: str  # Entity.key
    role: RoleInEvent


@dataclass
class Event:
    type: str  # one of EVENT_TYPES
    label: str  # composed from the structure, e.g. "Attack by Hamas on Israel in Gaza, 2023-10-07"
    arguments: list[EventArgument]
    evidence: list[Span]
    confidence: float
    rule: str
    date: str | None = None  # "YYYY-MM-DD", "YYYY-MM" or "YYYY"
    place: str | None = None  # Entity.key of a place


@dataclass
class Membership:
    member: str  # Entity.key of an actor
    organization: str  # Entity.key of an organization
    role: str  # lower case, e.g. "secretary general"
    evidence: list[Span]
    confidence: float
    rule: str


@dataclass
class Extraction:
    """Everything extraction found in one article."""

    article: ArticleText
    entities: list[Entity] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    memberships: list[Membership] = field(default_factory=list)

    def entity(self, key: str) -> Entity:
        for entity in self.entities:
            if entity.key == key:
                return entity
        raise KeyError(key)
