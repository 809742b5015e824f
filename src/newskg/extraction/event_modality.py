"""Whether an event mention is a fact (part of :mod:`newskg.extraction.event_triggers`): a
mention that is hypothetical, negated, future or generic is not, except an announced decision
("says it will withdraw") and a scheduled event ("will attend the summit")."""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from newskg.extraction.entities import in_quotes
from newskg.extraction.event_table import words_of
from newskg.extraction.nlp import Para

MODALS = {"will", "wo", "'ll", "would", "could", "shall"}
FUTURE = {"will", "wo", "'ll", "would", "shall"}
#: Verbs under which a future event is an announced decision ("says it will withdraw").
ANNOUNCING = words_of("announcing")  # event_words.tsv
#: Modal verbs that are also names or months ("last May", "Theresa May", "Will Smith").
NAMED_MODALS = {"may", "will", "might"}
#: Verbs whose object noun names the event ("took legal action", "held talks").
SUPPORT = words_of("support")
#: Prepositions before a gerund that tell of something already done ("after signing").
DONE_BEFORE = words_of("done-before")
#: Adverbs by which "has yet to sign", "is yet to meet" say it has not happened.
PENDING = words_of("pending")
#: Subjects by which a speaker speaks of itself ("said it would", "said he will").
SELF_REFERENCES = {"it", "he", "she", "they", "we", "i"}

#: Entity keys for a token and its conjuncts (``TriggerFinder.entities``).
Entities = Callable[[Para, Token], list[tuple[str, Token]]]


def announced(head: Token) -> bool:
    """A future trigger in the complement of a verb of announcing."""
    return (
        head.dep_ in {"ccomp", "xcomp"}
        and head.head.lemma_.lower() in ANNOUNCING
        and any(c.dep_ == "aux" and c.lower_ in FUTURE for c in head.children)
    )


def announcements(para: Para, entities: Entities) -> list[Token]:
    """ "X said it would ...": a speaker announcing its own future action (its decision),
    not "X said Y would ..." (a forecast about someone else). Outside quotes."""
    quoted = in_quotes(para)
    found = []
    for verb in para.doc:
        if (
            verb.lemma_.lower() != "say"
            or verb.pos_ != "VERB"
            or quoted.contains(para.tok_span(verb))
        ):
            continue
        if any(c.dep_ == "neg" for c in verb.children):
            continue
        speaker = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if speaker is None or not entities(para, speaker):
            continue
        for comp in verb.children:
            if comp.dep_ != "ccomp" or not any(
                c.dep_ == "aux" and c.lower_ in FUTURE for c in comp.children
            ):
                continue
            if quoted.contains(para.tok_span(comp)):
                continue  # a quote ("'We will win,' she said") is a quote, not an event
            subject = next((c for c in comp.children if c.dep_ == "nsubj"), None)
            if (
                subject is None
                or subject.lower_ in SELF_REFERENCES
                or (entities(para, subject)[:1] == entities(para, speaker)[:1])
            ):
                found.append(verb)
                break
    return found


def blocked(
    head: Token, blockers: frozenset[str] | set[str], ignore: set[str], scheduled: bool = False
) -> bool:
    """Is the mention hypothetical, negated, future or generic? ``blockers`` are the words
    that make it so, less ``ignore`` (statement words for a statement). A ``scheduled``
    trigger (``when=future``: a summit, an election) is a fact when it is only in the future
    ("X will attend the summit in Brussels"): a modal of doubt still blocks it."""
    if scheduled:
        ignore = ignore | FUTURE
    if head.pos_ == "VERB" and not_yet(head):
        return True
    is_announced = announced(head) or scheduled
    for child in head.children:
        lemma = child.lemma_.lower()
        if child.dep_ == "aux" and child.lower_ in MODALS:
            if is_announced and child.lower_ in FUTURE:
                continue
            return True
        if child.dep_ == "neg" or (lemma in blockers and lemma not in ignore and not a_name(child)):
            return True
    if head.dep_ == "acl" and head.tag_ == "VBN":
        return False  # "the men released in January will not get passports": still released
    node = head
    for _ in range(4):  # up to the governing clause's verb
        if node.head == node:
            break
        node = node.head
        lemma = node.lemma_.lower()
        if {lemma, node.lower_} & blockers and lemma not in ignore and not a_name(node):
            return True
        if node.pos_ in {"VERB", "AUX"}:
            if not_yet(node):
                return True  # "has yet to reach a settlement": not (yet) an event
            if (
                head.dep_ == "dobj"
                and node == head.head
                and node.lemma_.lower() in SUPPORT
                and not (node.dep_ == "pcomp" and node.head.lower_ in DONE_BEFORE)
            ):
                # "is weighing taking legal action": the support verb's doubt is its own
                # (not "could play a role after signing a deal": the deal was signed)
                return blocked(node, blockers, ignore, scheduled)
            if head.pos_ == "NOUN" and head.head.dep_ == "prep" and head.head.head == node:
                return False  # "did not mention it during the meeting": it took place
            # "critics suspect that the plan rests on a deal agreed with X": a guess
            guessed = node.dep_ == "ccomp" and node.head.lemma_.lower() in blockers - ignore
            # "X will offer to buy it and let Y take the helm": a verb joined to another
            # shares its auxiliaries
            joined = list(node.head.children) if node.dep_ == "conj" else []
            return guessed or any(
                c.dep_ == "neg"
                or (c.lemma_.lower() in blockers and c.lower_ not in ignore and not a_name(c))
                for c in [*node.children, *joined]
                if c.dep_ in {"neg", "aux", "mark"}
            )
    return False


def a_name(tok: Token) -> bool:
    """A modal verb's spelling used as a name or a date: the month "May" (lemma "may"),
    Theresa May, a man called Will are no doubt. (A capitalised content word that blocks,
    "the Tsunami which struck", still blocks.)"""
    return (
        tok.lower_ in NAMED_MODALS
        and tok.text[:1].isupper()
        and (tok.pos_ == "PROPN" or bool(tok.ent_type_))
    )


def not_yet(verb: Token) -> bool:
    """Is the verb the infinitive of "has yet to", "is yet to" (it has not happened)?"""
    return verb.dep_ == "xcomp" and any(
        c.dep_ == "advmod" and c.lower_ in PENDING for c in verb.head.children
    )
