"""Names that are not entities: a work's title, a ship's, an event's, a people's.

The small model tags such names as organizations, persons or places ("the film Easy Rider"
a person, "the tanker Maris Star" a person, "the Nordic Food Fair took place" an
organization, "the Varani, an ethnic minority" an organization). Each is capitalised like a
body's name; what unmasks it is a word next to it or the verb it is the subject of, so the
rules here read those neighbours only, never a name of an article. A name one of them finds
is no entity wherever the article names it (:func:`newskg.extraction.kinds.vote_kinds` drops
the works, events and peoples; :func:`newskg.extraction.entities.resolve` the ships).

The nouns are data: ``work_nouns.txt``, ``group_nouns.txt`` and the ``vessel`` and
``vessel-noun`` rules of ``name_rules.tsv``.

>>> from newskg.extraction.nlp import get_nlp
>>> sorted(vessel_names([get_nlp()("The tanker Maris Star sank off Malta.")]))
[('Maris', 'Star')]
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from newskg.extraction import datafiles
from newskg.extraction.lexicon import lexicon
from newskg.extraction.names import HYPHENS, group_nouns, name_rules, noun_before
from newskg.text import fold

#: Tokens that close a phrase: a name before one is not the start of a longer phrase.
_CLOSERS = frozenset({",", ".", ";", ":", ")", "!", "?"})
#: Complements of a passive "hold" that say it is not an event's: "held hostage", "held
#: liable", "held back", "held by rebels" (a captive, a liable party, a town taken).
_NOT_STAGED = frozenset({"agent", "acomp", "oprd", "xcomp", "attr", "prt", "dobj", "ccomp"})


# --- titles of works ------------------------------------------------------------------------


def _work_nouns() -> frozenset[str]:
    return datafiles.word_set("work_nouns.txt")


def work_before(doc: Doc, start: int, end: int | None = None) -> bool:
    """A lower-case noun for a work or product right before a name ("the film Easy
    Rider"), or before a comma and a name that closes the phrase ("his latest novel, Salt
    Road."; the name ends at ``end``): the name is a title, not a person or a place
    (``work_nouns.txt``).

    >>> from newskg.extraction.nlp import get_nlp
    >>> doc = get_nlp()("Critics praised her second novel, Salt Road, last year.")
    >>> work_before(doc, 6, 8), work_before(doc, 6)
    (True, False)
    """
    nouns = _work_nouns()
    if noun_before(doc, start, nouns):
        return True
    closed = end is not None and (end == len(doc) or doc[end].text in _CLOSERS)
    return (
        closed and start >= 2 and doc[start - 1].text == "," and noun_before(doc, start - 1, nouns)
    )


def _apposition_head(doc: Doc, end: int) -> Token | None:
    """The head noun of an apposition ", a|an <lower-case words>" right after a name that
    ends at ``end``: the last noun of the lower-case phrase ("company" of "Acme, a software
    company"); never after "the" ("Tom Hale, the film was ...": a new clause, not an
    apposition)."""
    if end + 2 >= len(doc) or doc[end].text != "," or doc[end + 1].lower_ not in {"a", "an"}:
        return None
    head = None
    for tok in doc[end + 2 : end + 7]:
        if tok.text == "-":  # "a film-maker": the noun after the hyphen is the head
            head = None
            continue
        if not tok.text.islower() or tok.pos_ not in {"ADJ", "NOUN"}:
            break
        if tok.pos_ == "NOUN":
            head = tok
    return head


def starred_in(doc: Doc, end: int) -> bool:
    """ "starred in <m>", "starring in <m> and <m>": a title, whatever the tagger said (a film
    or a show is no place one stars in)."""
    head = doc[end - 1]
    while head.dep_ == "conj" and head.head.i < head.i:
        head = head.head
    prep = head.head
    return (
        head.dep_ == "pobj"
        and prep.lower_ == "in"
        and prep.head.pos_ == "VERB"
        and prep.head.lemma_.lower() == "star"
    )


def work_after(doc: Doc, end: int) -> bool:
    """An apposition whose head noun is a work or product right after a name ("Firefox, a
    web browser made by ...", "Rio, an album of covers"): the name is a title; "Acme, a
    software company" is no work (its head is "company")."""
    head = _apposition_head(doc, end)
    return head is not None and head.lower_ in _work_nouns()


# --- peoples --------------------------------------------------------------------------------


def people_after(doc: Doc, end: int) -> bool:
    """An apposition whose head noun is a group of people right after a name ("the Varani,
    an ethnic minority", "the Kessari, a landless minority of farmers from ..."): the
    name is a people, not an organization (``group_nouns.txt``).

    >>> from newskg.extraction.nlp import get_nlp
    >>> people_after(get_nlp()("The Varani, an ethnic minority, fled the town."), 2)
    True
    """
    head = _apposition_head(doc, end)
    return head is not None and head.lower_ in group_nouns()


# --- events ---------------------------------------------------------------------------------


def tagged_events(docs: list[Doc]) -> set[str]:
    """The folded names the tagger calls an EVENT somewhere in the article ("the French
    Open", "the Super Bowl"): a tournament or a show named like a place or a body. The
    small model's EVENT is seldom wrong on a capitalised name of more than one word, where
    its WORK_OF_ART and PRODUCT often are (a band, a club, a firm)."""
    found, heads = set(), lexicon().org_heads
    for doc in docs:
        for ent in doc.ents:
            words = [t.text for t in ent if t.lower_ != "the"]
            if (
                ent.label_ == "EVENT"
                and len(words) > 1
                and all(w[:1].isupper() for w in words)
                and words[-1] not in heads  # "Sydney Morning Herald": a body's head wins
            ):
                found.add(fold(" ".join(words)))
    return found


def _subject_of(doc: Doc, start: int, end: int) -> Token | None:
    """The verb whose subject the name ``doc[start:end]`` is (its root token is nsubj or
    nsubjpass of a verb outside it), else None: "Acme" of "Acme's fair took place" is not."""
    for tok in doc[start:end]:
        if tok.dep_ in {"nsubj", "nsubjpass"} and not start <= tok.head.i < end:
            return tok.head
    return None


def took_place(doc: Doc, start: int, end: int) -> bool:
    """Is the name ``doc[start:end]`` the subject of "take place" ("The Nordic Food Fair
    took place in Oslo")? Only an event takes place; one takes someone's place ("Tom Vail
    takes Ann Roe's place") with a word before "place".

    >>> from newskg.extraction.nlp import get_nlp
    >>> took_place(get_nlp()("The Harbour Expo took place in Oslo."), 1, 3)
    True
    >>> took_place(get_nlp()("Tom Vail takes Ann Roe's place in the team."), 0, 2)  # a person's
    False
    """
    verb = _subject_of(doc, start, end)
    return (
        verb is not None
        and verb.lemma_ == "take"
        and any(
            c.dep_ in {"dobj", "prt"} and c.lower_ == "place" and not any(c.children)
            for c in verb.children
        )
    )


def was_held(doc: Doc, start: int, end: int) -> bool:
    """Is the name ``doc[start:end]`` the subject of a passive "hold" with nothing but
    where, when and how long ("Harbour Forum was held in Oslo on Monday")? That is an event
    staged; "held hostage", "held liable" or "held by rebels" is not (and a person "held
    in custody" is the caller's to keep: :func:`newskg.extraction.kinds.vote_kinds` asks
    this only of names that are not persons). "Acme held talks" is active: not asked.

    >>> from newskg.extraction.nlp import get_nlp
    >>> was_held(get_nlp()("The Harbour Forum was held in Oslo on Monday."), 1, 3)
    True
    >>> was_held(get_nlp()("Acme was held liable for the spill."), 0, 1)  # "liable": no event
    False
    """
    verb = _subject_of(doc, start, end)
    return (
        verb is not None
        and verb.lemma_ == "hold"
        and any(c.dep_ == "auxpass" for c in verb.children)
        and not any(c.dep_ in _NOT_STAGED for c in verb.children)
    )


# --- ships ----------------------------------------------------------------------------------


def _name_run(doc: Doc, start: int, loose: bool) -> int:
    """Where the run of capitalised name words from ``start`` ends. ``loose`` also takes a
    capitalised word the tagger put in an entity but called a common noun ("Seawind")."""
    end = start
    while end < len(doc) and doc[end].is_title:
        tok = doc[end]
        if not (tok.pos_ == "PROPN" or (loose and tok.ent_type_ and tok.is_alpha)):
            break
        end += 1
    return end


def _linked(noun: Token, run: list[Token]) -> bool:
    """Do the vessel noun and the name make one phrase in the parse: the name the noun's
    apposition or head, or both the same part of the same verb ("the tanker Maris Star
    sank")? Not "after boarding the ship Smith said": a new clause's subject."""
    for tok in run:
        if tok.head == noun or noun.head == tok:
            return True
        if tok.head == noun.head and tok.dep_ == noun.dep_ and tok.head not in run:
            return True
    return False


def _after_vessel_noun(doc: Doc, noun: Token, nouns: frozenset[str]) -> tuple[str, ...] | None:
    """The name a lower-case vessel noun announces: right after it ("the cruise ship
    Seawind") or after a comma when the name closes the phrase ("the cruise ship,
    Seawind."); never a noun glued by a hyphen ("hard-liner Karimi": a person)."""
    if not (noun.text.islower() and noun.pos_ == "NOUN" and noun.lower_ in nouns):
        return None
    i = noun.i
    if i >= 1 and doc[i - 1].text in HYPHENS and not doc[i - 1].whitespace_:
        return None
    start = i + 1
    comma = start < len(doc) and doc[start].text == ","
    start += comma
    end = _name_run(doc, start, loose=True)
    if end == start:
        return None
    if comma and end < len(doc) and doc[end].text not in _CLOSERS:
        return None  # "the vessel, Acme said, ...": a clause, not the ship's name
    run = list(doc[start:end])
    return tuple(t.text for t in run) if _linked(noun, run) else None


def vessel_names(docs: list[Doc]) -> set[tuple[str, ...]]:
    """Names the article gives ships: after a ship prefix ("Marceau" of "FS Marceau") or a
    vessel noun ("the tanker Maris Star", ``vessel-noun`` of ``name_rules.tsv``). Later
    mentions of the bare name ("commander of Marceau") are the ship, not a person."""
    rules = name_rules()
    found = set()
    for doc in docs:
        for tok in doc:
            named = _after_vessel_noun(doc, tok, rules.vessel_noun)
            if named:
                found.add(named)
            if tok.text not in rules.vessel:
                continue
            end = _name_run(doc, tok.i + 1, loose=False)
            if end > tok.i + 1:
                found.add(tuple(t.text for t in doc[tok.i + 1 : end]))
    return found
