"""Helpers of the event rules for reading names and references: whether a trigger is what
someone claims responsibility for, whether it closes a capitalised name, which entity a name
the entity resolution left unlinked at that spot spells out, whom "the prime minister"
stands for, and which organization "the firm" or "the commission" is."""

from __future__ import annotations

from collections.abc import Collection

from spacy.tokens import Token

from newskg.extraction import datafiles
from newskg.extraction.entities import Resolution
from newskg.extraction.model import Entity, Span
from newskg.extraction.nlp import Para, SpanSet
from newskg.extraction.quoted import in_quotes
from newskg.text import fold

#: Nouns by which news refers back to an organization it named ("the firm", "the bank").
ORG_NOUNS = datafiles.word_set("org_nouns.txt")


def claimed(head: Token) -> bool:
    """Is the trigger what someone claims or accepts responsibility for?"""
    prep = head.head
    return (
        head.dep_ == "pobj"
        and prep.lower_ == "for"
        and prep.head.lemma_.lower() == "responsibility"
        and prep.head.head.pos_ == "VERB"
    )


def named(head: Token) -> bool:
    """A trigger word closing a capitalised name: "the 1998 Harvest Revolution"."""
    doc = head.doc
    return (
        head.pos_ == "PROPN"
        and head.text[:1].isupper()
        and not head.is_sent_start
        and not (head.i + 1 < len(doc) and doc[head.i + 1].pos_ == "PROPN")
    )


def name_index(entities: list[Entity]) -> dict[str, str]:
    """Folded label or alias -> entity key, for names only one entity of the article has.
    Entity resolution sometimes leaves one mention of a name unlinked (a capitalised modifier
    tagged as an adjective: "The Provisional IRA accepted ..."); the same words elsewhere in
    the article name that entity, so an event argument may still be read from them."""
    owners: dict[str, set[str]] = {}
    for e in entities:
        for name in {e.label, *e.alt_labels}:
            owners.setdefault(fold(name), set()).add(e.key)
    return {name: next(iter(keys)) for name, keys in owners.items() if name and len(keys) == 1}


def spelled_name(tok: Token, index: dict[str, str]) -> str | None:
    """The entity a proper noun and its capitalised modifiers spell in full ("Provisional
    IRA"), if the article names exactly one entity so; a lone common word never counts."""
    if tok.pos_ != "PROPN" or not tok.text[:1].isupper():
        return None
    mods = [c for c in tok.lefts if c.dep_ == "compound" and c.text[:1].isupper()]
    start = min([tok.i, *(c.i for c in mods)])
    if any(not t.text[:1].isupper() for t in tok.doc[start : tok.i + 1]):
        return None
    return index.get(fold(tok.doc[start : tok.i + 1].text))


def initials_index(entities: list[Entity]) -> dict[str, str]:
    """Initials of a name of several words (upper case) -> entity key, for initials only one
    entity's names have: "IS" for "Islamic State", which the parser may read as the verb
    "is" and entity resolution then leaves unlinked ("killed in IS attacks")."""
    owners: dict[str, set[str]] = {}
    for e in entities:
        for name in {e.label, *e.alt_labels}:
            words = [w for w in name.split() if w[:1].isalpha()]
            if len(words) >= 2 and all(w[:1].isupper() for w in words):
                owners.setdefault("".join(w[0] for w in words), set()).add(e.key)
    return {name: next(iter(keys)) for name, keys in owners.items() if len(keys) == 1}


def initialism(tok: Token, index: dict[str, str]) -> str | None:
    """The entity an upper-case word of two to five letters abbreviates, if the article
    names exactly one entity with those initials."""
    text = tok.text
    if not (2 <= len(text) <= 5 and text.isalpha() and text.isupper()):
        return None
    return index.get(text)


def role_references(
    paras: list[Para], res: Resolution, roles: Collection[tuple[str, ...]]
) -> dict[tuple[int, int], str]:
    """(paragraph, token index) -> person key for "the <title>" outside quotes ("The prime
    minister was speaking ...", "the chancellor said"): the person the article gives that
    title before the name ("Chancellor Gordon Brown") when there is one, else the person
    who was last a grammatical subject (news names someone, then goes on with their title).
    A title with other words ("the former prime minister", "the Israeli president") may be
    someone else: it is left alone."""
    titled: dict[tuple[str, ...], set[str]] = {}
    for para in paras:
        for tok in para.doc:
            m = res.mention_at(para.index, tok.i)
            if m is None or m.start != tok.i or res.kinds.get(m.key or "") != "actor":
                continue
            for n in (3, 2, 1):
                words = tuple(t.lower_ for t in para.doc[max(0, tok.i - n) : tok.i])
                if len(words) == n and words in roles and m.key:
                    titled.setdefault(words, set()).add(m.key)
    found: dict[tuple[int, int], str] = {}
    last_subject: str | None = None
    for para in paras:
        quoted = in_quotes(para)
        for tok in para.doc:
            key = res.key_at(para.index, tok, ("actor",))
            if key and tok.dep_ in {"nsubj", "nsubjpass"}:
                last_subject = key
                continue
            title = definite_title(tok, roles)
            if title is None or quoted.contains(para.tok_span(tok)):
                continue
            owners = titled.get(title, set())
            ref = next(iter(owners)) if len(owners) == 1 else None if owners else last_subject
            if ref:
                found[(para.index, tok.i)] = ref
                if tok.dep_ in {"nsubj", "nsubjpass"}:
                    last_subject = ref
    return found


def it_references(paras: list[Para], res: Resolution) -> dict[tuple[int, int], str]:
    """(paragraph, token index) -> organization or place key for a sentence-initial "It" (or
    "The firm", "The company": a noun of ``org_nouns.txt``) that is the subject of its
    sentence's main verb, outside quotes: the one organization or place that was the
    subject of the sentence before ("Acme pleaded guilty. It agreed to pay ..."). Not an
    "it" inside a clause ("X said it would ..." is X's, found by the clause rules), nor
    after a sentence whose subject was no such entity or more than one ("X and Y")."""
    found: dict[tuple[int, int], str] = {}
    before: set[str] = set()
    for para in paras:
        quoted = in_quotes(para)
        for sent in para.doc.sents:
            first = sent[0]
            if first.lower_ == "the" and len(sent) > 1 and sent[1].lower_ in ORG_NOUNS:
                first = sent[1]  # "The firm agreed ...": the firm just spoken of
            if (
                (first.lower_ == "it" or first.i > sent.start)
                and first.dep_ == "nsubj"
                and first.head.dep_ == "ROOT"
                and len(before) == 1
                and not quoted.contains(para.tok_span(first))
                # "the firm" is an organization's, never a place's
                and (first.lower_ == "it" or res.kinds.get(next(iter(before))) == "organization")
            ):
                found[(para.index, first.i)] = next(iter(before))
            before = {
                key
                for subj in sent
                if subj.dep_ in {"nsubj", "nsubjpass"} and subj.head.dep_ == "ROOT"
                for tok in (subj, *subj.conjuncts)
                for key in [res.key_at(para.index, tok, ("organization", "place"))]
                if key and not quoted.contains(para.tok_span(tok))
            }
            if (para.index, first.i) in found:
                before = {found[(para.index, first.i)]}  # "It ... . It ...": still the same
    return found


def definite_title(tok: Token, roles: Collection[tuple[str, ...]]) -> tuple[str, ...] | None:
    """The title a bare definite noun phrase is ("the prime minister" -> prime minister)."""
    if tok.pos_ != "NOUN" or tok.tag_ != "NN":
        return None
    kids = list(tok.children)
    mods = [c for c in kids if c.dep_ in {"compound", "amod"} and c.i < tok.i]
    if [c.lower_ for c in kids if c not in mods] != ["the"] or any(
        next(m.children, None) for m in mods
    ):
        return None
    if any(c.i > tok.i for c in kids):
        return None
    words = tuple(t.lower_ for t in sorted([*mods, tok], key=lambda t: t.i))
    return words if words in roles else None


def head_word_org(res: Resolution, para: Para, noun: Token) -> str | None:
    """The organization "the commission", "the union" stands for: the one organization
    named earlier in the article whose name has that word ("the Commission for Africa",
    "the Transport Workers Union"); None when none or several have it."""
    if (
        noun.tag_ != "NN"
        or noun.ent_type_
        or [c.lower_ for c in noun.children if c.dep_ not in {"prep", "punct"}] != ["the"]
    ):
        return None
    at = para.tok_span(noun).begin
    word = noun.lower_
    found = {
        e.key
        for e in res.entities
        if e.kind == "organization"
        and word in e.label.lower().split()
        and any(m.end <= at for m in e.mentions)
    }
    return found.pop() if len(found) == 1 else None


def short_quote(quoted: SpanSet, where: Span, text: str) -> bool:
    """Is the trigger inside a quoted phrase of at most three words, embedded in the
    reporter's own sentence ("says she has been in "lengthy talks" with farm ministers")? The
    reporter tells that event; the marks only borrow the speaker's words for it."""
    for span in quoted:
        if span.begin <= where.begin and where.end <= span.end:
            return len(text[span.begin : span.end].split()) <= 3
    return False
