"""Pushing a published version to the remote: :func:`push`, :func:`push_recorded` (the
staging directory's own remote, after a publish there) and graph digests. The
:class:`newskg.backends.remote.backend.RemoteBackend` calls them after each publish and for
``newskg push``."""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph

from newskg.backends import versions as store
from newskg.backends.base import PushReport
from newskg.backends.remote.batches import Batches
from newskg.backends.remote.client import Client, connect
from newskg.backends.remote.errors import PushError, RemoteError
from newskg.backends.remote.marker import DEFAULT_BASE, MARKER_PATH, marker_triples
from newskg.backends.remote.staging import PUSHED, RECORD, read_json, write_json

log = logging.getLogger(__name__)


def push_recorded(
    store_dir: str | os.PathLike[str],
    version: store.Version,
    config: Mapping[str, Any] | None = None,
) -> PushReport | None:
    """Push ``version``, just published in ``store_dir``, to the remote store that directory
    records (``remote.json``: it is a triple store's staging directory); None when it records
    none. Raises :class:`PushError` when the push fails (the local version stays published)."""
    target = read_json(Path(store_dir) / RECORD).get("store")
    if not target:
        return None
    return push(connect(target, config), Path(store_dir), version)


def graph_digests(local: pyoxigraph.Store, version: store.Version | None = None) -> dict[str, str]:
    """A digest per named graph of a version: equal graphs give equal digests.

    An article graph the version's summary lists takes the digest recorded there
    (:class:`newskg.backends.versions.ArticleRecord`, made when the graph was built), so
    a push after ``newskg add`` reads only the graphs it has no record of (the shared
    entities graph and the ontology), not the whole store; the others are hashed here."""
    recorded = _recorded_digests(version) if version is not None else {}
    return {
        graph.value: recorded.get(graph.value) or graph_digest(local, graph)
        for graph in local.named_graphs()
        if isinstance(graph, pyoxigraph.NamedNode)  # newskg names every graph by IRI
    }


def _recorded_digests(version: store.Version) -> dict[str, str]:
    """Graph IRI -> ``article:<digest of the article's graph>`` for the articles the summary
    lists. The article's stored graph is a function of the graph that digest covers (its
    facts, the entity descriptions going to the entities graph), so equal records mean equal
    stored graphs; the prefix keeps them apart from the digests :func:`graph_digest` makes."""
    from newskg.vocab import Iris

    iris = Iris(version.summary().get("base_iri") or DEFAULT_BASE)
    return {
        str(iris.graph(article_id)): "article:" + record.graph
        for article_id, record in store.records(version).items()
        if record.graph
    }


def graph_digest(local: pyoxigraph.Store, graph: pyoxigraph.NamedNode) -> str:
    """Over the graph's N-Triples in index order (the same for the same triples), streamed;
    a graph with blank nodes is canonicalised first, their labels differ from load to load."""
    digest = hashlib.sha256()
    for quad in local.quads_for_pattern(None, None, None, graph):
        if isinstance(quad.subject, pyoxigraph.BlankNode) or isinstance(
            quad.object, pyoxigraph.BlankNode
        ):
            return _canonical_digest(local, graph)
        digest.update(str(quad.triple).encode("utf-8") + b"\n")
    return digest.hexdigest()


def _canonical_digest(local: pyoxigraph.Store, graph: pyoxigraph.NamedNode) -> str:
    from rdflib import Graph
    from rdflib.compare import to_canonical_graph

    data = local.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=graph) or b""
    canonical = to_canonical_graph(Graph().parse(data=data.decode("utf-8"), format="nt"))
    lines = sorted(canonical.serialize(format="nt").splitlines())
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()


def _held_version(staging: Path, version_id: Any) -> pyoxigraph.Store | None:
    """The version the remote holds, as kept in the staging directory (None once it is
    pruned or unreadable: graphs are then sent whole)."""
    if not isinstance(version_id, str):
        return None
    try:
        return pyoxigraph.Store.read_only(str(store.find_version(staging, version_id).path))
    except (store.StoreError, OSError):
        return None


def push(client: Client, staging: Path, version: store.Version) -> PushReport:
    """Make the remote hold ``version`` (published in ``staging``): replace the graphs that
    differ from what the remote holds (patch them when the version it holds is still kept
    here) and drop the ones it should no longer have, in batches
    (:class:`~newskg.backends.remote.batches.Batches`), then PUT the marker last.

    What the remote holds is known from ``STAGING/pushed.json`` when the remote's marker
    names the version recorded there; otherwise every graph is sent and the graphs the
    remote's marker lists are deleted where the version lacks them."""
    started = time.monotonic()
    base = version.summary().get("base_iri") or DEFAULT_BASE
    marker = base + MARKER_PATH
    report = PushReport(client.target.base, version.id)
    try:
        local = pyoxigraph.Store.read_only(str(version.path))
    except OSError as exc:
        raise PushError(
            f"cannot open version {version.id} in {staging}: {exc}", "Rebuild with `newskg build`."
        ) from exc
    digests = graph_digests(local, version)
    if marker in digests:
        raise PushError(
            f"version {version.id} has a graph named {marker}, which is where newskg "
            "keeps its version marker on the triple store",
            "Rename the article whose file is named 'version'.",
        )
    record_path = staging / PUSHED
    record = read_json(record_path)
    same_store = record.get("store") == client.target.base
    try:
        remote_version = client.published()
        previous: dict[str, str] = {}
        in_flux = set(record.get("pending", [])) if same_store else set()
        if same_store and remote_version is not None and remote_version.id == record.get("version"):
            previous = dict(record.get("graphs", {}))
        else:  # what the remote holds is unknown: send every graph, delete what may be there
            if remote_version is not None:
                in_flux |= set(client.marker_parts(remote_version.marker))
            if same_store:
                in_flux |= set(record.get("graphs", {}))
        report.sent = sorted(g for g, d in digests.items() if previous.get(g) != d or g in in_flux)
        report.deleted = sorted((set(previous) | in_flux) - set(digests) - {marker})
        report.unchanged = len(digests) - len(report.sent)
        if (
            remote_version is not None
            and remote_version.id == version.id
            and not report.sent
            and not report.deleted
        ):
            report.seconds = time.monotonic() - started
            return report  # the remote holds this version already
        # Written before anything is sent: an interrupted push leaves these to the next one.
        write_json(
            record_path,
            {
                "store": client.target.base,
                "version": record.get("version") if same_store else None,
                "graphs": record.get("graphs", {}) if same_store else {},
                "pending": sorted(in_flux | set(report.sent) | set(report.deleted)),
            },
        )
        batches = Batches(client)
        for graph in report.deleted:
            batches.drop(graph)
        before = _held_version(staging, record.get("version")) if previous else None
        for graph in report.sent:
            if before is not None and graph in previous and graph not in in_flux:
                batches.patch(local, before, graph)  # the remote holds it as `before` has it
            else:
                batches.replace(local, graph)
        batches.flush()
        triples = version.summary().get("triples") or len(local)
        client.put_graph(marker, marker_triples(marker, version.id, base, digests, triples))
        log.info("sent %d graphs in %d requests", len(report.sent), batches.requests + 1)
    except RemoteError as exc:
        raise PushError(
            f"pushing version {version.id} to {client.target.base} failed: {exc.message}",
            (exc.hint + " " if exc.hint else "") + "The version is published locally; "
            "until a push succeeds the triple store may hold a mix of graphs of two versions, "
            f"while its marker names the old one. Retry with `newskg push --store "
            f"{client.target.store}`.",
        ) from exc
    write_json(
        record_path,
        {"store": client.target.base, "version": version.id, "graphs": digests, "pending": []},
    )
    report.seconds = time.monotonic() - started
    log.info("%s", report)
    return report
