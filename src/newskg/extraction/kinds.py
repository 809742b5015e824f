"""Step 3 of :func:`newskg.extraction.entities.resolve`: the kind of each mention.

Kinds are voted per name over the article; a token equal to the surname of a full person
name is that person whatever spaCy tagged it (the small model often calls surnames GPE/ORG);
a place-named side with a team cue (``team_cues.txt``) is an organization.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import KIND_OF_LABEL, Mention
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
    # Names with a human cue (title before, role apposition, "and other officials") are persons.
    for m in mentions:
        if m.gaz is None and m.label != "PERSON" and _human_cue(m, paras[m.para]):
            votes[fold(m.text)]["actor"] += 100
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
    # A place-named side in a sports sentence is a team (not a country, not in the gazetteer).
    for m in mentions:
        if m.gaz is None and m.label in {"GPE", "LOC", "FAC"} and _team_cue(m, paras[m.para]):
            votes[fold(m.text)]["organization"] += 100
    # Full person names decide their surnames and partial names.
    full_names = {
        m.words for m in mentions if len(m.words) > 1 and _best(votes[fold(m.text)]) == "actor"
    }
    endings = {f[k:] for f in full_names for k in range(1, len(f))}
    for m in mentions:
        if m.gaz is None and m.words in endings:
            votes[fold(m.text)]["actor"] += 100
    for m in mentions:
        best = _best(votes[fold(m.text)])
        if m.gaz is not None:
            best = m.gaz.kind
        m.kind = best


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
    after = [t for t in doc[m.end : m.end + 8] if not t.is_space]
    words = [t.text.lower() for t in after]
    if words[:1] == [","]:
        rest = words[1:]
        if rest[:1] and rest[0] in {"a", "an", "the"}:
            rest = rest[1:]
        if lex.role_at(rest) and (
            len(rest) > 1
            and rest[1] in {"of", "at", "for", "with"}
            or len(rest) > 2
            and rest[2] in {"of", "at", "for", "with"}
        ):
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
