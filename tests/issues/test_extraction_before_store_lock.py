"""Extraction held the store lock (issue 11, "Pathological articles").

The attack: a large article sent to ``POST /api/articles``. ``newskg add`` took the store's
build lock first and extracted under it (13 minutes for a 990 KB article), so every other
ingest meanwhile got 409.

Now ``add`` extracts the articles sent before it takes the lock, then waits for the lock a
few seconds (src/newskg/web/api.py ``LOCK_WAIT``). Deterministic replay against a live server: while
the test itself holds the lock, an ingest still extracts (its extraction reaches the cache)
and publishes once the lock is released; and a large ingest and a small one sent together
both publish.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from newskg.backends import versions as store
from newskg.publishing.incremental import EXTRACTIONS
from tests.conftest import running_server
from tests.ops import synthetic
from tests.ops.publishing import newskg

pytestmark = pytest.mark.slow
TOKEN = "lock-test-token"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    tmp = tmp_path_factory.mktemp("lock")
    synthetic.write(tmp / "articles", 0)
    assert (
        newskg("build", "--articles", tmp / "articles", "--store", tmp / "store", "-q").returncode
        == 0
    )
    with running_server(
        "newskg.cli",
        "serve",
        "--store",
        tmp / "store",
        "--workers",
        "2",
        "--ingest-token",
        TOKEN,
        workdir=tmp,
    ) as url:
        yield url, tmp / "store"


def post(url: str, name: str, text: str, answers: dict[str, requests.Response]) -> None:
    answers[name] = requests.post(
        f"{url}/api/articles",
        params={"name": name},
        data=text.encode(),
        timeout=300,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain"},
    )


def large_article() -> str:
    """About 40 KB of valid news text: many ordinary paragraphs."""
    bodies = (synthetic.article(n).split("\n\n", 1)[1] for n in range(20, 80))
    return "Council budget round-up\n\n" + "\n\n".join(bodies)


def test_extraction_runs_while_another_process_holds_the_lock(served: tuple[str, Path]) -> None:
    url, store_dir = served
    cache = store_dir / EXTRACTIONS
    before = set(cache.iterdir())
    answers: dict[str, requests.Response] = {}
    sender = threading.Thread(target=post, args=(url, "held-011", synthetic.article(11), answers))
    with store.build_lock(store_dir):
        sender.start()
        deadline = time.monotonic() + 120
        while not set(cache.iterdir()) - before:
            assert sender.is_alive(), f"answered while the lock was held: {answers}"
            assert time.monotonic() < deadline, "the article was never extracted"
            time.sleep(0.05)
        assert sender.is_alive(), "it must wait for the lock to publish"
    sender.join()
    assert answers["held-011"].status_code == 201, answers["held-011"].text
    assert answers["held-011"].json()["extracted"] == ["held-011"]


def test_a_large_ingest_does_not_refuse_a_small_one(served: tuple[str, Path]) -> None:
    url, _ = served
    answers: dict[str, requests.Response] = {}
    large = threading.Thread(target=post, args=(url, "large-012", large_article(), answers))
    large.start()
    time.sleep(0.5)  # the large one is on its way (no ordering is relied on)
    post(url, "small-013", synthetic.article(13), answers)
    large.join()
    for name in ("large-012", "small-013"):
        assert answers[name].status_code == 201, (name, answers[name].text)
