"""The one folding of text in newskg: :func:`fold`, and the ways it is used.

Folding makes two spellings of one thing compare equal. How far it goes depends on what is
compared, so :func:`fold` takes its steps, in one fixed order, from a :class:`Folding`:

* :data:`NAMES` (the default): entity names, for matching (gazetteer, grouping, kinds) and
  entity IRIs (:func:`newskg.vocab.entity_key`): two names are one entity exactly when they
  fold alike;
* :data:`GOLD`: names, types and roles compared with a gold file by ``newskg eval``;
* :data:`SEARCH`: labels and the query of the browsing search box;
* :data:`TEXT`: text blocks of a page compared with its headline by the reader.

>>> fold("the U.S.") == fold("US") == "us"
True
>>> fold("  The U.S. Army’s ", GOLD) == fold("u.s. army's", GOLD)
True
>>> fold("Zoë  ÅSE", SEARCH), fold(" “Straße”  News ", TEXT)
('zoe ase', '"straße" news')
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

#: Latin letters that are not a base letter plus an accent, spelt as news in English does.
LATIN_LETTERS = str.maketrans(
    {
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "æ": "ae",
        "Æ": "Ae",
        "œ": "oe",
        "Œ": "Oe",
        "ı": "i",
        "ħ": "h",
        "Ħ": "H",
    }
)
#: Typographic quotes as their plain forms.
PLAIN_QUOTES = str.maketrans("‘’“”", "''\"\"")


@dataclass(frozen=True)
class Folding:
    """The steps of one way to fold, applied by :func:`fold` in the order of these fields."""

    letters: Mapping[int, str | int | None] | None  # a str.translate table, applied first
    form: Literal["NFKD", "NFKC"]  # Unicode normalization (compatibility forms: "ﬁ" is "fi")
    #: which combining marks go: ``latin`` those on a Latin or Greek letter (accents; a mark
    #: of another script is part of its letter), ``combining`` every mark of a nonzero
    #: combining class, ``all`` every character of category M, ``keep`` none
    marks: Literal["latin", "combining", "all", "keep"]
    compose: bool  # NFC around the case step (folded names are stored in IRIs)
    case: Literal["casefold", "lower"]
    vanish: str  # characters removed: "U.S." is "US", "O'Brien" is "OBrien"
    separate: bool  # any other character that is no letter, digit or mark separates words
    article: bool  # a leading "the " goes


NAMES = Folding(LATIN_LETTERS, "NFKD", "latin", True, "casefold", ".'\u2019", True, True)
GOLD = Folding(None, "NFKD", "all", False, "casefold", ".'\u2019\u2018`\u00b4", True, True)
SEARCH = Folding(None, "NFKD", "combining", False, "casefold", "", False, False)
TEXT = Folding(PLAIN_QUOTES, "NFKC", "keep", False, "lower", "", False, False)


def fold(text: str | None, how: Folding = NAMES) -> str:
    """``text`` folded ``how`` (see :class:`Folding`); ``""`` for None. Words are separated by
    one space, without leading or trailing space.

    Names (:data:`NAMES`): accents on Latin and Greek letters go ("José" is "Jose": English
    news spells a name both ways); letters of every script stay, with their own marks (a
    Devanagari vowel sign or a Cyrillic "й" is part of the word, and dropping it would merge
    different names). Punctuation and symbols separate words: "Ernst & Young" is "ernst
    young", so a folded name reads back from the key it gives.

    >>> fold("José Ñúñez"), fold("Łukasz"), fold("Ιωάννης"), fold("Иван Петров")
    ('jose nunez', 'lukasz', 'ιωαννησ', 'иван петров')
    >>> fold("नरेंद्र मोदी") != fold("नरद मद"), fold("AT&T (U.S.)")
    (True, 'at t us')
    >>> fold("Al-Noor  Society", GOLD), fold(None, GOLD)
    ('al noor society', '')
    """
    if not text:
        return ""
    return _fold_name(text) if how is NAMES else _fold(text, how)


@lru_cache(maxsize=1 << 16)  # pure, and called for every mention of every name
def _fold_name(name: str) -> str:
    return _fold(name, NAMES)


def _fold(text: str, how: Folding) -> str:
    if how.letters is not None:
        text = text.translate(how.letters)
    text = unicodedata.normalize(how.form, text)
    if how.marks == "latin":
        kept = []
        base = ""
        for ch in text:
            if not unicodedata.combining(ch):
                base = ch
            elif base < "\u0400":  # a mark on a Latin or Greek letter (or on nothing)
                continue
            kept.append(ch)
        text = "".join(kept)
    elif how.marks == "combining":
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    elif how.marks == "all":
        text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "M")
    if how.compose:
        text = unicodedata.normalize("NFC", text)
    text = text.casefold() if how.case == "casefold" else text.lower()
    if how.compose:
        text = unicodedata.normalize("NFC", text)
    if how.vanish:
        text = text.translate(_vanishing(how.vanish))
    if how.separate:
        text = "".join(
            ch if ch.isalnum() or unicodedata.category(ch)[0] == "M" else " " for ch in text
        )
    text = " ".join(text.split())
    return re.sub(r"^the ", "", text) if how.article else text


@lru_cache(maxsize=8)
def _vanishing(characters: str) -> dict[int, None]:
    return dict.fromkeys(map(ord, characters))
