"""Options several ``newskg`` commands share, and the build progress bar.

Options that are settings (``--store``, ``--port`` …) come from :mod:`newskg.settings`
through :func:`setting_option`, so the command line, the environment variables and the
server agree on every name, default and help text.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
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
JSON_OPTION = click.option(
    "--json",
    "as_json",
    is_flag=True,
    help="Print the report as JSON on stdout (the ingest API reads it).",
)
QUIET_OPTION = click.option("--quiet", "-q", is_flag=True, help="No progress bar.")

Progress = Callable[[str, str], None]


def progress_bar(total: int, quiet: bool) -> tuple[Any, Progress]:
    """A progress bar on stderr (hidden when quiet or not a terminal) and its update function.

    Hidden through click's ``hidden`` argument: setting ``bar.is_hidden`` (a name click does
    not read) left the bar drawn under ``--quiet`` (tests/issues/test_quiet_hides_progress_bar.py).
    """
    bar = click.progressbar(
        length=max(total, 1) * 4,
        label="building",
        file=sys.stderr,
        show_pos=False,
        item_show_func=lambda s: s and Path(s).name,
        hidden=quiet or not sys.stderr.isatty(),
    )
    return bar, lambda stage, source: bar.update(1, f"{stage} {source}")
