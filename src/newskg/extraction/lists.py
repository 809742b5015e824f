"""Names in a list of persons are persons: the kind a coordination gives its members.

News lists people by name ("guests included Ann Reyes, Lou Park and Tom Hale"; "gods such
as Odin, Thor, Freya and Loki"). The small model tags some members PERSON, leaves
others untagged and calls one an organization; a list names one kind of thing, so when at
least two members are tagged persons and every other member is a capitalised proper name
(at most one of them tagged as something else), the others are persons too. Read by
:func:`newskg.extraction.entities.resolve` after the tagger's mentions are cleaned. So
for bodies: a "place" the gazetteer does not know, listed with organizations only, is one
(:func:`listed_with_bodies`, a vote read by :func:`newskg.extraction.kinds.vote_kinds`).
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from newskg.extraction.lexicon import Lexicon
from newskg.extraction.mentions import Mention, trimmed_mentions
from newskg.extraction.nlp import Para

#: Fewest members tagged PERSON that make a list a list of persons.
MIN_PERSONS = 2


def _members(root: Token) -> list[Token]:
    """The head words of the coordination under ``root`` (its "conj" chain, nested or flat)."""
    members, k = [root], 0
    while k < len(members):
        members += [c for c in members[k].children if c.dep_ == "conj"]
        k += 1
    return sorted(members, key=lambda t: t.i)


def _untagged_name(doc: Doc, head: Token) -> tuple[int, int] | None:
    """The token range of an untagged proper name ending at ``head`` (its compound words
    before it), or None when any word is not a capitalised proper noun."""
    start = head.i
    while start > 0 and doc[start - 1].dep_ == "compound" and doc[start - 1].head.i == head.i:
        start -= 1
    words = doc[start : head.i + 1]
    if start > 0 and not doc[start - 1].whitespace_:
        return None  # the end of a hyphenated name ("Newcastle-upon-Tyne Central")
    if start > 0 and doc[start - 1].lower_ == "the":
        return None  # a group named with "the" ("The Libertines"), not a person
    if all(t.pos_ == "PROPN" and t.is_alpha and t.is_title and t.ent_iob_ == "O" for t in words):
        return start, head.i + 1
    return None


def _person_shaped(text: str) -> bool:
    return all(w[:1].isupper() and w[1:].islower() and w.isalpha() for w in text.split())


def list_persons(paras: list[Para], found: list[Mention], lex: Lexicon) -> list[Mention]:
    """Mentions for the untagged members of person lists (new, labelled PERSON); a member
    the tagger gave another label and that is shaped like a name is relabelled PERSON in
    place. Lists are coordinations of three members or more."""
    made: list[Mention] = []
    for para in paras:
        doc = para.doc
        at = {i: m for m in found if m.para == para.index for i in range(m.start, m.end)}
        seen: set[int] = set()
        for tok in doc:
            if tok.dep_ != "conj" or tok.head.dep_ == "conj" or tok.head.i in seen:
                continue
            root = tok.head
            seen.add(root.i)
            members = _members(root)
            if len(members) < 3:
                continue
            persons, others, untagged = 0, [], []
            for head in members:
                m = at.get(head.i)
                if m is not None and m.label == "PERSON":
                    persons += 1
                elif (
                    m is not None and m.gaz is None and m.label == "ORG" and _person_shaped(m.text)
                ):
                    others.append(m)
                elif m is None and (rng := _untagged_name(doc, head)) is not None:
                    untagged.append(rng)
                else:
                    break  # a common noun, a gazetteer name, a longer name: not this list
            else:
                if persons >= MIN_PERSONS and len(others) <= 1 and (others or untagged):
                    for m in others:
                        m.label = "PERSON"
                    for start, end in untagged:
                        made += trimmed_mentions(para, start, end, "PERSON", lex)
    return made


def _is_acronym(tok: Token) -> bool:
    return 2 <= len(tok.text) <= 6 and tok.text.isupper() and tok.text.isalpha()


def member_acronyms(paras: list[Para], found: list[Mention], lex: Lexicon) -> list[Mention]:
    """ "Peter Hale of KDPU", "Ann Lee from the NUM": an acronym the tagger left untagged
    right after a person's name and "of"/"from" is the body the person belongs to, an
    organization (a person is "of" a place by its name, which is not an acronym written so,
    and gazetteer places still win over this mention); so is "the <Name> <Plural>"
    ("Dan Roe of the Civic Greens")."""
    made: list[Mention] = []
    for para in paras:
        doc = para.doc
        persons = {
            i
            for m in found
            if m.para == para.index and m.label == "PERSON"
            for i in range(m.start, m.end)
        }
        covered = {
            i
            for m in found
            if m.para == para.index and m.label != "NORP"
            for i in range(m.start, m.end)
        }
        for tok in doc:
            if tok.i in covered or tok.dep_ != "pobj":
                continue
            prep = tok.head
            if prep.lower_ not in {"of", "from"} or prep.head.i not in persons:
                continue
            if tok.i + 1 < len(doc) and doc[tok.i + 1].pos_ in {"PROPN", "NOUN"}:
                continue  # "of KDPU councillors": the name qualifies a noun
            start = _plural_body(doc, tok, covered)
            if _is_acronym(tok):
                made += trimmed_mentions(para, tok.i, tok.i + 1, "ORG", lex)
            elif start is not None:
                made += trimmed_mentions(para, start, tok.i + 1, "ORG", lex)
    return made


def _plural_body(doc: Doc, tok: Token, covered: set[int]) -> int | None:
    """Where "the <Capitalised words> <Plural>" starts ("of the Civic Greens", "of the
    Free Greens"): a body named by its members, not a single person's place (the tagger
    calls the last word a nationality or leaves it untagged); None when not so shaped."""
    if not (tok.pos_ == "PROPN" and tok.is_title and tok.text.endswith("s")):
        return None
    start = tok.i
    while start > 0 and doc[start - 1].pos_ == "PROPN" and doc[start - 1].is_title:
        start -= 1
    if start == tok.i or covered & set(range(start, tok.i)) or doc[start - 1].lower_ != "the":
        return None
    return start


def listed_with_bodies(mentions: list[Mention], paras: list[Para]) -> list[Mention]:
    """Mentions the tagger called places, with no gazetteer entry, in a coordination whose
    other members are all organizations, one of them known to the gazetteer or two tagged
    ("Ubivox, Microsoft and Sony had stands"): a list names one kind of thing, and a town
    the gazetteer does not know is rarely listed with companies. A member that is a known
    place keeps the list a mixed one ("Acme and Oslo")."""
    at: dict[tuple[int, int], Mention] = {}
    for m in mentions:
        for i in range(m.start, m.end):
            at[(m.para, i)] = m
    found = []
    for m in mentions:
        if m.label not in {"GPE", "LOC"} or m.gaz is not None:
            continue
        doc = paras[m.para].doc
        root = doc[m.end - 1]
        while root.dep_ == "conj":
            root = root.head
        others = [at.get((m.para, t.i)) for t in _members(root) if not m.start <= t.i < m.end]
        bodies = [
            o
            for o in others
            if o is not None
            and (o.gaz.kind == "organization" if o.gaz is not None else o.label == "ORG")
        ]
        # One tagged "body" is weak company: the tagger calls "Wales" of "England and Wales"
        # one now and then. A known body or two tagged ones.
        known = any(o.gaz is not None for o in bodies) or len(bodies) >= 2
        if bodies and len(bodies) == len(others) and known:
            found.append(m)
    return found
