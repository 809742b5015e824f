"""Linked data, dumps and VoID of a real corpus build, served by a real ``newskg serve``.

The corpus is built once through the CLI under a base IRI that is not the server's address,
so every request below also proves that the request's root is mapped to the base.
"""

from __future__ import annotations

import gzip
import hashlib
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Callable
from email.message import Message
from pathlib import Path

import pyoxigraph
import pytest
import requests
from rdflib import RDFS, Dataset, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS

from newskg import formats
from newskg.backends import versions as store
from newskg.publishing.dumps import SUMS, dumps_dir
from newskg.web.representations import RDF_FORMATS
from tests.ops.publishing import assert_dumps_hold

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BASE = "https://news.example.org/kg/"
VOID = Namespace("http://rdfs.org/ns/void#")
DCAT = Namespace("http://www.w3.org/ns/dcat#")
SPDX = Namespace("http://spdx.org/rdf/terms#")


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store_dir = tmp_path_factory.mktemp("linked") / "store"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "newskg.cli",
            "build",
            "--articles",
            ROOT / "articles",
            "--store",
            store_dir,
            "--base-iri",
            BASE,
            "--quiet",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    return store_dir


def get(url: str, accept: str | None = None, **headers: str) -> tuple[int, Message, bytes]:
    """Status, headers (looked up by name in any case, as HTTP wants) and body."""
    if accept:
        headers["Accept"] = accept
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def opened(store_dir: Path) -> pyoxigraph.Store:
    return store.open_published(store_dir)[1]


def minted(store_dir: Path) -> tuple[set[str], set[str]]:
    """(every subject or object IRI under the base, every graph name under the base)."""
    data = opened(store_dir)
    iris: set[str] = set()
    for quad in data:
        for term in (quad.subject, quad.object):
            if isinstance(term, pyoxigraph.NamedNode) and term.value.startswith(BASE):
                iris.add(term.value)
    graphs = {g.value for g in data.named_graphs() if g.value.startswith(BASE)}
    return iris, graphs


FACTS = " ".join(
    f"<https://w3id.org/newskg/ontology#{c}>" for c in ("Statement", "Event", "Membership")
)
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")


def document(store_dir: Path, iri: str) -> tuple[Graph, int, int]:
    """What the RDF document of ``iri`` holds over all its pages (docs/linked-data.md), as
    one SPARQL CONSTRUCT over the store: its triples; the facts naming it, each whole, with
    the labels of what they name; the other triples linking to it, with their subjects'
    types and labels; an article's named graph (``rdfs:seeAlso``). And how many facts and
    links it pages (``hydra:totalItems``), and how many pages of 50 that makes."""
    data = opened(store_dir)
    found = data.query(
        f"""PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        CONSTRUCT {{ <{iri}> ?p ?o . ?f ?fp ?fo . ?fo ?lp ?fl . ?s ?sp <{iri}> . ?s ?tp ?t .
                     <{iri}> rdfs:seeAlso ?g }}
        WHERE {{
          {{ <{iri}> ?p ?o }}
          UNION {{ ?f ?x <{iri}> ; a ?c ; ?fp ?fo . VALUES ?c {{ {FACTS} }}
                   OPTIONAL {{ ?fo ?lp ?fl FILTER(?fo != <{iri}>) VALUES ?lp {{ rdfs:label
                     <http://www.w3.org/2004/02/skos/core#prefLabel> }} }} }}
          UNION {{ ?s ?sp <{iri}> FILTER NOT EXISTS {{ ?s a ?c2 . VALUES ?c2 {{ {FACTS} }} }}
                   OPTIONAL {{ ?s ?tp ?t VALUES ?tp {{ rdf:type rdfs:label
                     <http://www.w3.org/2004/02/skos/core#prefLabel> }} }} }}
          UNION {{ GRAPH ?g {{ <{iri}> a <https://w3id.org/newskg/ontology#Article> }} }}
        }}""",
        use_default_graph_as_union=True,
    )
    graph = Graph().parse(data=found.serialize(format=pyoxigraph.RdfFormat.N_TRIPLES), format="nt")
    counts = data.query(
        f"""SELECT (COUNT(DISTINCT ?f) AS ?facts) (COUNT(DISTINCT ?link) AS ?links) WHERE {{
          {{ ?f ?x <{iri}> ; a ?c . VALUES ?c {{ {FACTS} }} }}
          UNION {{ ?s ?p <{iri}> FILTER NOT EXISTS {{ ?s a ?c2 . VALUES ?c2 {{ {FACTS} }} }}
                   BIND(CONCAT(STR(?s), " ", STR(?p)) AS ?link) }} }}""",
        use_default_graph_as_union=True,
    )
    row = next(iter(counts))
    facts, links = int(row["facts"].value), int(row["links"].value)
    return graph, facts + links, max(1, -(-max(facts, links) // 50))


def served_document(url: str, accept: str = "text/turtle") -> tuple[Graph, int, int]:
    """Every page of the document at ``url`` followed by ``hydra:next`` as a client would,
    without the pages' own descriptions; the items the first page says it pages, and how
    many pages there were. Each page names its topic and the next page only."""
    graph, pages, total, topic = Graph(), 0, None, None
    while url:
        status, headers, body = get(url, accept)
        assert status == 200, url
        page = Graph().parse(data=body, format="turtle")
        pages += 1
        here = URIRef(url)
        topics = set(page.objects(here, FOAF.primaryTopic))
        assert len(topics) == 1 and topic in (None, *topics), url
        topic = next(iter(topics))
        counted = int(next(page.objects(here, HYDRA.totalItems)))
        assert total in (None, counted), url
        total = counted
        after = [str(n) for n in page.objects(here, HYDRA.next)]
        for triple in page.triples((here, None, None)):
            page.remove(triple)
        graph += page
        url = after[0] if after else ""
    assert total is not None
    return graph, total, pages


def some_actor(store_dir: Path) -> str:
    """The actor mentioned in most articles (extraction decides which: no names here)."""
    rows = opened(store_dir).query(
        "SELECT ?a (COUNT(?x) AS ?n) WHERE { ?a a <https://w3id.org/newskg/ontology#Actor> ; "
        "<https://w3id.org/newskg/ontology#mentionedIn> ?x } GROUP BY ?a ORDER BY DESC(?n) ?a "
        "LIMIT 1",
        use_default_graph_as_union=True,
    )
    return next(iter(rows))["a"].value


def test_every_minted_iri_resolves_in_html_and_turtle(
    corpus: Path, start_server: Callable[..., str]
) -> None:
    server = start_server("newskg.serve", "--store", corpus, "--workers", "2")
    iris, graphs = minted(corpus)
    assert f"{BASE}graph/entities" in graphs and len(graphs) == 3
    kinds = {iri[len(BASE) :].split("/")[1] for iri in iris}
    assert {
        "actor",
        "organization",
        "place",
        "event",
        "statement",
        "membership",
        "article",
        "span",
    } <= kinds
    paged = False
    for iri in sorted(iris | graphs):
        url = server + "/" + iri[len(BASE) :]
        status, headers, body = get(url, "text/html")
        assert status == 200 and headers["Content-Type"].startswith("text/html"), url
        assert b"<h1" in body
        status, headers, body = get(url, "text/turtle")
        assert status == 200 and headers["Content-Type"].startswith("text/turtle"), url
        assert headers["Content-Location"] == "/" + iri[len(BASE) :] + ".ttl"
        if iri in graphs:
            served = Graph().parse(data=body, format="turtle")
            expected = Dataset()
            expected.parse(
                data=opened(corpus).dump(
                    format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(iri)
                ),
                format="nt",
            )
            assert isomorphic(served, expected.default_graph), iri
        else:
            expected, total, pages = document(corpus, iri)
            served, served_total, served_pages = served_document(url + ".ttl")
            assert isomorphic(served, expected), iri
            assert (served_total, served_pages) == (total, pages), iri
            paged |= pages > 1
    assert paged, "no document of the corpus has several pages: paging went untested"


def test_content_negotiation_for_every_type_and_suffix(
    corpus: Path, start_server: Callable[..., str]
) -> None:
    server = start_server("newskg.serve", "--store", corpus, "--workers", "2")
    iri = some_actor(corpus)
    path = "/" + iri[len(BASE) :]
    content, total, pages = document(corpus, iri)
    assert pages == 1, "the actor's document is one page here"
    for fmt in RDF_FORMATS:
        expected = Graph() + content
        at = URIRef(f"{server}{path}.{fmt.extension}")
        expected.add((at, FOAF.primaryTopic, URIRef(iri)))
        expected.add((at, HYDRA.totalItems, Literal(total)))
        status, headers, body = get(server + path, fmt.media_type)
        assert status == 200 and headers["Content-Type"].startswith(fmt.media_type), fmt
        assert headers["Content-Location"] == f"{path}.{fmt.extension}"
        assert "Accept" in headers["Vary"]
        link = headers["Link"]
        for other in RDF_FORMATS:
            assert f'<{path}.{other.extension}>; rel="alternate"; type="{other.media_type}"' in link
        parsed = Dataset() if fmt.holds_quads else Graph()
        parsed.parse(data=body, format=fmt.rdflib)
        graph = (
            parsed.default_graph if isinstance(parsed, Dataset) and fmt.name != "jsonld" else parsed
        )
        if isinstance(parsed, Dataset) and fmt.name == "jsonld":
            graph = Graph()
            for s, p, o, _ in parsed.quads():
                graph.add((s, p, o))
        assert isomorphic(graph, expected), fmt.name
        status, headers, suffixed = get(f"{server}{path}.{fmt.extension}")
        assert status == 200 and suffixed == body and "Content-Location" not in headers
        assert get(f"{server}{path}?format={fmt.name}")[2] == body
    status, headers, body = get(server + path, "text/html,application/xhtml+xml;q=0.9")
    assert status == 200 and headers["Content-Location"] == path + ".html"
    assert str(next(expected.objects(URIRef(iri), RDFS.label))).encode() in body
    status, headers, body = get(server + "/id/actor/no-such-person", "text/html")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b"404" in body
    assert get(server + "/graph/no-such-graph.ttl")[0] == 404
    assert get(server + path, "application/pdf")[0] == 406
    status, headers, body = get(server + "/ontology", "text/turtle")
    assert status == 200 and (
        URIRef("https://w3id.org/newskg/ontology#Actor"),
        None,
        None,
    ) in Graph().parse(data=body, format="turtle")
    status, headers, body = get(server + "/ontology")
    assert status == 200 and b'id="Actor"' in body and b'id="event-attack"' in body


def test_dumps_are_isomorphic_to_the_store(corpus: Path) -> None:
    version = store.published(corpus)
    assert version is not None
    folder = dumps_dir(corpus, version.id)
    sums = (folder / SUMS).read_text().splitlines()
    assert len(sums) == 7
    for line in sums:
        sha, name = line.split("  ")
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == sha, name
    assert_dumps_hold(folder, version.id, opened(corpus))
    expected = Dataset()
    expected.parse(data=opened(corpus).dump(format=pyoxigraph.RdfFormat.N_QUADS), format="nquads")
    ontology = Graph().parse(folder / f"newskg-{version.id}-ontology.ttl", format="turtle")
    assert isomorphic(ontology, expected.graph(URIRef("https://w3id.org/newskg/ontology")))
    Graph().parse(folder / f"newskg-{version.id}-shapes.ttl", format="turtle")
    inside = Graph().parse(folder / f"newskg-{version.id}-void.ttl", format="turtle")
    dumps = set(inside.objects(None, VOID.dataDump))
    assert {str(u) for u in dumps} == {
        f"{BASE}dumps/newskg-{version.id}.{e}{gz}"
        for e in ("nq", "trig", "ttl", "nt")
        for gz in (".gz", "")  # each also served plain, with its RDF media type
    }


def test_rdf_clients_read_the_dumps_plain(corpus: Path, start_server: Callable[..., str]) -> None:
    """Issue 15: the dumps existed only as application/gzip, which no RDF client reads; and
    queries over the N-Quads dump without the union default graph silently found nothing."""
    server = start_server("newskg.serve", "--store", corpus, "--workers", "2")
    version = store.published(corpus)
    assert version is not None
    folder = dumps_dir(corpus, version.id)
    for ext in ("nq", "trig", "ttl", "nt"):
        fmt = formats.by_extension(ext)
        packed = gzip.decompress((folder / f"newskg-{version.id}.{ext}.gz").read_bytes())
        url = f"{server}/dumps/newskg-{version.id}.{ext}"
        status, headers, body = get(url)  # urllib sends no Accept-Encoding: decompressed here
        assert status == 200 and headers["Content-Type"].startswith(fmt.media_type), ext
        assert "Content-Encoding" not in headers and body == packed, ext
        taking_gzip = requests.get(url, headers={"Accept-Encoding": "gzip"}, timeout=30)
        assert taking_gzip.headers["Content-Encoding"] == "gzip", ext
        assert taking_gzip.content == packed  # decoded by the client
        if fmt.holds_quads:  # rdflib reads the URL itself, its format from the media type
            got = Dataset()
            got.parse(url)
            named = {str(g.identifier) for g in got.graphs() if len(g)}
            assert named == {g.value for g in opened(corpus).named_graphs()}, ext
            assert sum(1 for _ in got.quads()) == len(opened(corpus)), ext
        else:
            assert isomorphic(Graph().parse(url), Graph().parse(data=packed, format=fmt.rdflib))
    status, _, page = get(server + "/dumps/", "text/html")
    assert status == 200
    for needed in (b"--union-default-graph", b"default_union=True", b"0 rows"):
        assert needed in page, needed
    nquads = folder / f"newskg-{version.id}.nq.gz"
    location = corpus.parent / "loaded"
    oxigraph = Path(sys.executable).parent / "oxigraph"
    loaded = subprocess.run(
        [oxigraph, "load", "--location", location, "--file", nquads], capture_output=True
    )
    assert loaded.returncode == 0, loaded.stderr
    actors = "SELECT (COUNT(*) AS ?n) WHERE { ?a a <https://w3id.org/newskg/ontology#Actor> }"
    counts = [
        subprocess.run(
            [
                oxigraph,
                "query",
                "--location",
                location,
                "--query",
                actors,
                "--results-format",
                "csv",
                *union,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()[1]
        for union in ([], ["--union-default-graph"])
    ]
    expected = next(iter(opened(corpus).query(actors, use_default_graph_as_union=True)))["n"]
    assert counts == ["0", expected.value]  # what the page warns of, and its fix


def test_void_matches_the_files_and_downloads_resume(
    corpus: Path, start_server: Callable[..., str]
) -> None:
    server = start_server("newskg.serve", "--store", corpus, "--workers", "2")
    status, headers, body = get(server + "/.well-known/void", "text/turtle")
    assert status == 200
    void = Graph().parse(data=body, format="turtle")
    dataset = next(void.subjects(None, VOID.Dataset))
    assert str(dataset).startswith(server + "/")
    data = opened(corpus)
    assert void.value(dataset, VOID.triples) == Literal(len(data))
    assert str(void.value(dataset, VOID.sparqlEndpoint)) == server + "/sparql"
    assert str(void.value(dataset, VOID.uriSpace)) == BASE + "id/"
    assert (
        str(void.value(dataset, URIRef("http://purl.org/dc/terms/license")))
        == "https://creativecommons.org/licenses/by/4.0/"
    )
    classes = {
        str(void.value(p, VOID["class"])): int(void.value(p, VOID.entities))
        for p in void.objects(dataset, VOID.classPartition)
    }
    summary = store.published(corpus).summary()  # type: ignore[union-attr]
    for name, count in summary["counts"].items():
        assert classes["https://w3id.org/newskg/ontology#" + name] == count
    properties = {
        str(void.value(p, VOID.property)): int(void.value(p, VOID.triples))
        for p in void.objects(dataset, VOID.propertyPartition)
    }
    assert sum(properties.values()) == len(data)
    assert list(void.objects(dataset, VOID.exampleResource))
    dumps = list(void.objects(dataset, VOID.dataDump))
    assert len(dumps) == 8  # 4 gzip files, each also served plain
    for dist in void.objects(dataset, DCAT.distribution):
        url = str(void.value(dist, DCAT.downloadURL))
        assert url.startswith(server + "/dumps/")
        status, headers, content = get(url)
        assert status == 200
        if void.value(dist, DCAT.byteSize) is None:  # a plain sibling, decompressed as sent
            assert get(url + ".gz")[0] == 200 and dist in dumps
            assert headers["Content-Type"].startswith(str(void.value(dist, DCTERMS.format)))
            continue
        assert (
            int(void.value(dist, DCAT.byteSize)) == len(content) == int(headers["Content-Length"])
        )
        checksum = void.value(dist, SPDX.checksum)
        assert str(void.value(checksum, SPDX.checksumValue)) == hashlib.sha256(content).hexdigest()
        assert str(void.value(dist, DCAT.mediaType)).startswith(
            "https://www.iana.org/assignments/media-types/"
        )
        if dist in dumps:
            # Resume halfway: bytes=N- gives the rest, and the pieces make the file.
            half = len(content) // 2
            status, headers, rest = get(url, Range=f"bytes={half}-")
            assert status == 206
            assert headers["Content-Range"] == f"bytes {half}-{len(content) - 1}/{len(content)}"
            assert content[:half] + rest == content
            assert get(url, Range=f"bytes={len(content) + 1}-")[0] == 416
            assert headers["ETag"] and headers["Last-Modified"]
    status, _, page = get(server + "/dumps/", "text/html")
    assert status == 200 and b"SHA256SUMS" in page
    assert get(server + "/dumps/..%2f..%2fcurrent")[0] == 404
