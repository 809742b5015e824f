"""Publishing over time with the real command: ``newskg add``/``remove`` give the same graphs
as a full build of the same articles, re-extract only what they are given, keep shared
entities consistent; ``versions``/``rollback`` and pruning; ``--jobs``."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest
from rdflib import URIRef

from newskg.backends import versions as store
from tests.ops import synthetic
from tests.ops.publishing import (
    BASE,
    article_graphs,
    assert_same_graphs,
    check_published,
    graphs,
    newskg,
    report,
    write_articles,
)

pytestmark = pytest.mark.slow
NIF_STRING = URIRef("http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#isString")


# The published base names its mayor only by surname ("Mayor Kovacs"); story-000 names her in
# full, so adding it must re-key the base article's entity to the full name's IRI.
BASE_ARTICLES = {"later-000": synthetic.follow_up(0), "story-001": synthetic.article(1)}
ALL_ARTICLES = {**BASE_ARTICLES, "story-000": synthetic.article(0)}


def build_store(tmp: Path, articles: dict[str, str]) -> Path:
    result = newskg(
        "build",
        "--articles",
        write_articles(tmp / "articles", articles),
        "--store",
        tmp / "store",
        "--quiet",
    )
    assert result.returncode == 0, result.stderr
    return tmp / "store"


@pytest.fixture(scope="module")
def base_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("base"), BASE_ARTICLES)


@pytest.fixture(scope="module")
def full_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("full"), ALL_ARTICLES)


def copy_store(source: Path, tmp_path: Path) -> Path:
    target = tmp_path / "store"
    shutil.copytree(source, target, symlinks=True)
    return target


def test_add_gives_the_graphs_of_a_full_build(
    base_store: Path, full_store: Path, tmp_path: Path
) -> None:
    store_dir = copy_store(base_store, tmp_path)
    new = write_articles(tmp_path / "new", {"story-000": ALL_ARTICLES["story-000"]})
    result = newskg("add", new / "story-000.txt", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert answer["added"] == ["story-000"] and answer["new_version"]
    assert answer["extracted"] == ["story-000"], "the published articles came from the cache"
    # The base article's "Mayor Kovacs" is now the full name's entity: its graph is rewritten;
    # story-001 is untouched.
    assert answer["rewritten"] == ["later-000", "story-000"]
    assert_same_graphs(store_dir, full_store)
    check_published(store_dir)
    entities = graphs(store_dir)[BASE + "graph/entities"]
    subjects = {str(s) for s in entities.subjects()}
    assert BASE + "id/actor/maria-kovacs" in subjects
    assert BASE + "id/actor/kovacs" not in subjects


def test_an_add_to_a_version_without_entity_index_makes_every_graph_again(
    base_store: Path, full_store: Path, tmp_path: Path
) -> None:
    """Versions published before the entity index have none: the add links the full
    extractions (from the cache) and makes every graph again, which gives the graphs of a
    full build, and the new version has an index for the next change."""
    store_dir = copy_store(base_store, tmp_path)
    base = store.published(store_dir)
    assert base is not None
    base.index_path.unlink()
    new = write_articles(tmp_path / "new", {"story-000": ALL_ARTICLES["story-000"]})
    result = newskg("add", new / "story-000.txt", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert answer["rewritten"] == ["later-000", "story-000", "story-001"]
    assert answer["extracted"] == ["story-000"], "the published articles came from the cache"
    assert_same_graphs(store_dir, full_store)
    current = store.published(store_dir)
    assert current is not None and current.index_path.is_file()


def test_remove_gives_the_graphs_of_a_full_build(
    base_store: Path, full_store: Path, tmp_path: Path
) -> None:
    store_dir = copy_store(full_store, tmp_path)
    result = newskg("remove", "story-000", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert answer["removed"] == ["story-000"]
    assert answer["rewritten"] == ["later-000"]  # back to the surname's own entity
    assert answer["extracted"] == []
    assert_same_graphs(store_dir, base_store)
    unknown = newskg("remove", "no-such-article", "--store", store_dir)
    assert unknown.returncode == 2
    assert "no article 'no-such-article'" in unknown.stderr and "later-000" in unknown.stderr


def test_replacing_an_article(base_store: Path, tmp_path: Path) -> None:
    store_dir = copy_store(base_store, tmp_path)
    text = synthetic.article(5)
    new = write_articles(tmp_path / "new", {"story-001": text})
    result = newskg("add", new / "story-001.txt", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert (answer["replaced"], answer["added"]) == (["story-001"], [])
    check_published(store_dir)
    stored = graphs(store_dir)
    texts = {str(o) for o in stored[BASE + "graph/story-001"].objects(predicate=NIF_STRING)}
    assert texts == {text}
    # Entities only the old story-001 named are gone: every entity is mentioned somewhere.
    entities = {str(s) for s in stored[BASE + "graph/entities"].subjects()}
    mentioned = {
        str(s)
        for name, g in stored.items()
        if name.startswith(BASE + "graph/")
        for s, p, _ in g
        if str(p).endswith("#mentionedIn")
    }
    assert entities == mentioned


def test_identical_article_publishes_nothing(base_store: Path, tmp_path: Path) -> None:
    store_dir = copy_store(base_store, tmp_path)
    before = store.published(store_dir)
    again = write_articles(tmp_path / "again", {"later-000": BASE_ARTICLES["later-000"]})
    result = newskg("add", again / "later-000.txt", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert not answer["new_version"] and answer["unchanged"] == ["later-000"]
    assert answer["extracted"] == [] and answer["version"] == before.id  # type: ignore[union-attr]
    assert store.published(store_dir) == before
    assert len(store.versions(store_dir)) == 1


def test_a_rejected_replacement_leaves_the_published_article(
    base_store: Path, tmp_path: Path
) -> None:
    """The replacement is rejected (its sidecar URL is not one): the published story-001
    stays, the other new article publishes."""
    store_dir = copy_store(base_store, tmp_path)
    new = write_articles(
        tmp_path / "new", {"story-001": synthetic.article(6), "story-004": synthetic.article(4)}
    )
    (new / "story-001.meta.json").write_text(json.dumps({"url": "www.example.org/x"}))
    result = newskg(
        "add", new / "story-001.txt", new / "story-004.txt", "--store", store_dir, "--json"
    )
    assert result.returncode == 1, result.stderr
    answer = report(result)
    assert answer["added"] == ["story-004"] and answer["replaced"] == []
    assert [r["file"] for r in answer["rejected"]] == [str(new / "story-001.meta.json")]
    assert "not an absolute http(s) URL" in answer["rejected"][0]["reason"]
    assert article_graphs(store_dir) == {"later-000", "story-001", "story-004"}
    stored = graphs(store_dir)[BASE + "graph/story-001"]
    assert {str(o) for o in stored.objects(predicate=NIF_STRING)} == {BASE_ARTICLES["story-001"]}
    check_published(store_dir)


def test_add_refuses_another_base_iri_and_old_stores(base_store: Path, tmp_path: Path) -> None:
    store_dir = copy_store(base_store, tmp_path)
    new = write_articles(tmp_path / "new", {"story-004": synthetic.article(4)})
    other = newskg(
        "add",
        new / "story-004.txt",
        "--store",
        store_dir,
        "--base-iri",
        "https://news.example.org/kg/",
    )
    assert other.returncode == 2
    assert "mints IRIs under http://localhost:8000/" in other.stderr
    # A version published before article records were kept cannot be added to.
    version = store.published(store_dir)
    summary = version.summary()  # type: ignore[union-attr]
    del summary["articles"]
    version.summary_path.write_text(json.dumps(summary))  # type: ignore[union-attr]
    old = newskg("add", new / "story-004.txt", "--store", store_dir)
    assert old.returncode == 2 and "run `newskg build` once" in old.stderr


def test_add_into_an_empty_store_directory_publishes_a_first_version(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    store_dir.mkdir()
    new = write_articles(tmp_path / "new", {"later-000": BASE_ARTICLES["later-000"]})
    result = newskg("add", new / "later-000.txt", "--store", store_dir, "--json")
    assert result.returncode == 0, result.stderr
    assert report(result)["added"] == ["later-000"]
    check_published(store_dir)


def dump_names(base_url: str) -> str:
    with urllib.request.urlopen(base_url + "/dumps/SHA256SUMS", timeout=10) as answer:
        return answer.read().decode()


def served_version(base_url: str) -> str:
    with urllib.request.urlopen(base_url + "/healthz", timeout=10) as answer:
        return json.load(answer)["version"]


def wait_for_version(base_url: str, version: str, seconds: float = 5) -> float:
    """Seconds until the server answers ``version``."""
    started = time.monotonic()
    while served_version(base_url) != version:
        assert time.monotonic() - started < seconds, "server still serves the old version"
        time.sleep(0.05)
    return time.monotonic() - started


def test_versions_rollback_and_pruning(
    base_store: Path, tmp_path: Path, start_server: Callable[..., str]
) -> None:
    store_dir = copy_store(base_store, tmp_path)
    first = store.published(store_dir)
    assert first is not None
    url = start_server("newskg.cli", "serve", "--store", store_dir, "--workers", "1")
    new = write_articles(tmp_path / "new", {"story-000": ALL_ARTICLES["story-000"]})
    assert (
        newskg(
            "add", new / "story-000.txt", "--store", store_dir, "--keep-versions", "2"
        ).returncode
        == 0
    )
    second = store.published(store_dir)
    assert (
        newskg("remove", "story-001", "--store", store_dir, "--keep-versions", "2").returncode == 0
    )
    third = store.published(store_dir)
    assert second is not None and third is not None
    # Only two versions kept; the first one's dumps went with it.
    listed = newskg("versions", "--store", store_dir, "--json")
    rows = json.loads(listed.stdout)
    assert [(r["version"], r["published"], r["articles"]) for r in rows] == [
        (second.id, False, 3),
        (third.id, True, 2),
    ]
    assert not (store_dir / "dumps" / first.id).exists()
    table = newskg("versions", "--store", store_dir).stdout
    assert f"* {third.id}" in table and f"  {second.id}" in table
    wait_for_version(url, third.id)

    result = newskg("rollback", second.id, "--store", store_dir, "--keep-versions", "2")
    assert result.returncode == 0, result.stderr
    assert store.published(store_dir) == second
    print(f"server switched after rollback in {wait_for_version(url, second.id):.2f} s")
    sums = dump_names(url)
    assert f"newskg-{second.id}.nq.gz" in sums
    name = f"newskg-{second.id}-void.ttl"
    with urllib.request.urlopen(f"{url}/dumps/{name}", timeout=10) as answer:
        body = answer.read()
    assert f"{hashlib.sha256(body).hexdigest()}  {name}" in sums
    check_published(store_dir)

    missing = newskg("rollback", "20000101T000000000000Z-00000000", "--store", store_dir)
    assert missing.returncode == 2
    assert "no version" in missing.stderr and second.id in missing.stderr
    # Every kept source belongs to a kept version.
    kept = {
        r["source"] for v in store.versions(store_dir) for r in v.summary()["articles"].values()
    }
    assert {p.name for p in (store_dir / "sources").iterdir()} == kept


def test_jobs_do_not_change_the_graphs(tmp_path: Path) -> None:
    """Nine articles: two batches, so --jobs 2 extracts in two processes."""
    articles = tmp_path / "articles"
    for n in range(9):
        synthetic.write(articles, n)
    for jobs in ("1", "2"):
        result = newskg(
            "build",
            "--articles",
            articles,
            "--store",
            tmp_path / f"store-{jobs}",
            "--jobs",
            jobs,
            "--quiet",
        )
        assert result.returncode == 0, result.stderr
        assert "9 articles read, 9 published" in result.stdout
    assert_same_graphs(tmp_path / "store-2", tmp_path / "store-1")


def test_a_build_reports_added_replaced_unchanged_and_kept(
    base_store: Path, tmp_path: Path
) -> None:
    """A build keeps the published articles its folder lacks (see
    tests/issues/test_rebuild_keeps_ingested_articles.py) and says what happened to each."""
    store_dir = copy_store(base_store, tmp_path)
    folder = write_articles(
        tmp_path / "folder",
        {"story-001": synthetic.article(5), "story-000": ALL_ARTICLES["story-000"]},
    )
    result = newskg("build", "--articles", folder, "--store", store_dir, "-q", "--json")
    assert result.returncode == 0, result.stderr
    answer = report(result)
    assert (answer["added"], answer["replaced"], answer["kept"], answer["withdrawn"]) == (
        ["story-000"],
        ["story-001"],
        ["later-000"],
        [],
    )
    assert answer["extracted"] == ["story-000", "story-001"], "the kept one: from the cache"
    check_published(store_dir)
    assert article_graphs(store_dir) == {"later-000", "story-000", "story-001"}
