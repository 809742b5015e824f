"""Which text of a paragraph is inside double quotation marks (quotes are not narration: a
pronoun there is not resolved, an event there is the speaker's).

News copy writes double quotation marks several ways: curly marks (sometimes the wrong way
round), straight marks, a curly opener closed by a straight mark (copy edited in two tools),
and in typewriter-era or wire text two apostrophes ``''`` for either mark (``'''`` is a
closing single mark followed by a closing double mark, or the other way round when opening).
So a mark is an opener or a closer by what flanks it (a space before and a word after
opens; a word or punctuation before and a space or punctuation after closes), and only where
the flanks say nothing by its glyph. Any opener pairs with any closer.
"""

from __future__ import annotations

import re

from newskg.extraction.model import Span
from newskg.extraction.nlp import Para, SpanSet

DOUBLE_MARKS = {"\u201c", "\u201d", '"', "\u201e", "\u201f"}
#: Characters after which a mark opens a quote (besides the start of the text and spaces).
OPEN_AFTER = set("([{\u2014\u2013-/:;,")
#: Characters before which a mark closes a quote (besides the end of the text and spaces).
CLOSE_BEFORE = set(".,;:!?)]}\u2014\u2013-\u2026'\u2019")


#: A double mark, or a run of apostrophes or of backticks (what :func:`quote_marks` reads).
_MARK = re.compile("[" + "".join(sorted(DOUBLE_MARKS)) + "]|'+|`+")


def quote_marks(text: str) -> list[tuple[int, int, str]]:
    """``(begin, end, glyph)`` of every double mark, ``''`` and ``'''`` included (a run of
    two or three apostrophes; a lone apostrophe is a single mark or an elision).

    >>> quote_marks("\u201cYes\u201d, ''no'' and 'maybe' ````")
    [(0, 1, '\u201c'), (4, 5, '\u201d'), (7, 9, "''"), (11, 13, "''")]
    """
    found: list[tuple[int, int, str]] = []
    for mark in _MARK.finditer(text):  # a regex, not a loop over every character
        glyph = mark.group()
        if glyph in DOUBLE_MARKS or len(glyph) in (2, 3):
            found.append((mark.start(), mark.end(), glyph))
    return found


def _flanks(text: str, begin: int, end: int) -> tuple[bool, bool]:
    """Can the mark at ``text[begin:end]`` open, and can it close, by what flanks it?"""
    before = text[begin - 1] if begin > 0 else " "
    after = text[end] if end < len(text) else " "
    can_open = (before.isspace() or before in OPEN_AFTER) and not after.isspace()
    can_close = not before.isspace() and (
        after.isspace() or after in CLOSE_BEFORE or after in DOUBLE_MARKS
    )
    return can_open, can_close


def _restarts(text: str, begin: int) -> bool:
    """Does the text before the mark at ``begin`` end a sentence (".", "?", "!" then a space)?"""
    head = text[:begin]
    return head != head.rstrip() and head.rstrip()[-1:] in {".", "?", "!"}


def quote_regions(text: str, base: int = 0) -> list[tuple[int, int, bool, bool]]:
    """``(begin, end, opened, closed)`` of double-quoted stretches of one paragraph ``text``
    (offsets + ``base``; inner text without the marks). An opener never closed runs to the end
    (``closed`` False); a closer never opened starts at the beginning (``opened`` False).

    >>> quote_regions('He said "yes" and \u201cno\u201d.')
    [(9, 12, True, True), (19, 21, True, True)]
    >>> quote_regions('\u201cOpen to the end')
    [(1, 16, True, False)]
    >>> quote_regions('closed here.\u201d Then')
    [(0, 12, False, True)]
    >>> quote_regions("\u201cMixed,\\" she said. \\"Marks.\u201d")
    [(1, 7, True, True), (20, 26, True, True)]
    >>> quote_regions('"Go home. "Stay away," he said.')
    [(1, 10, True, True), (11, 21, True, True)]
    >>> quote_regions("He said ''Go,'' then ''they say 'no.''' and left.")
    [(10, 13, True, True), (23, 37, True, True)]
    """
    regions: list[tuple[int, int, bool, bool]] = []
    start: int | None = None
    for begin, end, glyph in quote_marks(text):
        can_open, can_close = _flanks(text, begin, end)
        if not can_open and not can_close:  # no telling from the flanks: the glyph decides
            can_open = glyph in {"\u201c", "\u201e", "``"}
            can_close = not can_open
        if start is None:
            if can_open:
                # "'''" opening: a double mark, then a single one that belongs to the quote.
                start = begin + 2 if glyph == "'''" else end
            elif can_close and not regions:
                regions.append((base, base + begin, False, True))
        elif can_open and not can_close and _restarts(text, begin):
            # '"Go. "Stay."': an opener right after a full stop inside a quotation. Copy that
            # ran a quote's paragraphs together kept each paragraph's opening mark and lost
            # the closing one: the quotation ends at the full stop and a new one starts.
            regions.append((base + start, base + begin, True, True))
            start = end
        elif can_close:
            # "'''" closing: the single mark closing an inner quote stays in the quote.
            stop = begin + 1 if glyph == "'''" else begin
            regions.append((base + start, base + stop, True, True))
            start = None
    if start is not None:
        regions.append((base + start, base + len(text), True, False))
    return regions


def in_quotes(para: Para) -> SpanSet:
    """The paragraph's quoted stretches (full-text offsets), computed once per paragraph."""
    found = para.cache.get("quoted")
    if not isinstance(found, SpanSet):
        found = para.cache["quoted"] = SpanSet(
            Span(b, e) for b, e, _, _ in quote_regions(para.text, para.begin)
        )
    return found
