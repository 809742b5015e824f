"""General-knowledge word lists the extractors use, loaded once from
``src/newskg/extraction/data/`` (through :mod:`newskg.extraction.datafiles`).

Every list is plain text (one entry a line, ``#`` comments) or a TSV, so that the knowledge
is data, reviewable and extendable without touching code. Nothing here is article-specific.

>>> lex = lexicon()
>>> lex.title_length(["Brig.", "Gen.", "Anna", "Berg"])
2
>>> lex.event_type("drone strike")
'attack'
>>> "say" in lex.speech_verbs
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newskg.extraction import datafiles
from newskg.extraction.datafiles import DATA
from newskg.extraction.event_table import read_triggers


def _phrases(lines: list[str]) -> dict[tuple[str, ...], str]:
    """Lower-cased word tuples -> the phrase as written (lower case), longest first."""
    table = {tuple(line.lower().split()): " ".join(line.lower().split()) for line in lines}
    return dict(sorted(table.items(), key=lambda kv: -len(kv[0])))


@dataclass(frozen=True)
class Lexicon:
    titles: dict[tuple[str, ...], str]
    roles: dict[tuple[str, ...], str]
    speech_verbs: frozenset[str]
    attribution_phrases: tuple[tuple[str, ...], ...]
    pronouns: frozenset[str]
    triggers: dict[tuple[str, ...], str]
    blockers: frozenset[str]
    not_names: frozenset[str]
    not_entity_heads: frozenset[str] = frozenset()
    #: country adjective (words, lower case) -> gazetteer place key ("" when ambiguous)
    demonyms: dict[tuple[str, ...], str] = field(default_factory=dict)
    state_bodies: dict[tuple[str, ...], str] = field(default_factory=dict)
    collective_heads: frozenset[str] = frozenset()
    org_heads: frozenset[str] = frozenset()  # case-sensitive
    #: "role" | "contest" | "transfer" -> lemmas that make a place-named side a team
    team_cues: dict[str, frozenset[str]] = field(default_factory=dict)
    #: trigger -> options of its third column ("obj" lemmas or @kinds, "roles")
    trigger_options: dict[tuple[str, ...], dict[str, frozenset[str]]] = field(default_factory=dict)
    #: trigger -> how often a mention of it is an event of its type (event_triggers.tsv)
    trigger_confidence: dict[tuple[str, ...], float] = field(default_factory=dict)

    @staticmethod
    def _match(table: dict[tuple[str, ...], str], words: Sequence[str]) -> int:
        if not words:
            return 0
        candidates = _by_first(table).get(words[0].lower())
        if not candidates:
            return 0
        low = tuple(w.lower() for w in words[: len(candidates[0])])
        for phrase in candidates:  # longest first
            if low[: len(phrase)] == phrase:
                return len(phrase)
        return 0

    def title_length(self, words: Sequence[str]) -> int:
        """How many leading ``words`` form titles/ranks (repeated: "Brig. Gen." counts 2)."""
        n = 0
        while n < len(words):
            step = self._match(self.titles, words[n:])
            if not step:
                break
            n += step
        return n

    def is_title(self, words: Sequence[str]) -> bool:
        return bool(words) and self.title_length(words) == len(words)

    def role_at(self, words: Sequence[str]) -> str | None:
        """The longest role phrase starting ``words``, lower case, or None."""
        n = self._match(self.roles, words)
        return self.roles[tuple(w.lower() for w in words[:n])] if n else None

    def demonym_length(self, words: Sequence[str]) -> int:
        """How many leading ``words`` form a country adjective ("South Korean": 2), else 0.

        >>> lexicon().demonym_length(["Kenyan", "parliament"])
        1
        """
        return self._match(self.demonyms, words) if words and words[0][:1].isupper() else 0

    def event_type(self, phrase: str) -> str | None:
        return self.triggers.get(tuple(phrase.lower().split()))


_FIRST: dict[int, tuple[dict[tuple[str, ...], str], dict[str, list[tuple[str, ...]]]]] = {}


def _by_first(table: dict[tuple[str, ...], str]) -> dict[str, list[tuple[str, ...]]]:
    """The phrases of a table by first word, longest first (built once per table)."""
    cached = _FIRST.get(id(table))
    if cached is None or cached[0] is not table:
        index: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(table, key=len, reverse=True):
            if phrase:
                index.setdefault(phrase[0], []).append(phrase)
        cached = _FIRST[id(table)] = (table, index)
    return cached[1]


@lru_cache(maxsize=2)
def lexicon(data: Path = DATA) -> Lexicon:
    """The word lists in ``data`` (a :class:`~newskg.extraction.datafiles.DataFileError` when
    a file is missing or a line is malformed)."""

    def read_lines(name: str) -> list[str]:
        return datafiles.words(data / name)

    events = read_triggers(data / "event_triggers.tsv")
    return Lexicon(
        titles=_phrases(read_lines("titles.txt")),
        roles=_phrases(read_lines("roles.txt")),
        speech_verbs=frozenset(w.lower() for w in read_lines("speech_verbs.txt")),
        attribution_phrases=tuple(
            tuple(p.lower().split()) for p in read_lines("attribution_phrases.txt")
        ),
        pronouns=frozenset(w.lower() for w in read_lines("pronouns.txt")),
        triggers=dict(sorted(events.types.items(), key=lambda kv: -len(kv[0]))),
        trigger_options=events.options,
        trigger_confidence=events.confidence,
        blockers=frozenset(w.lower() for w in read_lines("event_blockers.txt")),
        not_names=frozenset(w.lower() for w in read_lines("not_names.txt")),
        not_entity_heads=frozenset(w.lower() for w in read_lines("not_entity_heads.txt")),
        demonyms=_demonyms(datafiles.rows(data / "demonyms.tsv", ("adjective", "place key"), 1)),
        state_bodies=_phrases(read_lines("state_bodies.txt")),
        collective_heads=frozenset(w.lower() for w in read_lines("collective_heads.txt")),
        org_heads=frozenset(read_lines("org_heads.txt")),
        team_cues=_cues(datafiles.rows(data / "team_cues.txt", ("cue", "word"))),
    )


def _cues(rows: list[datafiles.Row]) -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for row in rows:
        kind, word = row.cells
        table.setdefault(kind.strip(), set()).add(word.strip().lower())
    return {k: frozenset(v) for k, v in table.items()}


def _demonyms(rows: list[datafiles.Row]) -> dict[tuple[str, ...], str]:
    table = {}
    for row in rows:
        adjective, key = (*row.cells, "")[:2]
        table[tuple(adjective.lower().split())] = key.strip()
    return dict(sorted(table.items(), key=lambda kv: -len(kv[0])))
