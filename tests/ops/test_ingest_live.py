"""The ingest API against a real server (Granian): authentication, publishing through it while
clients keep querying (none dropped, the new version served within seconds), the validation
report, rejected articles (422), the lock (409), limits (413, 415, 400)."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from flask.testing import FlaskClient

from newskg.backends import versions as store
from tests.conftest import running_server
from tests.ops import synthetic
from tests.ops.publishing import article_graphs, check_published, newskg

pytestmark = pytest.mark.slow
TOKEN = "t0ken-for-tests"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
COUNT_ARTICLES = (
    "SELECT (COUNT(?a) AS ?n) WHERE { ?a a <https://w3id.org/newskg/ontology#Article> }"
)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """A store of two articles served with the ingest API on; (base URL, store)."""
    tmp = tmp_path_factory.mktemp("ingest")
    articles = tmp / "articles"
    synthetic.write(articles, 1)
    (articles / "later-000.txt").write_text(synthetic.follow_up(0), encoding="utf-8")
    assert (
        newskg("build", "--articles", articles, "--store", tmp / "store", "--quiet").returncode == 0
    )
    # Three query threads and an upload, all from 127.0.0.1: more than the default 2 in
    # flight per client (--client-queries), which would answer some of them 429.
    with running_server(
        "newskg.cli",
        "serve",
        "--store",
        tmp / "store",
        "--workers",
        "2",
        "--ingest-token",
        TOKEN,
        "--client-queries",
        "4",
        workdir=tmp,
    ) as url:
        yield url, tmp / "store"


def post_text(
    url: str, name: str, body: bytes, headers: dict[str, str] | None = None
) -> requests.Response:
    return requests.post(
        f"{url}/api/articles",
        params={"name": name},
        data=body,
        headers={**AUTH, "Content-Type": "text/plain; charset=utf-8", **(headers or {})},
        timeout=300,
    )


def served_version(url: str) -> str:
    return requests.get(f"{url}/healthz", timeout=10).json()["version"]


def test_api_is_off_without_a_token(client: FlaskClient) -> None:
    answer = client.post(
        "/api/articles?name=a",
        data=b"x",
        headers={**AUTH, "Content-Type": "text/plain", "Accept": "application/json"},
    )
    assert answer.status_code == 404
    error = answer.get_json()["error"]
    assert "off" in error["message"] and "NEWSKG_INGEST_TOKEN" in error["hint"]
    assert client.get("/api/versions").status_code == 404


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer wrong"},
        {"Authorization": f"Basic {TOKEN}"},
        {"Authorization": "Bearer"},
    ],
)
def test_requests_without_the_token_are_refused(
    served: tuple[str, Path], headers: dict[str, str]
) -> None:
    url, _ = served
    for answer in (
        requests.get(f"{url}/api/versions", headers=headers, timeout=10),
        requests.post(
            f"{url}/api/articles?name=x",
            data=b"Headline\n\nText.",
            headers={**headers, "Content-Type": "text/plain"},
            timeout=10,
        ),
    ):
        assert answer.status_code == 401
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")


def test_publishing_through_the_api_while_clients_query(served: tuple[str, Path]) -> None:
    url, store_dir = served
    before = served_version(url)
    statuses: list[int] = []
    stop = threading.Event()

    def query() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                answer = session.get(
                    f"{url}/sparql",
                    params={"query": COUNT_ARTICLES},
                    headers={"Accept": "application/sparql-results+json"},
                    timeout=30,
                )
                statuses.append(answer.status_code)

    clients = [threading.Thread(target=query) for _ in range(3)]
    for thread in clients:
        thread.start()
    try:
        answer = post_text(url, "story-000", synthetic.article(0).encode())
        published_at = time.monotonic()
        assert answer.status_code == 201, answer.text
        report = answer.json()
        assert report["added"] == ["story-000"] and report["rejected"] == []
        assert answer.headers["Location"].endswith("/id/article/story-000")
        while served_version(url) != report["version"]:
            assert time.monotonic() - published_at < 5, "the server kept the old version"
            time.sleep(0.05)
        print(f"served {time.monotonic() - published_at:.2f} s after the API answered")
        time.sleep(0.5)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert statuses and set(statuses) == {200}, statuses
    assert report["version"] != before
    article = requests.get(
        f"{url}/id/article/story-000", headers={"Accept": "text/turtle"}, timeout=10
    )
    assert article.status_code == 200 and synthetic.article(0).splitlines()[0] in article.text
    check_published(store_dir)
    assert article_graphs(store_dir) == {"later-000", "story-001", "story-000"}


def test_multipart_with_sidecar_and_sending_again(served: tuple[str, Path]) -> None:
    url, store_dir = served
    meta = {"publisher": "Example Gazette", "published": "2024-03-05"}
    files = {
        "file": ("story-007.txt", synthetic.article(7).encode(), "text/plain"),
        "meta": ("story-007.meta.json", json.dumps(meta).encode(), "application/json"),
    }
    answer = requests.post(f"{url}/api/articles", files=files, headers=AUTH, timeout=300)
    assert answer.status_code == 201, answer.text
    version = answer.json()["version"]
    _, opened = store.open_published(store_dir)
    publishers = [
        s["p"].value
        for s in opened.query(
            "SELECT ?p WHERE { GRAPH ?g { ?a <http://schema.org/publisher> ?p } }"
        )
    ]
    assert publishers == ["Example Gazette"]
    again = requests.post(f"{url}/api/articles", files=files, headers=AUTH, timeout=300)
    assert again.status_code == 200, again.text
    assert not again.json()["new_version"] and again.json()["version"] == version
    listed = requests.get(f"{url}/api/versions", headers=AUTH, timeout=10).json()["versions"]
    assert [row["version"] for row in listed if row["published"]] == [version]


BAD = [
    ("empty", b"", "empty article"),
    ("binary", b"\x89PNG\r\n\x1a\n\x00\x00\x00", "binary file"),
    ("latin1", "Headline\n\nJosé said so.\n".encode("latin-1"), "not UTF-8"),
    # Not articles (issue 15: an HTML page sent as text/plain was published as garbage,
    # its CSS class names as quotes and script fragments as organizations).
    (
        "page-as-text",
        b"<!DOCTYPE html>\n<html><head><style>.quote{color:red}</style></head>\n<body>"
        b'<div class="nav"><a href="/">Home</a></div>\n<p>The minister said "we will act".'
        b"</p>\n<script>var Org = 'Acme Corp';</script></body></html>\n",
        "an HTML page sent as text",
    ),
    ("one-line", b"Minister resigns after vote\n", "one line is not an article"),
    (
        "navigation",
        b"Home\nNews\nSport\nWeather\nContact us\nPrivacy\n",
        "no prose: none of its",
    ),
]


@pytest.mark.parametrize(("name", "body", "reason"), BAD, ids=[b[0] for b in BAD])
def test_rejected_articles_are_422_with_the_report(
    served: tuple[str, Path], name: str, body: bytes, reason: str
) -> None:
    url, store_dir = served
    before = store.published(store_dir)
    answer = post_text(url, name, body, {"Accept": "application/json"})
    assert answer.status_code == 422, answer.text
    payload = answer.json()
    assert (
        payload["error"]["status"] == 422 and "nothing was published" in payload["error"]["message"]
    )
    (rejected,) = payload["report"]["rejected"]
    assert rejected["file"] == f"{name}.txt" and reason in rejected["reason"]
    assert store.published(store_dir) == before


def test_malformed_sidecar_is_422(served: tuple[str, Path]) -> None:
    url, _ = served
    files = {
        "file": ("story-008.txt", synthetic.article(8).encode(), "text/plain"),
        "meta": ("x.json", b'{"published": ', "application/json"),
    }
    answer = requests.post(f"{url}/api/articles", files=files, headers=AUTH, timeout=300)
    assert answer.status_code == 422, answer.text
    (rejected,) = answer.json()["report"]["rejected"]
    assert rejected["file"] == "story-008.meta.json" and "invalid JSON" in rejected["reason"]


def test_a_held_lock_is_409(served: tuple[str, Path]) -> None:
    """Held longer than the API waits for it (src/newskg/web/api.py LOCK_WAIT) after extracting."""
    url, store_dir = served
    with store.build_lock(store_dir):
        answer = post_text(
            url, "story-009", synthetic.article(9).encode(), {"Accept": "application/json"}
        )
    assert answer.status_code == 409, answer.text
    assert "another newskg process" in answer.json()["error"]["message"]
    assert answer.headers["Retry-After"]


@pytest.mark.parametrize(
    ("params", "content_type", "status"),
    [
        ({"name": "../../etc/passwd"}, "text/plain", 400),
        ({"name": ".hidden"}, "text/plain", 400),
        ({"name": "a/b"}, "text/plain", 400),
        ({"name": "x" * 201}, "text/plain", 400),
        ({}, "text/plain", 400),
        ({"name": "ok"}, "application/pdf", 415),
        ({"name": "ok"}, "", 415),
    ],
)
def test_bad_requests(
    served: tuple[str, Path], params: dict[str, str], content_type: str, status: int
) -> None:
    url, _ = served
    answer = requests.post(
        f"{url}/api/articles",
        params=params,
        data=b"Headline\n\nText.\n",
        headers={**AUTH, "Content-Type": content_type, "Accept": "application/json"},
        timeout=30,
    )
    assert answer.status_code == status, answer.text
    assert answer.json()["error"]["hint"]


def test_a_body_over_the_limit_is_413(served: tuple[str, Path]) -> None:
    """50 MB: refused from its Content-Length, before it is read."""
    url, store_dir = served
    before = store.published(store_dir)
    try:
        answer = post_text(url, "huge", b"x" * (50 * 1024 * 1024), {"Accept": "application/json"})
    except requests.ConnectionError:
        pytest.fail("the server closed the connection instead of answering 413")
    assert answer.status_code == 413
    assert store.published(store_dir) == before


def test_listing_and_withdrawing_articles(served: tuple[str, Path]) -> None:
    """``GET /api/articles`` lists what is published; ``DELETE /api/articles/ID`` withdraws
    one through the same validated path as ``newskg remove`` (issue 15)."""
    url, store_dir = served
    assert requests.get(f"{url}/api/articles", timeout=10).status_code == 401
    answer = post_text(url, "withdraw-me", synthetic.article(7).encode())
    assert answer.status_code == 201, answer.text
    while served_version(url) != answer.json()["version"]:
        time.sleep(0.05)
    listing = requests.get(f"{url}/api/articles", headers=AUTH, timeout=10)
    assert listing.status_code == 200 and "Link" not in listing.headers
    body = listing.json()
    version = store.published(store_dir)
    assert version is not None and body["version"] == version.id
    records = store.records(version)
    assert [a["id"] for a in body["articles"]] == sorted(records) and body["total"] == len(records)
    (mine,) = [a for a in body["articles"] if a["id"] == "withdraw-me"]
    assert mine["iri"].endswith("/id/article/withdraw-me") and mine["file"] == "withdraw-me.txt"
    assert mine["headline"] == synthetic.article(7).splitlines()[0]
    assert mine["source_sha256"] == records["withdraw-me"].source
    beyond = requests.get(f"{url}/api/articles?page=2", headers=AUTH, timeout=10).json()
    assert beyond["articles"] == [] and beyond["pages"] == 1

    gone = requests.delete(f"{url}/api/articles/withdraw-me", headers=AUTH, timeout=300)
    assert gone.status_code == 200, gone.text
    report = gone.json()
    assert report["removed"] == ["withdraw-me"] and "withdraw-me" not in report["published"]
    while served_version(url) != report["version"]:
        time.sleep(0.05)
    check_published(store_dir)
    assert "withdraw-me" not in article_graphs(store_dir)
    assert requests.get(f"{url}/id/article/withdraw-me", timeout=10).status_code == 404
    again = requests.delete(
        f"{url}/api/articles/withdraw-me",
        headers={**AUTH, "Accept": "application/json"},
        timeout=30,
    )
    assert again.status_code == 404
    assert again.json()["error"]["message"] == "no article 'withdraw-me' is published"
