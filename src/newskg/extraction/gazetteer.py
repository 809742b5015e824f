"""The curated Wikidata gazetteer (``src/newskg/extraction/data/gazetteer.tsv``) as lookup tables.

Columns: ``kind  key  label  wikidata  aliases`` (aliases ``|``-separated; kind is actor,
organization or place). A missing file gives an empty gazetteer. Lookups are exact after
folding case, accents, dots and a leading "the": never fuzzy, never on a part of a name.

>>> fold("the U.S.") == fold("US") == "us"
True
>>> g = Gazetteer([GazEntry("place", "united-states", "United States", "Q30",
...                          ("U.S.", "America"))])
>>> g.lookup("America").key
'united-states'
>>> g.lookup("Americas") is None
True
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

PATH = Path(__file__).parent / "data" / "gazetteer.tsv"
KINDS = ("actor", "organization", "place")


#: Latin letters that are not a base letter plus an accent, spelt as news in English does.
_LATIN_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)


@lru_cache(maxsize=1 << 16)  # pure, and called for every mention of every name
def fold(name: str) -> str:
    """Case-, accent-, dot-, apostrophe- and punctuation-folded form of a name, without a
    leading "the".

    The one folding of names in newskg: matching (gazetteer, grouping, kinds) and entity IRIs
    (:func:`newskg.extraction.iris.entity_key`) both use it, so two names are one entity exactly
    when
    they fold alike. Accents on Latin and Greek letters go ("José" is "Jose": English news
    spells a name both ways); letters of every script stay, with their own marks (a
    Devanagari vowel sign or a Cyrillic "й" is part of the word, and dropping it would merge
    different names).

    >>> fold("José Ñúñez"), fold("Łukasz"), fold("Ιωάννης"), fold("Иван Петров")
    ('jose nunez', 'lukasz', 'ιωαννησ', 'иван петров')
    >>> fold("नरेंद्र मोदी") != fold("नरद मद"), fold("AT&T (U.S.)")
    (True, 'at t us')
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_LATIN_LETTERS))
    kept = []
    base = ""
    for ch in decomposed:
        if not unicodedata.combining(ch):
            base = ch
        elif base < "\u0400":  # a mark on a Latin or Greek letter (or on nothing)
            continue
        kept.append(ch)
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", "".join(kept)).casefold())
    text = text.replace(".", "").replace("'", "").replace("\u2019", "")
    # Any other punctuation or symbol separates words: "Ernst & Young" is "Ernst Young", so a
    # folded name is words (letters, digits and marks) and one space, and reads back from
    # the key it gives (:func:`newskg.extraction.iris.entity_key`).
    text = " ".join(
        "".join(
            ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in text
        ).split()
    )
    return re.sub(r"^the ", "", text)


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

    def __len__(self) -> int:
        return len(self.entries)

    def candidates(self, name: str) -> list[GazEntry]:
        return self.by_name.get(fold(name), [])

    def lookup(self, name: str, kind: str | None = None) -> GazEntry | None:
        """The single entry ``name`` (label or alias) denotes, of ``kind`` if given; None when
        unknown or ambiguous."""
        found = [e for e in self.candidates(name) if kind is None or e.kind == kind]
        return found[0] if len(found) == 1 else None


def parse(lines: Iterable[str]) -> list[GazEntry]:
    entries = []
    for raw in lines:
        line = raw.rstrip("\n\r")
        if not line.strip() or line.startswith("#"):
            continue
        cols = line.split("\t")
        if len(cols) < 3 or cols[0].strip() not in KINDS:
            continue  # header or malformed
        kind, key, label = (c.strip() for c in cols[:3])
        wikidata = cols[3].strip() if len(cols) > 3 and cols[3].strip() else None
        aliases = ()
        if len(cols) > 4:
            aliases = tuple(a.strip() for a in cols[4].split("|") if a.strip())
        if key and label:
            entries.append(GazEntry(kind, key, label, wikidata, aliases))
    return entries


@lru_cache(maxsize=4)
def load(path: Path = PATH) -> Gazetteer:
    if not path.exists():
        return Gazetteer([])
    return Gazetteer(parse(path.read_text(encoding="utf-8").splitlines()))
