"""General-knowledge word lists the extractors use, loaded once from ``mappers/data/``.

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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"


def read_lines(name: str) -> list[str]:
    """Non-empty, non-comment lines of ``mappers/data/{name}`` (empty if the file is missing)."""
    path = DATA / name
    if not path.exists():
        return []
    lines = []
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if line and not line.startswith("#"):
            lines.append(line)
    return lines


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

    @staticmethod
    def _match(table: dict[tuple[str, ...], str], words: Sequence[str]) -> int:
        low = tuple(w.lower() for w in words)
        for phrase in table:
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

    def event_type(self, phrase: str) -> str | None:
        return self.triggers.get(tuple(phrase.lower().split()))


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    triggers: dict[tuple[str, ...], str] = {}
    for line in read_lines("event_triggers.tsv"):
        phrase, _, kind = line.partition("\t")
        if kind.strip():
            triggers[tuple(phrase.lower().split())] = kind.strip()
    return Lexicon(
        titles=_phrases(read_lines("titles.txt")),
        roles=_phrases(read_lines("roles.txt")),
        speech_verbs=frozenset(w.lower() for w in read_lines("speech_verbs.txt")),
        attribution_phrases=tuple(
            tuple(p.lower().split()) for p in read_lines("attribution_phrases.txt")
        ),
        pronouns=frozenset(w.lower() for w in read_lines("pronouns.txt")),
        triggers=dict(sorted(triggers.items(), key=lambda kv: -len(kv[0]))),
        blockers=frozenset(w.lower() for w in read_lines("event_blockers.txt")),
        not_names=frozenset(w.lower() for w in read_lines("not_names.txt")),
        not_entity_heads=frozenset(w.lower() for w in read_lines("not_entity_heads.txt")),
    )
