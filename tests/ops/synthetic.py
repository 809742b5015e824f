"""Made-up, news-like articles for tests that need many of them (no corpus names).

``article(n)`` is a short local-politics story whose people, council, union and town are
picked by ``n``; stories share people, and a story may name someone only by surname
(``Kovacs said``) whom another names in full, so entities link across articles.
"""

from __future__ import annotations

from pathlib import Path

FIRST = ("Maria", "Tomas", "Ines", "Pavel", "Odile", "Kwame", "Sanna", "Ruben")
LAST = ("Kovacs", "Lindqvist", "Okafor", "Marchetti", "Halvorsen", "Duarte", "Brennan", "Vasko")
TOWNS = ("Port Alden", "Westmarch", "Kellsby", "Drummore", "Ostvik")
UNIONS = ("Harbor Workers Union", "Teachers Guild", "Transit Drivers Association")
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def person(i: int) -> str:
    return f"{FIRST[i % len(FIRST)]} {LAST[(i * 3) % len(LAST)]}"


def article(n: int) -> str:
    """The text of made-up article ``n`` (different for every n)."""
    mayor, speaker = person(n), person(n + 1)
    town, union, day = TOWNS[n % len(TOWNS)], UNIONS[n % len(UNIONS)], DAYS[n % len(DAYS)]
    surname = mayor.split()[1]
    workers = 1000 + 137 * n
    return f"""{town} council delays budget vote as {union} plans protest

March {1 + n % 27}, 2024

By Staff Reporter

{mayor}, the mayor of {town}, said on {day} that the council would vote on the new budget
next week, after members asked for more time to study the figures for item {n}.

"We will not cut the schools, and we will not raise the fares," {mayor} said. "The families
of this town deserve a budget they can trust."

{speaker}, a spokesperson for the {union}, said the union would protest outside the town
hall on Friday.

"Our members have waited long enough for an answer," {speaker} told reporters.

{surname} met leaders of the {union} on {day} evening. The {union} represents about
{workers} workers in {town}.
"""


def write(directory: Path, n: int, name: str | None = None) -> Path:
    """Write article ``n`` as ``directory/<name or story-n>.txt``; returns the path."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name or f'story-{n:03d}'}.txt"
    path.write_text(article(n), encoding="utf-8")
    return path


def follow_up(n: int) -> str:
    """A short follow-up to article ``n`` that names its mayor only by surname."""
    surname, town = person(n).split()[1], TOWNS[n % len(TOWNS)]
    return f"""Budget vote in {town} moves to next month

March 30, 2024

Mayor {surname} said on Monday that the council vote on the budget would move to next month.

"We need more time to get this right, and the town deserves it," {surname} said.
"""
