"""What each ``newskg`` command's exit code means: one table, :data:`EXIT_CODES`.

``newskg --help`` prints the whole table and each command's ``--help`` its row (through
:class:`Command` and :class:`Group`), and docs/cli.md is generated from that output: the
meanings are written once, here. :func:`exit_code` maps newskg's typed errors
(:class:`newskg.errors.NewskgError`) to a code, and :meth:`Command.invoke` reports any such
error a command lets through, so a command only catches what it has more to say about.
"""

from __future__ import annotations

import sys
from typing import Any, NoReturn

import click

from newskg.errors import NewskgError

EXIT_OK = 0
EXIT_VIOLATIONS = 1  # done, but something is listed: rejected articles, failed dumps …
EXIT_ERROR = 2  # nothing changed; also click's code for a usage error
EXIT_PUSH_FAILED = 3  # published in the staging directory, not (fully) on the triple store

_PUSH = (
    "published locally, but pushing it to the triple store (--store sparql+http://…) "
    "failed; it may hold a mix until `newskg push` succeeds"
)

# command -> exit code -> what it means for that command
EXIT_CODES: dict[str, dict[int, str]] = {
    "build": {
        EXIT_OK: "every article published",
        EXIT_VIOLATIONS: "published, but some articles were rejected (each listed with file "
        "and reason) or the dumps failed",
        EXIT_ERROR: "nothing published (error), the served version untouched",
        EXIT_PUSH_FAILED: _PUSH,
    },
    "add": {
        EXIT_OK: "every file published (or identical to what is published: no new version)",
        EXIT_VIOLATIONS: "published, but some were rejected or the dumps failed",
        EXIT_ERROR: "nothing published, the served version untouched",
        EXIT_PUSH_FAILED: _PUSH,
    },
    "remove": {
        EXIT_OK: "published",
        EXIT_VIOLATIONS: "published, but the dumps failed",
        EXIT_ERROR: "nothing published (unknown id, nothing published, store locked)",
        EXIT_PUSH_FAILED: _PUSH,
    },
    "versions": {
        EXIT_OK: "listed",
        EXIT_ERROR: "no store directory",
    },
    "rollback": {
        EXIT_OK: "published",
        EXIT_VIOLATIONS: "published, but its dumps could not be written",
        EXIT_ERROR: "nothing changed (unknown version, damaged version, no store, store locked)",
        EXIT_PUSH_FAILED: _PUSH,
    },
    "verify": {
        EXIT_OK: "every kept version intact",
        EXIT_VIOLATIONS: "some kept version damaged (each listed with its files, the versions "
        "sharing them and what can restore the published one)",
        EXIT_ERROR: "nothing to verify (no store directory, no versions)",
    },
    "push": {
        EXIT_OK: "pushed (or nothing to send)",
        EXIT_ERROR: "error (not a triple store, nothing published locally)",
        EXIT_PUSH_FAILED: "the push failed (run it again)",
    },
    "extract": {
        EXIT_OK: "printed",
        EXIT_ERROR: "the article could not be read",
    },
    "read": {
        EXIT_OK: "every file read and shown",
        EXIT_VIOLATIONS: "some file could not be read or is not an article (each listed with "
        "file and reason; the others shown)",
        EXIT_ERROR: "usage error (no file given)",
    },
    "validate": {
        EXIT_OK: "conforms",
        EXIT_VIOLATIONS: "violations (each printed: focus node, path, message)",
        EXIT_ERROR: "error (unreadable file, no store)",
    },
    "eval": {
        EXIT_OK: 'scored, whether or not the targets are met (see "targets:" in the output)',
        EXIT_ERROR: "error (no gold directory, no article with a gold file, an unreadable "
        "gold file)",
    },
    "dump": {
        EXIT_OK: "written",
        EXIT_ERROR: "error (nothing published, directory not writable)",
    },
    "serve": {
        EXIT_OK: "stopped (SIGINT or SIGTERM)",
        EXIT_ERROR: "not started: nothing published, unusable settings, or the address is in use",
    },
}

USAGE_ERROR = "Every command exits 2 on a usage error (an unknown option, a bad value)."


def exit_code(exc: NewskgError) -> int:
    """The exit code for a failure ``exc``: a failed push to a triple store exits 3 (the
    version is published locally), any other explained failure 2 (nothing changed)."""
    from newskg.backends import PushError

    return EXIT_PUSH_FAILED if isinstance(exc, PushError) else EXIT_ERROR


def fail(message: str, code: int = EXIT_ERROR) -> NoReturn:
    """Print ``error: message`` in red on stderr and exit with ``code``."""
    click.secho(f"error: {message}", fg="red", err=True)
    sys.exit(code)


class Command(click.Command):
    """A newskg command: its help ends with its row of :data:`EXIT_CODES`, and a
    :class:`~newskg.errors.NewskgError` it lets through is printed and exits with
    :func:`exit_code`."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        codes = EXIT_CODES.get(self.name or "", {})
        if codes:
            with formatter.section("Exit codes"):
                formatter.write_dl([(str(code), meaning) for code, meaning in codes.items()])
        super().format_epilog(ctx, formatter)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except NewskgError as exc:
            fail(str(exc), exit_code(exc))


class Group(click.Group):
    """The ``newskg`` group: its commands are :class:`Command` and its help ends with the
    whole :data:`EXIT_CODES` table."""

    command_class = Command

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        with formatter.section("Exit codes"):
            formatter.write_text(USAGE_ERROR)
            formatter.write_dl(
                [
                    (name, "; ".join(f"{code} {meaning}" for code, meaning in codes.items()))
                    for name, codes in EXIT_CODES.items()
                ]
            )
        super().format_epilog(ctx, formatter)
