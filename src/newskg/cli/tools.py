"""``newskg extract``, ``validate``, ``eval`` and ``dump``: look at one article's graph,
check RDF against the shapes, score extraction against gold files, write the dumps."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from newskg import formats
from newskg.cli.exit_codes import EXIT_OK, EXIT_VIOLATIONS, Command, fail
from newskg.cli.options import JOBS_OPTION, setting_option
from newskg.settings import minting_base


@click.command(cls=Command)
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
    from newskg.extraction.reader import read_article
    from newskg.vocab import Iris

    article = read_article(file)  # an ArticleError exits 2 (exit_codes.Command)
    graph = to_graph(run_extract(article), Iris(base_iri or minting_base()))
    rdflib_name = formats.by_name(fmt).rdflib
    assert rdflib_name is not None  # the choices are graph and dataset formats: rdflib writes them
    click.echo(graph.serialize(format=rdflib_name), nl=False)


@click.command(cls=Command)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@setting_option("store")
def validate(file: Path | None, store: str) -> None:
    """Validate an RDF FILE, or else the published version of --store, against the shapes."""
    from newskg.backends import backend_for
    from newskg.backends.versions import StoreError
    from newskg.publishing import validation

    try:
        if file is not None:
            source = str(file)
            report = validation.validate_file(file)
        else:
            version, opened = backend_for(store).open_published()
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


@click.command("eval", cls=Command)
@setting_option("articles")
@click.option(
    "--gold",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of gold files, one <article stem>.json per article scored.",
)
@click.option(
    "--sets",
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory of evaluation sets (each subfolder with articles/ and gold/, and the "
    "reader set with pages/ and truth/): score them all, with the targets met per set.",
)
@click.option("--no-reader", is_flag=True, help="With --sets: leave the reader set out.")
@JOBS_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the scores as JSON.")
@click.option("--overall-only", is_flag=True, help="Print only the micro-averaged totals.")
@click.option(
    "--markdown",
    is_flag=True,
    help="With --sets: print the tables of docs/evaluation.md (Markdown).",
)
def evaluate(
    articles: str,
    gold: Path | None,
    sets: Path | None,
    no_reader: bool,
    jobs: int,
    as_json: bool,
    overall_only: bool,
    markdown: bool,
) -> None:
    """Score extraction on ARTICLES against gold files: precision, recall and F1 per layer
    (persons, organizations, places, quotes, quote speakers, events, event participants,
    memberships, Wikidata links), per article and micro-averaged overall. With --sets, score
    every set of a directory (only the layers each annotates) and say which targets are met.
    """
    if (gold is None) == (sets is None):
        fail("give either --gold (with --articles) or --sets")
    if sets is not None:
        from newskg.evaluation import sets as eval_sets

        result = eval_sets.evaluate_sets(sets, jobs=jobs, reader=not no_reader)  # GoldError: 2
        if markdown:
            click.echo(eval_sets.markdown(result))
        else:
            click.echo(result.json() if as_json else result.text())
        return
    from newskg.evaluation import evaluate as run_eval

    assert gold is not None
    report = run_eval(articles, gold, jobs=jobs)  # a GoldError or ArticleError exits 2
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(report.text(per_article=not overall_only))


@click.command(cls=Command)
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
    """
    from newskg.publishing.dumps import write_dumps

    for item in write_dumps(store, out):  # a DumpError exits 2 (exit_codes.Command)
        click.echo(f"{item.path}  {item.size} bytes  sha256 {item.sha256}")
