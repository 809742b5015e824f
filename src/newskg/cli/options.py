"""Options several ``newskg`` commands share (the progress displays are in
:mod:`newskg.cli.progress`).

Options that are settings (``--store``, ``--port`` …) come from :mod:`newskg.settings`
through :func:`setting_option`, so the command line, the environment variables and the
server agree on every name, default and help text.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from newskg.settings import BY_NAME

Decorator = Callable[[Callable[..., Any]], Callable[..., Any]]


def setting_option(name: str, *flags: str) -> Decorator:
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


JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    default=1,
    show_default=True,
    type=click.IntRange(1),
    help="Extraction processes (each loads the model once).",
)
EXECUTOR_OPTION = setting_option("executor")  # extraction on a Dask cluster instead of --jobs
JSON_OPTION = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the report as JSON on stdout (the ingest API reads it).",
)
QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="No progress on stderr (a bar per stage, or log lines)."
)
