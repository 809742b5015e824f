"""What linking across articles needs to know about every article, as tables, so that a
change links again only the articles it can affect.

Each rule of :mod:`newskg.extraction.crossdoc` decides from an aggregate over all articles:

- a one-word person name takes the key of the one person named in full with that last word:
  it reads the full names of that word (``link_full_names``);
- organization keys that differ by a plural ``s`` become the most mentioned one: it reads the
  keys of that singular and their mentions (``link_organizations``);
- names that meet on one key are told apart when the key has several names: it reads the
  names of that key once the first two rules have run (``link_names``).

The rows of an article are its contribution to those aggregates; the one-word names
(``link_single_names``) say which articles a decision on a word concerns. The tables live
in a sqlite database: in memory for a one-off :func:`~newskg.extraction.crossdoc.link_across`,
and in the entity index kept beside each version
(:mod:`newskg.publishing.entity_index`), so that ``newskg add`` reads only the rows of the
words, organizations and keys its articles touch.

>>> tables = LinkTables.open(sqlite3.connect(":memory:"))
>>> tables.add_candidates("a", [Entity("jane-roe", "actor", "Jane Roe")])
>>> tables.surname("roe")
Target(key='jane-roe', label='Jane Roe', wikidata=None)
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator
from typing import NamedTuple

from newskg.extraction.model import Entity
from newskg.text import fold
from newskg.vocab import slugify

SCHEMA = """
CREATE TABLE IF NOT EXISTS link_full_names (
    article TEXT NOT NULL, word TEXT NOT NULL, key TEXT NOT NULL, label TEXT NOT NULL,
    wikidata TEXT);
CREATE INDEX IF NOT EXISTS link_full_names_word ON link_full_names (word);
CREATE INDEX IF NOT EXISTS link_full_names_article ON link_full_names (article);
CREATE TABLE IF NOT EXISTS link_single_names (article TEXT NOT NULL, word TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS link_single_names_word ON link_single_names (word);
CREATE INDEX IF NOT EXISTS link_single_names_article ON link_single_names (article);
CREATE TABLE IF NOT EXISTS link_organizations (
    article TEXT NOT NULL, key TEXT NOT NULL, singular TEXT NOT NULL, mentions INTEGER NOT NULL,
    label TEXT NOT NULL, wikidata TEXT);
CREATE INDEX IF NOT EXISTS link_organizations_singular ON link_organizations (singular);
CREATE INDEX IF NOT EXISTS link_organizations_article ON link_organizations (article);
CREATE TABLE IF NOT EXISTS link_names (
    article TEXT NOT NULL, kind TEXT NOT NULL, key TEXT NOT NULL, name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS link_names_key ON link_names (kind, key);
CREATE INDEX IF NOT EXISTS link_names_article ON link_names (article);
"""
_CANDIDATES = ("link_full_names", "link_single_names", "link_organizations")
#: A (kind, key) of an entity once the first two rules have run.
NameKey = tuple[str, str]


class Target(NamedTuple):
    """The key, label and Wikidata id an entity is re-keyed to."""

    key: str
    label: str
    wikidata: str | None


def words(entity: Entity) -> list[str]:
    """The words of an entity's name as keys spell them."""
    return slugify(entity.label).split("-")


def one_word_name(entity: Entity) -> str | None:
    """The word of a person named by one word (and not linked to Wikidata), else None."""
    w = words(entity)
    return w[0] if entity.kind == "actor" and len(w) == 1 and not entity.wikidata else None


def full_name_word(entity: Entity) -> str | None:
    """The last word of a person named by more than one word, else None."""
    w = words(entity)
    return w[-1] if entity.kind == "actor" and len(w) > 1 else None


def singular(key: str) -> str:
    """An organization key with each word's plural ``s`` dropped ("x-guards" -> "x-guard")."""
    return "-".join(w[:-1] if len(w) > 3 and w.endswith("s") else w for w in key.split("-"))


def kept_name(entity: Entity) -> tuple[NameKey, str] | None:
    """The (kind, key) and folded name that tell names apart on one key (an entity linked
    to Wikidata has the entry's key: never told apart)."""
    return None if entity.wikidata else ((entity.kind, entity.key), fold(entity.label))


class LinkTables:
    """The aggregates linking decides from, on one sqlite connection (not committed here:
    the caller owns the transaction)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    @classmethod
    def open(cls, db: sqlite3.Connection) -> LinkTables:
        db.executescript(SCHEMA)
        return cls(db)

    # --- rows of articles ----------------------------------------------------------------

    def add_candidates(self, article: str, entities: Iterable[Entity]) -> None:
        """Record what ``article``'s entities as extracted (before linking) offer the first
        two rules."""
        full, single, orgs = [], [], []
        for e in entities:
            if (word := full_name_word(e)) is not None:
                full.append((article, word, e.key, e.label, e.wikidata))
            elif (word := one_word_name(e)) is not None:
                single.append((article, word))
            if e.kind == "organization":
                mentions = len(e.mentions) or 1
                orgs.append((article, e.key, singular(e.key), mentions, e.label, e.wikidata))
        self.db.executemany("INSERT INTO link_full_names VALUES (?, ?, ?, ?, ?)", full)
        self.db.executemany("INSERT INTO link_single_names VALUES (?, ?)", single)
        self.db.executemany("INSERT INTO link_organizations VALUES (?, ?, ?, ?, ?, ?)", orgs)

    def add_names(self, article: str, entities: Iterable[Entity]) -> None:
        """Record ``article``'s names once the first two rules have run (for the third)."""
        rows = [
            (article, kind, key, name)
            for (kind, key), name in filter(None, (kept_name(e) for e in entities))
        ]
        self.db.executemany("INSERT INTO link_names VALUES (?, ?, ?, ?)", rows)

    def delete_candidates(self, articles: Collection[str]) -> None:
        for table in _CANDIDATES:
            self._delete(table, articles)

    def delete_names(self, articles: Collection[str]) -> None:
        self._delete("link_names", articles)

    def _delete(self, table: str, articles: Collection[str]) -> None:
        self.db.executemany(
            f"DELETE FROM {table} WHERE article = ?",  # noqa: S608 - a table of this module
            [(a,) for a in articles],
        )

    # --- what an article touches -------------------------------------------------------------

    def words_of(self, articles: Collection[str]) -> set[str]:
        """The words whose decision the rows of ``articles`` take part in."""
        full = self._rows("word", "link_full_names", articles)
        return {w for (w,) in full} | {
            w for (w,) in self._rows("word", "link_single_names", articles)
        }

    def singulars_of(self, articles: Collection[str]) -> set[str]:
        return {s for (s,) in self._rows("singular", "link_organizations", articles)}

    def name_keys_of(self, articles: Collection[str]) -> set[NameKey]:
        return {(kind, key) for kind, key in self._rows("kind, key", "link_names", articles)}

    def _rows(
        self, columns: str, table: str, articles: Collection[str]
    ) -> Iterator[tuple[str, ...]]:
        for article in articles:
            query = f"SELECT {columns} FROM {table} WHERE article = ?"  # noqa: S608 - ours
            yield from self.db.execute(query, (article,))

    def articles_with(
        self, one_word: Iterable[str], singulars: Iterable[str], keys: Iterable[NameKey]
    ) -> set[str]:
        """The articles a decision on these words, organizations or keys concerns."""
        found: set[str] = set()
        for word in one_word:
            rows = self.db.execute("SELECT article FROM link_single_names WHERE word = ?", (word,))
            found.update(a for (a,) in rows)
        for s in singulars:
            rows = self.db.execute(
                "SELECT article FROM link_organizations WHERE singular = ?", (s,)
            )
            found.update(a for (a,) in rows)
        for kind, key in keys:
            rows = self.db.execute(
                "SELECT article FROM link_names WHERE kind = ? AND key = ?", (kind, key)
            )
            found.update(a for (a,) in rows)
        return found

    # --- the decisions -----------------------------------------------------------------------

    def surname(self, word: str) -> Target | None:
        """The one person named in full with last word ``word`` (None: none or several).
        Their label and Wikidata id are those of the article first by id that names them,
        one linked to Wikidata first, so the choice does not depend on the order articles
        come in."""
        rows = self.db.execute(
            "SELECT key, label, wikidata FROM link_full_names WHERE word = ? "
            "ORDER BY wikidata IS NULL, article, rowid",
            (word,),
        ).fetchall()
        if not rows or any(key != rows[0][0] for key, _, _ in rows):
            return None
        return Target(*rows[0])

    def plural_group(self, group: str) -> dict[str, Target]:
        """The organization keys of singular ``group`` that are merged into another (key ->
        the most mentioned key of the group, ties to the first key): empty when the group
        has one key."""
        mentions = dict(
            self.db.execute(
                "SELECT key, SUM(mentions) FROM link_organizations WHERE singular = ? GROUP BY key",
                (group,),
            )
        )
        if len(mentions) < 2:
            return {}
        winner = min(mentions, key=lambda k: (-mentions[k], k))
        label, wikidata = self.db.execute(
            "SELECT label, wikidata FROM link_organizations WHERE key = ? "
            "ORDER BY article, rowid LIMIT 1",
            (winner,),
        ).fetchone()
        target = Target(winner, label, wikidata)
        return {key: target for key in mentions if key != winner}

    def shared(self, key: NameKey) -> bool:
        """Whether several names meet on ``key`` (then each but the one it spells is told
        apart)."""
        names = self.db.execute(
            "SELECT COUNT(DISTINCT name) FROM link_names WHERE kind = ? AND key = ?", key
        ).fetchone()[0]
        return bool(names >= 2)
