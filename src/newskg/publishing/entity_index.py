"""The entities of each article of a version, kept beside it, so that ``newskg add`` and
``newskg remove`` link and describe entities without reading every article again.

A version's index is ``STORE/versions/<id>.entities.sqlite`` (written with the version, see
:class:`newskg.backends.versions.VersionWriter`). Per article it holds:

- ``entities``: its entities as extracted, before linking (kind, key, label, alternative
  labels, Wikidata id, mentions): all that :func:`newskg.extraction.crossdoc.link_across`
  reads, so linking runs on these stubs as it would on the full extractions;
- ``articles.linked``: a digest of its entities once linked. When a change elsewhere links
  an article's entities differently (a new "Jane Roe" completes its "Roe"), the digest
  differs and the article's graph is made again; every other article keeps its graph;
- ``contributions``: what its graph says about each entity it names (label, other labels,
  types, Wikidata links). An entity's description in the shared entities graph is made
  from the contributions of every article naming it (:mod:`newskg.publishing.entities_graph`),
  so a change rewrites only the descriptions of the entities it touches.

It also holds the tables linking decides from (:mod:`newskg.extraction.link_tables`), so
that an add links again only the articles whose links it can change, reading the stubs of
those alone. An add copies the published version's index and rewrites the rows of the
articles it changes: its cost follows the change, not the store.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import shutil
import sqlite3
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from newskg.extraction.link_tables import LinkTables
from newskg.extraction.model import ArticleText, Entity, Extraction, Span

SUFFIX = ".entities.sqlite"
#: The layout below; an index of another layout is not read (the version is then treated as
#: one made before indexes: every graph made again).
LAYOUT = 3
_SCHEMA = """
CREATE TABLE IF NOT EXISTS articles (id TEXT PRIMARY KEY, linked TEXT NOT NULL);
-- an article's entities as extracted, as one JSON list: an add reads every article's, and
-- one document per article reads several times faster than a row per entity
CREATE TABLE IF NOT EXISTS entities (article TEXT PRIMARY KEY, entities TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS contributions (
    article TEXT NOT NULL, entity TEXT NOT NULL, label TEXT NOT NULL, labels TEXT NOT NULL,
    types TEXT NOT NULL, matches TEXT NOT NULL, PRIMARY KEY (article, entity));
CREATE INDEX IF NOT EXISTS contributions_by_entity ON contributions (entity);
"""


@dataclass(frozen=True)
class Contribution:
    """What one article's graph says about one entity (IRIs as strings)."""

    label: str
    labels: frozenset[str]  # every label it gives (its own label included)
    types: frozenset[str] = field(default_factory=frozenset)
    matches: frozenset[str] = field(default_factory=frozenset)


def linked_digest(entities: Iterable[Entity]) -> str:
    """A digest of an article's entities as linked: equal digests, equal keys, labels and
    Wikidata ids, so the article's graph is the same."""
    rows = sorted(
        json.dumps([e.kind, e.key, e.label, sorted(e.alt_labels), e.wikidata, _spans(e.mentions)])
        for e in entities
    )
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


def stub(article_id: str, entities: Iterable[Entity]) -> Extraction:
    """An extraction holding only copies of ``entities`` (what linking reads)."""
    return Extraction(
        ArticleText(article_id, article_id, ""),
        [
            Entity(e.key, e.kind, e.label, set(e.alt_labels), e.wikidata, list(e.mentions))
            for e in entities
        ],
    )


def _layout(path: Path) -> int:
    """The layout of the index at ``path`` (0: not one)."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            return int(db.execute("PRAGMA user_version").fetchone()[0])
    except sqlite3.Error:
        return 0


def _spans(spans: Iterable[Span]) -> list[list[int]]:
    return [[s.begin, s.end] for s in spans]


class EntityIndex:
    """One version's index, open for reading and writing (a new version's copy)."""

    def __init__(self, path: Path, fresh: bool = True) -> None:
        self.path = path
        #: Whether it started empty (no index to copy, or one of another layout).
        self.fresh = fresh
        self.db = sqlite3.connect(path, isolation_level=None)
        # The index is rewritten with every version and copied for the next: journaling
        # only guards a file that is discarded with its version when a run fails.
        self.db.execute("PRAGMA journal_mode=OFF")
        self.db.execute("PRAGMA synchronous=OFF")
        self.db.executescript(_SCHEMA)
        #: What linking decides from (linking keeps its rows: see ``crossdoc.relink``).
        self.links = LinkTables.open(self.db)
        self.db.execute(f"PRAGMA user_version={LAYOUT}")
        self.db.execute("BEGIN")

    @classmethod
    def copy(cls, source: Path | None, target: Path) -> EntityIndex:
        """A writable index at ``target``: a copy of ``source``, or empty without one."""
        target.unlink(missing_ok=True)
        if source is not None and source.is_file() and _layout(source) == LAYOUT:
            shutil.copyfile(source, target)
            return cls(target, fresh=False)
        return cls(target)

    def close(self) -> None:
        """Commit and close (the file is then complete)."""
        if self.db.in_transaction:
            self.db.execute("COMMIT")
        self.db.close()

    def __contains__(self, article_id: str) -> bool:
        found = self.db.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,))
        return found.fetchone() is not None

    def stubs(self, article_ids: Iterable[str]) -> dict[str, Extraction]:
        """The entities of each of ``article_ids`` as extracted (before linking), as stubs;
        articles the index lacks are left out."""
        found = {}
        for article_id in sorted(set(article_ids)):
            row = self.db.execute(
                "SELECT entities FROM entities WHERE article = ?", (article_id,)
            ).fetchone()
            if row is not None:
                found[article_id] = Extraction(
                    ArticleText(article_id, article_id, ""),
                    [
                        Entity(
                            key, kind, label, set(alts), wikidata, [Span(b, e) for b, e in spans]
                        )
                        for kind, key, label, alts, wikidata, spans in json.loads(row[0])
                    ],
                )
        return found

    def listed(self, article_ids: Iterable[str]) -> set[str]:
        """Those of ``article_ids`` the index holds."""
        return {i for i in article_ids if i in self}

    def linked(self, article_ids: Iterable[str] | None = None) -> dict[str, str]:
        """Article id -> digest of its entities as linked when the version was made (of
        ``article_ids``, or of every article)."""
        if article_ids is None:
            return dict(self.db.execute("SELECT id, linked FROM articles"))
        found = {}
        for article_id in article_ids:
            row = self.db.execute("SELECT linked FROM articles WHERE id = ?", (article_id,))
            if (linked := row.fetchone()) is not None:
                found[article_id] = linked[0]
        return found

    def contributions(self, entity: str) -> dict[str, Contribution]:
        """Article id -> what it says about ``entity``."""
        return {
            article: Contribution(
                label,
                frozenset(json.loads(labels)),
                frozenset(json.loads(types)),
                frozenset(json.loads(matches)),
            )
            for article, label, labels, types, matches in self.db.execute(
                "SELECT article, label, labels, types, matches FROM contributions WHERE entity = ?",
                (entity,),
            )
        }

    def named_by(self, article_id: str) -> set[str]:
        """The entities ``article_id`` contributes to."""
        rows = self.db.execute("SELECT entity FROM contributions WHERE article = ?", (article_id,))
        return {entity for (entity,) in rows}

    def entities(self) -> Iterator[str]:
        """Every entity some article contributes to."""
        for (entity,) in self.db.execute("SELECT DISTINCT entity FROM contributions"):
            yield entity

    def remove(self, article_id: str) -> None:
        for table, column in (("articles", "id"), ("entities", "article")):
            self.db.execute(f"DELETE FROM {table} WHERE {column} = ?", (article_id,))  # noqa: S608
        self.db.execute("DELETE FROM contributions WHERE article = ?", (article_id,))

    def put(
        self,
        article_id: str,
        extracted: Iterable[Entity],
        linked: str,
        contributions: dict[str, Contribution],
    ) -> None:
        """Record ``article_id``: its entities as extracted (before linking), the digest of
        them linked, and its contributions to entity descriptions (replacing what was)."""
        self.remove(article_id)
        self.db.execute("INSERT INTO articles VALUES (?, ?)", (article_id, linked))
        entities = [
            [e.kind, e.key, e.label, sorted(e.alt_labels), e.wikidata, _spans(e.mentions)]
            for e in extracted
        ]
        self.db.execute("INSERT INTO entities VALUES (?, ?)", (article_id, json.dumps(entities)))
        self.db.executemany(
            "INSERT INTO contributions VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    article_id,
                    entity,
                    c.label,
                    json.dumps(sorted(c.labels)),
                    json.dumps(sorted(c.types)),
                    json.dumps(sorted(c.matches)),
                )
                for entity, c in contributions.items()
            ],
        )
