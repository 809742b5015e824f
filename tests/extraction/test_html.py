"""HTML input: a saved page (tests/fixtures/html/, written by hand, never fetched) becomes an
ArticleText whose text is the page's main text, with the page's metadata."""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.extraction.extract import extract
from newskg.extraction.graph import to_graph
from newskg.extraction.reader import ArticleError, article_paths, read_article
from newskg.vocab import Iris

PAGES = Path(__file__).resolve().parent.parent / "fixtures" / "html"


def test_html_page_main_text_and_metadata() -> None:
    art = read_article(PAGES / "harbor-match.html")
    assert art.headline == "Rovers edge Dalton City in late thriller"
    assert art.date_published == "2023-10-22" and art.reference_date == "2023-10-22"
    assert art.authors == ["Mia Torres"]
    assert art.publisher == "The Harbor Gazette"
    assert art.url == "https://gazette.example/sport/rovers-edge-dalton-city"
    text = art.text
    # Navigation, the caption, the "most read" box and the footer are not in the text.
    for furniture in (
        "Home",
        "celebrates his goal",
        "Most read",
        "All rights reserved",
        "newsletter",
    ):
        assert furniture not in text
    # The headline line is excluded, the paragraphs are body, offsets index the text.
    assert art.headline_span is not None and art.headline_span.of(text) == art.headline
    assert len(art.body) == 4
    assert art.body[0].of(text).startswith("Harbor Rovers beat Dalton City 2-1")


def test_html_page_extracts_with_offsets_into_main_text() -> None:
    art = read_article(PAGES / "harbor-match.html")
    x = extract(art)
    quotes = {st.quote: x.entity(st.speaker).label if st.speaker else None for st in x.statements}
    assert quotes["We never stopped believing"] == "Anna Fischer"
    for st in x.statements:
        assert art.text[st.quote_span.begin : st.quote_span.end] == st.quote
    graph = to_graph(x, Iris("http://example.org/"))
    assert len(graph) > 0


def test_html_suffixes_are_articles(tmp_path: Path) -> None:
    (tmp_path / "a.html").write_text((PAGES / "harbor-match.html").read_text("utf-8"), "utf-8")
    empty = "<html><head><title>x</title></head><body></body></html>"
    (tmp_path / "b.htm").write_text(empty, "utf-8")
    assert [p.name for p in article_paths(tmp_path)] == ["a.html", "b.htm"]
    with pytest.raises(ArticleError, match="no article text"):
        read_article(tmp_path / "b.htm")
