"""``newskg build``, ``add`` and ``remove``: publish a new store version
(:mod:`newskg.publishing.pipeline`) and report it (:mod:`newskg.cli.reports`)."""

from __future__ import annotations

from pathlib import Path

import click

from newskg.cli.exit_codes import Command
from newskg.cli.options import (
    EXECUTOR_OPTION,
    JOBS_OPTION,
    JSON_OPTION,
    QUIET_OPTION,
    setting_option,
)
from newskg.cli.progress import progress_display
from newskg.cli.reports import counts_text, publish_failed, published
from newskg.settings import minting_base

LOCK_WAIT_OPTION = click.option(
    "--lock-wait",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds to wait for another build, add or remove to finish (an add waits after "
    "extracting, which runs without the lock) before failing.",
)


@click.command(cls=Command)
@setting_option("articles")
@setting_option("store")
@setting_option("base_iri")
@setting_option("keep_versions")
@JOBS_OPTION
@EXECUTOR_OPTION
@JSON_OPTION
@QUIET_OPTION
@click.option(
    "--prune",
    is_flag=True,
    help="Withdraw published articles that are not in ARTICLES (listed) instead of keeping them.",
)
def build(
    articles: str,
    store: str,
    base_iri: str,
    keep_versions: int,
    jobs: int,
    executor: str,
    as_json: bool,
    quiet: bool,
    prune: bool,
) -> None:
    """Read every article of ARTICLES, extract, validate and publish a new store version.

    Published articles that are not in ARTICLES (sent by `newskg add` or the ingest API) are
    kept, from their kept sources, and listed; --prune withdraws them instead (listed too).

    The new version is built beside the published one and switched to atomically only when
    it is complete and valid; a failed or interrupted build leaves the served graph untouched.
    Articles that cannot be read or do not conform are listed with the reason and left out.
    Extractions are cached in the store, so unchanged articles are not extracted again.
    """
    from newskg.backends.versions import StoreError
    from newskg.extraction.reader import ArticleError, article_paths
    from newskg.publishing.pipeline import build as run_build
    from newskg.publishing.results import BuildError

    article_paths(articles)  # an ArticleError exits 2 (exit_codes.Command)
    try:
        with progress_display(quiet) as progress:
            result = run_build(
                articles,
                store,
                base_iri or minting_base(),
                keep=keep_versions,
                jobs=jobs,
                executor=executor or None,
                progress=progress,
                prune=prune,
            )
    except (BuildError, StoreError, ArticleError, ValueError) as exc:
        publish_failed(exc, as_json)
    assert result.version is not None
    line = (
        f"published version {result.version.id}: {result.read} articles read, "
        f"{len(result.published)} published, {len(result.rejected)} rejected; "
        f"{len(result.added)} added, {len(result.replaced)} replaced, "
        f"{len(result.unchanged)} unchanged, {len(result.kept)} kept, "
        f"{len(result.removed)} withdrawn; " + counts_text(result)
    )
    if result.kept:
        line += (
            f"\nkept {len(result.kept)} published articles not in {articles} (--prune "
            f"withdraws them): {', '.join(result.kept)}"
        )
    if result.removed:
        line += f"\nwithdrew {len(result.removed)} articles: {', '.join(result.removed)}"
    published(result, store, as_json, line)


@click.command(cls=Command)
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@setting_option("store")
@setting_option("base_iri")
@setting_option("keep_versions")
@JOBS_OPTION
@EXECUTOR_OPTION
@JSON_OPTION
@QUIET_OPTION
@LOCK_WAIT_OPTION
@click.pass_context
def add(
    ctx: click.Context,
    files: tuple[Path, ...],
    store: str,
    base_iri: str,
    keep_versions: int,
    jobs: int,
    executor: str,
    as_json: bool,
    quiet: bool,
    lock_wait: float,
) -> None:
    """Publish FILES (articles, each with its optional NAME.meta.json) into the published
    version: new ones are added, one named like a published article replaces it.

    Only FILES are extracted; the other articles come from the extraction cache, are linked
    with the new ones (shared entities stay one IRI with one label) and only graphs that
    changed are rewritten in a copy of the published version, which is then published
    atomically. The base IRI is the published version's (--base-iri must match it).
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.pipeline import add as run_add
    from newskg.publishing.results import BuildError

    explicit = bool(base_iri) and (
        ctx.get_parameter_source("base_iri") != click.core.ParameterSource.DEFAULT
    )
    try:
        with progress_display(quiet) as progress:
            result = run_add(
                list(files),
                store,
                base_iri if explicit else None,
                keep=keep_versions,
                jobs=jobs,
                executor=executor or None,
                progress=progress,
                wait=lock_wait,
            )
    except (BuildError, StoreError, ValueError) as exc:
        publish_failed(exc, as_json)
    assert result.version is not None
    if not result.changed:
        line = (
            f"nothing to change: the published version {result.version.id} already holds "
            f"{', '.join(result.unchanged) or 'these articles'} as sent"
        )
    else:
        line = (
            f"published version {result.version.id}: {len(result.added)} added, "
            f"{len(result.replaced)} replaced, {len(result.rejected)} rejected; "
            f"{len(result.published)} articles, " + counts_text(result)
        )
    published(result, store, as_json, line)


@click.command(cls=Command)
@click.argument("article_ids", nargs=-1, required=True)
@setting_option("store")
@setting_option("keep_versions")
@JSON_OPTION
@QUIET_OPTION
@LOCK_WAIT_OPTION
def remove(
    article_ids: tuple[str, ...],
    store: str,
    keep_versions: int,
    as_json: bool,
    quiet: bool,
    lock_wait: float,
) -> None:
    """Publish the published version without ARTICLE_IDS (file stems, as in
    /id/article/<id>); entities only they mentioned go with them.
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.pipeline import remove as run_remove
    from newskg.publishing.results import BuildError

    try:
        with progress_display(quiet) as progress:
            result = run_remove(
                list(article_ids), store, keep=keep_versions, progress=progress, wait=lock_wait
            )
    except (BuildError, StoreError) as exc:
        publish_failed(exc, as_json)
    assert result.version is not None
    published(
        result,
        store,
        as_json,
        f"published version {result.version.id}: {len(result.removed)} removed; "
        f"{len(result.published)} articles, " + counts_text(result),
    )
