"""Who else a deal, a vote or a meeting involves, found through the words around the trigger
(part of :mod:`newskg.extraction.event_arguments`): what a deal is about ("agreed to buy
X from Y", "agreed to a takeover by X"), the party a candidate stands for ("stood as a
Liberal candidate in the election") and the body someone joins or stands for at an event
("entered the cabinet in the reshuffle", "represented Ruritania at the talks").

These are pure functions of the parse: they return the tokens that may name a party, and
the argument rules resolve them to entities (a token naming no one adds no one)."""

from __future__ import annotations

from spacy.tokens import Token

from newskg.extraction.event_table import words_of

#: Prepositions of the clause agreed to that name the other side ("buy X from Y", "sell X
#: to Y", "merge with Y").
DEAL_PREPS = {"from", "to", "with"}
#: Prepositions of a noun agreed to that name a party ("a takeover by Y", "a merger with Y").
AGREED_NOUN_PREPS = {"by", "with", "between"}
#: What part of a company a deal is about: its "of"/"in" phrase names the company ("33% of
#: X", "its stake in X").
PART_PREPS = {"of", "in"}
#: Verbs by which someone joins a body, or stands for it, at an event (``event_words.tsv``,
#: set "joining"): the body takes part too.
JOINING = words_of("joining")
#: Verbs by which a party makes its own deal known ("announced an agreement to acquire X"): their
#: subject is a party (``event_words.tsv``, set "deal-reporting").
DEAL_REPORTING = words_of("deal-reporting")
#: Relative pronouns that stand for the noun a relative clause describes.
RELATIVES = {"which", "that", "whom"}


def pobjs(tok: Token, preps: set[str]) -> list[Token]:
    """The objects of ``tok``'s prepositions among ``preps``."""
    return [
        g
        for c in tok.children
        if c.dep_ == "prep" and c.lower_ in preps
        for g in c.children
        if g.dep_ == "pobj"
    ]


def deal_parties(verb: Token) -> list[Token]:
    """The parties named in the clause a trigger verb agrees to ("agreed to buy 33% of X from
    Y": X and Y; "agreed to sell its unit to Y": Y; "agreed to be taken over by Y": Y)."""
    found: list[Token] = []
    for obj in (c for c in verb.children if c.dep_ == "dobj"):
        found.append(obj)
        if obj.pos_ != "PROPN":  # "33% of X", "a stake in X": the company it is a part of
            found += pobjs(obj, PART_PREPS)
    # "agreed to be taken over by X": the passive's doer
    by = [g for c in verb.children if c.dep_ == "agent" for g in c.children if g.dep_ == "pobj"]
    return found + pobjs(verb, DEAL_PREPS) + by


def deal_noun_parties(noun: Token) -> list[Token]:
    """The parties named in the clause a deal noun is for ("a deal to buy 33% of X from Y":
    X and Y), as for a verb agreeing to it (the parser may call the infinitive a relative
    clause)."""
    return [
        party
        for c in noun.children
        if c.pos_ == "VERB"
        and (c.dep_ == "acl" or (c.dep_ == "relcl" and any(a.lower_ == "to" for a in c.children)))
        for party in deal_parties(c)
    ]


def reported_deal_party(noun: Token) -> Token | None:
    """The subject of a verb by which a party makes its deal known ("X announced a deal
    with Y", "X unveiled a merger"): X, who is one side of it."""
    verb = noun.head
    if noun.dep_ != "dobj" or verb.lemma_.lower() not in DEAL_REPORTING:
        return None
    return next((c for c in verb.children if c.dep_ == "nsubj"), None)


def relative_doers(noun: Token, support: frozenset[str]) -> list[Token]:
    """The subject of a relative clause that does the event to its noun ("the election,
    which X won", "the summit X chaired"): a support verb whose object is the noun itself
    (not "the summit, which was chaired by ...", nor "the deal that gave X ...")."""
    found: list[Token] = []
    for clause in noun.children:
        if clause.dep_ != "relcl" or clause.lemma_.lower() not in support:
            continue
        objects = [c for c in clause.children if c.dep_ == "dobj"]
        if any(o.lower_ not in RELATIVES for o in objects):
            continue  # "the talks, which won it praise": the clause's own object
        found += [
            c for c in clause.children if c.dep_ == "nsubj" and c.lower_ not in RELATIVES | {"who"}
        ]
    return found


def where_doers(noun: Token) -> list[Token]:
    """The subject of a "where" clause about an event noun, or about the place it is in
    ("the election, where X stood against Y", "the summit in Kelby, where X spoke"): X was
    there, so took part."""
    heads = [noun] + [
        g
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in {"in", "at"}
        for g in c.children
        if g.dep_ == "pobj"
    ]
    return [
        s
        for h in heads
        for clause in h.children
        if clause.dep_ == "relcl" and any(c.lower_ == "where" for c in clause.children)
        for s in clause.children
        if s.dep_ == "nsubj"
    ]


def agreed_noun_parties(prep: Token) -> list[Token]:
    """The parties of a noun agreed to ("agreed to a takeover by X", "to a merger with X")."""
    return [
        g for noun in prep.children if noun.dep_ == "pobj" for g in pobjs(noun, AGREED_NOUN_PREPS)
    ]


def stood_for(prep: Token) -> list[Token]:
    """The modifiers of the role someone had at an event ("stood as a Liberal candidate in
    the election", "was at the talks as a UN envoy"): the body they stood for."""
    gov = prep.head
    if not (gov.pos_ == "NOUN" and gov.dep_ == "pobj" and gov.head.lower_ == "as"):
        return []
    return [c for c in gov.children if c.dep_ in {"compound", "amod", "nmod"} and c.i < gov.i]


def joined(verb: Token) -> list[Token]:
    """The body a verb of joining names ("entered the cabinet", "represented X at the
    talks"): its direct objects."""
    if verb.lemma_.lower() not in JOINING:
        return []
    return [c for c in verb.children if c.dep_ == "dobj"]


def organised(noun: Token, organising: frozenset[str]) -> bool:
    """Does a participle of organising describe the event noun ("a referendum organised by
    X")? Its "by" names the organiser, not who took part."""
    return any(c.dep_ == "acl" and c.lemma_.lower() in organising for c in noun.children)
