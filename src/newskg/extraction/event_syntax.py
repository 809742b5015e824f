"""Where a phrase of an event hangs in the dependency parse, for :mod:`event_arguments`:
the verb a phrase placing someone in an event belongs to (through the parser's usual
misattachments), the trigger's own subtree, date words that are part of a name, an
upper-case name misread as a verb, whether a verb's subject (or what it acts on) is one of
some lemmas, and the subject a verb without one shares with the clause above."""

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
    bombs"; for an infinitive without one, the subject it shares) one of the ``wanted``
    lemmas ("the car bomb exploded")?"""
    if not wanted:
        return False
    subjects = [c for c in verb.children if c.dep_ in {"nsubj", "nsubjpass"}]
    if not subjects and verb.dep_ == "xcomp":
        # "the tribunal is expected to rule": the subject of the clause above
        subjects = [s for s in [shared_subject(verb)] if s is not None]
    for subject in subjects:
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


#: Clause links along which a subject is shared with a verb that has none of its own.
SHARED_SUBJECT = {"xcomp", "advcl", "conj", "ccomp"}


def shared_subject(verb: Token) -> Token | None:
    """The subject of the clause a subjectless verb depends on ("X took steps to boost",
    "Britons are confirmed to have died"). A passive verb's subject is its own (its
    target), and a complement clause that has no subject of its own ("noted that charging
    papers ...") is a misparse, not a shared subject."""
    if any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    own = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if own is None and verb.dep_ == "ccomp":
        return None
    node = verb
    for _ in range(3):
        if node.dep_ not in SHARED_SUBJECT or node.head == node:
            return None
        link = node.dep_
        node = node.head
        if node.pos_ == "ADJ" and node.dep_ == "acomp" and link == "xcomp":
            node = node.head  # "X was due to stand", "X is set to meet": X's clause
        if node.pos_ not in {"VERB", "AUX"}:
            return None
        deps = {"nsubj", "nsubjpass"} if link == "xcomp" or bare_participle(verb) else {"nsubj"}
        subject = next((c for c in node.children if c.dep_ in deps), None)
        if subject is not None:
            return subject
    return None


def undone_thing(head: Token, unwanted: frozenset[str]) -> bool:
    """Is what the trigger acts on (a verb's object or passive subject, a noun's "of" or "on"
    object) one of the ``unwanted`` lemmas ("withdrew its bid", "the withdrawal of the
    motion", "an attack on the plans")?"""
    if not unwanted:
        return False
    if head.pos_ == "VERB":
        things = [c for c in head.children if c.dep_ in {"dobj", "nsubjpass"}]
        if head.dep_ == "relcl" and any(t.lower_ in {"which", "that"} for t in things):
            things.append(head.head)  # "the deal that X struck": the noun it describes
    else:
        # "the withdrawal of the motion", "an attack on the plans" (the parser may hang the
        # "on" phrase from the verb whose object the noun is: "launched an attack on ...")
        holders = [head] + ([head.head] if head.dep_ == "dobj" else [])
        things = [
            g
            for h in holders
            for c in h.children
            if c.dep_ == "prep"
            and (c.lower_ == "of" or (c.lower_ == "on" and c.i > head.i))
            and (h is head or c.lower_ == "on")
            for g in c.children
            if g.dep_ == "pobj"
        ]
    return any(t.lemma_.lower() in unwanted for t in things)


def said_with(head: Token, sets: frozenset[str]) -> bool:
    """Does a clause beside the trigger (or beside the verb whose object it is: "launched an
    attack on X, saying ...") have a word of one of the ``event_words.tsv`` sets named in
    ``sets`` ("attacked X, calling the plans ...": the attack is in words)?"""
    if not sets:
        return False
    words = frozenset().union(*(words_of(name) for name in sets))
    holders = [head] + ([head.head] if head.dep_ == "dobj" else [])
    return any(
        c.dep_ in {"advcl", "xcomp", "conj"} and c.tag_ == "VBG" and c.lemma_.lower() in words
        for h in holders
        for c in h.children
    )


#: Verbs by which "those <participle>" lists who they are ("those charged included X").
LISTING = words_of("listing")


def listed_undergoers(verb: Token) -> list[Token]:
    """Who "those" a participle describes are, named by the clause around it ("those
    charged included X and Y", "among those arrested was X"): X (and Y) underwent it."""
    those = verb.head
    if not (verb.dep_ == "acl" and verb.tag_ == "VBN" and those.lower_ == "those"):
        return []
    gov = those.head
    if those.dep_ == "nsubj" and gov.lemma_.lower() in LISTING:
        named = [c for c in gov.children if c.dep_ == "dobj"]
    elif those.dep_ == "pobj" and gov.lower_ == "among" and gov.head.lemma_ == "be":
        named = [c for c in gov.head.children if c.dep_ == "nsubj"]
    else:
        return []
    return named + [c for n in named for c in n.children if c.dep_ == "conj"]


def bare_participle(verb: Token) -> bool:
    """A past participle without an auxiliary of its own ("X was arrested and charged",
    "X appeared in court charged with fraud"): passive, so the subject it shares with the
    clause above is who it was done to."""
    return verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in verb.children)


def inverted_subject(verb: Token) -> Token | None:
    """The subject of a passive told after its verb ("Also arrested were X and Y": X and Y
    were arrested): the parse hangs it from the auxiliary that follows the participle."""
    if verb.tag_ != "VBN" or any(c.dep_ == "nsubjpass" for c in verb.children):
        return None
    for aux in verb.children:
        if aux.dep_ == "auxpass" and aux.i > verb.i:
            return next((c for c in aux.children if c.dep_ in {"attr", "nsubj"}), None)
    return None
