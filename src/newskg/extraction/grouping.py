"""Step 5 of :func:`newskg.extraction.entities.resolve`: which mentions name one entity.

Surname-only and partial names join the unique full name that ends with them (ambiguous
surnames go to the candidate whose sentence shares the "of X" context, else the nearest one
before), gazetteer aliases join, abbreviations join their expansion ("X, or ABBR",
"X (ABBR)", initials), organizations fold plurals and a leading demonym. Organization
mentions are cleaned first (time zones, events, glued lists, cut spans:
:mod:`newskg.extraction.org_spans`).
"""

from __future__ import annotations

import re
from collections import defaultdict

from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention
from newskg.extraction.names import (
    lower_words,
    name_rules,
    portfolio_in_title,
)
from newskg.extraction.nlp import Para
from newskg.extraction.org_spans import (
    _extend_left,
    _extend_right,
    _glued_list,
    _not_an_organization,
    _split_kind_list,
    _split_located_orgs,
)
from newskg.extraction.span_shapes import capital_by_position, capitals_inside
from newskg.text import fold

#: Prepositions after which a word of an organization's name names where it is, not what it
#: is ("University of Southern Indiana", "Municipality of Livorno", "UNC at Greensboro").
_LOCATING = {"of", "at", "in", "for"}


# --- 5. grouping ---------------------------------------------------------------------------


def _org_core(words: tuple[str, ...]) -> tuple[str, ...]:
    """A name as organizations are compared: lower case, possessives dropped ("New People's
    Party" and "New People Party" are one name written two ways) and the plural of the last
    word and of the word before "of" folded (so "Harbour Guards" is inside "Harbour Guards
    of Kent", and "Lords" ends "House of Lords").

    >>> _org_core(("Harbour", "Guards", "of", "Kent")), _org_core(("House", "of", "Lords"))
    (('harbour', 'guard', 'of', 'kent'), ('house', 'of', 'lord'))
    """
    low = [re.sub(r"['\u2019]s?$", "", w.lower()) for w in words]
    last = len(low) - 1
    for at in {last, low.index("of", 1) - 1 if "of" in low[1:] else last}:  # once each
        if low and len(low[at]) > 3 and low[at].endswith("s") and not low[at].endswith("ss"):
            low[at] = low[at][:-1]
    return tuple(low)


def _initials(words: tuple[str, ...]) -> str:
    return "".join(w[0] for w in words if w[:1].isupper())


def is_abbrev(text: str) -> bool:
    bare = text.replace(".", "")
    return 2 <= len(bare) <= 6 and bare.isupper() and bare.isalpha()


class _Groups:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _sentence_text(paras: list[Para], m: Mention) -> str:
    return paras[m.para].doc[m.start].sent.text


def _short_org_names(mentions: list[Mention]) -> None:
    """A one-word name (not in the gazetteer) that is the first or last word of exactly one
    longer organization name of the article, and the surname of no person named in full, is
    that organization ("Rovers" after "Harbor Rovers", "Brightline" after "Brightline
    Systems"), whatever kind the tagger gave it."""
    # Folded: "Acme Party" and "Acme party" are one name written two ways.
    orgs = {
        tuple(fold(w) for w in m.words)
        for m in mentions
        if m.kind == "organization" and len(m.words) > 1
    }
    people = {m.words[-1] for m in mentions if m.kind == "actor" and len(m.words) > 1}
    for m in mentions:
        if len(m.words) != 1 or m.gaz is not None or m.kind not in {"actor", "place"}:
            continue
        if m.words[0] in people:
            continue
        word = fold(m.words[0])
        # A place that closes "<head> of <place>" is the place the body is of: "Livorno" of
        # "Municipality of Livorno" stays the town; so does one that opens a longer name of
        # a kind of body ("Dunmore" of "Dunmore Traders Association").
        place = m.kind == "place"
        owners = {
            o
            for o in orgs
            if word == o[0]
            and not (place and len(o) > 2)
            or word == o[-1]
            and not (place and _LOCATING & set(o[:-1]))
        }
        if len(owners) == 1:
            m.kind = "organization"


def group(mentions: list[Mention], paras: list[Para], text: str) -> list[list[Mention]]:
    """Clusters of the mentions that name one entity. ``mentions`` is cleaned in place first:
    time zones, events, lists, a title's portfolio ("Minister of Education") and common
    words capitalised at a sentence start tagged as organizations dropped, "<organization>
    at <organization>" and "<plural kind> <A> and <B>" split in two."""
    mentions[:] = [m for m in mentions if not _not_an_organization(m)]
    lower, inside = lower_words(paras), capitals_inside(paras)
    mentions[:] = [  # "Minister of Education", "Budget airline X": no body's name
        m
        for m in mentions
        if m.kind != "organization"
        or m.gaz is not None
        or not (
            portfolio_in_title(paras[m.para].doc, m.start, m.end, lexicon())
            or capital_by_position(paras[m.para], m.start, m.end, lower, inside)
        )
    ]
    mentions[:] = [m for m in mentions if not _glued_list(m, mentions)]
    _split_located_orgs(mentions, paras)
    _split_kind_list(mentions, paras)
    _extend_left(mentions, paras)
    _extend_right(mentions, paras)
    _short_org_names(mentions)
    org_heads = lexicon().org_heads
    groups = _Groups()
    for i in range(len(mentions)):
        groups.find(i)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_kind[m.kind or ""].append(i)

    # Same gazetteer entry, or same folded name; not a surname two persons named in full
    # share ("Ahmed Mohamed" and his father "Omar Mohamed"): each "Mohamed" goes to one of
    # them below, and joining them all first would make the two persons one.
    fulls: dict[str, set[tuple[str, ...]]] = defaultdict(set)
    for m in mentions:
        if m.kind == "actor" and len(m.words) > 1:
            fulls[m.words[-1]].add(m.words)
    shared = {w for w, names in fulls.items() if len(names) > 1}
    first: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
        if m.gaz is None and m.kind == "actor" and m.words[-1:] == m.words and m.text in shared:
            continue
        ident = ("gaz", m.gaz.key) if m.gaz else (m.kind or "", fold(m.text))
        if ident in first:
            groups.union(first[ident], i)
        else:
            first[ident] = i
        if m.gaz:
            same = first.get((m.kind or "", fold(m.text)))
            if same is not None:
                groups.union(same, i)

    # Actors: partial names join the full name that ends with them.
    actors = by_kind.get("actor", [])
    ending: dict[tuple[str, ...], list[int]] = defaultdict(list)  # last words -> longer names
    rules = name_rules()
    for j in actors:
        words = rules.without_suffix(mentions[j].words)  # "Whitlock" of "... Whitlock IV"
        for k in range(1, len(words)):
            ending[words[k:]].append(j)
    for i in actors:
        m = mentions[i]
        longer = ending.get(m.words, [])
        roots = sorted({groups.find(j) for j in longer})
        if len(roots) == 1:
            groups.union(roots[0], i)
        elif len(roots) > 1:
            groups.union(_disambiguate(m, [j for j in longer], mentions, paras, groups), i)
    # A given name used alone ("Tom" after "Tom Vail") is the one person named in full
    # with it, when no full name ends with it and no other full name starts with it.
    starting: dict[str, set[int]] = defaultdict(set)
    for j in actors:
        if len(mentions[j].words) > 1:
            starting[mentions[j].words[0]].add(groups.find(j))
    for i in actors:
        m = mentions[i]
        if len(m.words) == 1 and m.gaz is None and not ending.get(m.words):
            owners = {groups.find(j) for j in starting.get(m.words[0], set())}
            if len(owners) == 1:
                groups.union(owners.pop(), i)

    # Organizations and places.
    for kind in ("organization", "place"):
        idx = by_kind.get(kind, [])
        cores: dict[tuple[str, ...], int] = {}
        for i in idx:
            core = (
                _org_core(mentions[i].words)
                if kind == "organization"
                else tuple(w.lower() for w in mentions[i].words)
            )
            if core in cores:
                groups.union(cores[core], i)
            else:
                cores[core] = i
        for i in idx:
            m = mentions[i]
            core = _org_core(m.words)
            # Leading adjective/demonym: "Ruritanian Workers Party" ~ "Workers Party".
            if len(m.words) > 2 and kind == "organization":
                doc = paras[m.para].doc
                if doc[m.start].pos_ in {"ADJ", "PROPN"} and core[1:] in cores:
                    groups.union(cores[core[1:]], i)
                    m.prefixed = True
            # A name of two words or more inside exactly one longer name: "Home Office" of
            # "United Kingdom Home Office", "Supreme Court" of "Italian Supreme Court of ...".
            # Not when the longer name goes on to another head: "University of Denton Chess
            # Club Association" is another organization.
            if len(m.words) > 1 and kind == "organization":
                n = len(core)
                holders = {
                    groups.find(j)
                    for c, j in cores.items()
                    if len(c) > n
                    and any(
                        c[k : k + n] == core and not set(mentions[j].words[k + n :]) & org_heads
                        for k in range(len(c) - n + 1)
                    )
                }
                if len(holders) == 1:
                    groups.union(holders.pop(), i)
            # A single word that ends (or starts) exactly one longer name of the same kind.
            # Not an abbreviation before another body's head: it names the body the longer
            # name's body belongs to ("the ITSF" and "the ITSF Council").
            if len(m.words) == 1 and kind == "organization":
                whole = is_abbrev(m.text)
                ends = {
                    groups.find(j)
                    for c, j in cores.items()
                    if len(c) > 1
                    and (
                        core[-1] == c[-1]
                        or core[-1] == c[0]
                        and not (whole and set(mentions[j].words[1:]) & org_heads)
                    )
                }
                if len(ends) == 1:
                    groups.union(ends.pop(), i)
        # Abbreviations.
        for i in idx:
            m = mentions[i]
            if not is_abbrev(m.text):
                continue
            bare = m.text.replace(".", "")
            expansions = set()
            for j in idx:
                other = mentions[j]
                if j == i or len(other.words) < 2:
                    continue
                between = text[other.span.end : m.span.begin]
                introduced = re.fullmatch(r"\s*(,\s*or|\(|,\s*known as|,\s*or the)\s*", between)
                if introduced or _initials(other.words) == bare:
                    expansions.add(groups.find(j))
            if len(expansions) == 1:
                groups.union(expansions.pop(), i)
        # Another name of a place in parentheses right after it: "Masjid Al-Noor (Grand
        # Mosque)".
        if kind == "place":
            ordered = sorted(idx, key=lambda k: mentions[k].span)
            for a, b in zip(ordered, ordered[1:], strict=False):
                one, other = mentions[a], mentions[b]
                between = text[one.span.end : other.span.begin]
                after = text[other.span.end : other.span.end + 1]
                if re.fullmatch(r"\s*\(\s*", between) and after == ")":
                    groups.union(a, b)

    clusters: dict[int, list[Mention]] = defaultdict(list)
    for i, m in enumerate(mentions):
        clusters[groups.find(i)].append(m)
    return [sorted(c, key=lambda m: m.span) for _, c in sorted(clusters.items())]


def _disambiguate(
    m: Mention, candidates: list[int], mentions: list[Mention], paras: list[Para], groups: _Groups
) -> int:
    """Pick the full name an ambiguous partial name refers to."""
    doc = paras[m.para].doc
    context = ""
    if m.end + 1 < len(doc) and doc[m.end].lower_ in {"of", "at", "from", "with"}:
        context = doc[m.end + 1].text
        if context.lower() == "the" and m.end + 2 < len(doc):
            context = doc[m.end + 2].text
    if context:
        matching = {
            groups.find(j)
            for j in candidates
            if re.search(r"\b" + re.escape(context) + r"\b", _sentence_text(paras, mentions[j]))
        }
        if len(matching) == 1:
            return matching.pop()
    before = [j for j in candidates if mentions[j].span < m.span]
    pick = (
        max(before, key=lambda j: mentions[j].span)
        if before
        else min(candidates, key=lambda j: mentions[j].span)
    )
    return groups.find(pick)
