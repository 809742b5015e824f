"""Reading and extracting the articles of a publishing run: files read (unreadable ones
rejected, a reader's doubts kept as warnings), extractions taken from the store's cache or
made in the one extraction pool (:mod:`newskg.extraction.pool`) and cached."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from newskg.backends import versions as store
from newskg.extraction.model import ArticleText, Extraction
from newskg.extraction.pool import extract_each
from newskg.extraction.reader import ArticleError, read_article
from newskg.publishing.incremental import Archive, Source, source_digest
from newskg.publishing.progress import NO_PROGRESS, Progress
from newskg.publishing.results import BuildError, BuildResult, Rejected


def read_all(
    paths: Sequence[Path], result: BuildResult, progress: Progress
) -> list[tuple[ArticleText, Source]]:
    """Read each file; unreadable ones and second files with an article id already read are
    rejected, and what the reader doubts (``ArticleText.warnings``) is a warning."""
    articles: list[tuple[ArticleText, Source]] = []
    seen: dict[str, str] = {}
    progress.stage("read", len(paths))
    for path in paths:
        path = Path(path)
        progress.advance("read", str(path))
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
    progress.end("read")
    return articles


def extract_all(
    pending: Sequence[tuple[Source, ArticleText | None]],
    archive: Archive,
    result: BuildResult,
    progress: Progress = NO_PROGRESS,
    *,
    jobs: int = 1,
    executor: str | None = None,
    rejectable: Callable[[str], bool] = lambda article_id: True,
) -> Iterator[tuple[Source, Extraction]]:
    """The extraction of each source as it comes: from the cache, or else extracted (in
    ``jobs`` processes, or on the Dask cluster ``executor``) and cached; each advances the
    "extract" stage of ``progress``. ``pending`` pairs each source with its article when
    already read (else it is read from the source). A failure rejects the article when
    ``rejectable`` says so, else it is a :class:`BuildError`. Nothing is kept: the caller
    holds what it needs (a whole archive's extractions do not fit in memory)."""
    misses: list[tuple[Source, ArticleText]] = []
    for source, article in pending:
        cached = archive.cached(source)
        if cached is not None:
            progress.advance("extract", str(source.path))
            yield source, cached
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
    if not misses:
        return
    outcomes = extract_each([article for _, article in misses], jobs, executor=executor)
    for (source, article), outcome in zip(misses, outcomes, strict=True):
        progress.advance("extract", article.source)
        if isinstance(outcome, Extraction):
            archive.remember(source, outcome)  # before link_across re-keys it
            result.extracted.append(source.id)
            yield source, outcome
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


def extract_early(
    read: list[tuple[ArticleText, Source]],
    archive: Archive,
    result: BuildResult,
    progress: Progress,
    jobs: int,
    executor: str | None = None,
) -> list[tuple[ArticleText, Source]]:
    """Extract ``read`` into the cache (where the run under the lock finds it); those that
    fail are rejected and left out."""
    progress.stage("extract", len(read))
    extracted = {
        source.id
        for source, _ in extract_all(
            [(source, article) for article, source in read],
            archive,
            result,
            progress,
            jobs=jobs,
            executor=executor,
        )
    }
    progress.end("extract")
    return [(article, source) for article, source in read if article.id in extracted]
