"""``DELETE /api/articles/ID`` answered 422 instead of 404 for an article already withdrawn
(issue 15, found by a clean-clone run of ``tests/ops/test_ingest_live.py``).

Each web worker notices a newly published version on its own. A DELETE that reached a
worker still on the version before the withdrawal passed its "is it published?" check, ran
``newskg remove``, and that failed with a generic error: 422, "the article was not
published". Now ``newskg remove --json`` reports an id the published version does not hold
as kind ``unknown``, and the API answers it 404 like the worker's own check. Replayed with the
real command: the stale worker is the one thing simulated (its view of the version).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newskg.backends.versions import records
from newskg.web import api, create_app
from tests.ops import synthetic
from tests.ops.publishing import newskg, write_articles

TOKEN = "a-test-token"


@pytest.fixture
def published(tmp_path: Path) -> Path:
    articles = write_articles(
        tmp_path / "articles",
        {"story-000": synthetic.article(0), "story-001": synthetic.article(1)},
    )
    assert (
        newskg("build", "--articles", articles, "--store", tmp_path / "store", "-q").returncode == 0
    )
    return tmp_path / "store"


def test_remove_reports_an_unknown_id_as_such(published: Path) -> None:
    done = newskg("remove", "story-009", "--store", published, "--json", "--quiet")
    assert done.returncode == 2
    error = json.loads(done.stdout)["error"]
    assert error["kind"] == "unknown" and "no article 'story-009'" in error["message"]


def test_a_worker_that_has_not_seen_the_withdrawal_answers_404(
    published: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert newskg("remove", "story-001", "--store", published, "--quiet").returncode == 0
    # This worker's view: the version before the withdrawal, which still held story-001.
    monkeypatch.setattr(api, "records", lambda version: {**records(version), "story-001": None})
    client = create_app({"STORE": str(published), "INGEST_TOKEN": TOKEN}).test_client()
    answer = client.delete(
        "/api/articles/story-001",
        headers={"Authorization": f"Bearer {TOKEN}", "Accept": "application/json"},
    )
    assert answer.status_code == 404, answer.get_json()
    assert answer.get_json()["error"]["message"] == "no article 'story-001' is published"
