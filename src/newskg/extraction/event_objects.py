"""What a trigger verb is done to, for the ``obj=`` option of ``event_triggers.tsv`` (part of
:mod:`newskg.extraction.event_triggers`): its direct object or passive subject, else what
the parse hides it in ("met with X", "the sanctions X imposed", "after being captured" whose
understood subject is the clause's), and whether that object is one the trigger wants; and
whether its subject is an entity of a kind the ``subj=@kind`` option wants.

Pure functions of the parse and of the article's entities (``entities`` resolves a token to
entity keys, ``kinds`` gives each key's kind)."""

from __future__ import annotations

from collections.abc import Mapping

from spacy.tokens import Token

from newskg.extraction.event_modality import Entities
from newskg.extraction.event_syntax import QUANTITIES, understood_subject
from newskg.extraction.nlp import Para

#: An ``obj=`` value "* committee" (written "*_committee"): that noun with any noun
#: modifier ("the home affairs committee"); a plain value wants the noun unmodified, since
#: a modifier may change what it is ("its sales force" is no force).
ANY_MODIFIER = "*"


def verb_objects(verb: Token) -> list[Token]:
    """What the verb is done to: its direct object or passive subject; else the object of
    "with" ("met with European officials"); else the noun a relative or participle clause
    describes ("the sanctions Trump has imposed", "the men freed in May"); else the
    understood subject of "after being captured"; else the noun just before a misparsed
    subject."""
    objects = [c for c in verb.children if c.dep_ in {"dobj", "nsubjpass"}]
    if not objects:  # "met with European officials"
        objects = [
            g
            for c in verb.children
            if c.dep_ == "prep" and c.lower_ == "with"
            for g in c.children
            if g.dep_ == "pobj"
        ]
    if not objects and (verb.dep_ == "relcl" or (verb.dep_ == "acl" and verb.tag_ == "VBN")):
        objects = [verb.head]  # "the sanctions Trump has imposed", "the men freed in May"
    if not objects:
        understood = understood_subject(verb)  # "X was jailed after being captured"
        objects = [understood] if understood is not None else []
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if not objects and subject is not None and subject.i > 0:
        before = verb.doc[subject.i - 1]  # the same, misparsed
        if before.pos_ == "NOUN" and before.i < verb.i:
            objects = [before]
    return objects


def object_fits(
    para: Para,
    verb: Token,
    wanted: frozenset[str],
    entities: Entities,
    roles: Mapping[tuple[str, ...], str],
    kinds: Mapping[str, str],
) -> bool:
    """Is one of the verb's objects a lemma of ``wanted`` (or a noun-modified one: "aircraft
    carrier", "* committee"), a word of roles.txt (``@role``) or an entity of a wanted kind
    (``@actor``, ``@organization``, ``@place``)?"""
    for obj in verb_objects(verb):
        if obj.lemma_.lower() in QUANTITIES:
            obj = next(
                (
                    g
                    for c in obj.children
                    if c.dep_ == "prep" and c.lower_ == "of"
                    for g in c.children
                    if g.dep_ == "pobj"
                ),
                obj,
            )
        lemma = obj.lemma_.lower()
        compound = " ".join(
            c.lemma_.lower() for c in obj.children if c.dep_ == "compound" and c.pos_ == "NOUN"
        )
        if compound:  # "aircraft carriers" may be wanted, "its sales force" is no force
            if {f"{compound} {lemma}", f"{ANY_MODIFIER} {lemma}"} & wanted:
                return True
            continue
        if lemma in wanted or f"{ANY_MODIFIER} {lemma}" in wanted:
            return True
        if "@role" in wanted and (lemma,) in roles:
            return True  # "met European officials"
        found = entities(para, obj) if obj.pos_ != "PRON" else []
        if any("@" + kinds.get(k, "") in wanted for k, _ in found):
            return True  # an entity or a noun in apposition to one (not a pronoun)
    return False


def met_each_other(para: Para, verb: Token, entities: Entities) -> bool:
    """Does a verb with no object have a subject naming two or more ("X and Y met")?"""
    if any(c.dep_ == "dobj" for c in verb.children):
        return False  # "X and Y met the target": an object that does not fit
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    return subject is not None and len(entities(para, subject)) > 1


def subject_named(
    para: Para, verb: Token, wanted: frozenset[str], entities: Entities, kinds: Mapping[str, str]
) -> bool:
    """Is the verb's subject an entity of a kind ``wanted`` asks for (``subj=@actor``: "she
    told the committee", where "she" is resolved; not "the local MP told the committee",
    whose hearing it was cannot be told)?"""
    return any(
        "@" + kinds.get(k, "") in wanted
        for c in verb.children
        if c.dep_ == "nsubj"
        for k, _ in entities(para, c)
    )
