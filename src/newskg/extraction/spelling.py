"""Persons one article spells two ways ("Kathryn Waters" ... "Water said", "K.C. Maurer" ...
"said Mauer", "Kristin Wilkins" ... "Kristen Wilkins"): news copy has typos, and each
variant would otherwise be a person of its own. Run on the groups of
:func:`newskg.extraction.grouping.group`, before labels and keys are chosen.

A variant joins a person when it is one edit away from that person's name (two for long
words), starts with the same letter, and no other person of the article is as close: short
names ("Chan", "Chen") are never joined, they are too often two people. An organization's
name joins another of the article only when one word has two adjacent letters swapped
("Untied Nations" for "United Nations").
"""

from __future__ import annotations

from collections.abc import Callable

from newskg.extraction.mentions import Mention

MIN_LENGTH = 5  # shorter words: "Wong"/"Wang", "Chan"/"Chen" are different people
LONG = 8  # from this length on, two edits are still a typo ("Lindquist"/"Lindqvist")


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of ``a`` and ``b``, or ``limit + 1`` once it exceeds ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]


def _typo(a: str, b: str, limit: int = 0) -> bool:
    """``a`` and ``b`` differ, by a typo's worth (at most ``limit`` edits, by default one, or
    two for long words), and share the first letter."""
    if a == b or a[:1] != b[:1] or min(len(a), len(b)) < MIN_LENGTH:
        return False
    limit = limit or (2 if min(len(a), len(b)) >= LONG else 1)
    return _distance(a.lower(), b.lower(), limit) <= limit


def _names(cluster: list[Mention]) -> set[tuple[str, ...]]:
    return {m.words for m in cluster}


def _variant_of(small: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``small`` ("Water", "Kristen Wilkins") is a misspelling of ``full`` ("Kathryn
    Waters", "Kristin Wilkins"): a misspelt surname alone, or the same number of words
    with exactly one word misspelt and the others equal."""
    if len(small) == 1 and len(full) > 1:
        return _typo(small[0], full[-1])
    if len(small) != len(full) or len(small) < 2:
        return False
    diff = [(a, b) for a, b in zip(small, full, strict=True) if a != b]
    # One edit only here: "Wong Kwok-hing" and "Wong Kwok-kin" are two people.
    return len(diff) == 1 and _typo(*diff[0], limit=1)


def _transposed(a: str, b: str) -> bool:
    """``a`` is ``b`` with two adjacent letters swapped ("Untied" for "United")."""
    if len(a) != len(b) or len(a) < MIN_LENGTH or a[:1] != b[:1]:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    i, j = diff if len(diff) == 2 else (0, 0)
    return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]


def _org_variant_of(small: tuple[str, ...], full: tuple[str, ...]) -> bool:
    """``small`` ("Untied Nations") is ``full`` ("United Nations") with two letters of one
    word swapped, a typo; organizations' names differ by one word otherwise ("Labour
    Party", "Labor Party") too often to join on any one edit."""
    if len(small) != len(full) or len(small) < 2:
        return False
    diff = [(a, b) for a, b in zip(small, full, strict=True) if a != b]
    return len(diff) == 1 and _transposed(*diff[0])


def join_variants(clusters: list[list[Mention]]) -> list[list[Mention]]:
    """``clusters`` with each misspelt person (or organization) joined to the one person
    (organization) it misspells."""
    joined: dict[int, list[Mention]] = {}
    for kind, variant_of in (("actor", _variant_of), ("organization", _org_variant_of)):
        _join_kind([c for c in clusters if c and c[0].kind == kind], variant_of, joined)
    out = []
    for c in clusters:
        target = joined.get(id(c))
        if target is not None:
            target.extend(c)
        else:
            out.append(c)
    return out


def _join_kind(
    groups: list[list[Mention]],
    variant_of: Callable[[tuple[str, ...], tuple[str, ...]], bool],
    joined: dict[int, list[Mention]],
) -> None:
    """Record in ``joined`` each group of ``groups`` that misspells exactly one other."""
    longest = {id(c): max(_names(c), key=len) for c in groups}
    for small in groups:
        name = longest[id(small)]
        targets = [
            big
            for big in groups
            if big is not small
            and len(longest[id(big)]) >= len(name)
            and not _names(small) & _names(big)
            and variant_of(name, longest[id(big)])
        ]
        if len(targets) == 1 and id(targets[0]) not in joined and len(small) <= len(targets[0]):
            joined[id(small)] = targets[0]
