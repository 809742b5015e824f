"""Names used only to qualify a common noun: a scheme, a study or a category, not a body.

The small model tags ORG on capitalised words that qualify a noun ("the Acme system",
"HARC studies", "the Public Works constituency", "the Hale Soap boxes"). A body is
named so too ("Acme employees", "Hale forces", "Interfax news agency"), but then the noun
is one of its people, parts or property (``member_nouns.txt``, a role of ``roles.txt``,
an occupation), what a group named by its initials does ("HLA bomb attacks") or a kind
of organization (``org_nouns.txt``), or the name carries
an organization's head ("Border Force vessel") or comes from the gazetteer. A tagged
organization whose every mention in the article qualifies another lower-case noun is no
entity. Read by :func:`newskg.extraction.kinds.vote_kinds`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from newskg.extraction import datafiles
from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention
from newskg.extraction.names import cue_nouns, occupation_before
from newskg.extraction.nlp import Para
from newskg.text import fold

#: Kinds of event a group named by its initials is the doer of, when it qualifies their
#: noun ("HLA bomb attacks"); a longer name may be the kind of attack ("Flood attacks").
DOERS_OF = {"attack", "killing", "meeting"}
#: A name of initials, maybe with a number ("HLA", "G7").
_INITIALS = re.compile(r"[A-Z][A-Z\d]{1,5}")


def member_nouns() -> frozenset[str]:
    """Nouns for a body's people, parts and property: ``member_nouns.txt``."""
    return datafiles.word_set("member_nouns.txt")


@lru_cache(maxsize=1)
def _lower_heads() -> frozenset[str]:
    """The organization head words, lower case (matched against lemmas)."""
    return frozenset(h.lower() for h in lexicon().org_heads)


def _qualifies(m: Mention, paras: list[Para]) -> bool:
    """``m`` is a modifier of the lower-case common noun right after it, and that noun is
    no member noun nor role."""
    doc = paras[m.para].doc
    if m.end >= len(doc):
        return False
    last, noun = doc[m.end - 1], doc[m.end]
    if noun.pos_ != "NOUN" or not noun.text.isalpha() or not noun.text.islower():
        return False
    while last.dep_ == "conj" and last.head.i < last.i:
        last = last.head  # "the Mining, Farming and Forestry constituency": the first modifies
    if last.dep_ not in {"compound", "amod", "nmod"} or last.head.i < m.end:
        return False
    heads = _lower_heads()
    # The nouns up to the head: "Interfax news agency", "Hale audit committee meeting".
    top = last.head
    while top.dep_ == "compound" and top.head.i > top.i:
        top = top.head
    for tok in doc[m.end : max(m.end, top.i) + 1]:
        lemma = tok.lemma_.lower().split("-")[-1]  # "vice-director": a director
        if lemma in member_nouns() or lemma in cue_nouns() or lemma in heads:
            return False  # "Acme employees", "Hale trade union", "Hale committee"
        if _INITIALS.fullmatch(m.text) and lexicon().event_type(lemma) in DOERS_OF:
            return False  # "HLA bomb attacks", "the HLA summit": what the group does
        if lexicon().role_at([lemma]):
            return False  # "Acme chief"
    return not occupation_before(doc, m.end + 1)  # "Hale Rovers striker"


def qualifier_names(mentions: list[Mention], paras: list[Para]) -> set[str]:
    """Folded names of tagged organizations (no gazetteer entry, no organization head word)
    that every mention of the name uses to qualify another noun."""
    heads = lexicon().org_heads
    uses: dict[str, list[bool]] = {}
    for m in mentions:
        tagged = m.label == "ORG" and m.gaz is None and not set(m.words) & heads
        uses.setdefault(fold(m.text), []).append(tagged and _qualifies(m, paras))
    return {name for name, flags in uses.items() if all(flags)}


#: A version number after a name: one or two digits, not a score's ("2-1").
_VERSION = r" ?(\d{1,2})\b(?!\s?[-\u2013])"
_NUMBERED_WORD = re.compile(r"(\w*[A-Za-z])" + _VERSION)


def versioned_names(mentions: list[Mention], paras: list[Para]) -> set[str]:
    """Folded names the tagger called organizations that the article writes with two
    different version numbers ("Nimbus Browser 6" and "NB9" beside "Browser" and "NB";
    "Zephyr 7", "Zephyr 8"): a product line, no body. A number before a dash is a score
    ("Hale 2-1 Roe"), and a name with an organization's head or a gazetteer entry is left
    alone ("Channel 4" and "Channel 5" are two broadcasters, not versions).

    >>> versioned_names([], [])
    set()
    """
    heads = lexicon().org_heads
    # One pass over the text first: the numbers after each word. A name is looked for in
    # full only when its last word is followed by two numbers somewhere (few are).
    after: dict[str, set[str]] = {}
    for para in paras:
        for hit in _NUMBERED_WORD.finditer(para.doc.text):
            after.setdefault(hit[1], set()).add(hit[2])
    names = {
        m.text
        for m in mentions
        if m.label == "ORG"
        and m.gaz is None
        and not set(m.words) & heads
        and len(after.get(m.words[-1], ())) >= 2
    }
    found = set()
    for name in names:
        version = re.compile(r"\b" + re.escape(name) + _VERSION)
        numbers = {hit[1] for para in paras for hit in version.finditer(para.doc.text)}
        if len(numbers) >= 2:
            found.add(fold(name))
    return found


def product_names(mentions: list[Mention], paras: list[Para]) -> set[str]:
    """Folded one-word names that close a brand's product name the tagger recognises
    somewhere in the article ("Google Chrome"), and that the tagger elsewhere calls only a
    person ("tied with Chrome"): the product, no entity wherever the article names it. A
    one-word "product" alone is a weak vote ("Wales" tagged so once) and is left alone."""
    products = {
        fold(para.doc[e.end - 1].text)
        for para in paras
        for e in para.doc.ents
        if e.label_ == "PRODUCT" and len(e) > 1
    }
    labels: dict[str, set[str]] = {}
    for m in mentions:
        labels.setdefault(fold(m.text), set()).add("GAZ" if m.gaz is not None else m.label)
    return {
        fold(m.text)
        for m in mentions
        if len(m.words) == 1 and fold(m.text) in products and labels[fold(m.text)] == {"PERSON"}
    }


_ADHERENT_BEFORE = {"a", "an", "former", "ex", "lifelong", "devout", "fellow"}


def adherent_names(mentions: list[Mention], paras: list[Para]) -> set[str]:
    """Folded one-word names tagged as organizations that every mention uses as a noun for
    one person ("a former Scientologist", "a Democrat", "a fellow Mason"): an adherent or
    member, not the body (whose name takes no "a" and, before a noun, qualifies it: "an
    Acme spokesman" is left alone)."""
    uses: dict[str, list[bool]] = {}
    for m in mentions:
        doc = paras[m.para].doc
        before = doc[m.start - 1].text if m.start > 0 else ""  # "A Craig": an initial
        after = doc[m.end] if m.end < len(doc) else None
        adherent = (
            m.label == "ORG"
            and m.gaz is None
            and len(m.words) == 1
            and before in _ADHERENT_BEFORE
            and (after is None or after.pos_ not in {"NOUN", "PROPN"})
        )
        uses.setdefault(fold(m.text), []).append(adherent)
    return {name for name, flags in uses.items() if all(flags)}
