"""The curated Wikidata gazetteer (``src/newskg/extraction/data/gazetteer.tsv``) as lookup tables.

Columns: ``kind  key  label  wikidata  aliases`` (aliases ``|``-separated; kind is actor,
organization or place; a missing file or a malformed line is an error). Lookups are exact
after folding names (:func:`newskg.text.fold`: case, accents, dots and a leading "the"):
never fuzzy, never on a part of a name.

>>> g = Gazetteer([GazEntry("place", "united-states", "United States", "Q30",
...                          ("U.S.", "America"))])
>>> g.lookup("America").key
'united-states'
>>> g.lookup("Americas") is None
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path

from newskg.extraction import datafiles
from newskg.text import fold

PATH = datafiles.DATA / "gazetteer.tsv"
KINDS = ("actor", "organization", "place")


@dataclass(frozen=True)
class GazEntry:
    kind: str
    key: str
    label: str
    wikidata: str | None
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.label, *self.aliases)


class Gazetteer:
    def __init__(self, entries: Iterable[GazEntry]) -> None:
        self.entries = list(entries)
        self.by_name: dict[str, list[GazEntry]] = {}
        for entry in self.entries:
            for name in entry.names:
                folded = fold(name)
                if folded and entry not in self.by_name.setdefault(folded, []):
                    self.by_name[folded].append(entry)

    @cached_property
    def first_words(self) -> frozenset[str]:
        """First folded word of every name: a token starting none is skipped fast."""
        return frozenset(n.split()[0] for n in self.by_name if n.split())

    @cached_property
    def kind_keys(self) -> frozenset[tuple[str, str]]:
        """(kind, key) of every entry."""
        return frozenset((e.kind, e.key) for e in self.entries)

    @cached_property
    def full_person_names(self) -> list[tuple[str, str]]:
        """(key, folded label) of every person whose label has more than one word, in the
        order of the entries (an article's headline is searched for them)."""
        return [
            (e.key, fold(e.label))
            for e in self.entries
            if e.kind == "actor" and len(e.label.split()) > 1
        ]

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, name: str) -> list[GazEntry]:
        return self.by_name.get(fold(name), [])

    def lookup(self, name: str, kind: str | None = None) -> GazEntry | None:
        """The single entry ``name`` (label or alias) denotes, of ``kind`` if given; None when
        unknown or ambiguous."""
        found = [e for e in self.candidates(name) if kind is None or e.kind == kind]
        return found[0] if len(found) == 1 else None


COLUMNS = ("kind", "key", "label", "wikidata", "aliases")


@lru_cache(maxsize=4)
def load(path: Path = PATH) -> Gazetteer:
    """The gazetteer in ``path`` (a :class:`~newskg.extraction.datafiles.DataFileError` when
    it is missing or a line is malformed)."""
    entries = []
    for row in datafiles.rows(path, COLUMNS, required=3):
        kind, key, label = (cell.strip() for cell in row.cells[:3])
        if kind not in KINDS:
            row.fail(f"kind {kind!r} is not one of {', '.join(KINDS)}", "fix the first column")
        if not key or not label:
            row.fail("the key or the label is empty", "give both (key: the IRI slug)")
        cells = row.cells
        wikidata = cells[3].strip() if len(cells) > 3 and cells[3].strip() else None
        aliases: tuple[str, ...] = ()
        if len(cells) > 4:
            aliases = tuple(a.strip() for a in cells[4].split("|") if a.strip())
        entries.append(GazEntry(kind, key, label, wikidata, aliases))
    return Gazetteer(entries)
