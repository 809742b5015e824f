"""Dereferencing, pages, search and dumps through the Flask test client on fixtures/mini.trig
(base http://localhost:8000/, no base_iri in its summary: the BASE_IRI setting applies)."""

from __future__ import annotations

import gzip
import hashlib
from html.parser import HTMLParser
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from rdflib import Graph, URIRef

from newskg import formats
from newskg.publishing.dumps import write_dumps
from newskg.web.representations import RDF_FORMATS
from newskg.web.views.textmark import Mark, Note, highlight

ACTOR = "/id/actor/hassan-nasrallah"
ACTOR_IRI = URIRef("http://localhost:8000" + ACTOR)
NKG = "https://w3id.org/newskg/ontology#"


def parse(body: bytes, fmt: formats.Format) -> Graph:
    return Graph().parse(data=body, format=fmt.rdflib)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.name)
def test_every_rdf_format_by_accept_suffix_and_parameter(
    client: FlaskClient, fmt: formats.Format
) -> None:
    by_accept = client.get(ACTOR, headers={"Accept": fmt.media_type})
    assert by_accept.status_code == 200
    assert by_accept.mimetype == fmt.media_type
    assert by_accept.headers["Content-Location"] == f"{ACTOR}.{fmt.extension}"
    assert "Accept" in by_accept.headers["Vary"]
    assert (
        f'<{ACTOR}.{fmt.extension}>; rel="alternate"; type="{fmt.media_type}"'
        in by_accept.headers["Link"]
    )
    by_suffix = client.get(f"{ACTOR}.{fmt.extension}")
    by_param = client.get(f"{ACTOR}?format={fmt.name}")
    assert by_suffix.data == by_accept.data == by_param.data
    assert "Content-Location" not in by_suffix.headers
    graph = parse(by_accept.data, fmt)
    assert (ACTOR_IRI, URIRef(NKG + "mentionedIn"), None) in graph


def test_html_by_default_and_for_browsers(client: FlaskClient) -> None:
    for headers in ({}, {"Accept": "*/*"}, {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}):
        response = client.get(ACTOR, headers=headers)
        assert response.status_code == 200 and response.mimetype == "text/html"
    page = client.get(ACTOR).get_data(as_text=True)
    assert "Hassan Nasrallah" in page
    # Linked resources by label, linked under this server's root.
    assert 'href="/id/organization/hezbollah"' in page or "Hezbollah" in page
    assert client.get(ACTOR + ".html").mimetype == "text/html"


def test_unknown_iri_and_unacceptable_type(client: FlaskClient) -> None:
    missing = client.get("/id/actor/nobody", headers={"Accept": "text/html"})
    assert missing.status_code == 404 and missing.mimetype == "text/html"
    assert "knows nothing about" in missing.get_data(as_text=True)
    assert client.get("/id/actor/nobody.ttl").status_code == 404
    assert client.get("/graph/nothing").status_code == 404
    assert client.get(ACTOR, headers={"Accept": "image/png"}).status_code == 406
    assert client.get(ACTOR + "?format=docx").status_code == 400


def test_named_graph_resolves(client: FlaskClient) -> None:
    page = client.get("/graph/a1", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Nasrallah speaks in Beirut" in page.get_data(as_text=True)
    turtle = client.get("/graph/a1.ttl")
    assert (URIRef("http://localhost:8000/id/article/a1"), None, None) in parse(
        turtle.data, formats.by_name("turtle")
    )
    quads = client.get("/graph/a1", headers={"Accept": "application/n-quads"})
    assert b"<http://localhost:8000/graph/a1>" in quads.data


def test_request_root_replaces_the_base(client: FlaskClient) -> None:
    """The same IRI answers on another host: the request's root maps to the base IRI."""
    response = client.get(ACTOR + ".nt", base_url="https://mirror.example.net")
    assert response.status_code == 200
    assert str(ACTOR_IRI).encode() in response.data


def test_ontology_documents_every_term(client: FlaskClient) -> None:
    page = client.get("/ontology").get_data(as_text=True)
    graph = parse(
        client.get("/ontology", headers={"Accept": "text/turtle"}).data, formats.by_name("turtle")
    )
    terms = {str(s)[len(NKG) :] for s in graph.subjects() if str(s).startswith(NKG)}
    assert {"Actor", "mentionedIn", "event-meeting", "EventTypeScheme"} <= terms
    for term in terms:
        assert f'id="{term}"' in page, term
    assert client.get("/ontology.jsonld").mimetype == "application/ld+json"
    assert client.get("/ontology.docx").status_code == 404


def test_lists_are_sorted_and_paged(client: FlaskClient) -> None:
    page = client.get("/actors?sort=label").get_data(as_text=True)
    assert page.index("Esmail Qaani") < page.index("Hassan Nasrallah")
    page = client.get("/actors?sort=label&order=desc").get_data(as_text=True)
    assert page.index("Esmail Qaani") > page.index("Hassan Nasrallah")
    articles = client.get("/articles").get_data(as_text=True)  # newest first
    assert articles.index("Qaani meets Nasrallah") < articles.index("Nasrallah speaks")
    for slug in ("organizations", "places", "events", "statements", "memberships"):
        assert client.get(f"/{slug}").status_code == 200
    assert client.get("/actors?sort=nonsense").status_code == 400


def test_search_folds_case_and_accents(
    client: FlaskClient, store_dir: Path, publish_version
) -> None:  # type: ignore[no-untyped-def]
    publish_version(
        store_dir,
        extra="""
        <http://localhost:8000/graph/entities> {
          <http://localhost:8000/id/actor/zoe-perez> a <https://w3id.org/newskg/ontology#Actor> ;
            <http://www.w3.org/2000/01/rdf-schema#label> "Zoë Pérez" ;
            <http://www.w3.org/2004/02/skos/core#altLabel> "Señora Pérez" . }""",
    )
    for query in ("zoe", "ZOË P", "perez", "senora", "ére"):
        page = client.get("/search", query_string={"q": query}).get_data(as_text=True)
        assert "/id/actor/zoe-perez" in page, query
    page = client.get("/search?q=nasr").get_data(as_text=True)
    assert "Hassan Nasrallah" in page and "zoe-perez" not in page


class _Balance(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.ok = True

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        self.ok = self.ok and bool(self.stack) and self.stack.pop() == tag


def test_highlight_overlapping_spans_is_well_formed_and_escaped() -> None:
    text = 'He said "<script>alert(1)</script> & more" in Beirut.'
    marks = [
        Mark(0, 2, "mention", "/a?x=1&y=2", 'A "quoted" title'),
        Mark(3, 40, "quote", "/s", "quote"),
        Mark(8, 30, "evidence", "/e", "ev"),  # nested in the quote
        Mark(25, 52, "evidence", "/f", "ev2"),  # overlaps both
        Mark(46, 52, "mention", "/b", "Beirut"),
    ]
    html = str(highlight(text, marks, [Note(40, "speaker", "/a", "— He")]))
    assert "<script>" not in html and "&lt;script&gt;" in html
    balance = _Balance()
    balance.feed(html)
    assert balance.ok and balance.stack == []
    for begin in (0, 3, 8, 25, 46):
        assert f'id="o-{begin}"' in html
    assert 'href="/a?x=1&amp;y=2"' in html
    assert html.count("— He") == 1
    # Nothing of the text is lost or duplicated.
    visible = HTMLParser()
    chunks: list[str] = []
    visible.handle_data = chunks.append  # type: ignore[method-assign]
    visible.feed(html.replace('<a class="note speaker" href="/a">— He</a>', ""))
    assert "".join(chunks) == text


def test_dumps_are_listed_and_resumable(client: FlaskClient, store_dir: Path) -> None:
    files = write_dumps(store_dir)
    listing = client.get("/dumps/").get_data(as_text=True)
    for item in files:
        assert item.name in listing and item.sha256 in listing
    nquads = next(f for f in files if f.name.endswith(".nq.gz"))
    # Each response is closed (``with``): a file response the test does not read to the end
    # keeps its file open until then, as a server's WSGI close() would.
    with client.get(f"/dumps/{nquads.name}") as whole:
        assert whole.status_code == 200 and len(whole.data) == nquads.size
    assert hashlib.sha256(whole.data).hexdigest() == nquads.sha256
    assert whole.headers["ETag"].strip('"') == nquads.sha256
    assert "Last-Modified" in whole.headers and whole.headers["Accept-Ranges"] == "bytes"
    with client.get(f"/dumps/{nquads.name}", headers={"Range": "bytes=100-"}) as rest:
        assert rest.status_code == 206
        assert rest.headers["Content-Range"] == f"bytes 100-{nquads.size - 1}/{nquads.size}"
        assert whole.data[:100] + rest.data == whole.data
    beyond = {"Range": f"bytes={nquads.size + 10}-"}
    with client.get(f"/dumps/{nquads.name}", headers=beyond) as response:
        assert response.status_code == 416
    etag = {"If-None-Match": whole.headers["ETag"]}
    with client.get(f"/dumps/{nquads.name}", headers=etag) as response:
        assert response.status_code == 304
    assert gzip.decompress(whole.data).count(b"\n") == 45  # mini.trig's quads
    for bad in ("../current", "..%2F..%2Fcurrent", "%2e%2e/versions", "SHA256SUMS.bak"):
        assert client.get("/dumps/" + bad).status_code == 404, bad
    with client.get("/dumps/SHA256SUMS") as response:
        assert response.status_code == 200
