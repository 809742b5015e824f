"""Shapes of tagged spans that say what a name is not, or where it really starts, read by
:func:`newskg.extraction.mentions.ner_mentions` before a span is cleaned: a person's name
at the end of a span the tagger gave to an organization, two one-word "places" that are a
given name and a surname, names glued to numbers (codes, numbered party names), letters
after a name ("QC"), and where a span's name ends (a parenthesis, a dash before the rest of
the sentence, "v" between two sides of a match).
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newskg.extraction.lexicon import Lexicon
from newskg.extraction.names import (
    HYPHENS,
    group_nouns,
    name_rules,
    occupation_before,
    occupations,
    place_heads,
)
from newskg.extraction.nlp import Para

POSSESSIVE = {"'s", "\u2019s", "'", "\u2019"}


def person_tail(para: Para, start: int, end: int, surnames: set[str], lex: Lexicon) -> int:
    """Where a person's name starts inside a longer non-person entity that ends with it
    ("Minister for the" + "Middle East John Doe", when "Mr Doe" is a person
    elsewhere): the given name and the surname, or -1. The words before it were a title's
    tail, not a name, and are dropped, unless they own the person ("X Party's Jane Roe")."""
    doc = para.doc
    if end - start < 3 or doc[end - 1].text not in surnames:
        return -1
    given = doc[end - 2]
    owner = doc[end - 3].text in POSSESSIVE  # "New Civic Party's Mona Lau"
    if not (given.is_alpha and given.is_title and (doc[end - 3].is_title or owner)):
        return -1
    heads = lex.org_heads | place_heads()
    if given.text in heads or doc[end - 1].text in heads:
        return -1
    return end - 2


def place_pairs(para: Para) -> dict[int, int]:
    """Two one-word "places" side by side with only a space between them ("Florence" +
    "Paris"): places are never written so (they take a comma: "Paris, Texas"), a person's
    given name and surname are. First token -> second token."""
    places = {"GPE", "LOC", "FAC"}
    doc, ents = para.doc, list(para.doc.ents)
    return {
        a.start: b.start
        for a, b in zip(ents, ents[1:], strict=False)
        if a.label_ in places
        and b.label_ in places
        and len(a) == len(b) == 1
        and a.end == b.start
        and doc[a.start].whitespace_ == " "
        and doc[a.start].is_alpha
        and doc[b.start].is_alpha
        and doc[a.start].is_title
        and doc[b.start].is_title
    }


def numbered(para: Para, start: int) -> bool:
    """A name after a number after a capitalised word ("Movimento 5 Stelle", "Channel 4
    News"): the end of a longer name that has a number in it."""
    doc = para.doc
    return start >= 2 and doc[start - 1].like_num and doc[start - 2].is_title


def before_number(para: Para, end: int) -> bool:
    """A one-word "name" right before a number in digits ("enter Passcode 5512093"): a
    label of a code, not a person."""
    doc = para.doc
    return end < len(doc) and doc[end].text.isdigit()


_ORDINAL = re.compile(r"\d+(st|nd|rd|th)")
_CODE = re.compile(r"(?=.*[A-Z])(?=.*\d)[A-Za-z\d]+")


def numbered_body(words: tuple[str, ...]) -> bool:
    """An organization's name with a number in it: one word of letters and digits ("G20",
    "ITV1"), an ordinal before a word ("5th Fleet", "407th Air Group"), or a small number
    between words of the name ("Fathers 4 Justice"). A code after a name is a product's
    model ("Acme X5"), a number at the end a score or a count ("Arsenal 2"), a number with
    punctuation an amount, a score or a date ("1.1bn", "2-1", "9/11"), a number before a
    lower-case word a quantity ("More than 167 million").

    >>> names = ("G20", "5th Fleet", "Fathers 4 Justice", "Arsenal 2", "Acme X5", "disco club")
    >>> [numbered_body(tuple(n.split())) for n in names]
    [True, True, True, False, False, False]
    """
    if not any(ch.isdigit() for ch in "".join(words)):
        return False
    for i, word in enumerate(words):
        if not any(ch.isdigit() for ch in word):
            continue
        last = i == len(words) - 1
        if _ORDINAL.fullmatch(word) and not last:
            continue
        if _CODE.fullmatch(word) and len(words) == 1:
            continue
        if word.isdigit() and len(word) <= 3 and i > 0 and not last and words[i + 1][:1].isupper():
            continue
        return False
    return True


def tagged_surnames(paras: list[Para], lex: Lexicon) -> set[str]:
    """Surnames the tagger called persons somewhere in the article: the last word of a full
    name, or a word after a title ("Mr Doe")."""
    return {
        p.doc[e.end - 1].text
        for p in paras
        for e in p.doc.ents
        if e.label_ == "PERSON"
        and p.doc[e.end - 1].is_alpha
        and (len(e) > 1 or (e.start > 0 and lex.is_title([p.doc[e.start - 1].text])))
    }


def not_a_person(para: Para, ent: SpacySpan) -> bool:
    """A PERSON span that names no person: with digits or before a number ("enter Passcode
    3080897"), the end of a numbered name ("Movimento 5 Stelle"), a group's name before
    a noun like "tribe" ("the Al Bu Harim tribe", ``group_nouns.txt``), a character after
    "the" ("played the Joker") or a name with a code for its last word ("Arkham VR")."""
    end = ent.end
    return (
        any(ch.isdigit() for ch in ent.text)
        or numbered(para, ent.start)
        or (len(ent) == 1 and before_number(para, end))
        or (end < len(para.doc) and para.doc[end].lower_ in group_nouns())
        or _character(para, ent)
        or _code_tail(ent)
    )


_ROMAN = re.compile(r"[IVX]+|JR|SR")


def _character(para: Para, ent: SpacySpan) -> bool:
    """One capitalised word after "the" that closes its phrase ("played the Joker", "the
    Pope arrived"): a character or an office, never how news names a person ("the
    Smiths" is a family or a band, see the plural rule of kinds)."""
    doc = para.doc
    words = [t for t in ent if t.lower_ != "the"]
    if len(words) != 1 or words[0].text.endswith("s"):
        return False
    first = ent[0] if ent[0].lower_ == "the" else (doc[ent.start - 1] if ent.start else None)
    if first is None or first.lower_ != "the":
        return False
    return ent.end == len(doc) or doc[ent.end].pos_ not in {"NOUN", "PROPN"}


def _code_tail(ent: SpacySpan) -> bool:
    """A name that ends with a word in capitals after words that are not ("Arkham VR",
    "Windows XP"): a product or a code, not a person (a generational suffix "III", "JR"
    is no such tail)."""
    words = ent.text.split()
    last = words[-1].rstrip(".")
    return (
        len(words) > 1
        and len(last) > 1
        and last.isalpha()
        and last.isupper()
        and not _ROMAN.fullmatch(last)
        and last not in name_rules().post_nominal  # "Tom Hale QC": letters after a name
        and not any(w.isupper() for w in words[:-1])
    )


def given_name_after_occupation(para: Para, start: int) -> bool:
    """An untagged capitalised word between an occupation and a name the tagger gave to a
    place or an organization ("athletes Tomas" + "Verbeek"): a given name, and the whole
    is a person."""
    doc = para.doc
    if start < 2:
        return False
    given = doc[start - 1]
    return (
        given.ent_iob_ == "O"
        and given.is_alpha
        and given.is_title
        and given.pos_ == "PROPN"
        and occupation_before(doc, start - 1)
    )


def capitals_inside(paras: list[Para]) -> frozenset[str]:
    """Words the article capitalises inside a sentence: names, not capitals by position."""
    return frozenset(
        t.text for p in paras for t in p.doc if not t.is_sent_start and t.text[:1].isupper()
    )


def capital_by_position(
    para: Para, start: int, end: int, lower: frozenset[str], inside: frozenset[str]
) -> bool:
    """A one-word "organization" that opens a sentence, is written in lower case elsewhere
    in the article (:func:`~newskg.extraction.names.lower_words`) and never capitalised
    inside a sentence: a common word capitalised by its position ("Localist group Civic
    Passion's ..." where "localist" is written so), not a name. "Labour" stays where the
    article capitalises it anywhere inside a sentence."""
    if end - start != 1 or not para.doc[start].is_sent_start:
        return False
    word = para.doc[start].text
    return word.istitle() and word.lower() in lower and word not in inside


def surname_after(para: Para, start: int, end: int, lex: Lexicon) -> int:
    """Where a one-word person span really ends: a given name the tagger cut from the
    surname after it ("painter Rosa" + "Summer", a surname that is also a common
    name of a day) takes that word back when the parse makes the given name a compound of
    it and it is an untagged capitalised proper noun, no title, role or name head
    ("Trump Tower" stays a place's name). The caller keeps a word the article uses as a
    surname ("Warhol Polaroids")."""
    doc = para.doc
    if end - start != 1 or end >= len(doc):
        return end
    given, nxt = doc[start], doc[end]
    if (
        given.dep_ == "compound"
        and given.head.i == nxt.i
        and nxt.ent_iob_ == "O"
        and nxt.pos_ == "PROPN"
        and nxt.is_alpha
        and nxt.is_title
        and given.whitespace_ == " "
        and not lex.is_title([nxt.text])
        and not lex.role_at([nxt.lower_])
        and nxt.text not in lex.org_heads | place_heads()
    ):
        return end + 1
    return end


def post_nominal(para: Para, start: int, end: int) -> bool:
    """A short word in capitals between commas right after a person's name ("Tom Hale, QC,
    said", "Ann Lee, MBE."): letters after a name (an honour, a rank at the bar), not an
    organization. Not in a list of names ("Ann Lee, TKO, Capleton and ...")."""
    doc = para.doc
    word = doc[start].text
    return (
        end - start == 1
        and 2 <= len(word) <= 3
        and word.isupper()
        and word.isalpha()
        and start >= 2
        and doc[start - 1].text == ","
        and doc[start - 2].ent_type_ == "PERSON"
        and (end == len(doc) or doc[end].text in {",", ".", ";"})
        and not (end + 1 < len(doc) and doc[end].text == "," and doc[end + 1].pos_ == "PROPN")
    )


#: Dashes that, spaced, break a sentence (a hyphen, an en dash, an em dash).
DASHES = {"-", "\u2013", "\u2014"}


def name_start(doc: Doc, start: int, end: int) -> int:
    """Where a tagged span's name starts: after a caption's label in capitals and a spaced
    dash ("FILE - Tom Hale, seen in May", "WATCH - ..."), which opens the span the tagger
    read as one name."""
    first = doc[start]
    if (
        start + 2 < end
        and first.is_upper
        and first.is_alpha
        and len(first) >= 3
        and first.whitespace_
        and doc[start + 1].text in DASHES
        and doc[start + 1].whitespace_
    ):
        return start + 2
    return start


def name_end(doc: Doc, start: int, end: int) -> int:
    """Where a tagged span's name ends: at a parenthesis inside ("World Health Organisation
    (WHO"), or at a spaced dash before a lower-case word or a number ("the Kelford Grand
    Prix - good enough", "Tallis - one of them"), where the sentence goes on."""
    for i in range(start + 1, end):
        spaced = doc[i - 1].whitespace_ and doc[i].whitespace_ and i + 1 < end
        if doc[i].text in {"(", "["} or (
            spaced
            and doc[i].text in DASHES
            and (doc[i + 1].text[:1].islower() or doc[i + 1].like_num)
        ):
            return i
    return end


def sides_of_match(doc: Doc, start: int, end: int) -> int | None:
    """Where "v" or "vs" parts a span into two sides of a match ("Wales v England"), or a
    spaced dash two names ("Jo Ray - Wales" in a list; not "Council on Arab - Irish
    Trade", one name tokenised apart), or None."""
    for i in range(start + 1, end - 1):
        versus = doc[i].lower_ in {"v", "v.", "vs", "vs."} and doc[i + 1].text[:1].isupper()
        dash = doc[i].text in {"-", "\u2013", "\u2014"} and bool(doc[i - 1].whitespace_)
        words = all(t.text[:1].isupper() for t in doc[start:i])
        if versus or dash and words and bool(doc[i].whitespace_):
            return i
    return None


def lettered_person(para: Para, start: int, end: int, lex: Lexicon) -> bool:
    """Two or three words of a person's name before letters after a name ("Tom Hale QC",
    ``name_rules.tsv`` "post-nominal"), none the head of a body or a place ("Green Party
    MEP" is a title)."""
    doc = para.doc
    words = doc[start : end - 1]
    return (
        3 <= end - start <= 4
        and doc[end - 1].text in name_rules().post_nominal
        and all(_name_word(t) for t in words)
        and not {t.text for t in words} & (lex.org_heads | place_heads())
    )


def _name_word(tok: Token) -> bool:
    """A capitalised word of a person's name: "Salem", "Wai-lun"."""
    bare = tok.text.replace("-", "")
    return bare.isalpha() and tok.text[:1].isupper() and bare[1:].islower()


def titled_person_tail(para: Para, start: int, end: int, lex: Lexicon) -> int:
    """Where the person starts in a span "<body> <Given> <Surname>" that closes a title
    ("Executive director of the Hale Council Jane Roe said", "CEO of the Refugee Alliance
    Omar Haddad told ..."): a role word before "of" earlier in the clause, the body's
    name, then two name-shaped words and a verb. The title's body and the person were
    tagged as one organization; -1 when the span is not shaped so."""
    doc = para.doc
    if end - start < 4 or end >= len(doc) or doc[end].pos_ not in {"VERB", "AUX"}:
        return -1
    given, surname = doc[end - 2], doc[end - 1]
    heads = lex.org_heads | place_heads()
    if not (_name_word(given) and _name_word(surname) and doc[end - 3].text[:1].isupper()):
        return -1
    if {given.text, surname.text} & heads or lex.is_title([given.text]):
        return -1
    if lex.role_at([given.lower_]) or lex.role_at([surname.lower_]):
        return -1
    k = start - 1
    if k >= 0 and doc[k].lower_ == "the":
        k -= 1
    if k < 1 or doc[k].lower_ != "of":
        return -1
    for tok in reversed(doc[doc[k].sent.start : k]):
        if tok.pos_ in {"VERB", "AUX"} or tok.text in {",", ";", ":"}:
            return -1
        if lex.role_at([tok.lower_]):
            return end - 2
    return -1


_PERSON_WORD = re.compile(r"[A-Z][a-z]+(?:-[a-z]+)?")


def descriptor_before_person(para: Para, start: int, end: int) -> bool:
    """A span that opens with a capitalised compound whose second half is in lower case
    ("Pan-nationalist", "Ex-minister", "Co-founder") and goes on with a person's name shaped
    words ("Pan-nationalist Ho Wai-lun"): a noun describing the person, capitalised by
    its position, not part of a name; the name after it is the person."""
    doc = para.doc
    if end - start < 5 or not doc[start].is_title:
        return False
    hyphen, tail = doc[start + 1], doc[start + 2]
    if hyphen.text not in HYPHENS or doc[start].whitespace_ or hyphen.whitespace_:
        return False
    if not (tail.is_alpha and tail.text.islower()):
        return False
    rest = doc[start + 3 : end].text.split()
    return 2 <= len(rest) <= 3 and all(_PERSON_WORD.fullmatch(w) for w in rest)


def described_person(para: Para, start: int, end: int, lex: Lexicon) -> bool:
    """Does a person's span open with a capitalised occupation ("Actress Jo Ray", at
    a sentence start) or nationality ("Russian Ivan Petrovsky", "Briton Jo Ray") before one
    to three person shaped words, none a body's or a place's head? The word describes the
    person and is no part of the name; a nationality only before two words or more ("German
    Morozov" is a given name and a surname). Asked of person spans only: "Economist Research Unit"
    and "Russian Railways" are bodies' names.

    >>> from newskg.extraction.nlp import parse_body
    >>> from newskg.extraction.lexicon import lexicon
    >>> from newskg.extraction.model import ArticleText, Span
    >>> text = "Actress Jo Ray said she was delighted."
    >>> para = parse_body(ArticleText("a", "t", text, body=[Span(0, len(text))]))[0]
    >>> described_person(para, 0, 3, lexicon())
    True
    """
    doc = para.doc
    first = doc[start]
    rest = doc[start + 1 : end].text.split()
    if not (1 <= len(rest) <= 3 and first.is_title and first.is_alpha):
        return False
    if not all(_PERSON_WORD.fullmatch(w) or w[:1].isupper() and "-" in w for w in rest):
        return False
    if set(rest) & (lex.org_heads | place_heads()):
        return False
    if first.lower_ in occupations():
        return True
    nation = (first.lower_,) in lex.demonyms or first.lower_ in name_rules().national
    return len(rest) >= 2 and nation
