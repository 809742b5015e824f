"""The published version of a store directory, as a web server serves it.

A build publishes by atomically re-pointing the ``current`` symlink; :class:`LocalPublishedStore`
reads that link at most once per ``STORE_CHECK_INTERVAL`` seconds and opens the new version
read-only when it changed (the swap itself: :class:`newskg.backends.base.PublishedStore`).

A damaged version (files that differ from those its summary recorded, a store that does not
open, or a storage error while serving) is never served: the server keeps serving the version
it had, or else the newest intact kept one, logs it, and ``/healthz`` says ``degraded``,
naming the damaged version and the one served, until a build or rollback publishes another.

Queries run in the app's query processes (:mod:`newskg.sparql.engine`); a point lookup is
answered here, in the web worker, from the store already open (:mod:`newskg.sparql.lookup`).
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Mapping
from typing import Any

from newskg.backends.base import PublishedStore
from newskg.backends.versions import (
    CURRENT,
    DamagedVersion,
    StoreError,
    Version,
    open_version,
    published,
    versions,
)
from newskg.errors import APIError
from newskg.sparql import engine, lookup
from newskg.sparql.answers import Answer, QueryRequest, spent

log = logging.getLogger(__name__)

_NOT_PUBLISHED = "no published dataset: run newskg build"


class LocalPublishedStore(PublishedStore):
    """The read-only store of the published version of one store directory."""

    def __init__(
        self,
        store_dir: str | os.PathLike[str],
        check_interval: float,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(store_dir, check_interval)
        self._config = dict(config or {})
        self._engine: engine.Engine | None = None
        # Locked: threads that all found none at once each made an engine of their own, and a
        # burst of first queries ran on twice the query processes (issue 11).
        self._engine_lock = threading.Lock()
        self._target: str | None = None  # the symlink text `current` had when last opened
        self._damaged: dict[str, str] | None = None  # {"version", "problem"} of the published

    def _unavailable(self) -> APIError:
        if self._damaged:
            return APIError(
                503,
                f"the published version {self._damaged['version']} is damaged and "
                "no kept version is intact",
                f"`newskg verify --store {self.store_dir}` lists the damage; `newskg build` "
                "writes a new version from the articles and the kept sources.",
                headers={"Retry-After": "10"},
            )
        return APIError(
            503,
            _NOT_PUBLISHED,
            f"Build and publish a dataset into {self.store_dir} with "
            f"`newskg build --store {self.store_dir}`; this server picks it up by itself.",
            headers={"Retry-After": "10"},
        )

    def _refresh(self) -> None:
        """Re-read the ``current`` symlink (called under the lock) and reopen if it moved."""
        try:
            target = os.readlink(self.store_dir / CURRENT)
        except FileNotFoundError:
            target = None
        except OSError as exc:
            raise APIError(
                503,
                f"the store's `current` link is unusable: {exc}",
                "Rebuild the store with `newskg build`.",
            ) from exc
        if target == self._target and (self._store is not None or self._damaged):
            return  # a damaged version is not tried again until `current` moves
        if target is None:
            self._target = None
            self._serve(None, None)
            return
        version = published(self.store_dir)
        if version is None:  # unpublished between readlink and here
            self._target = None
            self._serve(None, None)
            return
        if not version.path.is_dir():
            # A build may have removed an old version as we looked; keep serving what we have
            # and try again at the next check.
            if self._store is not None:
                return
            raise APIError(
                503,
                f"cannot open dataset version {version.id}",
                "Try again shortly; if it persists, rebuild with `newskg build`.",
                headers={"Retry-After": "5"},
            )
        try:
            store = open_version(version)
        except DamagedVersion as exc:
            self._target = target
            self._mark_damaged(version, exc.problem)
            return
        except StoreError as exc:
            raise APIError(503, str(exc)) from exc
        self._target, self._damaged = target, None
        self._serve(version, store)

    def _mark_damaged(self, version: Version, problem: str) -> None:
        """Stop serving ``version``: keep the version served so far if it is another one,
        else fall back to the newest intact kept version (called under the lock)."""
        self._damaged = {"version": version.id, "problem": problem}
        log.error(
            "version %s of %s is damaged and is not served: %s; `newskg verify` says "
            "what can restore it",
            version.id,
            self.store_dir,
            problem,
        )
        if self._version is not None and self._version.id != version.id:
            log.warning("still serving version %s", self._version.id)
            return
        self._serve(None, None)
        for candidate in reversed(versions(self.store_dir)):
            if candidate.id == version.id:
                continue
            try:
                store = open_version(candidate)
            except DamagedVersion as exc:
                log.error("version %s is damaged too: %s", candidate.id, exc.problem)
                continue
            self._serve(candidate, store)
            log.warning("serving version %s, the newest intact one, instead", candidate.id)
            return
        log.error("no kept version of %s is intact: nothing is served", self.store_dir)

    def check_after_error(self) -> bool:
        """After a storage error while serving: whether the served version is damaged (and
        another is now served, if any is intact)."""
        with self._lock:
            version = self._version
            if version is None:
                return False
            try:
                open_version(version)
            except DamagedVersion as exc:
                self._mark_damaged(version, exc.problem)
                return True
            return False

    def health(self) -> dict[str, Any]:
        """{} when the published version is served; else what ``/healthz`` adds: status
        ``degraded``, the damaged version and why."""
        if not self._damaged:
            return {}
        return {
            "status": "degraded",
            "damaged": self._damaged,
            "hint": "The published version is damaged and is not served; "
            "`newskg verify` says what can restore it.",
        }

    error_types = (RuntimeError, OSError)

    def answer_error(self, exc: Exception) -> APIError | None:
        """A RocksDB error while serving ("Corruption: …", "IO error: …"): if the served
        version is damaged, another is served from now on and this request gets a 503 to
        retry; any other error is unexpected."""
        # A client that hung up or a missing file is no sign of a damaged store: only RocksDB's
        # own errors are worth re-checking the served version for.
        storage = not isinstance(exc, ConnectionError | FileNotFoundError) and (
            isinstance(exc, OSError) or engine.is_storage_failure(str(exc))
        )
        if not (storage and self.check_after_error()):
            return None
        served = self.served
        return APIError(
            503,
            "the dataset version being served turned out to be damaged",
            f"Retry: this server now serves {served.id if served else 'no version'}.",
            {"Retry-After": "1"},
        )

    def execute(self, version: Version, request: QueryRequest) -> Answer:
        return self.engine().execute(version.path, request)

    def engine(self) -> engine.Engine:
        """This server's query processes (one engine per web worker; started lazily)."""
        if self._engine is None:
            with self._engine_lock:
                if self._engine is None:
                    self._engine = engine.engine_for(self._config)
        return self._engine

    def lookup(self, version: Version, request: QueryRequest) -> Answer | None:
        if not lookup.eligible(request.query, request.dataset):
            return None
        served, store = self.get()
        if served.id != version.id:
            return None  # a new version was published since the request began
        started = time.monotonic()
        try:
            return lookup.execute(store, request)
        finally:
            spent(time.monotonic() - started)
