"""Which text of a paragraph is inside double quotation marks (quotes are not narration: a
pronoun there is not resolved, an event there is the speaker's)."""

from __future__ import annotations

from newskg.extraction.model import Span
from newskg.extraction.nlp import Para, SpanSet

OPENERS = {"\u201c": "\u201d", '"': '"'}


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
    """
    regions: list[tuple[int, int, bool, bool]] = []
    start: int | None = None
    closer = ""
    for i, ch in enumerate(text):
        if start is None:
            if ch in OPENERS:
                start, closer = i + 1, OPENERS[ch]
            elif ch == "\u201d" and not regions:
                regions.append((base, base + i, False, True))
        elif ch == closer:
            regions.append((base + start, base + i, True, True))
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
