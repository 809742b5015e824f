"""The root of newskg's typed errors.

Every error that tells the user something is wrong with their input, their store or their
settings (and what to do about it) derives from :class:`NewskgError`: an unreadable article
(:class:`newskg.extraction.reader.ArticleError`), an unusable store
(:class:`newskg.backends.versions.StoreError`, and through it the triple-store errors of
:mod:`newskg.backends.remote.errors`), a build that published nothing
(:class:`newskg.publishing.results.BuildError`), an unreadable RDF file
(:class:`newskg.publishing.validation.RDFFileError`), failed dumps, a bad gold file, a server
that cannot start, a malformed example query, an unknown format, a missing data file.

So one ``except NewskgError`` tells a known, explained failure from a bug, and the command
line turns them into exit codes in one place (:func:`newskg.cli.exit_codes.exit_code`).
Some also derive from ``ValueError`` where callers have always caught that; their messages
are the whole report: they say what is wrong and how to fix it.
"""

from __future__ import annotations


class NewskgError(Exception):
    """A failure newskg explains: the message says what is wrong and how to fix it."""


class APIError(NewskgError):
    """An error a client of the server sees: HTTP status, what went wrong, how to fix it.

    Raised by the query engines and backends as well as by views, so it lives here, free of
    Flask; :mod:`newskg.web.http.errors` renders it in the one error shape."""

    def __init__(
        self,
        status: int,
        message: str,
        hint: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.hint = hint
        self.headers = headers or {}
