"""What a run changes against the published version: which articles it keeps, withdraws,
adds or replaces, which files collide with published articles, and under which base IRI it
mints. The decisions :mod:`newskg.publishing.pipeline` takes before and after extracting;
each refusal is a :class:`~newskg.publishing.results.BuildError` or
:class:`~newskg.backends.versions.StoreError` that says what to do."""

from __future__ import annotations

from collections.abc import Sequence

from newskg.backends import versions as store
from newskg.extraction.model import ArticleText
from newskg.publishing.incremental import (
    Archive,
    ArticleRecord,
    Source,
    has_records,
    id_collision,
    missing_sources,
    records,
)
from newskg.publishing.results import BuildError, BuildResult, Rejected, UnknownArticles
from newskg.vocab import DEFAULT_BASE, Iris


def collisions(
    read: list[tuple[ArticleText, Source]], previous: dict[str, ArticleRecord], result: BuildResult
) -> list[tuple[ArticleText, Source]]:
    """``read`` without (rejected) files whose id a published article of another file has."""
    taken = []
    for article, source in read:
        problem = id_collision(article.id, source.file, previous)
        if problem:
            result.rejected.append(Rejected(str(source.path), problem))
        else:
            taken.append((article, source))
    return taken


def kept_or_withdrawn(
    previous: dict[str, ArticleRecord],
    read: list[tuple[ArticleText, Source]],
    archive: Archive,
    prune: bool,
) -> tuple[str, ...]:
    """A build's withdrawn articles: with ``prune`` the published ones it was not given,
    else none (they are kept, so their sources must be there)."""
    absent = previous.keys() - {article.id for article, _ in read}
    if prune:
        return tuple(sorted(absent))
    missing = missing_sources(archive, previous, absent)
    if missing:
        raise BuildError(
            f"the published articles {', '.join(missing)} are not among the "
            "articles given and their kept sources are missing, so they cannot be "
            "kept: put their files among the articles, or build with --prune to "
            "withdraw them"
        )
    return ()


def previous_articles(
    base: store.Version | None, remove_ids: Sequence[str]
) -> dict[str, ArticleRecord]:
    """The articles of the published version ``base`` an add or remove starts from; refuses
    ids in ``remove_ids`` it does not hold, and removing them all."""
    if base is None:
        if remove_ids:
            raise store.StoreError("nothing is published yet, so there is nothing to remove")
        return {}
    if not has_records(base):
        raise store.StoreError(
            f"version {base.id} was published before newskg kept article sources (its summary "
            "lists no articles); run `newskg build` once, then add or remove"
        )
    previous = records(base)
    unknown = [i for i in remove_ids if i not in previous]
    if unknown:
        raise UnknownArticles(
            f"no article {', '.join(map(repr, unknown))} in version {base.id}; "
            f"it holds {', '.join(sorted(previous)) or 'none'}",
        )
    if remove_ids and not previous.keys() - set(remove_ids):
        raise BuildError(
            "removing every article would leave nothing to publish; to start "
            "over, build from a directory with `newskg build`"
        )
    return previous


def base_iri(base: store.Version | None, asked: str | None) -> str:
    """The base IRI of the new version: the published version's (``asked`` must agree with
    it), else ``asked``, else the default."""
    published = base.summary().get("base_iri") if base is not None else None
    if base is not None and published and asked and Iris(asked).base != Iris(published).base:
        raise BuildError(
            f"the published version {base.id} mints IRIs under {published}, "
            f"not {asked}; one version cannot mix both: rebuild everything with "
            f"`newskg build --base-iri {asked}`, or leave --base-iri out"
        )
    return published or asked or DEFAULT_BASE


def sort_out(
    result: BuildResult,
    records: dict[str, ArticleRecord],
    previous: dict[str, ArticleRecord],
    sent: set[str],
    remove_ids: Sequence[str],
    kept: bool = False,
) -> None:
    """Fill added / replaced / unchanged / removed (and, with ``kept``, kept)."""
    for article_id in sorted(records):
        before = previous.get(article_id)
        if article_id not in sent:
            if kept:
                result.kept.append(article_id)
            continue
        if before is None:
            result.added.append(article_id)
        elif before == records[article_id]:
            result.unchanged.append(article_id)
        else:
            result.replaced.append(article_id)
    result.removed = sorted(remove_ids)
