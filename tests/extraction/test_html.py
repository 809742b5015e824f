"""HTML input: a saved page (tests/fixtures/html/, written by hand, never fetched) becomes an
ArticleText whose text is the page's main text, with the page's metadata."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from newskg.extraction.extract import extract
from newskg.extraction.graph import to_graph
from newskg.extraction.html import page_text
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


# --- the chain: a page with prose is never "no article text" ---------------------------------

STORY = [
    "The harbour of Keller Bay reopened on Monday after a storm had closed it for three days, "
    "the port authority said in a statement on its website.",
    "Ships queued outside the breakwater for most of the morning while the pilots checked the "
    "channel for debris that the storm had left behind.",
    "The harbour master said that the damage to the quays was lighter than feared and that the "
    "ferries would run to the islands again from Tuesday.",
]
NAV = "".join(f'<li><a href="/s{i}">Section {i}</a></li>' for i in range(30))


def page(body: str, head: str = "<title>Harbour reopens</title>") -> str:
    return f"<html><head>{head}</head><body>{body}</body></html>"


def body_of(path: Path) -> list[str]:
    article = read_article(path)
    return [span.of(article.text) for span in article.body]


@pytest.mark.parametrize(
    ("html", "extractor"),
    [
        (  # a plain article: trafilatura's precision mode
            page(f"<ul>{NAV}</ul><article>" + "".join(f"<p>{p}</p>" for p in STORY) + "</article>"),
            "trafilatura",
        ),
        (  # a table layout with line breaks: its precision mode finds nothing
            page(f"<table><tr><td>{NAV}</td><td><font>" + "<br><br>".join(STORY) + "</font>"),
            "trafilatura recall",
        ),
        (  # every paragraph a link: taken for a list of links by the precision mode
            page("".join(f"<div><a href='/x'>{p}</a></div>" for p in STORY)),
            "trafilatura recall",
        ),
        (  # a <title> never closed swallows the page until it is closed
            page("<div>" + "".join(f"<p>{p}</p>" for p in STORY) + "</div>", "<title>Harbour"),
            "trafilatura",
        ),
    ],
)
def test_each_kind_of_page_gives_its_prose(tmp_path: Path, html: str, extractor: str) -> None:
    path = tmp_path / "page.html"
    path.write_text(html, "utf-8")
    article = read_article(path)
    assert article.extractor == extractor
    assert " ".join(body_of(path)).split() == " ".join(STORY).split()


def test_a_navigation_page_is_no_article(tmp_path: Path) -> None:
    path = tmp_path / "index.html"
    path.write_text(page(f"<nav><ul>{NAV}</ul></nav><div>Contact us</div>"), "utf-8")
    with pytest.raises(ArticleError, match="no article text found in the HTML page: no ") as info:
        read_article(path)
    assert info.value.path == str(path)


def test_page_text_is_one_block_a_line() -> None:
    raw = (
        b"<html><head><title>T</title><style>p {}</style></head><body><nav><a>Home</a> "
        b"<a>World</a></nav><p>Police <b>said</b> it<!-- note --> rained.<script>x()</script>"
        b" Ships waited.</p><div>Ferries<br>resume</div></body></html>"
    )
    assert page_text(raw) == "Home World\nPolice said it rained. Ships waited.\nFerries\nresume"


READER = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval" / "reader" / "pages"


@pytest.mark.skipif(not READER.is_dir(), reason=f"the reader set is not at {READER}")
def test_no_page_of_the_reader_set_is_without_article_text(tmp_path: Path) -> None:
    """Every tenth page of the reader set (real saved pages; they are read from ../shared,
    never copied): none is refused, and every one keeps a body."""
    for packed in sorted(READER.glob("*.html.gz"))[::10]:
        path = tmp_path / packed.name.removesuffix(".gz")
        path.write_bytes(gzip.decompress(packed.read_bytes()))  # stored as UTF-8
        article = read_article(path)
        assert article.body, path
