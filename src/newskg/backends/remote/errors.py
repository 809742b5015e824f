"""The errors of a remote triple store: :class:`RemoteError` and its kinds, each with the
HTTP status a web server answers its client with."""

from __future__ import annotations

from newskg.backends import versions as store


class RemoteError(store.StoreError):
    """The remote triple store cannot be used. ``status`` is what a web server answers its
    client: 502 (the remote failed or refused), 503 (time limit), 400 (it refused the query)."""

    def __init__(self, message: str, hint: str | None = None, status: int = 502) -> None:
        super().__init__(f"{message}. {hint}" if hint else message)
        self.message = message
        self.hint = hint
        self.status = status


class RemoteTimeout(RemoteError):
    def __init__(self, seconds: float) -> None:
        super().__init__(
            f"the triple store did not answer within the time limit of {seconds:g} s; newskg "
            "stopped waiting, but the triple store may still be running the query",
            "Make the query more selective (bind a subject or a type, add LIMIT), or run it "
            "on a dump on your own machine; nothing was truncated.",
            status=503,
        )
        self.seconds = seconds


class PushError(RemoteError):
    """Publishing to the remote failed part way: the local version is published, the remote
    may hold a mix until a push succeeds (``newskg push``)."""
