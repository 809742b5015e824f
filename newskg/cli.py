"""The ``newskg`` command: build, extract, validate, serve.

Exit codes (documented in the README):

- ``build``: 0 every article published; 1 published, but some articles were rejected
  (each listed with file and reason); 2 nothing published (error), the served version untouched.
- ``validate``: 0 conforms; 1 violations (listed); 2 error (unreadable file, no store).
- ``extract``: 0 printed; 2 the article could not be read.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from newskg import formats
from newskg.settings import BY_NAME

EXIT_OK, EXIT_VIOLATIONS, EXIT_ERROR = 0, 1, 2


def setting_option(name: str, *flags: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A click option whose default, environment variable and help come from the settings
    table, so the CLI and the server agree on every name."""
    setting = BY_NAME[name]
    flag = flags or ("--" + name.replace("_", "-"),)
    return click.option(*flag, name, default=setting.default, envvar=setting.env,
                        show_default=True, show_envvar=True, help=setting.help,
                        type=type(setting.default))


def fail(message: str) -> None:
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(EXIT_ERROR)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
def main(verbose: bool) -> None:
    """newskg: news articles -> a validated, published knowledge graph."""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")


@main.command()
@setting_option("articles")
@setting_option("store")
@setting_option("base_iri")
@setting_option("keep_versions")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
def build(articles: str, store: str, base_iri: str, keep_versions: int, quiet: bool) -> None:
    """Read every article of ARTICLES, extract, validate and publish a new store version.

    The new version is built beside the published one and switched to atomically only when
    it is complete and valid; a failed or interrupted build leaves the served graph untouched.
    Articles that cannot be read or do not conform are listed with the reason and left out.
    """
    from mappers.reader import ArticleError, article_paths
    from newskg.pipeline import BuildError
    from newskg.pipeline import build as run_build
    from newskg.store import StoreError

    try:
        total = len(article_paths(articles))
    except ArticleError as exc:
        fail(str(exc))
    bar = click.progressbar(length=total * 4, label="building", file=sys.stderr,
                            show_pos=False, item_show_func=lambda s: s and Path(s).name)
    if quiet or not sys.stderr.isatty():
        bar.is_hidden = True

    def progress(stage: str, source: str) -> None:
        bar.update(1, f"{stage} {source}")

    try:
        with bar:
            result = run_build(articles, store, base_iri, keep=keep_versions, progress=progress)
    except (BuildError, StoreError, ArticleError, ValueError) as exc:
        fail(f"{exc}\nnothing was published; the served version is unchanged")
    for rejected in result.rejected:
        click.secho(f"rejected {rejected}", fg="yellow", err=True)
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    assert result.version is not None
    click.echo(
        f"published version {result.version.id}: {result.read} articles read, "
        f"{len(result.published)} published, {len(result.rejected)} rejected; "
        f"{result.triples} triples ({counts}); {result.seconds:.1f} s"
    )
    if result.dump_error:
        click.secho(f"published, but the dumps failed: {result.dump_error}\n"
                    f"retry with `newskg dump --store {store}`", fg="yellow", err=True)
    sys.exit(EXIT_VIOLATIONS if result.rejected or result.dump_error else EXIT_OK)


@main.command()
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "-f", "fmt", default="turtle", show_default=True,
              type=click.Choice(formats.names("graph", "dataset")
                                + ["ttl", "nt", "nq", "json-ld", "xml"]),
              help="Serialisation of the printed graph.")
@setting_option("base_iri")
def extract(file: Path, fmt: str, base_iri: str) -> None:
    """Print the graph of one article FILE without storing it."""
    from mappers.extract import extract as run_extract
    from mappers.graph import to_graph
    from mappers.iris import Iris
    from mappers.reader import ArticleError, read_article

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
    from newskg import validation
    from newskg.store import StoreError, open_published

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
def serve(**options: Any) -> None:
    """Serve the published version: SPARQL at /sparql, pages at /, with gunicorn."""
    from newskg import serve as serving
    from newskg.store import StoreError

    try:
        serving.run({key.upper(): value for key, value in options.items()})
    except StoreError as exc:
        fail(str(exc))


@main.command("eval")
@setting_option("articles")
@click.option("--gold", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory of gold files, one <article stem>.json per article scored.")
@click.option("--jobs", "-j", default=1, show_default=True, type=click.IntRange(1),
              help="Extraction processes (each loads the model once).")
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

    from mappers.reader import ArticleError
    from newskg.evaluation import GoldError
    from newskg.evaluation import evaluate as run_eval

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
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory to write into [default: STORE/dumps/<version>/, pruned with "
                   "the version].")
def dump(store: str, out: Path | None) -> None:
    """Write the published version as gzipped N-Quads, TriG, Turtle and N-Triples, plus the
    ontology, the shapes, a VoID description and SHA256SUMS (served under /dumps/).

    Exit 0 when written, 2 on error (nothing published, directory not writable).
    """
    from newskg.dump import DumpError, write_dumps

    try:
        written = write_dumps(store, out)
    except DumpError as exc:
        fail(str(exc))
    for item in written:
        click.echo(f"{item.path}  {item.size} bytes  sha256 {item.sha256}")


if __name__ == "__main__":
    main()
