"""The event rules' data, read one way (through :mod:`newskg.extraction.datafiles`):

* ``event_triggers.tsv``: trigger phrase -> event type, options, confidence and reason
  (:func:`read_triggers`, which :func:`newskg.extraction.lexicon.lexicon` calls);
* ``event_roles.tsv``: which event types an argument rule applies to (the role patterns of
  :mod:`newskg.extraction.event_arguments`), with the reason (:func:`types_with`);
* ``event_words.tsv``: the small word sets the event rules use (verbs of announcing,
  participles of leading, quantity nouns, support verbs), with the reason (:func:`words_of`).

A pattern or a set the code asks for and the file lacks fails loudly: a rule whose data is
missing would silently be off.

>>> "attack" in types_with("violence")
True
>>> "announce" in words_of("announcing")
True
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from newskg.extraction import datafiles

TRIGGER_COLUMNS = ("trigger", "type", "options", "confidence", "reason")
ROLE_COLUMNS = ("type", "pattern", "reason")
WORD_COLUMNS = ("set", "word", "reason")


@dataclass
class Triggers:
    """The trigger table: phrase (lower-case words) -> type, options and confidence."""

    types: dict[tuple[str, ...], str] = field(default_factory=dict)
    #: phrase -> option name -> values ("obj" lemmas or @kinds, "roles", "pos", ...)
    options: dict[tuple[str, ...], dict[str, frozenset[str]]] = field(default_factory=dict)
    confidence: dict[tuple[str, ...], float] = field(default_factory=dict)


def read_triggers(path: str | Path = "event_triggers.tsv") -> Triggers:
    """The trigger table; a :class:`~newskg.extraction.datafiles.DataFileError` for a line
    without its five columns, an empty type or reason, or a confidence not in [0, 1]."""
    table = Triggers()
    for row in datafiles.rows(path, TRIGGER_COLUMNS):
        phrase, kind, opts, conf, reason = (c.strip() for c in row.cells)
        if not kind:
            row.fail("the event type is empty", "give one of the closed list of event types")
        if not reason:
            row.fail("the reason is empty", "say what the word means here")
        words = tuple(phrase.lower().split())
        table.types[words] = kind
        table.confidence[words] = row.confidence(conf)
        for opt in opts.split() if opts != "-" else ():
            name, _, values = opt.partition("=")
            # "_" stands for a space inside a value ("aircraft_carrier")
            table.options.setdefault(words, {})[name] = frozenset(
                v.replace("_", " ") for v in values.lower().split("|")
            )
    return table


def _grouped(
    name: str, columns: tuple[str, str, str], key: int, value: int
) -> dict[str, frozenset[str]]:
    """The values (column ``value``, lower case) of the table ``name`` by its column ``key``;
    the third column, the reason, must not be empty."""
    groups: dict[str, set[str]] = {}
    for row in datafiles.rows(name, columns):
        cells = [c.strip() for c in row.cells]
        if not cells[2]:
            row.fail("the reason is empty", "say why the entry holds")
        groups.setdefault(cells[key], set()).add(cells[value].lower())
    return {k: frozenset(v) for k, v in groups.items()}


@lru_cache(maxsize=1)
def _roles() -> dict[str, frozenset[str]]:
    return _grouped("event_roles.tsv", ROLE_COLUMNS, key=1, value=0)  # pattern -> types


@lru_cache(maxsize=1)
def _words() -> dict[str, frozenset[str]]:
    return _grouped("event_words.tsv", WORD_COLUMNS, key=0, value=1)  # set -> words


def _named(groups: dict[str, frozenset[str]], key: str, name: str) -> frozenset[str]:
    if key not in groups:
        raise datafiles.DataFileError(
            datafiles.data_path(name), f"no row for {key!r}", fix="add its rows"
        )
    return groups[key]


def types_with(pattern: str) -> frozenset[str]:
    """The event types an argument pattern of ``event_roles.tsv`` applies to."""
    return _named(_roles(), pattern, "event_roles.tsv")


def words_of(name: str) -> frozenset[str]:
    """The words of a set of ``event_words.tsv``."""
    return _named(_words(), name, "event_words.tsv")
