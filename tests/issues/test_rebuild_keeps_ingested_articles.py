"""A rebuild dropped ingested articles (issue 11, critical).

The attack: articles published through ``POST /api/articles`` or ``newskg add``, then
``newskg build --articles articles`` (the build step of ``make run``). The build published
only the folder's files, exited 0, named none of the withdrawn articles, and after
``--keep-versions`` more publishes their only copy in ``STORE/sources/`` was deleted.

Now a build keeps them (from their kept sources) and lists them as kept; ``--prune`` withdraws
them and lists them; the kept articles' sources survive any number of publishes. Replayed with
the real command against a live server.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from newskg.backends import versions as store
from newskg.publishing.incremental import SOURCES, records
from tests.ops import synthetic
from tests.ops.publishing import BASE, check_published, newskg, report

pytestmark = pytest.mark.slow
TOKEN = "rebuild-test-token"
ARTICLES = "SELECT ?a WHERE { ?a a <https://w3id.org/newskg/ontology#Article> }"


def served_articles(url: str) -> set[str]:
    rows = requests.get(
        f"{url}/sparql",
        params={"query": ARTICLES},
        timeout=30,
        headers={"Accept": "application/sparql-results+json"},
    ).json()
    return {
        row["a"]["value"].removeprefix(BASE + "id/article/") for row in rows["results"]["bindings"]
    }


def wait_served(url: str, version: str) -> None:
    deadline = time.monotonic() + 10
    while requests.get(f"{url}/healthz", timeout=10).json()["version"] != version:
        assert time.monotonic() < deadline, f"the server never switched to {version}"
        time.sleep(0.1)


def test_a_rebuild_keeps_what_add_and_the_api_published(
    tmp_path: Path, start_server: Callable[..., str]
) -> None:
    folder, store_dir = tmp_path / "articles", tmp_path / "store"
    for n in (0, 1):
        synthetic.write(folder, n)
    assert newskg("build", "--articles", folder, "--store", store_dir, "-q").returncode == 0
    url = start_server(
        "newskg.cli", "serve", "--store", store_dir, "--workers", "1", "--ingest-token", TOKEN
    )
    added = newskg("add", synthetic.write(tmp_path / "sent", 7), "--store", store_dir, "-q")
    assert added.returncode == 0, added.stderr
    posted = requests.post(
        f"{url}/api/articles",
        params={"name": "ingested-008"},
        data=synthetic.article(8).encode(),
        timeout=300,
        headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/plain; charset=utf-8"},
    )
    assert posted.status_code == 201, posted.text

    # The build step of `make run`: the folder holds neither ingested article.
    rebuilt = newskg("build", "--articles", folder, "--store", store_dir, "-q", "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    answer = report(rebuilt)
    assert answer["kept"] == ["ingested-008", "story-007"]
    assert answer["withdrawn"] == [] and answer["added"] == []
    assert answer["unchanged"] == ["story-000", "story-001"]
    assert answer["published"] == ["ingested-008", "story-000", "story-001", "story-007"]
    check_published(store_dir)
    wait_served(url, answer["version"])
    assert served_articles(url) == {"ingested-008", "story-000", "story-001", "story-007"}

    # More publishes than versions kept: the kept articles' sources must all survive.
    for _ in range(3):
        again = newskg(
            "build", "--articles", folder, "--store", store_dir, "-q", "--keep-versions", "2"
        )
        assert again.returncode == 0, again.stderr
        assert (
            "kept 2 published articles not in" in again.stdout
            and "ingested-008, story-007" in again.stdout
        ), again.stdout
    version = store.published(store_dir)
    assert version is not None
    kept = records(version)
    for article_id in ("ingested-008", "story-007"):
        source = store_dir / SOURCES / kept[article_id].source / kept[article_id].file
        assert source.is_file(), f"the only copy of {article_id} was deleted"

    # Asked to, a build withdraws them, and says which.
    pruned = newskg("build", "--articles", folder, "--store", store_dir, "-q", "--prune")
    assert pruned.returncode == 0, pruned.stderr
    assert "withdrew 2 articles: ingested-008, story-007" in pruned.stdout, pruned.stdout
    pruned_version = store.published(store_dir)
    assert pruned_version is not None
    assert sorted(records(pruned_version)) == ["story-000", "story-001"]
    wait_served(url, pruned_version.id)
    assert served_articles(url) == {"story-000", "story-001"}


def test_a_kept_article_whose_source_is_gone_fails_the_build(tmp_path: Path) -> None:
    folder, store_dir = tmp_path / "articles", tmp_path / "store"
    synthetic.write(folder, 0)
    assert newskg("build", "--articles", folder, "--store", store_dir, "-q").returncode == 0
    assert (
        newskg("add", synthetic.write(tmp_path / "sent", 7), "--store", store_dir, "-q").returncode
        == 0
    )
    before = store.published(store_dir)
    assert before is not None
    record = records(before)["story-007"]
    (store_dir / SOURCES / record.source / record.file).unlink()
    failed = newskg("build", "--articles", folder, "--store", store_dir, "-q")
    assert failed.returncode == 2
    assert "story-007 (story-007.txt)" in failed.stderr and "--prune" in failed.stderr
    assert store.published(store_dir) == before
