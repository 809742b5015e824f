"""Where the quotations of an article's body are, and the sentences around each that may
attribute it (its *frame*).

A quotation is a double-quoted stretch of a body paragraph (:mod:`newskg.extraction.quoted`
says which marks); one left open at a paragraph's end goes on in the following paragraphs
that carry no marks, until one closes it. Each is *whole* (it starts a sentence or the
paragraph) or *partial* (it starts inside a sentence: "called it \u201ca mistake\u201d").
The frame is the sentence(s) holding the quotation, plus an attribution sentence right after
it ("... ,\u201d he said." or "asked Mr. X, ...") or a sentence ending in ":" right before it.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Span as SpacySpan

from newskg.extraction.lexicon import lexicon
from newskg.extraction.model import Span
from newskg.extraction.nlp import Para
from newskg.extraction.quoted import quote_marks, quote_regions

TRIM = " \t\n\u00a0,"
MAX_CARRY = 3  # paragraphs an unclosed quote may continue over
OPEN_MARKS = "\"\u201c\u201d\u201e'`"
ATTRIBUTION_TOKENS = 14  # a sentence after a quote this short with a speech verb attributes it


@dataclass
class Region:
    para: Para
    span: Span  # the quote text, trimmed
    whole: bool  # starts a sentence/paragraph (not a partial quote inside a sentence)


def regions(paras: list[Para]) -> list[Region]:
    """The quotations of ``paras`` in text order (marks and edge commas trimmed off)."""
    found: list[Region] = []
    carry = False
    for n, para in enumerate(paras):
        text = para.text
        stretches = quote_regions(text, para.begin)
        if carry and not quote_marks(text):
            stretches = [(para.begin, para.begin + len(text), False, False)]
        elif not carry:
            stretches = [r for r in stretches if r[2]]  # a stray closer without context
        carry = False
        for begin, end, opened, closed in stretches:
            if not closed:
                # Continue only if a closer comes within the next paragraphs.
                ahead = [p.text for p in paras[n + 1 : n + 1 + MAX_CARRY]]
                carry = any(quote_marks(t) for t in ahead)
            b, e = begin, end
            while b < e and para.text[b - para.begin] in TRIM:
                b += 1
            while e > b and para.text[e - 1 - para.begin] in TRIM:
                e -= 1
            if e - b < 2:
                continue
            before = para.text[: max(0, begin - para.begin)].rstrip(" \u00a0" + OPEN_MARKS)
            whole = (
                not opened or not before or before[-1] in ".!?:\u2022" or _sent_start(para, begin)
            )
            found.append(Region(para, Span(b, e), whole))
    return found


def _sent_start(para: Para, offset: int) -> bool:
    """Does a sentence start at ``offset`` or the character before it?"""
    begins = para.sent_begins
    i = bisect_right(begins, offset) - 1
    return i >= 0 and begins[i] >= offset - 1


def frame_of(region: Region) -> list[SpacySpan]:
    """The sentences that hold ``region`` and may attribute it (empty: no parse over it)."""
    para = region.para
    sents = para.sents
    inside = para.sents_over(region.span)
    if not inside:
        return []
    lo, hi = inside[0], inside[-1]
    if hi + 1 < len(sents):
        # A short attribution after the quote ("... ,\u201d he said."), or one of any length
        # that opens with its speech verb ("asked Mr. X, referring to ...": inverted).
        after = sents[hi + 1]
        words = [t for t in after if not t.is_punct]
        verbs = [i for i, t in enumerate(words) if t.lemma_.lower() in lexicon().speech_verbs]
        if verbs and (len(after) <= ATTRIBUTION_TOKENS or verbs[0] == 0):
            hi += 1
    if lo > 0 and sents[lo - 1].text.rstrip().endswith(":"):
        lo -= 1
    return sents[lo : hi + 1]
