"""Who a legal action is by and to, where the parse hangs them away from the trigger (a step
of :mod:`newskg.extraction.events`).

The court, named only where it happens: "they will appear at Dorrow Magistrates' Court", "the case
was heard before Kelby Crown Court". The parse hangs the court from the trigger by "at", "in" or
"before", as if it were a place; a court is who tries the case, its agent (bbc-events: the
prosecutor or court is the agent of a legal action). The court is an organization whose name
has a court word (event_words.tsv set "court").

Who is tried or held, told by a state ("X is on trial", "X went on trial", "X was placed
under arrest"): the subject of the verb the trigger noun's phrase belongs to is its target.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.tokens import Token

from newskg.extraction.event_syntax import shared_subject
from newskg.extraction.event_table import types_with, words_of
from newskg.extraction.nlp import Para

#: Words in the name of a body that tries cases ("Crown Court", "Employment Tribunal").
COURT_WORDS = words_of("court")
#: Types whose court, named where the event happens, is its agent.
COURT_TYPES = types_with("court-agent")
#: Prepositions that put a case in a court ("at", "in", "before").
COURT_PREPS = {"at", "in", "before"}


def courts_of(
    para: Para,
    head: Token,
    entities: Callable[[Para, Token], list[tuple[str, Token]]],
    labels: dict[str, str],
    kinds: dict[str, str],
) -> list[str]:
    """Keys of the courts in the trigger's "at/in/before" phrases."""
    found: list[str] = []
    for prep in head.children:
        if prep.dep_ != "prep" or prep.lower_ not in COURT_PREPS:
            continue
        for obj in prep.children:
            if obj.dep_ != "pobj":
                continue
            for key, _tok in entities(para, obj):
                if is_court(labels.get(key, ""), kinds.get(key)):
                    found.append(key)
    return found


def is_court(label: str, kind: str | None) -> bool:
    """Is the entity a court: an organization with a court word in its name?"""
    words = set(label.lower().replace("'", " ").split())
    return kind == "organization" and bool(words & COURT_WORDS)


#: "on trial", "under arrest": a preposition and a trigger noun that say what state the
#: subject of their verb is in ("X is on trial", "X went on trial", "X was put under arrest").
STATES = {tuple(p.split()) for p in words_of("undergone-state")}
#: Verbs of being in a state or putting someone into it ("is on trial", "put on trial").
STATE_VERBS = words_of("state-verb")


def in_state(head: Token) -> list[Token]:
    """Who the trigger noun's state is: the object of the verb whose "on/under" phrase it is
    ("placed X under arrest"), else its subject ("X is on trial": X is tried; "X and Y are
    to go on trial": both), or the subject that verb shares with its clause. Only verbs of
    being in or putting into a state (event_words.tsv set "state-verb"): a footballer who
    "impressed on trial" at a club is on no court's trial."""
    prep = head.head
    if head.dep_ != "pobj" or (prep.lower_, head.lemma_.lower()) not in STATES:
        return []
    verb = prep.head
    if verb.pos_ not in {"VERB", "AUX"} or verb.lemma_.lower() not in STATE_VERBS:
        return []
    put = next((c for c in verb.children if c.dep_ == "dobj"), None)
    if put is not None:
        return [put]  # "placed suspects under arrest": the suspects, never who placed them
    subject = next((c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
    if subject is None:
        subject = shared_subject(verb)
    return [] if subject is None else [subject]
