"""Articles made of a few sentences written for a test, as the reader would give them: a
headline line, then body paragraphs separated by blank lines."""

from __future__ import annotations

from newskg.extraction.model import ArticleText, Span


def article_of(
    *paragraphs: str, headline: str = "News", published: str | None = None
) -> ArticleText:
    """An article whose body is ``paragraphs``, published (and its relative dates read
    against) ``published``.

    >>> art = article_of("One.", "Two.")
    >>> [span.of(art.text) for span in art.body]
    ['One.', 'Two.']
    """
    text = headline + "\n\n" + "\n\n".join(paragraphs) + "\n"
    body, at = [], len(headline) + 2
    for paragraph in paragraphs:
        body.append(Span(at, at + len(paragraph)))
        at += len(paragraph) + 2
    return ArticleText(
        id="t",
        source="t.txt",
        text=text,
        headline=headline,
        headline_span=Span(0, len(headline)),
        date_published=published,
        reference_date=published,
        body=body,
    )
