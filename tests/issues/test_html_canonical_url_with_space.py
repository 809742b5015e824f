"""An HTML page whose canonical URL has a space was rejected (issue 11, "Low").

The attack: a saved page whose canonical URL (its ``og:url``, which trafilatura passes on as
it is) has a space: ``https://…/a story``. The URL went into ``schema:url`` as it was, the
store refused the graph, and the build rejected the whole article. Now the reader
percent-encodes what an IRI may not hold after the host (and leaves out a URL that is not
http(s) or whose host is not clean) with a warning naming the file; the article is published.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from newskg.extraction.reader import read_article
from tests.ops.publishing import newskg

PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Harbour reopens after storm | The Harbor Gazette</title>
<meta property="og:site_name" content="The Harbor Gazette">
<meta property="og:url" content="{url}">
</head><body><main><article><h1>Harbour reopens after storm</h1>
<p>The harbour of Keller Bay reopened on Monday after a storm closed it for three days,
the port authority said in a statement.</p>
<p>&ldquo;Ships can dock again,&rdquo; harbour master Anna Fischer said on Monday morning.</p>
</article></main></body></html>
"""


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        (
            "https://gazette.example/news/harbour reopens",
            "https://gazette.example/news/harbour%20reopens",
        ),
        ("https://gazette.example/news/a<b>", "https://gazette.example/news/a%3Cb%3E"),
        ("https:// gazette.example/news", None),
    ],
)
def test_the_article_is_kept_and_the_url_fixed_or_dropped(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, url: str, kept: str | None
) -> None:
    path = tmp_path / "harbour.html"
    path.write_text(PAGE.format(url=url), "utf-8")
    with caplog.at_level(logging.WARNING, logger="newskg.extraction.reader"):
        article = read_article(path)
    assert article.url == kept
    assert str(path) in caplog.text and "canonical URL" in caplog.text
    assert article.body  # the article itself is read as before


@pytest.mark.slow
def test_a_build_publishes_it(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "harbour.html").write_text(
        PAGE.format(url="https://gazette.example/news/harbour reopens"), "utf-8"
    )
    result = newskg("build", "--articles", articles, "--store", tmp_path / "store")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 published" in result.stdout
    from newskg.backends import versions as store

    data = store.open_published(tmp_path / "store")[1]
    urls = [
        r["u"].value
        for r in data.query(
            "SELECT ?u WHERE { ?a <http://schema.org/url> ?u }", use_default_graph_as_union=True
        )
    ]
    assert urls == ["https://gazette.example/news/harbour%20reopens"]
