"""The ``newskg`` command: build, add, remove, versions, rollback, verify, push, extract,
read, validate, eval, dump, serve.

One module per concept: :mod:`newskg.cli.publishing` (build, add, remove),
:mod:`newskg.cli.store` (versions, rollback, verify, push), :mod:`newskg.cli.tools` (extract,
validate, eval, dump), :mod:`newskg.cli.reading` (read), :mod:`newskg.cli.serving` (serve).
What each exit code means is one table, :data:`newskg.cli.exit_codes.EXIT_CODES`, printed by
``newskg --help`` and by each command's ``--help`` (docs/cli.md is generated from that output).
"""

from __future__ import annotations

import logging

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

__all__ = ["EXIT_CODES", "EXIT_ERROR", "EXIT_OK", "EXIT_PUSH_FAILED", "EXIT_VIOLATIONS", "main"]


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
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
