"""Publishing: article files -> extraction -> RDF -> SHACL -> a new store version -> published.

:func:`build` makes a version from a directory of articles (keeping the published articles
it lacks, unless it prunes them); :func:`add` and :func:`remove` make one from the published
version with some articles added, replaced or withdrawn
(:func:`newskg.publishing.verify.rollback` publishes a kept version again). All of them
publish under the store's build lock (``add`` extracts the articles sent before it takes the
lock).

Each article is read, extracted (or its extraction taken from the cache, see
:mod:`newskg.publishing.incremental`), turned into its own named graph and validated on its
own; an article that fails any step is reported (file and reason) and left out while the
others publish. Entities are linked across *all* the version's articles and their labels
chosen from all of them, so an article added later keeps shared entities consistent. The
graphs are then validated together (:mod:`newskg.publishing.graphs`), written into a new
store version (for ``add``/``remove`` a hard-linked copy of the published one where only the
graphs that changed are rewritten) and published by an atomic switch
(:func:`newskg.backends.versions.publish`), so a failed or interrupted run never touches what
is being served. What a run keeps, withdraws or refuses is decided in
:mod:`newskg.publishing.changes`.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from newskg.backends import backend_for
from newskg.backends import versions as store
from newskg.extraction.model import ArticleText, Extraction
from newskg.extraction.pool import extract_each
from newskg.extraction.reader import ArticleError, article_paths, read_article
from newskg.publishing import changes
from newskg.publishing.graphs import (
    Progress,
    content_digest,
    to_graphs,
    validate_together,
    write_graphs,
)
from newskg.publishing.incremental import (
    Archive,
    ArticleRecord,
    Source,
    published_records,
    source_digest,
)
from newskg.publishing.results import BuildError, BuildResult, Built, Rejected
from newskg.vocab import Iris

log = logging.getLogger(__name__)


# --- the steps ------------------------------------------------------------------------------


def read_all(
    paths: Iterable[Path], result: BuildResult, progress: Progress
) -> list[tuple[ArticleText, Source]]:
    """Read each file; unreadable ones and second files with an article id already read are
    rejected, and what the reader doubts (``ArticleText.warnings``) is a warning."""
    articles: list[tuple[ArticleText, Source]] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        progress("read", str(path))
        result.read += 1
        try:
            article = read_article(path)
            source = Source(article.id, path.name, source_digest(path), path)
        except ArticleError as exc:
            result.rejected.append(Rejected(exc.path, exc.in_file()))
            continue
        except OSError as exc:  # vanished or became unreadable between two reads
            result.rejected.append(Rejected(str(path), f"cannot read: {exc.strerror or exc}"))
            continue
        if article.id in seen:
            result.rejected.append(
                Rejected(
                    str(path),
                    f"same article name {article.id!r} as {seen[article.id]}; rename one of them",
                )
            )
            # (no article_id: the first file with that name is the one taken)
            continue
        seen[article.id] = str(path)
        articles.append((article, source))
        # Published all the same: a reader's doubt (a husk) is for a person to look at.
        result.warnings += [Rejected(str(path), w, article.id) for w in article.warnings]
    return articles


def extract_all(
    pending: Sequence[tuple[Source, ArticleText | None]],
    archive: Archive,
    result: BuildResult,
    progress: Progress,
    *,
    jobs: int = 1,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> list[tuple[Source, Extraction]]:
    """The extraction of each source, from the cache or else extracted (in ``jobs``
    processes) and cached. ``pending`` pairs each source with its article when already read
    (else it is read from the source). A failure rejects the article when ``rejectable``
    says so, else it is a :class:`BuildError`."""
    found: dict[str, Extraction] = {}
    misses: list[tuple[Source, ArticleText]] = []
    for source, article in pending:
        cached = archive.cached(source)
        if cached is not None:
            progress("extract", str(source.path))
            found[source.id] = cached
            continue
        if article is None:
            try:
                article = read_article(source.path)
            except ArticleError as exc:
                raise store.StoreError(
                    f"the kept source of the published article {source.id!r} cannot be read "
                    f"any more: {exc}; withdraw it with `newskg remove {source.id}` (or build "
                    "with --prune, leaving its file out)"
                ) from exc
        misses.append((source, article))
    if misses:
        outcomes = extract_each([article for _, article in misses], jobs)
        for (source, article), outcome in zip(misses, outcomes, strict=True):
            progress("extract", article.source)
            if isinstance(outcome, Extraction):
                archive.remember(source, outcome)  # before link_across re-keys it
                result.extracted.append(source.id)
                found[source.id] = outcome
                continue
            reason = f"extraction failed ({outcome}); please report it with the article attached"
            if not rejectable(source.id):
                raise BuildError(
                    f"article {source.id!r} of the published version: {reason}; "
                    f"withdraw it with `newskg remove {source.id}` (or build "
                    "with --prune, leaving its file out)",
                    result,
                )
            result.rejected.append(Rejected(article.source, reason, source.id))
    return [(source, found[source.id]) for source, _ in pending if source.id in found]


# --- build, add, remove ---------------------------------------------------------------------


def build(
    articles_dir: str | Path,
    store_dir: str | Path,
    base_iri: str,
    *,
    keep: int = 3,
    jobs: int = 1,
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
) -> BuildResult:
    """Publish the published version without ``article_ids``."""
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
) -> BuildResult:
    started = time.monotonic()
    backend = backend_for(store_dir)
    store_dir = os.fspath(backend.store_dir(check=True))  # a triple store: build in staging
    progress = progress or (lambda stage, source: None)
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
        read = _extract_early(read, archive, result, progress, jobs)
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
            previous = in_store = changes.previous_articles(base, remove_ids)
        else:  # written anew; the published articles are kept (or withdrawn with prune)
            previous, in_store = published_records(store_dir, prune), {}
            read = read_all(paths, result, progress)
        read = changes.collisions(read, previous, result)
        if not incremental:
            remove_ids = changes.kept_or_withdrawn(previous, read, archive, prune)
        iris = Iris(changes.base_iri(base, base_iri))
        built, sent = _articles(
            read, previous, in_store, remove_ids, archive, iris, result, progress, jobs
        )
        if paths and not {b.article.id for b in built} & sent:
            raise BuildError(
                f"{nothing} ({result.read} read, {len(result.rejected)} rejected)", result
            )
        changes.sort_out(result, built, previous, sent, remove_ids, kept=not incremental)
        if incremental and base is not None and not changes.differs(built, previous):
            result.changed, result.version = False, base
            result.published = sorted(previous)
            result.triples = base.summary().get("triples", 0)
            result.counts = base.summary().get("counts", {})
            result.seconds = time.monotonic() - started
            return result
        result.rewritten = write_graphs(writer.store, iris, built, in_store, progress)
        for item in built:
            archive.keep(item.source)
        result.published = sorted(b.article.id for b in built)
        result.counts = store.count_classes(writer.store)
        result.triples = len(writer.store)
        result.seconds = time.monotonic() - started
        summary = {
            **result.summary(),
            "base_iri": iris.base,
            "articles": {
                b.article.id: ArticleRecord(b.source.file, b.source.digest, b.digest).as_dict()
                for b in sorted(built, key=lambda b: b.article.id)
            },
        }
        version = writer.finish(content_digest(built), summary, optimize=not incremental)
        store.publish(store_dir, version, keep=keep)
        archive.prune()
        result.pushed = backend.after_publish(version)  # a triple store follows
    result.version = version
    result.dumps, result.dump_error = write_dumps(store_dir, version)
    return result


def _articles(
    read: list[tuple[ArticleText, Source]],
    previous: dict[str, ArticleRecord],
    in_store: dict[str, ArticleRecord],
    remove_ids: Sequence[str],
    archive: Archive,
    iris: Iris,
    result: BuildResult,
    progress: Progress,
    jobs: int,
) -> tuple[list[Built], set[str]]:
    """Extract, link, validate: the version's articles, and the ids of those sent that it
    takes. The published articles (``previous``) not sent and not in ``remove_ids`` are
    kept; ``in_store`` lists the graphs the new version's store already holds. An article
    sent to replace a published one but rejected leaves the published one in place (a
    second pass links without it)."""
    sent = {article.id for article, _ in read}
    restored: set[str] = set()  # sent, rejected, so their published article stays
    mark = len(result.rejected)
    carried: list[Rejected] = []
    while True:
        taking = sent - restored
        pending: list[tuple[Source, ArticleText | None]] = [
            (archive.source(i, previous[i]), None)
            for i in previous
            if i not in taking and i not in remove_ids
        ]
        pending += [(source, article) for article, source in read if article.id in taking]
        extractions = extract_all(
            pending, archive, result, progress, jobs=jobs, rejectable=taking.__contains__
        )
        built = to_graphs(extractions, iris, result, progress, in_store, taking.__contains__)
        built = validate_together(built, result, taking.__contains__)
        lost = (taking & previous.keys()) - {b.article.id for b in built}
        if not lost:
            result.rejected[mark:] = carried + result.rejected[mark:]
            return built, taking
        carried += [r for r in result.rejected[mark:] if r.article_id in lost]
        del result.rejected[mark:]
        restored |= lost


def _extract_early(
    read: list[tuple[ArticleText, Source]],
    archive: Archive,
    result: BuildResult,
    progress: Progress,
    jobs: int,
) -> list[tuple[ArticleText, Source]]:
    """Extract ``read`` into the cache (where :func:`_articles` finds it, under the lock);
    those that fail are rejected and left out."""
    done = extract_all(
        [(source, article) for article, source in read], archive, result, progress, jobs=jobs
    )
    extracted = {source.id for source, _ in done}
    return [(article, source) for article, source in read if article.id in extracted]


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
