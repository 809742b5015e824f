"""Cues in the sentence that a name is a place, or a side named by its place, for
:func:`newskg.extraction.kinds.vote_kinds`: "<name>, <region>" ("Dayton, Ohio"), "in <name>",
"the town of <name>" (``settlement_nouns.txt``), and the words around a side
(``team_cues.txt``: "Dalton City manager X", "beat Dalton City 2-1", "Wales have won")."""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token

from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention
from newskg.extraction.names import settlement_nouns
from newskg.extraction.nlp import Para
from newskg.extraction.quoted import in_quotes


def _placed(m: Mention) -> bool:
    return m.label == "GPE" or (m.gaz is not None and m.gaz.kind == "place")


def located(mentions: list[Mention], paras: list[Para]) -> list[tuple[Mention, Mention]]:
    """Pairs "<name>, <place>" (the place tagged GPE or a gazetteer place) that close a
    phrase ("in Dayton, Ohio, is ...", "in Clearwater, Florida until ..."), not a
    list ("Sweden, Belgium, England"), a place and a body ("Acme, Microsoft") nor "In Group
    G, Belgium won"."""
    by_start = {(m.para, m.start): m for m in mentions}
    pairs = []
    for m in mentions:
        doc = paras[m.para].doc
        if m.end + 1 >= len(doc) or doc[m.end].text != ",":
            continue
        region = by_start.get((m.para, m.end + 1))
        # a one-word region the tagger called a person ("Livorno, Tuscany"), never a full
        # name ("the Minister for Outer Isles, John Doe, toured")
        if region is None:
            continue
        loose = (
            _placed(m)
            and region.label != "ORG"
            and (region.gaz is None or region.gaz.kind == "place")  # not "X, Microsoft"
            and len(region.words) == 1
        )
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


def in_place(m: Mention, paras: list[Para]) -> bool:
    """ "in <m>", "near <m>", "in Dunmore and <m>": the object of a locative preposition."""
    head = paras[m.para].doc[m.end - 1]
    while head.dep_ == "conj" and head.head.i < head.i:
        head = head.head
    return head.dep_ == "pobj" and head.head.lower_ in {"in", "near", "across", "outside", "inside"}


def settlement_cue(m: Mention, para: Para) -> bool:
    """ "the town of <m>", "the vicinity of <m>" or "<m>, a|an <settlement noun>"."""
    nouns = settlement_nouns()
    doc = para.doc
    if m.start >= 2 and doc[m.start - 1].lower_ == "of" and doc[m.start - 2].lower_ in nouns:
        return True
    after = [t.lower_ for t in doc[m.end : m.end + 3]]
    return len(after) == 3 and after[0] == "," and after[1] in {"a", "an"} and after[2] in nouns


_SCORE = re.compile(r"\b\d{1,3}\s?[-\u2013]\s?\d{1,3}\b")


def team_cue(m: Mention, para: Para) -> bool:
    """ "Dalton City manager X", "beat Dalton City 2-1", "a 2-1 defeat to Lyon", "joined the
    club from Porto": the words of ``team_cues.txt`` around a place-named mention; or a
    plural verb after it ("Wales have won")."""
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
    if head.dep_ in {"nsubj", "nsubjpass"} and _plural_verb(m, doc, gov):
        return True
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


def plural_subject(m: Mention, para: Para) -> bool:
    """ "Kestrel have signed a striker": one name, the subject of a plural verb right after
    it, is a side, a band or a firm (British usage); a person takes the singular. Not in
    quoted speech, where a name may be called to ("'Oh no Jo don't'")."""
    head = para.doc[m.end - 1]
    quoted = in_quotes(para)
    if quoted and quoted.covers(m.span.begin, m.span.end):
        return False
    return head.dep_ in {"nsubj", "nsubjpass"} and _plural_verb(m, para.doc, head.head)


def _plural_verb(m: Mention, doc: Doc, verb: Token) -> bool:
    """ "Wales have won twice", "England were beaten": a singular place name with
    a plural verb is a side (British usage for teams). Not a plural name ("the
    Netherlands are") nor one of two subjects ("Scotland and Wales have agreed")."""
    head = doc[m.end - 1]
    if (m.start > 0 and doc[m.start - 1].lower_ == "the") or m.words[0].lower() == "the":
        return False
    if head.dep_ == "conj" or any(c.dep_ == "conj" for c in head.children):
        return False
    verbs = [verb, *(c for c in verb.children if c.dep_ in {"aux", "auxpass"})]
    # The verb right after the name: the parser's subject may be another noun's ("its UK
    # sales figures are"). "were" only as an auxiliary ("England were beaten"): as the
    # verb itself it may be a subjunctive ("if Ruritania were a company").
    return any(
        v.i == m.end and (v.tag_ == "VBP" or (v.lower_ == "were" and v is not verb)) for v in verbs
    )
