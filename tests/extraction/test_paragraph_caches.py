"""What the rules keep per paragraph or per gazetteer so as not to compute it again (token
spans, words, lower-case words, quotation marks, the gazetteer's person names) gives what
computing it afresh gives."""

from __future__ import annotations

import random
import re

from newskg.extraction.gazetteer import GazEntry, Gazetteer
from newskg.extraction.model import Span
from newskg.extraction.names import lower_words
from newskg.extraction.nlp import SpanSet, parse_body
from newskg.extraction.quoted import DOUBLE_MARKS, quote_marks
from newskg.text import fold
from tests.extraction.texts import article_of

PARAGRAPHS = (
    "The mayor of Dunmore, Alice Grey, said the \u201cvery old\u201d bridge would close.",
    "Officials said ''repairs'' start in May. The council meets on Monday.",
)


def test_token_spans_and_words_are_those_of_the_tokens() -> None:
    paras = parse_body(article_of(*PARAGRAPHS))
    assert len(paras) == 2
    for para in paras:
        for tok in para.doc:
            start = para.begin + tok.idx
            assert para.tok_span(tok) == Span(start, start + len(tok.text))
            assert para.tok_span(tok) is para.tok_span(tok)  # made once
            assert para.words[tok.i] == tok.text
    # a token of another paragraph is measured, not looked up by its index
    first, second = paras
    tok = second.doc[0]
    start = first.begin + tok.idx
    assert first.tok_span(tok) == Span(start, start + len(tok.text))


def test_lower_words_are_each_paragraphs_and_kept() -> None:
    paras = parse_body(article_of(*PARAGRAPHS))
    expected = frozenset(
        t.text for p in paras for t in p.doc if t.is_alpha and t.is_lower and not t.is_sent_start
    )
    assert lower_words(paras) == expected
    assert {"bridge", "repairs", "council"} <= expected and "The" not in expected
    assert lower_words(paras) == expected  # again, from the paragraphs' caches
    assert all("lower_words" in p.cache for p in paras)


def test_span_set_covers_as_contains() -> None:
    spans = SpanSet([Span(10, 20), Span(0, 5), Span(12, 30)])
    for begin in range(0, 35):
        for end in range(begin, 36):
            assert spans.covers(begin, end) == spans.contains(Span(begin, end))
    assert len(spans) == 3 and not SpanSet([])


def _marks_by_loop(text: str) -> list[tuple[int, int, str]]:
    """The marks as read one character at a time (how :func:`quote_marks` read them)."""
    found, i = [], 0
    while i < len(text):
        ch = text[i]
        if ch in DOUBLE_MARKS:
            found.append((i, i + 1, ch))
        elif ch in "'`":
            j = i
            while j < len(text) and text[j] == ch:
                j += 1
            if j - i in (2, 3):
                found.append((i, j, text[i:j]))
            i = j
            continue
        i += 1
    return found


def test_quote_marks_read_as_one_character_at_a_time() -> None:
    rng = random.Random(14)
    alphabet = "ab '`\"\u201c\u201d\u201e\u201f\u2019.\n"
    for _ in range(5000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 24)))
        assert quote_marks(text) == _marks_by_loop(text), text


def test_gazetteer_person_names_are_the_multiword_actor_labels() -> None:
    entries = [
        GazEntry("actor", "ann-lee", "Ann Lee", None),
        GazEntry("actor", "cher", "Cher", None),
        GazEntry("place", "new-york", "New York", "Q60"),
        GazEntry("actor", "jose-nunez", "Jos\u00e9 N\u00fa\u00f1ez", None),
    ]
    gaz = Gazetteer(entries)
    assert gaz.full_person_names == [("ann-lee", "ann lee"), ("jose-nunez", "jose nunez")]
    assert gaz.kind_keys == {(e.kind, e.key) for e in entries}
    headline = fold("Ann Leeds and Jose Nunez meet")
    found = [k for k, n in gaz.full_person_names if re.search(rf"\b{re.escape(n)}\b", headline)]
    assert found == ["jose-nunez"]
