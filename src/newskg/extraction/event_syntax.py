"""Where a phrase of an event hangs in the dependency parse, for :mod:`event_arguments`:
the verb a phrase placing someone in an event belongs to (through the parser's usual
misattachments), the trigger's own subtree, date words that are part of a name, an
upper-case name misread as a verb, and whether a verb's subject is one of some lemmas."""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.event_table import words_of

#: Quantities whose "of" phrase is the real object ("tens of thousands of fighters").
QUANTITIES = words_of("quantity")
DATES = {"DATE", "TIME"}
#: Clauses under a trigger that speak of something else: their dates and places are theirs.
#: (Adverbial clauses stay: "killed X after he landed in Baghdad late Thursday" dates both.)
OTHER_CLAUSES = {"relcl", "ccomp", "parataxis"}


def attending_verb(prep: Token) -> Token:
    """The verb a preposition placing someone in an event hangs from, also through the role
    they had there: "stood as a Liberal candidate in the election", "served as an observer at
    the talks" (the parser hangs the event from the role noun)."""
    gov = prep.head
    if gov.pos_ == "NOUN" and gov.dep_ == "pobj" and gov.head.lower_ == "as":
        return gov.head.head
    for _ in range(4):  # "had not mentioned anything about the accounts during a meeting":
        # a "during" phrase says when the clause happened, whatever noun the parser hung it on
        if prep.lower_ != "during" or gov.pos_ in {"VERB", "AUX"} or gov.head.i == gov.i:
            break
        gov = gov.head
    return gov


def in_name(first: Token) -> bool:  # the date expression's first token
    """Does a date expression continue a capitalised name ("Black Tuesday", "Black Monday")
    rather than start after a preposition or at the sentence's start ("on Friday")?"""
    if first.i == 0 or first.is_sent_start:
        return False
    prev = first.doc[first.i - 1]
    return (
        prev.text[:1].isupper()
        and prev.dep_ == "compound"
        and prev.head.i >= first.i  # a modifier of the date words, not "in Baghdad late Friday"
        and prev.ent_type_ not in DATES
    )


def own_subtree(head: Token) -> list[Token]:
    """The trigger's subtree without the clauses inside it that tell of other things
    ("Salah, who joined in 2017, signed on Friday": Friday, not 2017)."""
    found, stack = [], [head]
    while stack:
        tok = stack.pop()
        found.append(tok)
        stack.extend(c for c in tok.children if c.dep_ not in OTHER_CLAUSES)
    return sorted(found, key=lambda t: t.i)


#: Dashes after a dateline ("KELFORD — ...").
DASHES = {"—", "–", "-", "--"}


def dateline(tok: Token) -> bool:
    """Is the token part of a dateline, the upper-case place a story was filed from, at the
    start of a sentence before a dash ("KELFORD — A man ...")? It is no argument."""
    sent = tok.sent
    if tok.i - sent.start > 3 or not tok.text.isupper() or len(tok.text) < 2:
        return False
    for t in tok.doc[tok.i : min(sent.end, tok.i + 4)]:
        if t.text in DASHES:
            return True
        if not (t.text.isupper() or t.text == ","):
            return False
    return False


def misread_is(tok: Token) -> bool:
    """An upper-case name read by the parser as a verb ("IS", the Islamic State, as "is"):
    "killed in IS attacks" hangs "attacks" from it as an attribute. The noun is then the
    named owner's event."""
    return len(tok.text) > 1 and tok.text.isupper() and tok.pos_ in {"AUX", "VERB"}


def subject_fits(verb: Token, wanted: frozenset[str]) -> bool:
    """Is the verb's subject (its head noun, or the "of" noun of a quantity: "a series of
    bombs") one of the ``wanted`` lemmas ("the car bomb exploded")?"""
    if not wanted:
        return False
    for subject in (c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}):
        if subject.lower_ in {"which", "that"} and verb.dep_ == "relcl":
            subject = verb.head  # "the tsunami which struck": the tsunami
        if subject.lemma_.lower() in QUANTITIES:
            subject = next(
                (g for c in subject.children if c.lower_ == "of" for g in c.children), subject
            )
        if subject.lemma_.lower() in wanted or subject.lower_ in wanted:
            return True
    return False


#: Prepositions before "being" + participle whose understood subject is the clause's ("was
#: jailed after being convicted"): ``event_words.tsv``, set "understood".
GERUND_PREPS = words_of("understood")


def understood_subject(verb: Token) -> Token | None:
    """Who a passive gerund without a subject of its own is done to: the subject of the
    clause its preposition belongs to ("X was taken to the camp after being captured in
    Herat": X was captured)."""
    if any(c.dep_ in {"nsubj", "nsubjpass"} for c in verb.children):
        return None
    if not any(c.dep_ == "auxpass" and c.lower_ == "being" for c in verb.children):
        return None
    prep = verb.head
    clausal = prep.head.pos_ in {"VERB", "AUX"}
    if verb.dep_ != "pcomp" or prep.lower_ not in GERUND_PREPS or not clausal:
        return None
    clause = prep.head
    return next((c for c in clause.children if c.dep_ in {"nsubj", "nsubjpass"}), None)
