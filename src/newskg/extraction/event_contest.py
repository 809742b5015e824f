"""Who contests an election the sentence names no one in (a step of
:mod:`newskg.extraction.events`).

News about a coming or past vote often names its contestants away from the word: "the
vote looks close, with the Greens out to unseat the Reform League", "the Greens came
second in the 2019 vote". The parse hangs the
parties from other words, so the election would be dropped as naming no one. Here an
election mention with no argument of its own takes as participants the political parties
its sentence names, else those its paragraph names; the parties are the organizations the
article itself shows to be parties (event_words.tsv sets "party-cue" and "party-head").

Not when the mention is only a time frame ("in the weeks before the vote", "after
the election"): what happens then is the news, not the vote (unless the mention carries a
date of its own: "before the May 2001 election" pins one vote down).
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.entities import Resolution
from newskg.extraction.event_table import types_with, words_of
from newskg.extraction.nlp import Para

#: Words right after a name that show it is a party's ("Labour MPs", "the Tory leader").
PARTY_CUES = words_of("party-cue")
#: Last words of a party's own name ("the Scottish National Party", "the Liberal Democrats").
PARTY_HEADS = words_of("party-head")
#: Prepositions and nouns by which an election is only when something else happens.
TIME_FRAMES = words_of("time-frame")
#: Adjectives of an election every party of the country stands in ("the general election").
NATIONWIDE = words_of("nationwide")
#: Adjectives that make "the ... elections" one round of votes ("the local elections").
ROUND_WORDS = words_of("vote-round")
#: Types whose definite plural with such a modifier is one round of events, not a kind.
ROUND_TYPES = types_with("rounds")


def vote_round(head: Token) -> bool:
    """Is a plural trigger one round of votes: definite, with a modifier that says which
    ("the European elections", "the 2001 elections", "the assembly elections", "the local
    elections"), not elections in general ("elections are won on the economy")?"""
    if not any(c.dep_ == "det" and c.lower_ == "the" for c in head.children):
        return False
    if any(c.dep_ == "nummod" and c.ent_type_ != "DATE" for c in head.children):
        return False  # "the last two elections": several votes, not one round
    return any(
        (c.dep_ == "amod" and (c.ent_type_ == "NORP" or c.lower_ in ROUND_WORDS))
        or (c.dep_ == "nummod" and c.ent_type_ == "DATE")
        or (c.dep_ == "compound" and c.pos_ in {"NOUN", "PROPN"})
        for c in head.children
    )


def article_parties(paras: list[Para], res: Resolution) -> frozenset[str]:
    """Keys of the organizations the article shows to be political parties: a mention whose
    last word is a party head, or that a party cue follows."""
    found: set[str] = set()
    by_para = {p.index: p for p in paras}
    for m in res.mentions:
        if m.key is None or res.kinds.get(m.key) != "organization" or m.para not in by_para:
            continue
        doc = by_para[m.para].doc
        last = doc[m.end - 1].lower_
        after = doc[m.end].lower_ if m.end < len(doc) else ""
        if last in PARTY_HEADS or after in PARTY_CUES:
            found.add(m.key)
    return frozenset(found)


def time_frame(head: Token) -> bool:
    """Is the election mention only a time frame: "during the vote's run-up" (dated or
    not), "after the election", "ahead of the poll" (with no date of its own)?"""
    prep = head.head if head.dep_ == "pobj" else None
    if prep is None:
        return False
    gov = prep.head
    # "run-up" is parsed as "up" with "run" before it
    joined = {f"{c.lower_}-{gov.lower_}" for c in gov.children if c.dep_ == "compound"}
    if joined & TIME_FRAMES:
        return True  # "the 2031 vote's run-up": a time, dated or not
    if any(c.ent_type_ == "DATE" for c in head.children):
        return False  # "before the 2001 election": that vote
    # "after the election", "ahead of the election"
    return prep.lower_ in TIME_FRAMES or gov.lower_ in TIME_FRAMES


def contest_parties(para: Para, head: Token, res: Resolution, parties: frozenset[str]) -> list[str]:
    """The parties the election's sentence names, else those its paragraph names, in the
    order they are named; for a general election, else every party the article names (all
    stand in it)."""
    sent = head.sent
    in_sentence: list[str] = []
    in_para: list[str] = []
    for m in res.in_para(para.index):
        if m.key not in parties:
            continue
        bucket = in_sentence if sent.start <= m.start < sent.end else in_para
        if m.key not in bucket:
            bucket.append(m.key)
    if in_sentence or in_para:
        return in_sentence or in_para
    kids = list(head.children)
    if any(c.lower_ == "the" for c in kids) and any(
        c.dep_ == "amod" and c.lower_ in NATIONWIDE for c in kids
    ):
        # "the next general election": every party of the country stands in it (not "a
        # general election", which may be any one: "within a year of winning a general
        # election")
        first_named: dict[str, int] = {}
        for m in res.mentions:
            if m.key in parties:
                first_named.setdefault(m.key, m.span.begin)
        return sorted(parties, key=lambda k: first_named.get(k, 0))
    return []
