"""The published store, opened read-only once per process and swapped when a build publishes.

Opening RocksDB costs milliseconds and file handles, so the store lives on the app (one per
worker process), not on ``g``. A build publishes by atomically re-pointing the ``current``
symlink; :class:`PublishedStore` reads that link at most once per ``STORE_CHECK_INTERVAL``
seconds and opens the new version when it changed. Requests still using the old store object
keep it alive until they finish; after that it is simply dropped.

A damaged version (files that differ from those its summary recorded, a store that does not
open, or a storage error while serving) is never served: the server keeps serving the version
it had, or else the newest intact kept one, logs it, and ``/healthz`` says ``degraded``,
naming the damaged version and the one served, until a build or rollback publishes another.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
from flask import Flask, current_app

from newskg.backends.remote import is_remote
from newskg.backends.versions import (
    CURRENT,
    DamagedVersion,
    StoreError,
    Version,
    open_version,
    published,
    versions,
)
from newskg.web.http.errors import APIError

log = logging.getLogger(__name__)

EXTENSION = "newskg.backends.versions"
CHECK_INTERVAL = 1.0  # seconds between readlinks of `current`; STORE_CHECK_INTERVAL overrides

_NOT_PUBLISHED = "no published dataset: run newskg build"


class PublishedStore:
    """The read-only store of the published version of one store directory."""

    def __init__(
        self, store_dir: str | os.PathLike[str], check_interval: float = CHECK_INTERVAL
    ) -> None:
        self.store_dir = Path(store_dir)
        self.check_interval = check_interval
        self._lock = threading.Lock()  # each worker serves requests from several threads
        self._target: str | None = None  # the symlink text `current` had when last opened
        self._checked_at = float("-inf")
        self._version: Version | None = None
        self._store: pyoxigraph.Store | None = None
        self._cache: dict[tuple[str, str], Any] = {}  # (version, key) -> derived value
        self._damaged: dict[str, str] | None = None  # {"version", "problem"} of the published

    def get(self) -> tuple[Version, pyoxigraph.Store]:
        """The published version and its store; raises :class:`APIError` 503 if there is none."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked_at >= self.check_interval or self._store is None:
                self._checked_at = now
                self._refresh()
            if (self._store is None or self._version is None) and self._damaged:
                raise APIError(
                    503,
                    f"the published version {self._damaged['version']} is damaged and "
                    "no kept version is intact",
                    f"`newskg verify --store {self.store_dir}` lists the damage; `newskg build` "
                    "writes a new version from the articles and the kept sources.",
                    headers={"Retry-After": "10"},
                )
            if self._store is None or self._version is None:
                raise APIError(
                    503,
                    _NOT_PUBLISHED,
                    f"Build and publish a dataset into {self.store_dir} with "
                    f"`newskg build --store {self.store_dir}`; this server picks it up by itself.",
                    headers={"Retry-After": "10"},
                )
            return self._version, self._store

    def cached(self, key: str, compute: Callable[[pyoxigraph.Store], Any]) -> Any:
        """``compute(store)`` once per published version: a published version never changes,
        so values derived from it (the home page's counts) stay valid until the next publish."""
        version, store = self.get()
        slot = (version.id, key)
        if slot not in self._cache:
            # Computed outside the lock so a slow count does not hold up other requests; two
            # threads may both compute it once, which is harmless.
            self._cache[slot] = compute(store)
        return self._cache[slot]

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
            self._target, self._version, self._store = None, None, None
            return
        version = published(self.store_dir)
        if version is None:  # unpublished between readlink and here
            self._target, self._version, self._store = None, None, None
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
        self._target, self._version, self._store = target, version, store
        self._damaged, self._cache = None, {}

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
        self._version, self._store, self._cache = None, None, {}
        for candidate in reversed(versions(self.store_dir)):
            if candidate.id == version.id:
                continue
            try:
                self._store = open_version(candidate)
            except DamagedVersion as exc:
                log.error("version %s is damaged too: %s", candidate.id, exc.problem)
                continue
            self._version = candidate
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

    @property
    def served(self) -> Version | None:
        return self._version

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


def init_app(app: Flask) -> None:
    """Attach the (not yet opened) published store of ``app.config["STORE"]`` to ``app``."""
    interval = float(app.config.get("STORE_CHECK_INTERVAL", CHECK_INTERVAL))
    if is_remote(app.config["STORE"]):  # sparql+http://…: an existing triple store
        from newskg.backends.remote import engine as remote_engine

        remote_engine.init_app(app, interval)
        return
    app.extensions[EXTENSION] = PublishedStore(app.config["STORE"], interval)
    app.register_error_handler(RuntimeError, _storage_error)
    app.register_error_handler(OSError, _storage_error)


class StorageFailure(RuntimeError):
    """A query process met a storage error (src/newskg/sparql/engine.py raises it with its
    message)."""


def is_storage_failure(message: str) -> bool:
    """Whether an error message is RocksDB's for damaged or unreadable files."""
    return message.removeprefix("RuntimeError: ").startswith(("Corruption", "IO error"))


def _storage_error(exc: Exception) -> Any:
    """A RocksDB error while serving ("Corruption: …", "IO error: …"): if the served version
    is damaged, another is served from now on and this request gets a 503 to retry; any other
    error is answered as every unexpected one is."""
    from newskg.web.http.errors import _handle_unexpected, error_response

    # A client that hung up or a missing file is no sign of a damaged store: only RocksDB's
    # own errors are worth re-checking the served version for.
    storage = not isinstance(exc, ConnectionError | FileNotFoundError) and (
        isinstance(exc, OSError) or is_storage_failure(str(exc))
    )
    if storage and published_store().check_after_error():
        served = published_store().served
        return error_response(
            503,
            "the dataset version being served turned out to be damaged",
            f"Retry: this server now serves {served.id if served else 'no version'}.",
            {"Retry-After": "1"},
        )
    return _handle_unexpected(exc)


def published_store() -> PublishedStore:
    """The current app's :class:`PublishedStore`."""
    return current_app.extensions[EXTENSION]


def get_published() -> tuple[Version, pyoxigraph.Store]:
    """The published version and its store, consistent with each other (503 if none)."""
    return published_store().get()


def get_store() -> pyoxigraph.Store:
    """The read-only pyoxigraph store of the published version (503 if none)."""
    return published_store().get()[1]


def get_version() -> Version:
    """The published version being served (503 if none)."""
    return published_store().get()[0]
