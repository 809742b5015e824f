"""Readable event labels composed from an event's structure (step three of
:mod:`newskg.extraction.events`).

A label made of the trigger's words ("he tweeted", "X has imposed") reads as a fragment and
differs for each mention of one event; a label composed from the type, the arguments, the
place and the date ("Attack by Hamas on Israel in Gaza, 2023-10-07") names the event the same
way whatever sentence reported it. The sentence words stay the event's evidence. How each type
is phrased is data (``data/event_labels.tsv``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from newskg.extraction import datafiles
from newskg.extraction.model import EVENT_TYPES, EventArgument

ROLES = ("agent", "target", "participant")


@dataclass(frozen=True)
class LabelPattern:
    """The head noun of a label and its optional parts, each with the role that fills it."""

    head: str
    parts: tuple[tuple[str, str], ...]  # (text with one "{role}" slot, role)


@lru_cache(maxsize=2)
def patterns(name: str | Path = "event_labels.tsv") -> dict[str, LabelPattern]:
    """The label patterns of data file ``name`` by event type (or "other:<sort>"); a part
    without its one slot, an unknown type or a type without a pattern is an error in the data
    file."""
    found: dict[str, LabelPattern] = {}
    for row in datafiles.rows(name, ("key", "pattern")):
        key, pattern = (c.strip() for c in row.cells)
        if key.partition(":")[0] not in EVENT_TYPES:
            row.fail(f"unknown event type {key!r}", "use a type of the closed list")
        head, *rest = (p for p in pattern.split("|"))
        parts = []
        for part in rest:
            roles = [r for r in ROLES if "{" + r + "}" in part]
            if len(roles) != 1:
                row.fail(
                    f"part {part!r} has no single slot",
                    "write one {agent}, {target} or {participant}",
                )
            parts.append((part, roles[0]))
        found[key] = LabelPattern(head.strip(), tuple(parts))
    for kind in EVENT_TYPES:
        if kind not in found:
            raise datafiles.DataFileError(
                datafiles.data_path(name),
                f"no label pattern for the event type {kind!r}",
                fix="add a line for it",
            )
    return found


def enumerate_names(names: Sequence[str]) -> str:
    """ "A", "A and B", "A, B and C"."""
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def compose(
    kind: str,
    sort: str,
    arguments: Sequence[EventArgument],
    names: Mapping[str, str],
    place: str | None = None,
    date: str | None = None,
) -> str:
    """The label of an event of type ``kind`` (``sort`` picks the pattern of an "other"
    event) from its arguments, place and date; ``names`` maps entity keys to labels.

    >>> from newskg.extraction.model import EventArgument as A
    >>> compose("attack", "", [A("h", "agent"), A("i", "target")],
    ...         {"h": "Hamas", "i": "Israel", "g": "Gaza"}, "g", "2023-10-07")
    'Attack by Hamas on Israel in Gaza, 2023-10-07'
    """
    table = patterns()
    pattern = table.get(f"{kind}:{sort}") or table[kind]
    text = pattern.head
    for part, role in pattern.parts:
        who = [names.get(a.entity, a.entity) for a in arguments if a.role == role]
        if who:
            text += part.replace("{" + role + "}", enumerate_names(who))
    if place and not any(a.entity == place for a in arguments):
        # (a place already named as a party: "Election involving Ostland", not "... in Ostland")
        text += f" in {names.get(place, place)}"
    if date:
        text += f", {date}"
    return text
