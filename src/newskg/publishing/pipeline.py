"""Publishing: article files -> extraction -> RDF -> SHACL -> a new store version -> published.

:func:`build` makes a version from a directory of articles (keeping the published articles
it lacks, unless it prunes them); :func:`add` and :func:`remove` make one from the published
version with some articles added, replaced or withdrawn
(:func:`newskg.publishing.verify.rollback` publishes a kept version again). All of them
publish under the store's build lock (``add`` extracts the articles sent before it takes the
lock).

Each article is read and extracted (or its extraction taken from the cache, see
:mod:`newskg.publishing.extracting`); an article that fails any step is reported (file and
reason) and left out while the others publish. The new version starts as a hard-linked copy
of the published one (empty for a build) and :class:`newskg.publishing.run.Run` applies the
change to it: entities are linked across *all* the version's articles (the published ones
from their stubs in the version's entity index), only the graphs that change are made again
and written, with the descriptions of the entities they name, and exactly those are checked
against the shapes (:mod:`newskg.publishing.assembly`, :mod:`newskg.publishing.checking`).
The version is then published by an atomic switch (:func:`newskg.backends.versions.publish`),
so a failed or interrupted run never touches what is being served. What a run keeps,
withdraws or refuses is decided in :mod:`newskg.publishing.changes`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Sequence
from pathlib import Path

from newskg.backends import backend_for
from newskg.backends import versions as store
from newskg.extraction.model import ArticleText
from newskg.extraction.reader import article_paths
from newskg.publishing import changes
from newskg.publishing.entity_buckets import changed_from
from newskg.publishing.extracting import extract_early, read_all
from newskg.publishing.graphs import content_digest, figures, load_ontology
from newskg.publishing.incremental import (
    Archive,
    Source,
    published_records,
)
from newskg.publishing.progress import NO_PROGRESS, Progress
from newskg.publishing.results import BuildError, BuildResult
from newskg.publishing.run import Run
from newskg.vocab import Iris

log = logging.getLogger(__name__)


# --- build, add, remove ---------------------------------------------------------------------


def build(
    articles_dir: str | Path,
    store_dir: str | Path,
    base_iri: str,
    *,
    keep: int = 3,
    jobs: int = 1,
    executor: str | None = None,
    progress: Progress | None = None,
    prune: bool = False,
) -> BuildResult:
    """Publish a new version, written anew, holding the articles of ``articles_dir`` and the
    published articles it does not hold (``result.kept``, from their kept sources: articles
    sent by ``newskg add`` or the ingest API are never withdrawn silently). With ``prune``
    those are withdrawn instead (``result.removed``).

    Raises :class:`BuildError` (nothing published) when no article survives or a kept
    article's source is missing, and :class:`newskg.backends.versions.StoreError` when the store
    directory cannot be used.
    """
    paths = article_paths(articles_dir)
    return _publish(
        store_dir,
        paths=paths,
        remove_ids=(),
        base_iri=base_iri,
        keep=keep,
        jobs=jobs,
        executor=executor,
        progress=progress,
        incremental=False,
        prune=prune,
        nothing=f"no article of {articles_dir} could be published",
    )


def add(
    paths: Sequence[str | Path],
    store_dir: str | Path,
    base_iri: str | None = None,
    *,
    keep: int = 3,
    jobs: int = 1,
    executor: str | None = None,
    progress: Progress | None = None,
    wait: float = 0,
) -> BuildResult:
    """Publish the published version plus ``paths`` (an article with the id of one it holds
    replaces it). Only these are extracted; the others' extractions come from the cache.

    ``base_iri`` defaults to the published version's; a different one is an error (the
    version would mix IRIs). ``result.changed`` is False (and nothing is published) when every
    article sent is identical to the one published. Raises as :func:`build` does, and
    :class:`BuildError` when every article sent is rejected. The articles sent are extracted
    before the store's lock is taken (extraction is the slow part), then the lock is waited
    for up to ``wait`` seconds.
    """
    return _publish(
        store_dir,
        paths=[Path(p) for p in paths],
        remove_ids=(),
        base_iri=base_iri,
        keep=keep,
        jobs=jobs,
        executor=executor,
        progress=progress,
        incremental=True,
        wait=wait,
        nothing="no article sent could be published",
    )


def remove(
    article_ids: Sequence[str],
    store_dir: str | Path,
    *,
    keep: int = 3,
    progress: Progress | None = None,
    wait: float = 0,
) -> BuildResult:
    """Publish the published version without ``article_ids`` (waiting up to ``wait``
    seconds for the store's lock)."""
    return _publish(
        store_dir,
        paths=[],
        remove_ids=tuple(article_ids),
        base_iri=None,
        keep=keep,
        jobs=1,
        progress=progress,
        incremental=True,
        nothing="",
        wait=wait,
    )


def _publish(
    store_dir: str | Path,
    *,
    paths: Sequence[Path],
    remove_ids: Sequence[str],
    base_iri: str | None,
    keep: int,
    jobs: int,
    progress: Progress | None,
    incremental: bool,
    nothing: str,
    prune: bool = False,
    wait: float = 0,
    executor: str | None = None,
) -> BuildResult:
    started = time.monotonic()
    backend = backend_for(store_dir)
    store_dir = os.fspath(backend.store_dir(check=True))  # a triple store: build in staging
    progress = progress or NO_PROGRESS
    result = BuildResult()
    archive = Archive(store_dir)
    read: list[tuple[ArticleText, Source]] = []
    if incremental and paths:
        # Articles sent to add are extracted before the lock: extraction is the slow part, and
        # holding the lock through it refused every other add (409 through the ingest API).
        store.require_store(store_dir)
        # (checked again under the lock, against what is published then)
        read = changes.collisions(
            read_all(paths, result, progress), published_records(store_dir, prune=True), result
        )
        read = extract_early(read, archive, result, progress, jobs, executor)
        if not read:
            raise BuildError(
                f"{nothing} ({result.read} read, {len(result.rejected)} rejected)", result
            )
    # For a build, the lock and the new version's directory are taken first: a second build
    # fails at once, not after minutes. Whatever happens below leaves the published version
    # alone.
    with store.writing(
        store_dir, from_published=incremental, create=not incremental, wait=wait
    ) as writer:
        base = writer.base
        if incremental:
            previous = changes.previous_articles(base, remove_ids)
        else:  # written anew; the published articles are kept (or withdrawn with prune)
            previous = published_records(store_dir, prune)
            read = read_all(paths, result, progress)
        read = changes.collisions(read, previous, result)
        if not incremental:
            remove_ids = changes.kept_or_withdrawn(previous, read, archive, prune)
        iris = Iris(changes.base_iri(base, base_iri))
        run = Run(writer, archive, iris, result, progress, jobs, executor)
        records, sent = run.articles(read, previous, remove_ids)
        if paths and not records.keys() & sent:
            raise BuildError(
                f"{nothing} ({result.read} read, {len(result.rejected)} rejected)", result
            )
        changes.sort_out(result, records, previous, sent, remove_ids, kept=not incremental)
        if incremental and base is not None and records == previous:
            result.changed, result.version = False, base
            result.published = sorted(previous)
            result.triples = base.summary().get("triples", 0)
            result.counts = base.summary().get("counts", {})
            result.seconds = time.monotonic() - started
            return result
        ontology = load_ontology(writer.store)
        for article, source in read:
            if article.id in sent and article.id in records:
                archive.keep(source)
        result.published = sorted(records)
        if run.delta is not None:
            run.delta += ontology
        result.triples, result.counts = figures(
            writer.store, base.summary() if base is not None else None, run.delta
        )
        result.seconds = time.monotonic() - started
        summary = {
            **result.summary(),
            "base_iri": iris.base,
            "articles": {i: records[i].as_dict() for i in sorted(records)},
            **changed_from(base.id if base is not None else None, result.described),
        }
        version = writer.finish(content_digest(records), summary, optimize=not incremental)
        store.publish(store_dir, version, keep=keep)
        archive.prune()
        result.pushed = backend.after_publish(version)  # a triple store follows
    result.version = version
    progress.stage("dumps", None)
    result.dumps, result.dump_error = write_dumps(store_dir, version)
    progress.advance("dumps", n=len(result.dumps))
    progress.end("dumps")
    return result


def write_dumps(store_dir: str | Path, version: store.Version) -> tuple[list[str], str | None]:
    """Dump the published version; a failure is reported (file names, error), never
    unpublishes."""
    from newskg.publishing.dumps import DumpError
    from newskg.publishing.dumps import write_dumps as dump

    try:
        return [f.name for f in dump(store_dir)], None
    except (DumpError, OSError, RuntimeError) as exc:
        log.exception("writing the dumps of %s failed", version.id)
        return [], str(exc)
