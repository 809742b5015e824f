"""Shapes of tagged spans that say what a name is not, or where it really starts, read by
:func:`newskg.extraction.mentions.ner_mentions` before a span is cleaned: a person's name
at the end of a span the tagger gave to an organization, two one-word "places" that are a
given name and a surname, and names glued to numbers (codes, numbered party names).
"""

from __future__ import annotations

from spacy.tokens import Span as SpacySpan

from newskg.extraction.lexicon import Lexicon
from newskg.extraction.names import group_nouns, occupation_before, place_heads
from newskg.extraction.nlp import Para

POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}


def person_tail(para: Para, start: int, end: int, surnames: set[str], lex: Lexicon) -> int:
    """Where a person's name starts inside a longer non-person entity that ends with it
    ("Minister for the" + "Middle East John Doe", when "Mr Doe" is a person
    elsewhere): the given name and the surname, or -1. The words before it were a title's
    tail, not a name, and are dropped, unless they own the person ("X Party's Jane Roe")."""
    doc = para.doc
    if end - start < 3 or doc[end - 1].text not in surnames:
        return -1
    given = doc[end - 2]
    owner = doc[end - 3].text in POSSESSIVE  # "New Civic Party's Mona Lau"
    if not (given.is_alpha and given.is_title and (doc[end - 3].is_title or owner)):
        return -1
    heads = lex.org_heads | place_heads()
    if given.text in heads or doc[end - 1].text in heads:
        return -1
    return end - 2


def place_pairs(para: Para) -> dict[int, int]:
    """Two one-word "places" side by side with only a space between them ("Florence" +
    "Paris"): places are never written so (they take a comma: "Paris, Texas"), a person's
    given name and surname are. First token -> second token."""
    places = {"GPE", "LOC", "FAC"}
    doc, ents = para.doc, list(para.doc.ents)
    return {
        a.start: b.start
        for a, b in zip(ents, ents[1:], strict=False)
        if a.label_ in places
        and b.label_ in places
        and len(a) == len(b) == 1
        and a.end == b.start
        and doc[a.start].whitespace_ == " "
        and doc[a.start].is_alpha
        and doc[b.start].is_alpha
        and doc[a.start].is_title
        and doc[b.start].is_title
    }


def numbered(para: Para, start: int) -> bool:
    """A name after a number after a capitalised word ("Movimento 5 Stelle", "Channel 4
    News"): the end of a longer name that has a number in it."""
    doc = para.doc
    return start >= 2 and doc[start - 1].like_num and doc[start - 2].is_title


def before_number(para: Para, end: int) -> bool:
    """A one-word "name" right before a number in digits ("enter Passcode 5512093"): a
    label of a code, not a person."""
    doc = para.doc
    return end < len(doc) and doc[end].text.isdigit()


def tagged_surnames(paras: list[Para], lex: Lexicon) -> set[str]:
    """Surnames the tagger called persons somewhere in the article: the last word of a full
    name, or a word after a title ("Mr Doe")."""
    return {
        p.doc[e.end - 1].text
        for p in paras
        for e in p.doc.ents
        if e.label_ == "PERSON"
        and p.doc[e.end - 1].is_alpha
        and (len(e) > 1 or (e.start > 0 and lex.is_title([p.doc[e.start - 1].text])))
    }


def not_a_person(para: Para, ent: SpacySpan) -> bool:
    """A PERSON span that names no person: with digits or before a number ("enter Passcode
    3080897"), the end of a numbered name ("Movimento 5 Stelle"), or a group's name before
    a noun like "tribe" ("the Al Bu Nimr tribe", ``group_nouns.txt``)."""
    end = ent.end
    return (
        any(ch.isdigit() for ch in ent.text)
        or numbered(para, ent.start)
        or (len(ent) == 1 and before_number(para, end))
        or (end < len(para.doc) and para.doc[end].lower_ in group_nouns())
    )


def given_name_after_occupation(para: Para, start: int) -> bool:
    """An untagged capitalised word between an occupation and a name the tagger gave to a
    place or an organization ("athletes Tomas" + "Verbeek"): a given name, and the whole
    is a person."""
    doc = para.doc
    if start < 2:
        return False
    given = doc[start - 1]
    return (
        given.ent_iob_ == "O"
        and given.is_alpha
        and given.is_title
        and given.pos_ == "PROPN"
        and occupation_before(doc, start - 1)
    )


def capitals_inside(paras: list[Para]) -> frozenset[str]:
    """Words the article capitalises inside a sentence: names, not capitals by position."""
    return frozenset(
        t.text for p in paras for t in p.doc if not t.is_sent_start and t.text[:1].isupper()
    )


def capital_by_position(
    para: Para, start: int, end: int, lower: frozenset[str], inside: frozenset[str]
) -> bool:
    """A one-word "organization" that opens a sentence, is written in lower case elsewhere
    in the article (:func:`~newskg.extraction.names.lower_words`) and never capitalised
    inside a sentence: a common word capitalised by its position ("Localist group Civic
    Passion's ..." where "localist" is written so), not a name. "Labour" stays where the
    article capitalises it anywhere inside a sentence."""
    if end - start != 1 or not para.doc[start].is_sent_start:
        return False
    word = para.doc[start].text
    return word.istitle() and word.lower() in lower and word not in inside
