"""Step 5 of :func:`newskg.extraction.entities.resolve`: which mentions name one entity.

Surname-only and partial names join the unique full name that ends with them (ambiguous
surnames go to the candidate whose sentence shares the "of X" context, else the nearest one
before), gazetteer aliases join, abbreviations join their expansion ("X, or ABBR",
"X (ABBR)", initials), organizations fold plurals and a leading demonym.
"""

from __future__ import annotations

import re
from collections import defaultdict
from functools import lru_cache

from newskg.extraction import datafiles
from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention, _text
from newskg.extraction.names import (
    head_word,
    lower_words,
    name_rules,
    place_heads,
    portfolio_in_title,
)
from newskg.extraction.nlp import Para
from newskg.extraction.span_shapes import capital_by_position, capitals_inside
from newskg.text import fold

#: Prepositions after which a word of an organization's name names where it is, not what it
#: is ("University of Southern Indiana", "Municipality of Livorno", "UNC at Greensboro").
_LOCATING = {"of", "at", "in", "for"}
EVENT_HEAD_COLUMNS = ("head", "reason", "confidence")
#: Words no name ends with: a tagged "organization" ending so is a span cut mid-name.
_COMPANY_FORMS = {"inc", "ltd", "llc", "co", "plc", "corp", "sa", "ag", "gmbh"}
_DANGLING = {"of", "for", "and", "the", "at", "in", "on", "to", "&", "-"}

# --- 5. grouping ---------------------------------------------------------------------------


def _org_core(words: tuple[str, ...]) -> tuple[str, ...]:
    # "New People's Party" and "New People Party" are one name written two ways.
    low = tuple(re.sub(r"['\u2019]s?$", "", w.lower()) for w in words)
    if low and len(low[-1]) > 3 and low[-1].endswith("s") and not low[-1].endswith("ss"):
        low = (*low[:-1], low[-1][:-1])
    return low


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
    orgs = {m.words for m in mentions if m.kind == "organization" and len(m.words) > 1}
    people = {m.words[-1] for m in mentions if m.kind == "actor" and len(m.words) > 1}
    for m in mentions:
        if len(m.words) != 1 or m.gaz is not None or m.kind not in {"actor", "place"}:
            continue
        word = m.words[0]
        if word in people:
            continue
        # A place that closes "<head> of <place>" is the place the body is of: "Livorno" of
        # "Municipality of Livorno" stays the town.
        owners = {
            o
            for o in orgs
            if word == o[0] or word == o[-1] and not (m.kind == "place" and _LOCATING & set(o[:-1]))
        }
        if len(owners) == 1:
            m.kind = "organization"


@lru_cache(maxsize=1)
def time_zones() -> frozenset[str]:
    """Time-zone abbreviations (``time_zones.txt``): "GMT" is no organization."""
    return frozenset(datafiles.words("time_zones.txt"))


@lru_cache(maxsize=1)
def event_heads() -> frozenset[str]:
    """Last words of events and works the tagger calls organizations (``event_heads.tsv``)."""
    found = set()
    for row in datafiles.rows("event_heads.tsv", EVENT_HEAD_COLUMNS):
        row.confidence(row.cells[2])  # checked: a malformed table fails loudly
        found.add(row.cells[0].strip().lower())
    return frozenset(found)


def _not_an_organization(m: Mention) -> bool:
    """A time zone ("GMT"), an organization-kind name whose last word names an event or a
    work ("European Indoor Championships"), a span cut mid-name ("Centre for") or a lone
    nationality ("Pakistanis"): no entity."""
    if m.gaz is not None:
        return False
    if m.text in time_zones():
        return True
    if m.kind == "organization" and m.words[-1] in _DANGLING:
        return True  # a span cut mid-name: "Whitbread Novel of", "La Traviata and"
    if m.kind == "organization" and len(m.words) == 1:
        # A nationality is people, not a body: "Kazakh", "the Pakistanis".
        demonyms = lexicon().demonyms
        low = m.words[0].lower()
        if (low,) in demonyms or low.endswith("s") and (low[:-1],) in demonyms:
            return True
    return m.kind == "organization" and len(m.words) > 1 and m.words[-1].lower() in event_heads()


def _glued_list(m: Mention, mentions: list[Mention]) -> bool:
    """An "organization" that is a list the tagger glued together: names around a comma
    ("Scholes, Djemba-Djemba", "Hellboy, Resident Evil"; not "Acme, Inc." nor "University of
    California, Berkeley"), or around "and"
    where one side is a person the article names ("Petrov and Juninho")."""
    if m.kind != "organization" or m.gaz is not None:
        return False
    words = m.words
    if "," in m.text:
        before, after = (part.split() for part in m.text.split(",", 1))
        if before and head_word(tuple(before)) in lexicon().org_heads:
            return False  # "University of California, Berkeley"
        return not (after and after[0].rstrip(".").lower() in _COMPANY_FORMS)
    if "and" not in words[1:-1]:
        return False
    cut = words.index("and", 1)
    people = {part for a in mentions if a.kind == "actor" for part in (a.words, a.words[-1:])}
    return words[:cut] in people or words[cut + 1 :] in people


def _extend_left(mentions: list[Mention], paras: list[Para]) -> None:
    """An organization's name the tagger cut short on the left takes back the capitalised
    proper nouns that modify it and no other mention holds ("Baker Street" of "Baker Street
    Society of Canada" when only "Society of Canada" was tagged), if its head is an
    organization's; never a title or role word ("President", "Envoy").
    In place."""
    lex = lexicon()
    covered = {(m.para, i) for m in mentions for i in range(m.start, m.end)}
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None or m.label != "ORG":
            continue
        if head_word(m.words) not in lex.org_heads:
            continue  # only a name whose head says it is a body ("Society of Canada")
        doc = paras[m.para].doc
        start = m.start
        while start > 0 and (m.para, start - 1) not in covered:
            before = doc[start - 1]
            if not (
                before.pos_ == "PROPN"
                and before.dep_ == "compound"
                and before.text[:1].isupper()
                and start <= before.head.i < m.end
                and not lex.is_title([before.text])
                and not lex.role_at([before.lower_])  # "Envoy", "Chairman"
            ):
                break
            start -= 1
        if start < m.start:
            covered.update((m.para, i) for i in range(start, m.start))
            m.span, m.text = _text(paras[m.para], start, m.end)
            m.start = start


def _split_located_orgs(mentions: list[Mention], paras: list[Para]) -> None:
    """One tagged name that is two, split in place:

    * "<organization> at <organization>", each side with its own head ("the Harlow Museum of
      Art at Westfield University"): the museum and the university;
    * "<First Last> for <organization>" ("Jane Roe for Food Safety Canada,
      says"): a person speaking for a body. The left side is two or three capitalised words
      with no organizational or place head and no nationality, so "Institute for Fiscal
      Studies", "Physicians for Human Rights" or "Australian Centre for ..." stay whole.
    """
    heads = lexicon().org_heads
    split: list[Mention] = []
    for m in mentions:
        if m.kind != "organization" or m.gaz is not None:
            continue
        doc = paras[m.para].doc
        cut = next((t.i for t in doc[m.start + 1 : m.end - 1] if t.lower_ in {"at", "for"}), None)
        if cut is None:
            continue
        left = tuple(t.text for t in doc[m.start : cut])
        right = tuple(t.text for t in doc[cut + 1 : m.end])
        if doc[cut].lower_ == "at":
            if head_word(left) not in heads or head_word(right) not in heads:
                continue
            left_kind = "organization"
        else:
            person_like = (
                2 <= len(left) <= 3
                and all(w[:1].isupper() for w in left)
                and not lexicon().demonym_length(left)  # "Australian Centre for ..."
                and not set(left) & (heads | place_heads())
            )
            if not person_like or len(right) < 2:
                continue
            left_kind = "actor"
        span, text = _text(paras[m.para], cut + 1, m.end)
        split.append(Mention(m.para, cut + 1, m.end, span, text, m.label, kind="organization"))
        m.span, m.text = _text(paras[m.para], m.start, cut)
        m.end, m.kind = cut, left_kind
    mentions.extend(split)


def group(mentions: list[Mention], paras: list[Para], text: str) -> list[list[Mention]]:
    """Clusters of the mentions that name one entity. ``mentions`` is cleaned in place first:
    time zones, events, lists, a title's portfolio ("Minister of Education") and common
    words capitalised at a sentence start tagged as organizations dropped, "<organization>
    at <organization>" split in two."""
    mentions[:] = [m for m in mentions if not _not_an_organization(m)]
    lower, inside = lower_words([p.doc for p in paras]), capitals_inside(paras)
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
    _extend_left(mentions, paras)
    _short_org_names(mentions)
    org_heads = lexicon().org_heads
    groups = _Groups()
    for i in range(len(mentions)):
        groups.find(i)
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, m in enumerate(mentions):
        by_kind[m.kind or ""].append(i)

    # Same gazetteer entry, or same folded name.
    first: dict[tuple[str, str], int] = {}
    for i, m in enumerate(mentions):
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
            if len(m.words) == 1 and kind == "organization":
                ends = {
                    groups.find(cores[c]) for c in cores if len(c) > 1 and core[-1] in (c[-1], c[0])
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
