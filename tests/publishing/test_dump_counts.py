"""The dumps written after each publish cost what the change costs: the VoID figures kept
per version (:mod:`newskg.publishing.void_counts`) are exactly the full scan's, and the full
dumps assembled from cached parts and entity buckets hold exactly the store's quads, after a
build, an add, a remove, a rollback, an add after the rollback, and on a store whose dumps
were written by a newskg without either (every state and cached part deleted)."""

from __future__ import annotations

import gzip
import shutil
from collections.abc import Callable
from pathlib import Path

import pyoxigraph
import pytest
from rdflib import Graph, Literal, Namespace

from newskg.backends import versions as store
from newskg.publishing import dump_parts, entity_buckets, void, void_counts
from newskg.publishing.dumps import SUMS, dumps_dir
from tests.ops import synthetic
from tests.ops.publishing import BASE, assert_dumps_hold, newskg, write_articles

pytestmark = pytest.mark.slow
VOID = Namespace("http://rdfs.org/ns/void#")


def run(*args: str | Path) -> None:
    result = newskg(*args)
    assert result.returncode == 0, result.stderr


def full_scan(store_dir: Path) -> tuple[store.Version, void.Statistics]:
    version, opened = store.open_published(store_dir)
    return version, void.statistics(opened, version.summary()["base_iri"])


def assert_dumps_exact(store_dir: Path) -> store.Version:
    """The published version's VoID figures (kept, in the dumps' VoID file) are the full
    scan's, and each full dump holds exactly its quads (graphs compared as isomorphic)."""
    version, scanned = full_scan(store_dir)
    folder = dumps_dir(store_dir, version.id)
    assert (folder / SUMS).is_file()
    assert void_counts.recorded(folder, BASE) == scanned
    described = Graph().parse(folder / f"newskg-{version.id}-void.ttl", format="turtle")
    dataset = next(described.subjects(VOID.triples, None))
    assert described.value(dataset, VOID.triples) == Literal(scanned.triples)
    assert described.value(dataset, VOID.distinctObjects) == Literal(scanned.distinct_objects)
    _, opened = store.open_published(store_dir)
    assert_dumps_hold(folder, version.id, opened)
    # The cache keeps exactly this version's parts (four members and the figures of each
    # article graph, entity bucket and the ontology) and its VoID state.
    parts = len(version.summary()["published"]) + entity_buckets.BUCKETS + 1
    cache = store_dir / dump_parts.PARTS
    assert len(list(cache.iterdir())) == parts * 5 + 1
    latest = void_counts.read_prior(cache, cache / void_counts.LATEST)
    assert latest is not None and latest.version == version.id
    return version


@pytest.fixture
def published(tmp_path: Path) -> Path:
    articles = write_articles(
        tmp_path / "articles",
        {"later-000": synthetic.follow_up(0), "story-001": synthetic.article(1)},
    )
    run("build", "--articles", articles, "--store", tmp_path / "store", "-q")
    return tmp_path / "store"


def test_figures_and_dumps_follow_every_change(published: Path, tmp_path: Path) -> None:
    first = assert_dumps_exact(published)
    # The entities graph is dumped as buckets: one TriG block per bucket that holds entities.
    trig = gzip.decompress(
        (dumps_dir(published, first.id) / f"newskg-{first.id}.trig.gz").read_bytes()
    )
    assert trig.count(f"<{BASE}graph/entities>".encode()) > 1

    # story-000 names in full the mayor later-000 names by surname: descriptions rewritten.
    sent = write_articles(tmp_path / "new", {"story-000": synthetic.article(0)})
    run("add", *sorted(sent.iterdir()), "--store", published, "-q")
    added = assert_dumps_exact(published)
    change = added.summary()["changed_from"]
    assert change["version"] == first.id and change["described"]
    assert all(e.startswith(BASE) for e in change["described"])

    run("remove", "later-000", "--store", published, "-q")
    removed = assert_dumps_exact(published)
    assert removed.summary()["changed_from"]["version"] == added.id
    # Each change moved the VoID state of the version it was made from into its own (a copy
    # wrote it whole again); a rollback to such a version counts its figures again.
    assert not void_counts.state_path(dumps_dir(published, added.id)).exists()
    run("rollback", added.id, "--store", published)
    assert assert_dumps_exact(published).id == added.id

    # A rollback writes the dumps of a version whose dumps are gone (its state with them).
    shutil.rmtree(dumps_dir(published, first.id))
    run("rollback", first.id, "--store", published)
    assert assert_dumps_exact(published).id == first.id
    # An add after it starts from the rolled-back version's state; with the parts' cached
    # figures gone (those of the graphs it replaces are needed), it is counted anew.
    for figures in (published / dump_parts.PARTS).glob("*.stats.json.gz"):
        figures.unlink()
    sent = write_articles(tmp_path / "again", {"story-002": synthetic.article(2)})
    run("add", *sorted(sent.iterdir()), "--store", published, "-q")
    assert assert_dumps_exact(published).summary()["changed_from"]["version"] == first.id


def test_a_store_dumped_without_state_is_counted_anew(published: Path, tmp_path: Path) -> None:
    """Dumps written by an older newskg: no VoID state, no cached parts or figures."""
    version = store.published(published)
    assert version is not None
    void_counts.state_path(dumps_dir(published, version.id)).unlink()
    shutil.rmtree(published / dump_parts.PARTS)
    run("dump", "--store", published)
    assert_dumps_exact(published)
    # Dumped again: the state and the parts are used as they are.
    state = void_counts.state_path(dumps_dir(published, version.id))
    before = state.stat().st_mtime_ns
    run("dump", "--store", published)
    assert state.stat().st_mtime_ns == before
    assert_dumps_exact(published)


def test_served_figures_are_the_full_scan(
    published: Path, start_server: Callable[..., str]
) -> None:
    import urllib.request

    version, scanned = full_scan(published)
    server = start_server("newskg.serve", "--store", published, "--workers", "1")
    request = urllib.request.Request(
        server + "/.well-known/void", headers={"Accept": "text/turtle"}
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        served = Graph().parse(data=answer.read(), format="turtle")
    dataset = next(served.subjects(VOID.triples, None))
    for prop, value in (
        (VOID.triples, scanned.triples),
        (VOID.entities, scanned.entities),
        (VOID.distinctSubjects, scanned.distinct_subjects),
        (VOID.distinctObjects, scanned.distinct_objects),
    ):
        assert served.value(dataset, prop) == Literal(value), prop
    classes = {
        str(served.value(p, VOID["class"])): int(str(served.value(p, VOID.entities)))
        for p in served.objects(dataset, VOID.classPartition)
    }
    assert classes == scanned.classes
    assert {str(e) for e in served.objects(dataset, VOID.exampleResource)} == set(scanned.examples)


def test_a_bucket_recount_that_disagrees_reads_the_whole_graph(published: Path) -> None:
    """The buckets of a version are worked out from the prior state and the entities the
    change rewrote; when the prior state's counts do not add up to the graph's (here a
    description rewritten that the change did not list), the whole graph is read."""
    version, opened = store.open_published(published)
    graph = pyoxigraph.NamedNode(BASE + "graph/entities")
    prior = void_counts.read_prior(dumps_dir(published, version.id))
    assert prior is not None
    cache = published / dump_parts.PARTS
    whole = entity_buckets.read_all(opened, graph)
    summary = {**version.summary(), "version": "another", "changed_from": {}}
    summary["changed_from"] = {"version": version.id, "described": []}
    listed = entity_buckets.buckets(
        opened, graph, summary, prior, lambda n, d: dump_parts.cached_stats(cache, n, d)
    )
    assert {n: d for n, (d, _) in listed.items()} == {n: d for n, (d, _) in whole.items()}
    # A prior state whose counts are off by one triple in a bucket is not trusted.
    off = dict(prior.triples)
    name = entity_buckets.part_name(graph.value, 0)
    off[name] += 1
    skewed = void_counts.Prior(prior.version, prior.path, prior.base, prior.parts, off)
    recounted = entity_buckets.buckets(
        opened, graph, summary, skewed, lambda n, d: dump_parts.cached_stats(cache, n, d)
    )
    assert all(quads is not None for _, quads in recounted.values())  # read whole
    assert {n: d for n, (d, _) in recounted.items()} == {n: d for n, (d, _) in whole.items()}


def test_a_previous_dump_not_as_recorded_is_not_copied(published: Path, tmp_path: Path) -> None:
    """The next dumps copy unchanged runs from the previous version's only while its files
    have the sizes their layout records; otherwise each member comes from the cache."""
    version = store.published(published)
    assert version is not None
    previous = dumps_dir(published, version.id) / f"newskg-{version.id}.nq.gz"
    with previous.open("ab") as damaged:
        damaged.write(b"not a member")
    sent = write_articles(tmp_path / "new", {"story-000": synthetic.article(0)})
    run("add", *sorted(sent.iterdir()), "--store", published, "-q")
    added = assert_dumps_exact(published)
    assert b"not a member" not in gzip.decompress(
        (dumps_dir(published, added.id) / f"newskg-{added.id}.nq.gz").read_bytes()
    )


def test_one_version_kept_still_counts_from_the_last_state(tmp_path: Path) -> None:
    """With --keep-versions 1 the version a change starts from is pruned (its dumps with
    it) before the change's dumps are written: they start from the state the cache keeps."""
    articles = write_articles(tmp_path / "articles", {"story-001": synthetic.article(1)})
    store_dir = tmp_path / "store"
    run("build", "--articles", articles, "--store", store_dir, "--keep-versions", "1", "-q")
    first = assert_dumps_exact(store_dir)
    sent = write_articles(tmp_path / "new", {"story-000": synthetic.article(0)})
    run("add", *sorted(sent.iterdir()), "--store", store_dir, "--keep-versions", "1", "-q")
    added = assert_dumps_exact(store_dir)
    assert [v.id for v in store.versions(store_dir)] == [added.id]
    assert added.summary()["changed_from"]["version"] == first.id
    assert not dumps_dir(store_dir, first.id).exists()
