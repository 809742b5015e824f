"""How large an article extraction takes; the reader rejects one beyond these limits.

Extraction is linear in the number of paragraphs, but spaCy's parse of one paragraph and the
per-paragraph rules (quotes, events) grow faster than its length, and time and memory grow
with the prose: a 990 KB one-paragraph page took 13 minutes and 2.7 GB. Each limit is about
eight times the largest of 2,402 real articles (the bundled corpus, the BBC bulk corpus, the
evaluation sets): paragraph 2,575 characters, sentence 1,062, headline 222, prose 25,342. An
article at the prose limit extracts in about 12 s and 410 MB (``newskg extract``). Beyond a
limit the article is rejected (``ArticleError`` naming the file, the line and the limit),
never cut silently.

>>> from newskg.extraction.model import ArticleText, Span
>>> beyond(ArticleText("a", "a.txt", "x" * 9000, body=[Span(0, 9000)]))
('a sentence of 9,000 characters (no . ! ? or …); at most 8,000', 1)
"""

from __future__ import annotations

import re

from newskg.extraction.model import ArticleText

MAX_PARAGRAPH_CHARS = 20_000
MAX_SENTENCE_CHARS = 8_000  # a run without . ! ? or …
MAX_HEADLINE_CHARS = 2_000
MAX_PROSE_CHARS = 200_000
_SENTENCE = re.compile(r"[^.!?\u2026]+")


def beyond(art: ArticleText) -> tuple[str, int | None] | None:
    """(what is too large, its line) when ``art`` is beyond a limit, else None."""
    text = art.text
    for span in art.body:
        size = span.end - span.begin
        if size > MAX_PARAGRAPH_CHARS:
            return (
                f"a paragraph of {size:,} characters; at most {MAX_PARAGRAPH_CHARS:,} (a "
                "news paragraph has a few hundred): put each paragraph on its own line",
                text.count("\n", 0, span.begin) + 1,
            )
        for m in _SENTENCE.finditer(text, span.begin, span.end):
            if len(m.group()) > MAX_SENTENCE_CHARS:
                return (
                    f"a sentence of {len(m.group()):,} characters (no . ! ? or …); at "
                    f"most {MAX_SENTENCE_CHARS:,}",
                    text.count("\n", 0, m.start()) + 1,
                )
    if art.headline and len(art.headline) > MAX_HEADLINE_CHARS:
        return (
            f"a headline of {len(art.headline):,} characters; at most "
            f"{MAX_HEADLINE_CHARS:,}: is the first line the headline?",
            None,
        )
    prose = sum(span.end - span.begin for span in art.body)
    if prose > MAX_PROSE_CHARS:
        return (
            f"{prose:,} characters of prose; at most {MAX_PROSE_CHARS:,} (a long read has "
            "about 60,000): split it into articles",
            None,
        )
    return None
