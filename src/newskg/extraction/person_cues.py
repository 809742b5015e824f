"""Cues that a name the tagger gave to a body or a place is a person's (step 3 of
:func:`newskg.extraction.entities.resolve`, read by :mod:`newskg.extraction.kinds`): a title
or a role around it, a body that owns it ("the Democratic Party's Jane Roe"), a body it speaks
for ("Ann Lee, for the Green Party, said"), a list of persons it stands in, an initial before
a surname ("T Brankin" on a team sheet).
"""

from __future__ import annotations

import itertools

from newskg.extraction.lexicon import lexicon
from newskg.extraction.mentions import Mention
from newskg.extraction.names import name_rules, place_heads
from newskg.extraction.nlp import Para


def person_shaped(words: tuple[str, ...]) -> bool:
    """Every word a capital and lower-case letters, a hyphen allowed before either
    ("Ka-chun", "Jean-Pierre"); not "Lehigh," nor "NASA".

    >>> person_shaped(("Jean-Pierre", "Ka-chun")), person_shaped(("NASA",))
    (True, False)
    """
    return all(
        w[:1].isupper()
        and w.replace("-", "").isalpha()
        and all(part[1:].islower() and part[:1].isalpha() for part in w.split("-"))
        for w in words
    )


def initialled(m: Mention, para: Para, lower: frozenset[str]) -> bool:
    """An initial and a surname ("T Brankin", "K. Vosse": how team sheets and bylines write
    people): a person, unless the second word is a head ("S Club", "T Mobile Arena"), a
    word the article writes in lower case ("X Factor": a title) or the name takes "the".

    >>> from newskg.extraction.nlp import parse_body
    >>> from newskg.extraction.mentions import span_text
    >>> from newskg.extraction.model import ArticleText, Span
    >>> text = "Replacements: T Brankin, K Vosse."
    >>> para = parse_body(ArticleText("a", "t", text, body=[Span(0, len(text))]))[0]
    >>> span, name = span_text(para, 2, 4)
    >>> initialled(Mention(0, 2, 4, span, name, "ORG"), para, frozenset())
    True
    """
    words = m.words
    if len(words) != 2 or len(words[0].rstrip(".")) != 1 or not words[0][:1].isupper():
        return False
    if not person_shaped(words[1:]) or words[1].lower() in lower:
        return False
    if set(words) & (lexicon().org_heads | place_heads()):
        return False
    return not (m.start > 0 and para.doc[m.start - 1].lower_ == "the")


def member_of_body(m: Mention, para: Para, lower: frozenset[str]) -> bool:
    """Two capitalised words (a given name and a surname), none a head, right after
    "<organization head>'s" ("the Democratic Party's Jane Roe", "Acme Company's John
    Smith"): a person of that body. A body's own part is named with a head ("Party's Youth
    Wing"), a product after a brand has no body head before it ("Microsoft's Edge"), and a
    name with a word the article writes in lower case is a thing ("the Party's Social
    Policy" where "policy" is written so)."""
    org_heads = lexicon().org_heads
    doc = para.doc
    if len(m.words) != 2 or m.start < 2 or doc[m.start - 1].lower_ not in {"'s", "’s"}:
        return False
    if not person_shaped(m.words):
        return False
    if set(m.words) & (org_heads | place_heads()) or any(w.lower() in lower for w in m.words):
        return False
    lex = lexicon()
    if any(lex.role_at([w.lower()]) or lex.is_title([w]) for w in m.words):
        return False  # "the Party's National Executive": an organ named by a role word
    return doc[m.start - 2].text in org_heads


def speaks_for_body(m: Mention, para: Para) -> bool:
    """Two or three capitalised words, none a head, then ", for|from [the] <a tagged name>"
    ("Ann Lee, for the Green Party, said", "Tom Hale, from Leeds, said"): someone speaking
    for a body or from a place, not a body (a body is not introduced so)."""
    if not 2 <= len(m.words) <= 3 or not person_shaped(m.words):
        return False
    if set(m.words) & (lexicon().org_heads | place_heads()):
        return False
    doc = para.doc
    i = m.end + 2
    if i >= len(doc) or doc[m.end].text != "," or doc[m.end + 1].lower_ not in {"for", "from"}:
        return False
    if doc[i].lower_ == "the" and i + 1 < len(doc):
        i += 1
    return doc[i].ent_type_ in {"ORG", "NORP", "GPE"}


def in_person_list(m: Mention, paras: list[Para], persons: set[tuple[int, int]]) -> bool:
    """Two or three capitalised words coordinated with at least two full person names and
    nothing else: the list names people (the small model tags some of them ORG)."""
    if not 2 <= len(m.words) <= 3 or not all(w[:1].isupper() and not w.isupper() for w in m.words):
        return False
    doc = paras[m.para].doc
    head = doc[m.end - 1]
    top = head.head if head.dep_ == "conj" else head
    members = [top, *(t for t in top.subtree if t.dep_ == "conj" and t.head.i >= top.i)]
    others = [t for t in members if t.i != head.i]
    named = sum((m.para, t.i) in persons for t in others)
    return named >= 2 and named == len(others)


def human_cue(m: Mention, para: Para) -> bool:
    lex = lexicon()
    doc = para.doc
    before = [t.text for t in doc[max(0, m.start - 3) : m.start]]
    for n in range(len(before), 0, -1):
        if lex.is_title(before[-n:]) and before[-n][:1].isupper():
            return True
    # "Tory health spokesman Ann Lee": a role in lower case right before a full name the
    # tagger called a body (not "owner Menatep Group", "host Dundee United": a body's name)
    if (
        m.label == "ORG"
        and m.start >= 1
        and doc[m.start - 1].text.islower()
        and lex.role_at([doc[m.start - 1].text])
        and 2 <= len(m.words) <= 3
        and person_shaped(m.words)
        and not set(m.words) & (lex.org_heads | place_heads())
    ):
        return True
    # "the bakery's owner, Hamza Alrifai": a role and a comma before the name; not letters
    # after the name before it ("Jo Ray MP, Labour's spokeswoman").
    if (
        m.start >= 2
        and doc[m.start - 1].text == ","
        and lex.role_at([doc[m.start - 2].lower_])
        and doc[m.start - 2].text not in name_rules().post_nominal
    ):
        return True
    after = [t for t in doc[m.end : m.end + 8] if not t.is_space]
    words = [t.text.lower() for t in after]
    if words[:1] == [","]:
        rest = words[1:]
        if rest[:1] and rest[0] in {"a", "an", "the"}:
            rest = rest[1:]
        if (
            "'s" in rest[1:3]
            and 2 <= len(m.words) <= 3
            and person_shaped(m.words)
            and not set(m.words) & (lex.org_heads | place_heads())
        ):
            # "Jo Ray, the bank's chief economist": a role owned by a body, in apposition
            rest = rest[rest.index("'s", 1) + 1 :]
            clause = list(itertools.takewhile(lambda w: w not in {",", ".", ";"}, rest))
            return bool(clause) and lex.role_at(clause[-1:]) is not None  # not "chief rival"
        if rest[:1] and not lex.role_at(rest) and lex.role_at(rest[1:]):
            rest = rest[1:]  # "the Special Advisor to ...": one modifier before the role
        preps = {"of", "at", "for", "with", "to"}
        if lex.role_at(rest) and (
            len(rest) > 1 and rest[1] in preps or len(rest) > 2 and rest[2] in preps
        ):
            return True
        # A longer or double role: "J.P. Lindgren, chief operating officer and secretary at".
        clause = list(itertools.takewhile(lambda w: w not in {",", ".", ";"}, rest[1:6]))
        if lex.role_at(rest) and "and" in clause and preps & set(clause):
            return True
    if words[:2] == ["and", "other"]:
        for t in after[2:6]:
            if t.pos_ == "NOUN":
                return bool(lex.role_at([t.lemma_.lower()]))
    return False


def who_follows(m: Mention, para: Para, lower: frozenset[str]) -> bool:
    """ "Jo Ray, who won ...": "who" takes people, and the tagger called a person-shaped
    name a body. British usage gives "who" to sides and firms too, whose names are made of
    common words ("Harbour Radio, who"): no word of the name the article writes in lower
    case, nor a body's or a place's head word.

    >>> from newskg.extraction.nlp import parse_body
    >>> from newskg.extraction.mentions import span_text
    >>> from newskg.extraction.model import ArticleText, Span
    >>> text = "The prize went to Tam Velliquette, who wrote it in prison."
    >>> para = parse_body(ArticleText("a", "t", text, body=[Span(0, len(text))]))[0]
    >>> span, name = span_text(para, 4, 6)
    >>> who_follows(Mention(0, 4, 6, span, name, "ORG"), para, frozenset({"prize"}))
    True
    """
    doc = para.doc
    after = [t.lower_ for t in doc[m.end : m.end + 2]]
    return (
        after == [",", "who"]
        and 2 <= len(m.words) <= 3
        and person_shaped(m.words)
        and not {w.lower() for w in m.words} & lower
        and not set(m.words) & (lexicon().org_heads | place_heads())
    )
