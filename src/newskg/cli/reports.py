"""How the publishing commands (``build``, ``add``, ``remove``, ``rollback``) report a run:
what was published, what was rejected, and the exit code of :mod:`newskg.cli.exit_codes`.

With ``--json`` the report goes to stdout as JSON (the ingest API of :mod:`newskg.web.api`
reads it; its ``warnings`` list the articles published but doubtful, such as a husk); rejected
articles and warnings always go to stderr.
"""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

from newskg.cli.exit_codes import (
    EXIT_OK,
    EXIT_PUSH_FAILED,
    EXIT_VIOLATIONS,
    exit_code,
    fail,
)
from newskg.errors import NewskgError

NOTHING_PUBLISHED = "nothing was published; the served version is unchanged"


def publish_failed(exc: Exception, as_json: bool) -> NoReturn:
    """Report a run that published nothing (exit 2). With --json the report says what kind of
    failure it was: ``locked`` (another build holds the store), ``store``, ``rejected``,
    ``unknown`` (a remove names an article that is not published) or ``error``."""
    from newskg.backends.versions import StoreError, StoreLocked
    from newskg.publishing.results import BuildError, UnknownArticles

    exit_if_push_failed(exc, as_json)
    message = f"{exc}\n{NOTHING_PUBLISHED}"
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
            elif isinstance(exc, UnknownArticles):
                kind = "unknown"
        report["error"] = {"kind": kind, "message": message}
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        for rejected in report["rejected"]:
            click.secho(f"rejected {rejected['file']}: {rejected['reason']}", fg="yellow", err=True)
    elif isinstance(exc, BuildError):
        for rejected in exc.result.rejected:
            click.secho(f"rejected {rejected}", fg="yellow", err=True)
    if isinstance(exc, BuildError):
        warn(exc.result.warnings)
    fail(message)


def warn(warnings: list[Any]) -> None:
    """Print each warning of a run (file: reason) on stderr: published, but doubtful."""
    for warning in warnings:
        click.secho(f"warning {warning}", fg="yellow", err=True)


def exit_if_push_failed(exc: Exception, as_json: bool = False) -> None:
    """Exit 3 when ``exc`` is a failed push to a triple store (newskg.backends.remote)."""
    if not isinstance(exc, NewskgError) or exit_code(exc) != EXIT_PUSH_FAILED:
        return
    if as_json:
        click.echo(json.dumps({"error": {"kind": "push", "message": str(exc)}}, indent=2))
    fail(str(exc), EXIT_PUSH_FAILED)


def published(result: Any, store: str, as_json: bool, line: str) -> NoReturn:
    """Report a run that published (or found nothing to change) and exit 0, or 1 when some
    article was rejected or the dumps failed."""
    if as_json:
        click.echo(json.dumps(result.report(), indent=2, ensure_ascii=False))
    for rejected in result.rejected:
        click.secho(f"rejected {rejected}", fg="yellow", err=True)
    warn(result.warnings)
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
    """``N triples (n Class, …); S s``: the size of a published version and the run's time."""
    counts = ", ".join(f"{n} {k}" for k, n in result.counts.items())
    return f"{result.triples} triples ({counts}); {result.seconds:.1f} s"
