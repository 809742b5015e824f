"""The published version of a triple store, as a web server serves it:
:class:`RemotePublishedStore`.

The published version is the one the remote's version marker names (read at most once per
``STORE_CHECK_INTERVAL``; the swap itself: :class:`newskg.backends.base.PublishedStore`),
and the store handed to the pages, VoID and dumps is a
:class:`newskg.backends.remote.published.RemoteStore`. Queries are proxied to the remote
(:mod:`newskg.backends.remote.engine`); no point lookup is answered in this process, which
holds no store. While the remote cannot be reached every request answers 502, so that
``/healthz`` tells a load balancer to look elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from newskg.backends.base import PublishedStore
from newskg.backends.remote import engine
from newskg.backends.remote.client import connect
from newskg.backends.remote.errors import RemoteError
from newskg.backends.remote.published import RemoteStore
from newskg.backends.versions import Version
from newskg.errors import APIError
from newskg.sparql.answers import Answer, QueryRequest

log = logging.getLogger(__name__)


class RemotePublishedStore(PublishedStore):
    """The version a remote store's marker names, and a :class:`RemoteStore` to read it."""

    def __init__(self, url: str, config: Mapping[str, Any], check_interval: float) -> None:
        self.client = connect(url, config)
        # Dumps written by `newskg build` / `newskg dump` for this remote live here.
        super().__init__(self.client.target.staging, check_interval)
        self.url = url
        self._failure: RemoteError | None = None  # the last marker poll's, until the next
        engine.start_parsing()  # queries are parsed on a deep stack

    def _refresh(self) -> None:
        self._failure = None
        try:
            version = self.client.published()
        except RemoteError as exc:
            self._failure = exc
            return
        if version is None:
            self._serve(None, None)
        elif self._version is None or version.id != self._version.id:
            self._serve(version, RemoteStore(self.client, version))

    def _unusable(self) -> bool:
        return self._failure is not None

    def _unavailable(self) -> Exception:
        if self._failure is not None:
            return self._failure
        return APIError(
            503,
            "no published dataset: the triple store holds no newskg version",
            f"Publish one with `newskg build --store {self.url}`; this "
            "server picks it up by itself.",
            headers={"Retry-After": "10"},
        )

    error_types = (RemoteError,)

    def answer_error(self, exc: Exception) -> APIError | None:
        """A triple store's error, in the one shape (its status, message and hint)."""
        if not isinstance(exc, RemoteError):
            return None
        if exc.status >= 500:
            log.warning("triple store: %s", exc)
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        return APIError(exc.status, exc.message, exc.hint, headers)

    def execute(self, version: Version, request: QueryRequest) -> Answer:
        return engine.execute(self.client, request)
