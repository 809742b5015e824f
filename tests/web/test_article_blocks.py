"""The reader's body and furniture blocks in the article's graph (nkg:block, nkg:Block) and
on the article page: the exact triples written, the shapes accept them and catch a bad one,
and the page wraps each block, dims furniture and escapes its text."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from rdflib import RDF, XSD, Dataset, Graph, Literal, URIRef

from newskg.extraction.graph import to_graph
from newskg.extraction.model import ArticleText, Extraction, Span
from newskg.publishing.validation import validate
from newskg.vocab import NIF, NKG, Iris
from newskg.web import create_app
from tests.conftest import publish_mini

BASE = "http://localhost:8000/"
HEADLINE = "Mayor opens bridge"
BODY = "The mayor opened the bridge on Monday."
SHARE = "Share <b>this</b> & comment"
TEXT = f"{HEADLINE}\n\n{BODY}\n\n{SHARE}"


def _span(words: str) -> Span:
    begin = TEXT.index(words)
    return Span(begin, begin + len(words))


def _extraction() -> Extraction:
    art = ArticleText("blk", "blk.txt", TEXT, headline=HEADLINE, headline_span=_span(HEADLINE))
    art.body = [_span(BODY)]
    art.excluded = [(_span(HEADLINE), "headline"), (_span(SHARE), "share buttons")]
    return Extraction(art)


def _graph() -> Graph:
    return to_graph(_extraction(), Iris(BASE))


def test_blocks_triples() -> None:
    g = _graph()
    article = URIRef(BASE + "id/article/blk")
    got = {t for t in g if t[0] != article or t[1] == NKG.block}
    expected = set()
    for words, kind, reason in (
        (HEADLINE, "furniture", "headline"),
        (BODY, "body", None),
        (SHARE, "furniture", "share buttons"),
    ):
        span = _span(words)
        node = URIRef(f"{BASE}id/block/blk/{span.begin}-{span.end}")
        expected |= {
            (article, NKG.block, node),
            (node, RDF.type, NKG.Block),
            (node, NIF.referenceContext, article),
            (node, NIF.beginIndex, Literal(span.begin, datatype=XSD.nonNegativeInteger)),
            (node, NIF.endIndex, Literal(span.end, datatype=XSD.nonNegativeInteger)),
            (node, NKG.blockKind, Literal(kind)),
        }
        if reason:
            expected.add((node, NKG.blockReason, Literal(reason)))
    assert got == expected


def test_blocks_conform_and_a_bad_block_fails() -> None:
    g = _graph()
    report = validate(g)
    assert report.conforms, report.text("blocks")
    body = URIRef(f"{BASE}id/block/blk/{_span(BODY).begin}-{_span(BODY).end}")
    g.set((body, NKG.blockKind, Literal("aside")))
    g.set((body, NIF.endIndex, Literal(len(TEXT) + 5, datatype=XSD.nonNegativeInteger)))
    report = validate(g)
    messages = sorted(r.message for r in report.results if r.focus_node == str(body))
    end = len(TEXT) + 5
    assert messages == [
        'Block must have exactly one nkg:blockKind, "body" or "furniture": say whether '
        "extraction read it.",
        f"Span offsets [{_span(BODY).begin}, {end}) do not fit the article text "
        f"({len(TEXT)} characters): begin must be <= end <= the length of the context's "
        "nif:isString; recompute the offsets.",
    ]


def test_article_page_dims_furniture(tmp_path: Path) -> None:
    ds = Dataset()
    graph = ds.graph(URIRef(BASE + "graph/blk"))
    for triple in _graph():
        graph.add(triple)
    store = tmp_path / "store"
    publish_mini(store, ds.serialize(format="trig"))
    app: Flask = create_app({"STORE": str(store), "TESTING": True})
    page = app.test_client().get("/id/article/blk").get_data(as_text=True)
    share = _span(SHARE)
    assert (
        f'<span class="block furniture" id="block-{share.begin}-{share.end}" '
        'title="furniture: share buttons">Share &lt;b&gt;this&lt;/b&gt; &amp; comment</span>'
    ) in page
    body = _span(BODY)
    assert f'<span class="block body" id="block-{body.begin}-{body.end}">{BODY}</span>' in page
    assert "<b>this</b>" not in page
    assert ".block.furniture { opacity" in page
    assert "page furniture the reader set aside (2 blocks)" in page
