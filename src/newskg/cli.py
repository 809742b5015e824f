"""The ``newskg`` command: build, add, remove, versions, rollback, verify, extract, validate,
serve.

Exit codes (documented in the README):

- ``build``, ``add``, ``remove``: 0 every article published; 1 published, but some articles
  were rejected (each listed with file and reason) or the dumps failed; 2 nothing published
  (error), the served version untouched.
- ``rollback``: 0 published; 1 published, dumps failed; 2 nothing changed (also when the
  version is damaged).
- ``verify``: 0 every kept version intact; 1 some kept version damaged (each listed with its
  files, the versions sharing them and what can restore the published one); 2 nothing to
  verify (no store directory, no versions).
- ``versions``: 0; 2 no store directory.
- ``validate``: 0 conforms; 1 violations (listed); 2 error (unreadable file, no store).
- with a triple store (``--store sparql+http://…``), ``build``, ``add``, ``remove``,
  ``rollback`` and ``push`` exit 3 when the version was published locally but pushing it
  failed (the triple store may hold a mix until ``newskg push`` succeeds).
- ``extract``: 0 printed; 2 the article could not be read.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from newskg import formats
from newskg.settings import BY_NAME

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2
EXIT_PUSH_FAILED = 3  # published in the staging directory, not (fully) on the triple store


def setting_option(name: str, *flags: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option whose default, environment variable and help come from the settings
    table, so the CLI and the server agree on every name."""
    setting = BY_NAME[name]
    flag = flags or ("--" + name.replace("_", "-"),)
    return click.option(
        *flag,
        name,
        default=setting.default,
        envvar=setting.env,
        show_default=True,
        show_envvar=True,
        help=setting.help,
        type=type(setting.default),
    )


def fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
def main(verbose: bool) -> None:
    """newskg: news articles -> a validated, published knowledge graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Extraction processes (each loads the model once).",
)
JSON_OPTION = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the report as JSON on stdout (the ingest API reads it).",
)
QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")


def progress_bar(total: int, quiet: bool) -> Any:
    """A progress bar on stderr (hidden when quiet or not a terminal) and its update function."""
    bar = click.progressbar(
        length=max(total, 1) * 4,
        label="building",
        file=sys.stderr,
        show_pos=False,
        item_show_func=lambda s: s and Path(s).name,
    )
    if quiet or not sys.stderr.isatty():
        bar.is_hidden = True
    return bar, lambda stage, source: bar.update(1, f"{stage} {source}")


def publish_failed(exc: Exception, as_json: bool) -> None:
    """Report a run that published nothing (exit 2). With --json the report says what kind of
    failure it was: ``locked`` (another build holds the store), ``store``, ``rejected`` or
    ``error``."""
    from newskg.backends.versions import StoreError, StoreLocked
    from newskg.publishing.pipeline import BuildError

    exit_if_push_failed(exc, as_json)
    message = f"{exc}\nnothing was published; the served version is unchanged"
    if as_json:
        kind = (
            "locked"
            if isinstance(exc, StoreLocked)
            else "store"
            if isinstance(exc, StoreError)
            else "error"
        )
        report: dict[str, Any] = {"version": None, "new_version": False, "rejected": []}
        if isinstance(exc, BuildError):
            report = exc.result.report()
            report["version"], report["new_version"] = None, False
            if report["rejected"]:
                kind = "rejected"
        report["error"] = {"kind": kind, "message": message}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        for rejected in report["rejected"]:
            click.secho(f"rejected {rejected['file']}: {rejected['reason']}", fg="yellow", err=True)
    elif isinstance(exc, BuildError):
        for rejected in exc.result.rejected:
            click.secho(f"rejected {rejected}", fg="yellow", err=True)
    fail(message)


def exit_if_push_failed(exc: Exception, as_json: bool = False) -> None:
    """Exit 3 when ``exc`` is a failed push to a triple store (newskg/remote/)."""
    from newskg.backends.remote import PushError

    if not isinstance(exc, PushError):
        return
    if as_json:
        click.echo(json.dumps({"error": {"kind": "push", "message": str(exc)}}, indent=2))
    click.secho(f"error: {exc}", fg="red", err=True)
    sys.exit(EXIT_PUSH_FAILED)


def published(result: Any, store: str, as_json: bool, line: str) -> None:
    """Report a run that published (or found nothing to change) and exit 0, or 1 when some
    article was rejected or the dumps failed."""
    if as_json:
        click.echo(json.dumps(result.report(), indent=2, ensure_ascii=False))
    for rejected in result.rejected:
        click.secho(f"rejected {rejected}", fg="yellow", err=True)
    if not as_json:
        click.echo(line)
        if result.pushed is not None:
            click.echo(str(result.pushed))
    if result.dump_error:
        click.secho(
            f"published, but the dumps failed: {result.dump_error}\n"
            f"retry with `newskg dump --store {store}`",
            fg="yellow",
            err=True,
        )
    sys.exit(EXIT_VIOLATIONS if result.rejected or result.dump_error else EXIT_OK)


def counts_text(result: Any) -> str:
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    return f"{result.triples} triples ({counts}); {result.seconds:.1f} s"


@main.command()
@setting_option("articles")
@setting_option("store")
@setting_option("base_iri")
@setting_option("keep_versions")
@JOBS_OPTION
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

    Exit 0 every article published; 1 published, but some were rejected or the dumps failed;
    2 nothing published.
    """
    from newskg.backends.versions import StoreError
    from newskg.extraction.reader import ArticleError, article_paths
    from newskg.publishing.pipeline import BuildError
    from newskg.publishing.pipeline import build as run_build

    try:
        total = len(article_paths(articles))
    except ArticleError as exc:
        fail(str(exc))
    bar, progress = progress_bar(total, quiet)
    try:
        with bar:
            result = run_build(
                articles,
                store,
                base_iri,
                keep=keep_versions,
                jobs=jobs,
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


@main.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, path_type=Path))
@setting_option("store")
@setting_option("base_iri")
@setting_option("keep_versions")
@JOBS_OPTION
@JSON_OPTION
@QUIET_OPTION
@click.option(
    "--lock-wait",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0),
    help="Seconds to wait for another build or add to finish (after extracting, "
    "which runs without the lock) before failing.",
)
@click.pass_context
def add(
    ctx: click.Context,
    files: tuple[Path, ...],
    store: str,
    base_iri: str,
    keep_versions: int,
    jobs: int,
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

    Exit 0 every file published (or identical to what is published: no new version); 1
    published, but some were rejected or the dumps failed; 2 nothing published.
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.pipeline import BuildError
    from newskg.publishing.pipeline import add as run_add

    explicit = ctx.get_parameter_source("base_iri") != click.core.ParameterSource.DEFAULT
    bar, progress = progress_bar(len(files), quiet)
    try:
        with bar:
            result = run_add(
                list(files),
                store,
                base_iri if explicit else None,
                keep=keep_versions,
                jobs=jobs,
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


@main.command()
@click.argument("article_ids", nargs=-1, required=True)
@setting_option("store")
@setting_option("keep_versions")
@JSON_OPTION
def remove(article_ids: tuple[str, ...], store: str, keep_versions: int, as_json: bool) -> None:
    """Publish the published version without ARTICLE_IDS (file stems, as in
    /id/article/<id>); entities only they mentioned go with them.

    Exit 0 published; 1 published, but the dumps failed; 2 nothing published (unknown id,
    nothing published, store locked).
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.pipeline import BuildError
    from newskg.publishing.pipeline import remove as run_remove

    try:
        result = run_remove(list(article_ids), store, keep=keep_versions)
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


@main.command()
@setting_option("store")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def versions(store: str, as_json: bool) -> None:
    """List the kept versions, oldest first: id, published (*), articles, triples, created.

    Exit 0 listed; 2 no store directory.
    """
    from newskg.backends.remote import local_store
    from newskg.backends.versions import StoreError, list_versions

    try:
        rows = list_versions(local_store(store))  # a triple store's: its staging directory
    except StoreError as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        click.echo(f"no versions in {store}: run `newskg build --store {store}`")
        return
    click.echo(f"  {'version':<32} {'articles':>8} {'triples':>9}  created")
    for row in rows:
        mark = "*" if row["published"] else " "
        click.echo(
            f"{mark} {row['version']:<32} {row['articles']:>8} "
            f"{row['triples'] if row['triples'] is not None else '?':>9}  {row['created']}"
        )


@main.command()
@click.argument("version")
@setting_option("store")
@setting_option("keep_versions")
def rollback(version: str, store: str, keep_versions: int) -> None:
    """Publish the kept VERSION again (see `newskg versions`), atomically; a running server
    switches to it within a second, with that version's dumps (written now if missing).

    Exit 0 published; 1 published, but its dumps could not be written; 2 nothing changed
    (unknown version, damaged version, no store, store locked).
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.verify import rollback as run_rollback

    try:
        result = run_rollback(store, version, keep=keep_versions)
    except StoreError as exc:
        exit_if_push_failed(exc)
        fail(f"{exc}\nnothing was published; the served version is unchanged")
    assert result.version is not None
    published(
        result,
        store,
        False,
        f"published version {result.version.id} again: {len(result.published)} articles, "
        f"{result.triples} triples",
    )


@main.command()
@setting_option("store")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(store: str, as_json: bool) -> None:
    """Check every kept version: its files against the sizes and checksums recorded when it
    was published, that its store opens, and that its counts match its summary. Damaged
    versions are listed with the damaged files and the versions sharing them (hard links);
    when the published one is damaged, what can restore it is listed too.

    Exit 0 every kept version intact; 1 some version damaged; 2 nothing to verify.
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.verify import verify as run_verify

    try:
        report = run_verify(store)
    except StoreError as exc:
        fail(str(exc))
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.text())
    sys.exit(EXIT_VIOLATIONS if report.damaged else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--format",
    "-f",
    "fmt",
    default="turtle",
    show_default=True,
    type=click.Choice(formats.names("graph", "dataset") + ["ttl", "nt", "nq", "json-ld", "xml"]),
    help="Serialisation of the printed graph.",
)
@setting_option("base_iri")
def extract(file: Path, fmt: str, base_iri: str) -> None:
    """Print the graph of one article FILE without storing it."""
    from newskg.extraction.extract import extract as run_extract
    from newskg.extraction.graph import to_graph
    from newskg.extraction.iris import Iris
    from newskg.extraction.reader import ArticleError, read_article

    try:
        article = read_article(file)
    except ArticleError as exc:
        fail(str(exc))
    graph = to_graph(run_extract(article), Iris(base_iri))
    click.echo(graph.serialize(format=formats.by_name(fmt).rdflib), nl=False)


@main.command()
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@setting_option("store")
def validate(file: Path | None, store: str) -> None:
    """Validate an RDF FILE, or else the published version of --store, against the shapes.

    Exit 0 when it conforms, 1 with violations (each printed: focus node, path, message),
    2 on error.
    """
    from newskg.backends.remote import open_published
    from newskg.backends.versions import StoreError
    from newskg.publishing import validation

    try:
        if file is not None:
            source = str(file)
            report = validation.validate_file(file)
        else:
            version, opened = open_published(store)
            source = f"{store} (version {version.id})"
            report = validation.validate_store(opened)
    except (StoreError, ValueError, OSError) as exc:
        fail(str(exc))
    if report.conforms:
        click.echo(f"{source}: conforms")
        sys.exit(EXIT_OK)
    click.echo(report.text(source))
    click.echo(f"{source}: {len(report.results)} violations", err=True)
    sys.exit(EXIT_VIOLATIONS)


@main.command()
@setting_option("store")
@setting_option("host")
@setting_option("port")
@setting_option("workers")
@setting_option("query_timeout")
@setting_option("max_rows")
@setting_option("max_query_bytes")
@setting_option("cors_origins")
@setting_option("cache_dir")
@setting_option("cache_bytes")
@setting_option("ingest_token")
@setting_option("ingest_max_bytes")
@setting_option("throttle_query_seconds")
@setting_option("throttle_window")
@setting_option("trusted_proxies")
@setting_option("client_queries")
@setting_option("query_wait")
@setting_option("idle_timeout")
@setting_option("max_connections")
@setting_option("query_memory")
def serve(**options: Any) -> None:
    """Serve the published version: SPARQL at /sparql, pages at /, with Granian."""
    from newskg import serve as serving
    from newskg.backends.versions import StoreError

    try:
        serving.run({key.upper(): value for key, value in options.items()})
    except (StoreError, serving.ServeError) as exc:
        fail(str(exc))


@main.command("eval")
@setting_option("articles")
@click.option(
    "--gold",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of gold files, one <article stem>.json per article scored.",
)
@click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Extraction processes (each loads the model once).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--overall-only", is_flag=True, help="Print only the micro-averaged totals.")
def evaluate(articles: str, gold: Path, jobs: int, as_json: bool, overall_only: bool) -> None:
    """Score extraction on ARTICLES against gold files: precision, recall and F1 per layer
    (persons, organizations, places, quotes, quote speakers, events, event participants,
    memberships, Wikidata links), per article and micro-averaged overall.

    Exit 0 when scored (whether or not the targets are met; see "targets:" in the output),
    2 on error (no gold directory, no article with a gold file, an unreadable gold file).
    """
    import json

    from newskg.evaluation import GoldError
    from newskg.evaluation import evaluate as run_eval
    from newskg.extraction.reader import ArticleError

    try:
        report = run_eval(articles, gold, jobs=jobs)
    except (GoldError, ArticleError) as exc:
        fail(str(exc))
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.text(per_article=not overall_only))


@main.command()
@setting_option("store")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Directory to write into [default: STORE/dumps/<version>/, pruned with the version].",
)
def dump(store: str, out: Path | None) -> None:
    """Write the published version as gzipped N-Quads, TriG, Turtle and N-Triples, plus the
    ontology, the shapes, a VoID description and SHA256SUMS (served under /dumps/).

    Exit 0 when written, 2 on error (nothing published, directory not writable).
    """
    from newskg.publishing.dumps import DumpError, write_dumps

    try:
        written = write_dumps(store, out)
    except DumpError as exc:
        fail(str(exc))
    for item in written:
        click.echo(f"{item.path}  {item.size} bytes  sha256 {item.sha256}")


@main.command()
@setting_option("store")
def push(store: str) -> None:
    """Push the version published in a triple store's staging directory to the triple store
    (--store sparql+http://…) again: after a push that failed, or to a store that lost its
    data. Only graphs that differ from what it holds are sent.

    Exit 0 pushed (or nothing to send); 2 error (not a triple store, nothing published
    locally); 3 the push failed (run it again).
    """
    from newskg.backends.remote import push_published
    from newskg.backends.versions import StoreError

    try:
        report = push_published(store)
    except StoreError as exc:
        exit_if_push_failed(exc)
        fail(str(exc))
    click.echo(str(report))


if __name__ == "__main__":
    main()
