"""``newskg versions``, ``rollback``, ``verify`` and ``push``: the kept versions of a store
(:mod:`newskg.backends.versions`, :mod:`newskg.publishing.verify`) and the copy of the
published one on a triple store (:mod:`newskg.backends.remote`)."""

from __future__ import annotations

import json
import sys

import click

from newskg.cli.exit_codes import EXIT_OK, EXIT_VIOLATIONS, Command, fail
from newskg.cli.options import setting_option
from newskg.cli.reports import NOTHING_PUBLISHED, exit_if_push_failed, published


@click.command(cls=Command)
@setting_option("store")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
def versions(store: str, as_json: bool) -> None:
    """List the kept versions, oldest first: id, published (*), articles, triples, created."""
    from newskg.backends import backend_for
    from newskg.backends.versions import list_versions

    rows = list_versions(backend_for(store).store_dir())  # a triple store's: its staging dir
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


@click.command(cls=Command)
@click.argument("version")
@setting_option("store")
@setting_option("keep_versions")
def rollback(version: str, store: str, keep_versions: int) -> None:
    """Publish the kept VERSION again (see `newskg versions`), atomically; a running server
    switches to it within a second, with that version's dumps (written now if missing).
    """
    from newskg.backends.versions import StoreError
    from newskg.publishing.verify import rollback as run_rollback

    try:
        result = run_rollback(store, version, keep=keep_versions)
    except StoreError as exc:
        exit_if_push_failed(exc)
        fail(f"{exc}\n{NOTHING_PUBLISHED}")
    assert result.version is not None
    published(
        result,
        store,
        False,
        f"published version {result.version.id} again: {len(result.published)} articles, "
        f"{result.triples} triples",
    )


@click.command(cls=Command)
@setting_option("store")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def verify(store: str, as_json: bool) -> None:
    """Check every kept version: its files against the sizes and checksums recorded when it
    was published, that its store opens, and that its counts match its summary. Damaged
    versions are listed with the damaged files and the versions sharing them (hard links);
    when the published one is damaged, what can restore it is listed too.
    """
    from newskg.publishing.verify import verify as run_verify

    report = run_verify(store)
    click.echo(json.dumps(report.as_dict(), indent=2) if as_json else report.text())
    sys.exit(EXIT_VIOLATIONS if report.damaged else EXIT_OK)


@click.command(cls=Command)
@setting_option("store")
def push(store: str) -> None:
    """Push the version published in a triple store's staging directory to the triple store
    (--store sparql+http://…) again: after a push that failed, or to a store that lost its
    data. Only graphs that differ from what it holds are sent.
    """
    from newskg.backends import backend_for

    report = backend_for(store).push()  # a PushError exits 3, another StoreError 2
    click.echo(str(report))
