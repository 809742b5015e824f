"""Step 3 of :func:`newskg.extraction.entities.resolve`: the kind of each mention.

Kinds are voted per name over the article; a token equal to the surname of a full person
name is that person whatever spaCy tagged it (the small model often calls surnames GPE/ORG);
a place-named side with a team cue (``team_cues.txt``) is an organization.
"""

from __future__ import annotations

import itertools
import re
from collections import Counter, defaultdict

from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import KIND_OF_LABEL, Mention
from newskg.extraction.names import (
    head_word,
    name_rules,
    occupation_before,
    org_noun_before,
    place_heads,
    settlement_nouns,
)
from newskg.extraction.nlp import Para
from newskg.text import fold

# --- 3. kinds ------------------------------------------------------------------------------


def vote_kinds(mentions: list[Mention], paras: list[Para]) -> None:
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for m in mentions:
        if m.gaz is not None:
            votes[fold(m.text)]["gaz:" + m.gaz.kind] += 100
        elif m.label == "NORP":
            votes[fold(m.text)]["norp"] += 1
        else:
            votes[fold(m.text)][KIND_OF_LABEL[m.label]] += 1
    # Groups named with "the" that spaCy called persons ("the Rangers") are organizations.
    for m in mentions:
        doc = paras[m.para].doc
        if (
            m.label == "PERSON"
            and len(m.words) == 1
            and m.text.endswith("s")
            and m.start > 0
            and doc[m.start - 1].lower_ == "the"
        ):
            votes[fold(m.text)]["organization"] += 3
    # "news agency Sana", "localist group Civic Passion": the organization a noun announces.
    for m in mentions:
        if m.gaz is None and m.label == "PERSON" and org_noun_before(paras[m.para].doc, m.start):
            votes[fold(m.text)]["organization"] += 100
    # "fashion designer Halston", "athletes Vitas Gerulaitis": the person an occupation names.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and occupation_before(paras[m.para].doc, m.start):
            votes[fold(m.text)]["actor"] += 100
    # Names with a human cue (title before, role apposition, "and other officials") are persons.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and _human_cue(m, paras[m.para]):
            votes[fold(m.text)]["actor"] += 100
    # A name whose head says what it is: "Fisht Stadium" a place, "Saudi Gazette" or
    # "Municipality of Livorno" an organization (``place_heads.txt``, ``org_heads.txt``).
    org_heads, places = lexicon().org_heads, place_heads()
    for m in mentions:
        if m.gaz is None and len(m.words) > 1:
            head_name = head_word(m.words)
            if head_name in places:
                votes[fold(m.text)]["place"] += 3
            elif head_name in org_heads:
                votes[fold(m.text)]["organization"] += 3
    # A full name in a list of persons is a person ("Chuck Close, Walker Evans, Robert ...").
    persons = {(m.para, m.end - 1) for m in mentions if m.label == "PERSON" and len(m.words) > 1}
    for m in mentions:
        if m.gaz is None and m.label in {"ORG", "GPE"} and _in_person_list(m, paras, persons):
            votes[fold(m.text)]["actor"] += 3
    # "the village of X", "X, an area outside Y": a place (``settlement_nouns.txt``).
    for m in mentions:
        if m.gaz is None and m.label != "GPE" and _settlement_cue(m, paras[m.para]):
            votes[fold(m.text)]["place"] += 100
    # "Evansville, Indiana", "Livorno, Tuscany": a name and the region that locates it.
    for m, region in _located(mentions, paras):
        votes[fold(m.text)]["place"] += 3
        votes[fold(region.text)]["place"] += 3
    # A lone "person" word as the object of a locative preposition is a place ("in Marivan").
    for m in mentions:
        doc = paras[m.para].doc
        head = doc[m.end - 1]
        if (
            m.label == "PERSON"
            and len(m.words) == 1
            and head.dep_ == "pobj"
            and head.head.lower_ in {"in", "near", "across", "outside", "inside"}
        ):
            votes[fold(m.text)]["place"] += 2
    # A place-named side in a sports sentence is a team: an organization. A country of the
    # gazetteer with such a cue is its national team all through the article ("Sweden
    # defeated South Korea 1 - 0"): the team, not the country, so not the country's entry.
    teams = set()
    for m in mentions:
        placed = m.gaz is None or m.gaz.kind == "place"
        if placed and m.label in {"GPE", "LOC", "FAC", "GAZ"} and _team_cue(m, paras[m.para]):
            teams.add(fold(m.text))
    for m in mentions:
        if fold(m.text) in teams and (m.gaz is None or m.gaz.kind == "place"):
            m.gaz = None
            votes[fold(m.text)] = Counter({"organization": 100})
    # Full person names decide their surnames and partial names.
    full_names = {
        m.words for m in mentions if len(m.words) > 1 and _best(votes[fold(m.text)]) == "actor"
    }
    short = {name_rules().without_suffix(f) for f in full_names}  # "Keating" of "... IV"
    endings = {f[k:] for f in short for k in range(1, len(f))}
    for m in mentions:
        if m.gaz is None and m.words in endings:
            votes[fold(m.text)]["actor"] += 100
    # ... even where the surname is also a place of the gazetteer: "Paris" after "Valeska
    # Paris" is she, not the city (a one-word surname only, never a longer place name).
    surnames = {f[-1:] for f in short}
    for m in mentions:
        if m.gaz is not None and m.gaz.kind == "place" and m.words in surnames:
            m.gaz = None
            votes[fold(m.text)] = Counter({"actor": 100})
    for m in mentions:
        best = _best(votes[fold(m.text)])
        if m.gaz is not None:
            best = m.gaz.kind
        m.kind = best


def _in_person_list(m: Mention, paras: list[Para], persons: set[tuple[int, int]]) -> bool:
    """Two or three capitalised words coordinated with at least two full person names and
    nothing else: the list names people (the small model tags some of them ORG)."""
    if not 2 <= len(m.words) <= 3 or not all(w[:1].isupper() and not w.isupper() for w in m.words):
        return False
    doc = paras[m.para].doc
    head = doc[m.end - 1]
    top = head.head if head.dep_ == "conj" else head
    members = [top, *(t for t in top.subtree if t.dep_ == "conj" and t.head.i >= top.i)]
    others = [t for t in members if t.i != head.i]
    named = sum((m.para, t.i) in persons for t in others)
    return named >= 2 and named == len(others)


def _placed(m: Mention) -> bool:
    return m.label == "GPE" or (m.gaz is not None and m.gaz.kind == "place")


def _located(mentions: list[Mention], paras: list[Para]) -> list[tuple[Mention, Mention]]:
    """Pairs "<name>, <place>" (the place tagged GPE or a gazetteer place) that close a
    phrase ("in Evansville, Indiana, is ...", "in Clearwater, Florida until ..."), not a
    list ("Sweden, Belgium, England") nor "In Group G, Belgium won"."""
    by_start = {(m.para, m.start): m for m in mentions}
    pairs = []
    for m in mentions:
        doc = paras[m.para].doc
        if m.end + 1 >= len(doc) or doc[m.end].text != ",":
            continue
        region = by_start.get((m.para, m.end + 1))
        # a one-word region the tagger called a person ("Livorno, Tuscany"), never a full
        # name ("the Minister for Central Asia, Tobias Ellwood, visited")
        if region is None:
            continue
        loose = _placed(m) and region.label != "ORG" and len(region.words) == 1
        if not (_placed(region) or loose):
            continue
        nxt = doc[region.end] if region.end < len(doc) else None
        if m.start > 0 and doc[m.start - 1].text == ",":
            continue  # inside a list
        if nxt is None or nxt.text in {",", ".", ";", ")"} or nxt.pos_ in {"ADP", "SCONJ"}:
            if (
                nxt is not None
                and nxt.text == ","
                and region.end + 1 < len(doc)
                and doc[region.end + 1].pos_ == "PROPN"
            ):
                continue  # "Sweden, Belgium, England": a list
            pairs.append((m, region))
    return pairs


def _settlement_cue(m: Mention, para: Para) -> bool:
    """ "the town of <m>", "the vicinity of <m>" or "<m>, a|an <settlement noun>"."""
    nouns = settlement_nouns()
    doc = para.doc
    if m.start >= 2 and doc[m.start - 1].lower_ == "of" and doc[m.start - 2].lower_ in nouns:
        return True
    after = [t.lower_ for t in doc[m.end : m.end + 3]]
    return len(after) == 3 and after[0] == "," and after[1] in {"a", "an"} and after[2] in nouns


_SCORE = re.compile(r"\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b")


def _team_cue(m: Mention, para: Para) -> bool:
    """ "Dalton City manager X", "beat Dalton City 2-1", "a 2-1 defeat to Lyon", "joined the
    club from Porto": the words of ``team_cues.txt`` around a place-named mention."""
    cues = lexicon().team_cues
    doc = para.doc
    head = doc[m.end - 1]
    if (
        m.end < len(doc)
        and doc[m.end].lower_ in cues.get("role", ())
        and (head.head == doc[m.end] or head.dep_ == "compound")
    ):
        return True
    gov = head.head
    if (
        head.dep_ == "pobj"
        and gov.lower_ == "from"
        and (gov.head.lemma_.lower() in cues.get("transfer", ()))
    ):
        return True
    if not _SCORE.search(head.sent.text):
        return False
    contests = cues.get("contest", ())
    if head.dep_ in {"nsubj", "dobj"} and gov.lemma_.lower() in contests:
        return True
    return (
        head.dep_ == "pobj"
        and gov.lower_ in {"to", "against", "over", "with"}
        and gov.head.lemma_.lower() in contests
    )


def _human_cue(m: Mention, para: Para) -> bool:
    lex = lexicon()
    doc = para.doc
    before = [t.text for t in doc[max(0, m.start - 3) : m.start]]
    for n in range(len(before), 0, -1):
        if lex.is_title(before[-n:]) and before[-n][:1].isupper():
            return True
    # "the farms' owner, Jamal Alzoubi": a role and a comma before the name.
    if m.start >= 2 and doc[m.start - 1].text == "," and lex.role_at([doc[m.start - 2].lower_]):
        return True
    after = [t for t in doc[m.end : m.end + 8] if not t.is_space]
    words = [t.text.lower() for t in after]
    if words[:1] == [","]:
        rest = words[1:]
        if rest[:1] and rest[0] in {"a", "an", "the"}:
            rest = rest[1:]
        if rest[:1] and not lex.role_at(rest) and lex.role_at(rest[1:]):
            rest = rest[1:]  # "the Special Advisor to ...": one modifier before the role
        preps = {"of", "at", "for", "with", "to"}
        if lex.role_at(rest) and (
            len(rest) > 1 and rest[1] in preps or len(rest) > 2 and rest[2] in preps
        ):
            return True
        # A longer or double role: "K.C. Maurer, chief financial officer and treasurer at".
        clause = list(itertools.takewhile(lambda w: w not in {",", ".", ";"}, rest[1:6]))
        if lex.role_at(rest) and "and" in clause and preps & set(clause):
            return True
    if words[:2] == ["and", "other"]:
        for t in after[2:6]:
            if t.pos_ == "NOUN":
                return bool(lex.role_at([t.lemma_.lower()]))
    return False


def _best(counter: Counter[str]) -> str | None:
    if not counter:
        return None
    for kind, _ in counter.most_common():
        if kind.startswith("gaz:"):
            return kind[4:]
    top = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
    for kind, _ in top:
        if kind == "norp":
            continue
        return kind
    return None  # only ever a demonym / nationality: not an entity
