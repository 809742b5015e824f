"""The published store, opened read-only once per process and swapped when a build publishes.

Opening RocksDB costs milliseconds and file handles, so the store lives on the app (one per
worker process), not on ``g``. A build publishes by atomically re-pointing the ``current``
symlink; :class:`PublishedStore` reads that link at most once per ``STORE_CHECK_INTERVAL``
seconds and opens the new version when it changed. Requests still using the old store object
keep it alive until they finish; after that it is simply dropped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
from flask import Flask, current_app

from newskg.remote import is_remote
from newskg.store import CURRENT, StoreError, Version, published
from server.errors import APIError

EXTENSION = "newskg.store"
CHECK_INTERVAL = 1.0  # seconds between readlinks of `current`; STORE_CHECK_INTERVAL overrides

_NOT_PUBLISHED = "no published dataset: run newskg build"


class PublishedStore:
    """The read-only store of the published version of one store directory."""

    def __init__(self, store_dir: str | os.PathLike[str], check_interval: float = CHECK_INTERVAL
                 ) -> None:
        self.store_dir = Path(store_dir)
        self.check_interval = check_interval
        self._lock = threading.Lock()  # each worker serves requests from several threads
        self._target: str | None = None  # the symlink text `current` had when last opened
        self._checked_at = float("-inf")
        self._version: Version | None = None
        self._store: pyoxigraph.Store | None = None
        self._cache: dict[tuple[str, str], Any] = {}  # (version, key) -> derived value

    def get(self) -> tuple[Version, pyoxigraph.Store]:
        """The published version and its store; raises :class:`APIError` 503 if there is none."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked_at >= self.check_interval or self._store is None:
                self._checked_at = now
                self._refresh()
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
            raise APIError(503, f"the store's `current` link is unusable: {exc}",
                           "Rebuild the store with `newskg build`.") from exc
        if target == self._target and self._store is not None:
            return
        if target is None:
            self._target, self._version, self._store = None, None, None
            return
        version = published(self.store_dir)
        if version is None:  # unpublished between readlink and here
            self._target, self._version, self._store = None, None, None
            return
        try:
            store = pyoxigraph.Store.read_only(str(version.path))
        except OSError as exc:
            # A build may have removed an old version as we looked; keep serving what we have
            # and try again at the next check.
            if self._store is not None:
                return
            raise APIError(503, f"cannot open dataset version {version.id}",
                           "Try again shortly; if it persists, rebuild with `newskg build`.",
                           headers={"Retry-After": "5"}) from exc
        except StoreError as exc:
            raise APIError(503, str(exc)) from exc
        self._target, self._version, self._store = target, version, store
        self._cache = {}


def init_app(app: Flask) -> None:
    """Attach the (not yet opened) published store of ``app.config["STORE"]`` to ``app``."""
    interval = float(app.config.get("STORE_CHECK_INTERVAL", CHECK_INTERVAL))
    if is_remote(app.config["STORE"]):  # sparql+http://…: an existing triple store
        from server import remote_engine

        remote_engine.init_app(app, interval)
        return
    app.extensions[EXTENSION] = PublishedStore(app.config["STORE"], interval)


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
