"""What a publishing run reports: the articles it took, rejected, kept or withdrawn, and the
version it published (:mod:`newskg.publishing.pipeline` fills them; the CLI and the ingest API print
them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from newskg.backends import PushReport
from newskg.backends import versions as store
from newskg.errors import NewskgError


@dataclass
class Rejected:
    source: str
    reason: str
    article_id: str | None = None

    def __str__(self) -> str:
        return f"{self.source}: {self.reason}"


@dataclass
class BuildResult:
    read: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    published: list[str] = field(default_factory=list)  # every article id of the version
    version: store.Version | None = None
    triples: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    dumps: list[str] = field(default_factory=list)  # file names in STORE/dumps/<version>/
    dump_error: str | None = None  # why the dumps failed (the version is still published)
    added: list[str] = field(default_factory=list)  # new article ids (a build: every one)
    replaced: list[str] = field(default_factory=list)  # ids whose article was sent again
    removed: list[str] = field(default_factory=list)  # withdrawn (remove, build --prune)
    kept: list[str] = field(default_factory=list)  # a build: published before, not in the folder
    unchanged: list[str] = field(default_factory=list)  # sent again, identical
    extracted: list[str] = field(default_factory=list)  # ids extracted (the rest: cache)
    rewritten: list[str] = field(default_factory=list)  # ids whose named graph was (re)written
    #: entities whose description was (re)written (the version's summary records them, so
    #: its dumps re-make only their part of the entities graph)
    described: list[str] = field(default_factory=list)
    changed: bool = True  # False: nothing to change, no new version (``version`` is current)
    pushed: PushReport | None = None  # a triple store's push (Backend.after_publish)
    #: published, but doubtful: e.g. a husk, a body implausibly small against the file's prose
    warnings: list[Rejected] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        return {
            "version": self.version.id if self.version else None,
            "articles_read": self.read,
            "articles_published": len(self.published),
            "articles_rejected": [str(r) for r in self.rejected],
            "published": self.published,
            "added": self.added,
            "replaced": self.replaced,
            "removed": self.removed,
            "withdrawn": self.removed,
            "kept": self.kept,
            "triples": self.triples,
            "counts": self.counts,
            "seconds": round(self.seconds, 2),
        }

    def report(self) -> dict[str, Any]:
        """The validation report of ``--json`` and the ingest API."""
        return {
            **self.summary(),
            "new_version": self.changed,
            "unchanged": self.unchanged,
            "extracted": self.extracted,
            "rewritten": self.rewritten,
            "rejected": [{"file": r.source, "reason": r.reason} for r in self.rejected],
            "warnings": [{"file": w.source, "reason": w.reason} for w in self.warnings],
            "dumps": self.dumps,
            "dump_error": self.dump_error,
        }


class BuildError(NewskgError):
    """Nothing was published; the previously published version is untouched. ``result``
    holds what was found so far (the rejected articles)."""

    def __init__(self, message: str, result: BuildResult | None = None) -> None:
        super().__init__(message)
        self.result = result or BuildResult()


class UnknownArticles(BuildError):
    """A remove names articles the published version does not hold; nothing was published.
    ``newskg remove --json`` reports it as kind ``unknown``, the ingest API as 404."""
