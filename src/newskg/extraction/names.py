"""Is a span the tagger called a name really one? Rules over the span's words whose
knowledge is the table ``src/newskg/extraction/data/name_rules.tsv`` (rule, word, reason,
confidence): ship prefixes ("USS Calloway"), a capitalised preposition at a sentence start
("Near Qaryatain"), a rank word after an ordinal ("1st Class Whitlock"), a hyphenated prefix
that makes a name an adjective ("pro-Beijing"), topic endings ("Islamophobia"), a credit
label after a name ("NASA Image:"), a generational suffix ("Whitlock IV"), a title word the
title list lacks ("Officer"), an adjective made from a name ("Dickens-like"), a noun for a
vessel ("the tanker Maris Star": read by :mod:`newskg.extraction.non_entities`).

Also here, because they answer the same question: where a span the tagger cut short really
ends (:func:`person_bounds`: "Chow Kin" + "-fai", "Junius" + "Tam"; :func:`of_tail`:
"Central League" + "for the Protection of Tenants"), the article's lower-case words that
unmask a capitalised common word (:func:`lower_words`, :func:`common_word`), and the head
words that say a name is a place or an organization (``place_heads.txt``,
``settlement_nouns.txt``). Names that are no entity at all (a work's title, a ship's, an
event's, a people's) are :mod:`newskg.extraction.non_entities`'s.

The small model tags such spans as persons or organizations; news nobody tuned for is full
of them (strike reports open sentences with "Near X", naval news names ships). These rules
decide on the words of the span and their neighbours only, never on a name of an article.

>>> rules = name_rules()
>>> "USS" in rules.vessel, "near" in rules.locative, rules.is_topic("Islamophobia")
(True, True, True)
>>> rules.is_topic("Islamabad")
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import cast

from spacy.tokens import Doc

from newskg.extraction import datafiles
from newskg.extraction.lexicon import Lexicon
from newskg.extraction.nlp import Para

MONTHS_DAYS = {
    "january",
    "february",
    "march",
    "april",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
}

PATH = datafiles.DATA / "name_rules.tsv"
COLUMNS = ("rule", "word", "reason", "confidence")  # of name_rules.tsv
RULES = (
    "vessel",
    "locative",
    "rank-tail",
    "compound",
    "topic",
    "credit-tail",
    "name-suffix",
    "people-possessive",
    "title-word",
    "adjective-suffix",
    "post-nominal",
    "vessel-noun",
    "national",
)
#: The lowest confidence a rule of the table needs to be applied.
MIN_CONFIDENCE = 0.5
HYPHENS = {"-", "\u2010", "\u2011"}
_ORDINAL = re.compile(r"(\d+(st|nd|rd|th)|first|second|third|fourth|fifth)", re.I)


@dataclass(frozen=True)
class NameRules:
    vessel: frozenset[str]  # case-sensitive
    locative: frozenset[str]
    rank_tail: frozenset[str]
    compound: frozenset[str]
    topic: tuple[str, ...]  # endings
    credit_tail: frozenset[str] = frozenset()
    name_suffix: frozenset[str] = frozenset()
    people_possessive: frozenset[str] = frozenset()
    title_word: frozenset[str] = frozenset()
    adjective_suffix: frozenset[str] = frozenset()
    post_nominal: frozenset[str] = frozenset()  # case-sensitive
    vessel_noun: frozenset[str] = frozenset()
    national: frozenset[str] = frozenset()  # "Briton", "Dutchman"

    def without_suffix(self, words: tuple[str, ...]) -> tuple[str, ...]:
        """A person name without its generational suffix ("Whitlock IV" -> "Whitlock")."""
        if len(words) > 2 and words[-1].lower() in self.name_suffix:
            return words[:-1]
        return words

    def is_topic(self, name: str) -> bool:
        """A one-word name with a topic ending ("Homeopathy"), longer than the ending."""
        low = name.lower()
        return (
            " " not in low
            and low.isalpha()
            and any(low.endswith(e) and len(low) > len(e) + 2 for e in self.topic)
        )

    def glued_prefix(self, doc: Doc, i: int) -> bool:
        """Is token ``i`` the second half of "<prefix>-<Name>" ("pro-Beijing")?"""
        return (
            i >= 2
            and doc[i - 1].text in HYPHENS
            and not doc[i - 1].whitespace_
            and not doc[i - 2].whitespace_
            and doc[i - 2].lower_ in self.compound
        )

    def rank_before(self, doc: Doc, i: int) -> bool:
        """Is token ``i`` a rank word after an ordinal ("1st Class")?"""
        return (
            doc[i].lower_ in self.rank_tail and i >= 1 and bool(_ORDINAL.fullmatch(doc[i - 1].text))
        )


def hyphen_joined(doc: Doc, i: int, start: int, end: int) -> bool:
    """Is token ``i`` (inside ``start:end``) part of a hyphenated word whose halves are both
    in the span: the hyphen of "Chung-tai" or the "tai" after it?"""
    tok = doc[i]
    if tok.text in HYPHENS:
        return start < i < end - 1 and not doc[i - 1].whitespace_ and not tok.whitespace_
    return (
        i - 2 >= start
        and doc[i - 1].text in HYPHENS
        and not doc[i - 1].whitespace_
        and not doc[i - 2].whitespace_
    )


@lru_cache(maxsize=2)
def name_rules(path: Path = PATH) -> NameRules:
    """The rules of ``path`` (a :class:`~newskg.extraction.datafiles.DataFileError` when the
    file is missing or a line is malformed)."""
    table: dict[str, set[str]] = {rule: set() for rule in RULES}
    for row in datafiles.rows(path, COLUMNS):
        rule, word, reason, confidence = (cell.strip() for cell in row.cells)
        if rule not in table:
            row.fail(f"rule {rule!r} is not one of {', '.join(RULES)}", "fix the first column")
        if not word or not reason:
            row.fail("the word or the reason is empty", "give both")
        if row.confidence(confidence) >= MIN_CONFIDENCE:
            table[rule].add(word if rule in {"vessel", "post-nominal"} else word.lower())
    return NameRules(
        vessel=frozenset(table["vessel"]),
        locative=frozenset(table["locative"]),
        rank_tail=frozenset(table["rank-tail"]),
        compound=frozenset(table["compound"]),
        topic=tuple(sorted(table["topic"], key=len, reverse=True)),
        credit_tail=frozenset(table["credit-tail"]),
        name_suffix=frozenset(table["name-suffix"]),
        people_possessive=frozenset(table["people-possessive"]),
        title_word=frozenset(table["title-word"]),
        adjective_suffix=frozenset(table["adjective-suffix"]),
        post_nominal=frozenset(table["post-nominal"]),
        vessel_noun=frozenset(table["vessel-noun"]),
        national=frozenset(table["national"]),
    )


def lower_words(paras: list[Para]) -> frozenset[str]:
    """Words the article writes in lower case inside a sentence ("iodine", "water"): a
    one-word "name" spelt so elsewhere is a common word capitalised by its position (a
    sentence start, a headline), not a name."""
    found: set[str] = set()
    for para in paras:
        if "lower_words" not in para.cache:  # kept per paragraph: several rules ask
            para.cache["lower_words"] = frozenset(
                t.text for t in para.doc if t.is_alpha and t.is_lower and not t.is_sent_start
            )
        found.update(cast(frozenset[str], para.cache["lower_words"]))
    return frozenset(found)


def common_word(words: tuple[str, ...], lower: frozenset[str], name_parts: set[str]) -> bool:
    """Is a one-word name a common word of the article (:func:`lower_words`) that is no
    part of a longer person name ("May" of "Theresa May" stays, whatever "may" does)?

    >>> common_word(("Iodine",), frozenset({"iodine"}), set())
    True
    >>> common_word(("May",), frozenset({"may"}), {"May"})
    False
    """
    if len(words) != 1 or not words[0].istitle() or words[0] in name_parts:
        return False  # lower case ("the parliament" of a named state body) is not a name
    return words[0].lower() in lower


@lru_cache(maxsize=2)
def place_heads(path: Path = datafiles.DATA / "place_heads.txt") -> frozenset[str]:
    """Last words that make a multi-word name a place ("Kestrel Stadium"), case-sensitive."""
    return frozenset(datafiles.words(path))


def head_word(words: tuple[str, ...]) -> str:
    """The head of a name: its last word, or the word before its first "of" ("Municipality"
    of "Municipality of Livorno", "University" of "University of Sheffield").

    >>> head_word(("Municipality", "of", "Livorno")), head_word(("Kestrel", "Stadium"))
    ('Municipality', 'Stadium')
    """
    if "of" in words[1:]:
        return words[words.index("of", 1) - 1]
    return words[-1]


@lru_cache(maxsize=1)
def group_nouns() -> frozenset[str]:
    """Nouns for a group of people (``group_nouns.txt``): the name before one is a group's
    ("the X tribe"), and so is a name they head an apposition of ("X, an ethnic minority":
    :func:`newskg.extraction.non_entities.people_after`)."""
    return frozenset(datafiles.words("group_nouns.txt"))


def noun_before(doc: Doc, start: int, nouns: frozenset[str], any_pos: bool = False) -> bool:
    """Is the word right before the name at ``start`` one of ``nouns``, in lower case, and a
    noun (``any_pos``: whatever the tagger made of it)? What says what a name is: "news
    agency Sana", "fashion designer Orsola", "the film Easy Rider"."""
    if start == 0:
        return False
    before = doc[start - 1]
    return before.text.islower() and (any_pos or before.pos_ == "NOUN") and before.lower_ in nouns


def org_noun_before(doc: Doc, start: int) -> bool:
    """A lower-case common noun for an organization right before a name ("news agency
    Sana", "localist group Civic Passion"): the name is the organization's, whatever the
    tagger said (``org_nouns.txt`` and ``org_cue_nouns.txt``: "oil giant Yukon", "the band
    Harlow Drift")."""
    return noun_before(doc, start, cue_nouns())


@lru_cache(maxsize=1)  # a union: made once, not per token
def cue_nouns() -> frozenset[str]:
    """Nouns for kinds of organizations: ``org_nouns.txt`` and ``org_cue_nouns.txt``."""
    return datafiles.word_set("org_nouns.txt") | datafiles.word_set("org_cue_nouns.txt")


def occupations() -> frozenset[str]:
    """Lower-case nouns for what a person does (``occupations.txt``)."""
    return datafiles.word_set("occupations.txt")


def occupation_before(doc: Doc, start: int) -> bool:
    """A lower-case noun for what a person does right before a name ("fashion designer
    Orsola"): the name is a person's, whatever the tagger said (``occupations.txt``). Any
    part of speech: the small model tags some plurals as verbs ("athletes")."""
    return noun_before(doc, start, occupations(), any_pos=True)


def portfolios() -> frozenset[str]:
    return datafiles.word_set("portfolios.txt")


def portfolio_in_title(doc: Doc, start: int, end: int, lex: Lexicon) -> bool:
    """Is the name ``doc[start:end]`` the portfolio of a title, not a body: only words of
    ``portfolios.txt`` (and "and", "&"), after "<role> of|for" ("Minister of Education",
    "Undersecretary for Foreign Affairs") or before a role ("Education Secretary")? The
    small model tags the portfolio as an organization; the department is named otherwise
    ("Ministry of Education")."""
    words = [t.lower_ for t in doc[start:end]]
    if not words or not all(w in portfolios() or w in {"and", "&"} for w in words):
        return False
    if start >= 2 and doc[start - 1].lower_ in {"of", "for"}:
        before = doc[start - 2]
        # "Undersecretary", "Vice-Minister": a role with a rank prefix is a role too
        bare = re.sub(r"^(under|vice|sub|deputy)-?", "", before.lower_)
        if lex.role_at([before.lower_]) or lex.role_at([bare]) or lex.is_title([before.text]):
            return True
    # "Education and Skills Secretary": the tagger may stop at the first "and"
    while end + 1 < len(doc) and doc[end].lower_ in {"and", "&", ","}:
        if doc[end + 1].lower_ not in portfolios():
            break
        end += 2
    return end < len(doc) and lex.role_at([doc[end].lower_]) is not None


@lru_cache(maxsize=2)  # asked for every candidate place of every article
def settlement_nouns(path: Path = datafiles.DATA / "settlement_nouns.txt") -> frozenset[str]:
    """Nouns for a kind of place ("village"): "the village of X" and "X, an area ..." are
    places."""
    return frozenset(w.lower() for w in datafiles.words(path))


# --- span bounds the tagger got wrong -------------------------------------------------------


def of_tail(doc: Doc, end: int) -> int:
    """Where an organization's name ends when the tagger stopped before its "for|of the"
    part: "Central League" + "for the Protection of Tenants" (capitalised words no other
    entity claims). A rest the tagger named on its own is taken back once kinds are
    voted (:func:`newskg.extraction.org_spans._extend_right`)."""
    while end + 1 < len(doc) and doc[end].lower_ in {"of", "for"}:
        j = end + 1 + (doc[end + 1].lower_ == "the")
        k = j
        while (
            k < len(doc)
            and doc[k].text[:1].isupper()
            and doc[k].pos_ == "PROPN"
            and doc[k].ent_iob_ == "O"
        ):
            k += 1
        if k == j:
            break
        end = k
    return end


NICKNAME_MARKS = frozenset('"\u201c\u201d')


def _nickname_end(doc: Doc, end: int) -> int:
    """Where a name ends that goes on with a quoted nickname (one or two capitalised tokens)
    and a capitalised surname: `Richard "Tex" Coe`, `John \u201cJ.D.\u201d Dorrian`."""
    if end >= len(doc) or doc[end].text not in NICKNAME_MARKS:
        return end
    for n in (1, 2):
        close = end + 1 + n
        if (
            close + 1 < len(doc)
            and all(t.text[:1].isupper() for t in doc[end + 1 : close])
            and doc[close].text in NICKNAME_MARKS
            and doc[close + 1].is_alpha
            and doc[close + 1].is_title
        ):
            return close + 2
    return end


def person_bounds(doc: Doc, start: int, end: int, lex: Lexicon) -> tuple[int, int]:
    """A person span the tagger cut short: a hyphenated last part ("Wong Yeung" + "-tat"),
    a nickname in quotes and the surname after it ("Richard" + "\"Tex\" Coe": else the
    given name alone becomes a second person), or an untagged given name before it
    ("Junius" of "Junius Tam")."""
    end = _nickname_end(doc, end)
    while (
        end + 1 < len(doc)
        and doc[end].text in HYPHENS
        and not doc[end - 1].whitespace_
        and not doc[end].whitespace_
        and doc[end + 1].is_alpha
    ):
        end += 2
    if start > 0:
        before = doc[start - 1]
        if (
            before.ent_iob_ == "O"
            and before.pos_ == "PROPN"
            and before.is_title
            and before.is_alpha
            and before.whitespace_ == " "
            and not (start >= 2 and doc[start - 2].lower_ in {"of", "for"})  # "of Education"
            and not lex.is_title([before.text])
            and not lex.role_at([before.lower_])
            and before.lower_ not in name_rules().title_word
            and before.lower_ not in lex.not_names
            and before.lower_ not in MONTHS_DAYS
        ):
            start -= 1
    return start, end
