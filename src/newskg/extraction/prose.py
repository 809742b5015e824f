"""How much of a text is prose: the measure behind refusing what is not an article and warning
of a husk (a kept body implausibly small against the prose the file holds).

A *sentence* is a block of a few words that ends like a sentence ("Police said it
rained."): a navigation bar, a list of related headlines or a row of buttons
has none. A *prose* block is a sentence long enough and dense enough in function words
(``stopwords.txt``, the stop-word density of jusText) to be a paragraph of an article, not a
teaser or a credit. Used by :mod:`newskg.extraction.reader` and
:mod:`newskg.extraction.html`.
"""

from __future__ import annotations

import re

from newskg.extraction import datafiles

WORD = re.compile(r"\w+")
# A sentence ends a block or is followed by another; closing quotes and brackets may follow.
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]\u200e\u200f]*(?:\s|$)")
SENTENCE_WORDS = 3  # "The minister spoke." is a sentence; "Read more" is not
PROSE_WORDS = 10  # a paragraph of prose holds a full sentence or two
PROSE_STOPWORDS = 0.25  # share of function words; jusText calls 0.30 good, 0.32 very good
#: A kept body under this share of the file's prose words is a husk (see husk_reason). On the
#: reader set's 295 text dumps the true bodies hold at least 0.13 of their page's prose (one
#: page buried under reader comments), all others at least 0.49; the pages the reader lost
#: kept 0.35 and 0.57 (the latter a list, not prose).
HUSK_SHARE = 0.4
HUSK_MIN_PROSE = 150  # a file with less prose than this is too small to judge


def stopwords() -> frozenset[str]:
    return datafiles.word_set("stopwords.txt")


def words(block: str) -> list[str]:
    return WORD.findall(block)


def is_sentence(block: str) -> bool:
    """A block that reads as a sentence: a few words and a sentence end (at its end or before
    another sentence).

    >>> is_sentence("Police said it rained."), is_sentence("Home | World | Sport")
    (True, False)
    """
    tokens = words(block)
    return len(tokens) >= SENTENCE_WORDS and bool(_SENTENCE_END.search(block.rstrip()))


def is_prose(block: str) -> bool:
    """A paragraph of an article: a sentence of at least :data:`PROSE_WORDS` words of which a
    share of :data:`PROSE_STOPWORDS` are function words.

    >>> is_prose("The harbour reopened on Monday after a storm closed it for three days.")
    True
    >>> is_prose("Sign up for our newsletter.")
    False
    """
    tokens = words(block)
    if len(tokens) < PROSE_WORDS or not is_sentence(block):
        return False
    stop = stopwords()
    return sum(t.lower() in stop for t in tokens) >= PROSE_STOPWORDS * len(tokens)


def prose_words(blocks: list[str]) -> int:
    """The words of the prose blocks among ``blocks``."""
    return sum(len(words(b)) for b in blocks if is_prose(b))


def husk_reason(kept: list[str], prose: int) -> str | None:
    """Why a kept body (its blocks ``kept``) looks like a husk of an article whose file holds
    ``prose`` words of prose, or None when it does not.

    >>> husk_reason(["One short paragraph of the story that was kept."], 900) is not None
    True
    >>> husk_reason(["One short paragraph of the story that was kept."], 40) is None
    True
    """
    if prose < HUSK_MIN_PROSE:
        return None
    kept_words = sum(len(words(b)) for b in kept)
    if kept_words >= HUSK_SHARE * prose:
        return None
    return (
        f"the body kept holds {kept_words} words, the file {prose} words of prose: is the "
        "article lost, taken for page furniture or a headline? (`newskg read FILE` shows why)"
    )
