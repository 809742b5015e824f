"""The published store a web server reads and queries: one per app, kept on it.

The app's :class:`newskg.backends.base.PublishedStore` comes from the backend of its
``STORE`` setting (:meth:`newskg.backends.base.Backend.published_store`): a store directory's
(:mod:`newskg.backends.local_published`: damaged versions are never served) or a triple
store's (:mod:`newskg.backends.remote.served`: its marker names the version). Both follow
each publish by themselves, run a query (:meth:`~newskg.backends.base.PublishedStore.execute`)
and may answer a point lookup in this process
(:meth:`~newskg.backends.base.PublishedStore.lookup`); the pages, the endpoint and the dumps
only ever ask the app's published store (:func:`published_store`).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app

from newskg.backends.base import Backend, PublishedStore
from newskg.backends.versions import Version

__all__ = [
    "CHECK_INTERVAL",
    "EXTENSION",
    "PublishedStore",
    "get_published",
    "get_store",
    "get_version",
    "init_app",
    "published_store",
]

EXTENSION = "newskg.published_store"  # the one key the app keeps its published store under
CHECK_INTERVAL = 1.0  # seconds between looks for a new version; STORE_CHECK_INTERVAL overrides


def init_app(app: Flask, backend: Backend) -> None:
    """Attach ``backend``'s published store to ``app`` (opened at the first request)."""
    interval = float(app.config.get("STORE_CHECK_INTERVAL", CHECK_INTERVAL))
    published = backend.published_store(dict(app.config), interval)
    app.extensions[EXTENSION] = published


def published_store() -> PublishedStore:
    """The current app's :class:`PublishedStore`."""
    store: PublishedStore = current_app.extensions[EXTENSION]
    return store


def get_published() -> tuple[Version, Any]:
    """The published version and its store, consistent with each other (503 if none)."""
    return published_store().get()


def get_store() -> Any:
    """The read-only store of the published version (503 if none)."""
    return published_store().get()[1]


def get_version() -> Version:
    """The published version being served (503 if none)."""
    return published_store().get()[0]
