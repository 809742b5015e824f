"""Quoted words that are not someone's words: names, titles, labels and transcript turns.

News puts quotation marks around much that nobody said: the title of a show or book ("on
“Fox News Sunday”"), a nickname ("the so-called “Gang of Eight”"), a label the writer
attributes ("what he called “the axis of resistance”"), the speaker lines of a transcript
("PENCE: Well, ..."). Annotated news shows the other side too: short partial quotes inside
reported speech ("called the plan a “historic mistake”", "praised her as a “tireless
worker”") are quotes, and they far outnumber scare quotes, so a quoted stretch is taken as a
quote unless its *shape* or the words right before it say it is a name (:func:`not_a_quote`).
The cues are data (``data/quote_labels.tsv``, ``data/title_words.txt``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from newskg.extraction import datafiles

WORD = re.compile(r"[\w\u00c0-\u024f][\w\u00c0-\u024f'\u2019&.-]*|&")
#: "PENCE:", "MR. WALLACE:", "Q:" opening a stretch: a transcript turn with its speaker label.
TURN = re.compile(r"^\(?[A-Z][A-Z.'\u2019 -]{0,30}:\s")
MAX_TITLE_WORDS = 8
#: A label cue less sure than this is kept in the table (and its docs page) but not applied.
MIN_CONFIDENCE = 0.5


@dataclass(frozen=True)
class LabelCue:
    words: tuple[str, ...]  # lower case; "*" is any one word
    reason: str
    confidence: float


LABEL_COLUMNS = ("cue", "reason", "confidence")  # of quote_labels.tsv


@lru_cache(maxsize=1)
def label_cues() -> tuple[LabelCue, ...]:
    """The cues of ``data/quote_labels.tsv`` sure enough to apply, longest first."""
    cues = []
    for row in datafiles.rows("quote_labels.tsv", LABEL_COLUMNS):
        cue, reason, conf = (c.strip() for c in row.cells)
        if row.confidence(conf) >= MIN_CONFIDENCE:
            cues.append(LabelCue(tuple(cue.lower().split()), reason, row.confidence(conf)))
    return tuple(sorted(cues, key=lambda c: -len(c.words)))


def title_words() -> frozenset[str]:
    return datafiles.word_set("title_words.txt")


def label_cue(before: str) -> LabelCue | None:
    """The cue that the text ``before`` an opening mark ends with, if any.

    >>> label_cue("mobilize what he called").reason.startswith("a name")
    True
    >>> label_cue("the senator said") is None
    True
    """
    tail = [w.lower() for w in WORD.findall(before)[-4:]]
    for cue in label_cues():
        n = len(cue.words)
        if len(tail) >= n and all(c in ("*", w) for c, w in zip(cue.words, tail[-n:], strict=True)):
            return cue
    return None


def title_shaped(quote: str) -> bool:
    """Is ``quote`` shaped like a name or a title: a few words, each capitalized (or a
    digit, or a small word of a title), no question or exclamation?

    >>> title_shaped("Fox News Sunday,"), title_shaped("The Truth About Where the Money Goes.")
    (True, True)
    >>> title_shaped("historic mistake"), title_shaped("Never!"), title_shaped("I")
    (False, False, False)
    """
    if "?" in quote or "!" in quote:
        return False
    words = WORD.findall(quote)
    if not words or len(words) > MAX_TITLE_WORDS:
        return False
    small = title_words()
    capital = [w for w in words if w[0].isupper() or w[0].isdigit()]
    if not capital or capital == ["I"]:
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in small for w in words)


def transcript_turn(quote: str) -> bool:
    """Does ``quote`` open with a transcript's speaker label ("PENCE: Well, ...")?

    >>> transcript_turn("WALLACE: Let's start."), transcript_turn("We said: no.")
    (True, False)
    """
    return bool(TURN.match(quote))


def turn_label(quote: str) -> str | None:
    """The speaker label of a transcript turn ("MR. WALLACE" of "MR. WALLACE: Let's start."),
    or None when ``quote`` is no turn.

    >>> turn_label("MR. DUNN: We will win."), turn_label("We said: no.")
    ('MR. DUNN', None)
    """
    turn = TURN.match(quote)
    return turn.group().strip().lstrip("(").rstrip(":").strip() if turn else None


def not_a_quote(before: str, quote: str, governed: bool) -> str | None:
    """Why the quoted stretch ``quote`` (after the paragraph text ``before``) is not someone's
    words, or None when it is a quote. ``governed``: the marks hang from a speech verb ("said
    “...”"), which makes even a title-cased stretch an utterance.

    >>> not_a_quote("He appeared on", "Fox News Sunday", False)
    'title-shaped'
    >>> not_a_quote("He said", "Fox News Sunday", True) is None
    True
    >>> not_a_quote("called the plan a", "historic mistake", False) is None
    True
    """
    if transcript_turn(quote):
        return "transcript-turn"
    if governed:
        return None
    if title_shaped(quote):
        return "title-shaped"
    cue = label_cue(before)
    if cue is not None:
        return "label-cue"
    return None
