"""Where a quotation sits in its sentence's parse: what it hangs from, whether a speech verb
reports it, and which names next to a speech verb cannot be its speaker.

:mod:`newskg.extraction.quotes` asks these questions of each quotation before it looks for
a speaker. They read the parse only (no entities), so they are kept apart from the rules that
choose the speaker.
"""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quote_frames import Region

#: Dependencies of an object of the verb: with an addressee verb ("telling the Ledger"), the
#: hearer.
OBJECT_DEPS = {"dobj", "dative"}


def addressee_verbs() -> frozenset[str]:
    """Speech verbs whose object is the hearer (``data/addressee_verbs.txt``): "telling the
    Ledger that ..." names who heard the words, never who said them."""
    return datafiles.word_set("addressee_verbs.txt")


def quote_roots(para: Para, region: Region) -> list[Token]:
    """The tokens of the quotation whose head lies outside it: where it hangs in the sentence.
    Punctuation is left out: the parser hangs a quotation's closing period or comma from the
    sentence's root whatever the words hang from, and that root is often another speaker's
    verb ("X doubts that \u201c...,\u201d Y noted, arguing it is \u201cfor the voters.\u201d")."""
    quoted = SpanSet([region.span])
    roots = [
        t
        for t in para.tokens_in(region.span)
        if not quoted.contains(para.tok_span(t.head)) and not t.is_punct
    ]
    return roots


def governs(para: Para, region: Region, verb: Token) -> bool:
    """Does the quote hang syntactically from ``verb`` (no other verb in between)?"""
    for root in quote_roots(para, region):
        node = root.head
        for _ in range(6):
            if node == verb:
                return True
            if node.pos_ in {"VERB", "AUX"} and node != verb:
                break
            if node.head == node:
                break
            node = node.head
    return False


def is_speech_verb(tok: Token, speech_verbs: frozenset[str]) -> bool:
    return tok.lemma_.lower() in speech_verbs and tok.pos_ in {"VERB", "AUX"}


def reported(para: Para, region: Region, speech_verbs: frozenset[str]) -> bool:
    """Does the quote sit, at any depth, under a speech verb, or in a clause that a
    parenthetical attribution interrupts ("At the hearing, X said, Y is known as
    \u201ca fixer\u201d": the parser hangs "X said" from the clause as parataxis)?"""
    for root in quote_roots(para, region)[:1]:
        for a in root.ancestors:
            if is_speech_verb(a, speech_verbs):
                return True
            if any(c.dep_ == "parataxis" and is_speech_verb(c, speech_verbs) for c in a.children):
                return True
    return False


def addressed(tok: Token, verb: Token) -> bool:
    """Is ``tok`` (or the name it is part of) the hearer of ``verb``: its object, when the verb
    is one whose object is the hearer ("telling the Ledger", "assured reporters")?"""
    if verb.lemma_.lower() not in addressee_verbs():
        return False
    head = tok.head if tok.dep_ in {"compound", "flat"} else tok
    return head.dep_ in OBJECT_DEPS and head.head == verb
