"""One publishing run's articles: which it takes, rejects or keeps, made into the new
version's graphs.

:meth:`Run.articles` extracts the articles sent (or takes their extraction from the cache),
assembles them with the published version (:func:`newskg.publishing.assembly.assemble`) and
checks the result (:mod:`newskg.publishing.checking`). An article sent that cannot be made
into RDF or breaks a shape is rejected (file and reason) and the version is made again
without it, so its entities never linked the others; an article sent to replace a published
one but rejected leaves the published one in place. Only entity stubs stay in memory: full
extractions go to the cache and come back one at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import pyoxigraph

from newskg.backends import versions as store
from newskg.extraction.model import ArticleText, Entity, Extraction
from newskg.publishing import checking
from newskg.publishing.assembly import Assembled, StaleStub, assemble, focus
from newskg.publishing.entity_index import EntityIndex
from newskg.publishing.extracting import extract_all
from newskg.publishing.graphs import Delta
from newskg.publishing.incremental import Archive, ArticleRecord, Source
from newskg.publishing.progress import NO_PROGRESS, Progress
from newskg.publishing.results import BuildError, BuildResult, Rejected
from newskg.publishing.validation import Report
from newskg.vocab import Iris

#: Rounds of rejection before a run gives up: each round leaves out the articles the
#: previous one rejected, so a second failure means articles that fail only together.
ROUNDS = 3


@dataclass
class Run:
    writer: store.VersionWriter
    archive: Archive
    iris: Iris
    result: BuildResult
    progress: Progress
    jobs: int = 1
    executor: str | None = None
    sources: dict[str, Source] = field(default_factory=dict)  # the articles sent
    previous: dict[str, ArticleRecord] = field(default_factory=dict)  # the published ones
    rejected: set[str] = field(default_factory=set)
    #: Entities of published articles whose extraction changed with the extractor since
    #: the index recorded them (:class:`StaleStub`): linked as if sent.
    refreshed: dict[str, list[Entity]] = field(default_factory=dict)
    #: What the version has more than the published one (None: not counted, the version
    #: was written anew or from a version without an index).
    delta: Delta | None = None

    def articles(
        self,
        read: list[tuple[ArticleText, Source]],
        previous: dict[str, ArticleRecord],
        remove_ids: Sequence[str],
    ) -> tuple[dict[str, ArticleRecord], set[str]]:
        """The new version's articles (id -> record) written into the writer's store, and
        the ids of those sent that it takes."""
        self.sources = {article.id: source for article, source in read}
        self.previous = previous
        # An article sent again unchanged keeps its published graph.
        fresh: list[tuple[Source, ArticleText | None]] = [
            (source, article)
            for article, source in read
            if not (source.id in previous and previous[source.id].source == source.digest)
        ]
        if self.writer.base is None:  # written anew: the published articles kept are made too
            listed = {source.id for source, _ in fresh}
            fresh += [
                (self.archive.source(i, previous[i]), None)
                for i in sorted(previous)
                if i not in listed and i not in remove_ids
            ]
        sent = self._stubs(fresh)
        rounds = 0
        while rounds < ROUNDS:
            try:
                records = self._attempt(sent, remove_ids)
            except StaleStub as stale:
                self.refreshed[stale.article_id] = stale.entities
                records = None
            else:
                rounds += 1
            if records is not None:
                return records, self.sources.keys() - self.rejected
            self.writer.restart()
            sent = {i: e for i, e in sent.items() if i not in self.rejected}
        raise BuildError(
            f"articles were still rejected after {ROUNDS} rounds; see the rejected list",
            self.result,
        )

    def _stubs(self, fresh: list[tuple[Source, ArticleText | None]]) -> dict[str, list[Entity]]:
        """Extract (or take from the cache) the articles to make; keep only their entities.
        Those sent that fail are rejected (a published one that fails stops the run)."""
        self.progress.stage("extract", len(fresh))
        stubs = {
            source.id: extraction.entities
            for source, extraction in self._extract(fresh, self.progress, self.sources.__contains__)
        }
        self.progress.end("extract")
        self.rejected |= {source.id for source, _ in fresh} - stubs.keys()
        return dict(sorted(stubs.items()))

    def _attempt(
        self, sent: dict[str, list[Entity]], remove_ids: Sequence[str]
    ) -> dict[str, ArticleRecord] | None:
        """The records of the version, or None when articles were rejected (added to
        ``rejected``) and the version must be made again without them."""
        base = self.writer.base
        index = EntityIndex.copy(base.index_path if base else None, self.writer.index_path)
        if base is not None and index.fresh:
            # Made before versions had an index (or with an index of another layout): every
            # graph is made again (the index lists no article), and so is every description,
            # which nothing would clear otherwise.
            self.writer.store.clear_graph(pyoxigraph.NamedNode(str(self.iris.entities_graph())))
        changed = {**self.refreshed, **sent}
        kept = [i for i in self.previous if i not in remove_ids and i not in changed]
        try:
            done = assemble(
                self.writer.store,
                index,
                self.iris,
                changed,
                kept,
                remove_ids,
                self._fetch,
                self.progress,
            )
            if self._reject_failed(done, sent):
                return None
            focused = None if base is None else focus(self.writer.store, self.iris, done)
            self.progress.stage("validate", len(done.graphs))
            report = checking.check(self.writer.store, focused)
            self.progress.advance("validate", n=len(done.graphs))
            self.progress.end("validate")
            if not report.conforms:
                self._reject_violating(report, done, index, sent)
                return None
        finally:
            index.close()
        self.result.rewritten = sorted(done.graphs)
        self.delta = None if base is None or index.fresh else done.delta
        self.result.described = sorted(done.entities)  # the dumps re-make only these
        return self._records(done, kept)

    def _fetch(self, ids: list[str]) -> Iterator[tuple[str, Extraction]]:
        """The full extractions of ``ids`` (sent or published), one at a time."""
        pending: list[tuple[Source, ArticleText | None]] = [
            (
                self.sources[i]
                if i in self.sources and i not in self.rejected
                else self.archive.source(i, self.previous[i]),
                None,
            )
            for i in ids
        ]
        for source, extraction in self._extract(pending, NO_PROGRESS, lambda article_id: False):
            yield source.id, extraction

    def _extract(
        self,
        pending: list[tuple[Source, ArticleText | None]],
        progress: Progress,
        rejectable: Callable[[str], bool],
    ) -> Iterator[tuple[Source, Extraction]]:
        return extract_all(
            pending,
            self.archive,
            self.result,
            progress,
            jobs=self.jobs,
            executor=self.executor,
            rejectable=rejectable,
        )

    def _reject_failed(self, done: Assembled, sent: dict[str, list[Entity]]) -> bool:
        """Reject the articles sent that could not be made into RDF (True if any); a
        published one that cannot any more stops the run."""
        for article_id, reason in sorted(done.failed.items()):
            if article_id not in sent or article_id not in self.sources:
                raise BuildError(
                    f"article {article_id!r} of the published version no longer passes "
                    f"once linked with the new articles: it {reason}",
                    self.result,
                )
            self._reject(article_id, reason)
        return bool(done.failed)

    def _reject_violating(
        self, report: Report, done: Assembled, index: EntityIndex, sent: dict[str, list[Entity]]
    ) -> None:
        guilty, unexplained = checking.blame(
            self.writer.store,
            self.iris,
            report,
            done,
            index,
            lambda article_id: article_id in sent and article_id in self.sources,
        )
        if unexplained or not guilty:
            raise BuildError(
                "the merged graph does not conform:\n" + report.text("merged graph"),
                self.result,
            )
        for article_id, results in sorted(guilty.items()):
            where = str(self.sources[article_id].path)
            self._reject(
                article_id, "does not conform to the shapes:\n" + Report(False, results).text(where)
            )

    def _reject(self, article_id: str, reason: str) -> None:
        source = self.sources[article_id]
        self.result.rejected.append(Rejected(str(source.path), reason, source.id))
        self.rejected.add(article_id)

    def _records(self, done: Assembled, kept: list[str]) -> dict[str, ArticleRecord]:
        records = {i: self.previous[i] for i in kept if i not in done.digests}
        for article_id, digest in done.digests.items():
            if article_id in self.sources and article_id not in self.rejected:
                source = self.sources[article_id]
                records[article_id] = ArticleRecord(source.file, source.digest, digest)
            else:
                before = self.previous[article_id]
                records[article_id] = ArticleRecord(before.file, before.source, digest)
        return records
