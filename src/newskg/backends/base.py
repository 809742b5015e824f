"""The seam for where the dataset lives: :class:`Backend`, what every caller asks of it, and
:class:`PublishedStore`, what a web server asks of the version it serves.

A ``--store`` setting names a store directory (:class:`newskg.backends.local.LocalBackend`) or
an existing triple store, ``sparql+http://…`` (:class:`newskg.backends.remote.backend.
RemoteBackend`); :func:`newskg.backends.backend_for` reads the setting once and the callers
(the CLI, the publishing pipeline, the server) ask the backend, never the setting: where
versions are built and published, the published version, what follows a publish, and the
published store a server reads and queries (:class:`PublishedStore`, one implementation per
backend, sharing the version swap and the per-version cache defined here).

This module imports neither Flask nor an HTTP client: the CLI pays only for what it uses.
"""

from __future__ import annotations

import os
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newskg.backends.versions import Version, published

if TYPE_CHECKING:
    from newskg.errors import APIError
    from newskg.sparql.answers import Answer, QueryRequest

StoreSetting = str | os.PathLike[str]


@dataclass
class PushReport:
    """What a push to a triple store did (:meth:`Backend.after_publish`, ``newskg push``)."""

    store: str
    version: str
    sent: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0
    seconds: float = 0.0

    def __str__(self) -> str:
        sent = len(self.sent)
        return (
            f"pushed version {self.version} to {self.store}: {sent} "
            f"graph{'' if sent == 1 else 's'} sent, {self.unchanged} unchanged, "
            f"{len(self.deleted)} deleted ({self.seconds:.1f} s)"
        )


class Backend(ABC):
    """Where the dataset of one ``--store`` setting lives. Errors are
    :class:`newskg.backends.versions.StoreError` (a failed push:
    :class:`newskg.backends.remote.errors.PushError`)."""

    #: How messages name the place: "the store directory", "the triple store".
    where: str

    def __init__(self, setting: StoreSetting) -> None:
        self.setting = setting

    @abstractmethod
    def store_dir(self, *, check: bool = False) -> StoreSetting:
        """The directory versions are built and published in (a store directory laid out as
        :mod:`newskg.backends.versions` says). With ``check`` the dataset's place must answer
        first, so that a build fails at once, not after minutes of work."""

    @abstractmethod
    def open_published(self, config: Mapping[str, Any] | None = None) -> tuple[Version, Any]:
        """The published version and a store to read it with the methods of
        ``pyoxigraph.Store`` newskg's readers use (dumps, validation)."""

    @abstractmethod
    def after_publish(
        self, version: Version, config: Mapping[str, Any] | None = None
    ) -> PushReport | None:
        """Called right after ``version`` was published in :meth:`store_dir`: what has to
        follow it does (a triple store is pushed to; :class:`PushError` when that fails, the
        version staying published locally). None when nothing had to."""

    @abstractmethod
    def push(self, config: Mapping[str, Any] | None = None) -> PushReport:
        """``newskg push``: send the published version again."""

    @abstractmethod
    def check_servable(self, config: Mapping[str, Any]) -> None:
        """Raise a StoreError when a server would have nothing to serve (before it starts)."""

    def published_base(self) -> str | None:
        """The base IRI the published version mints under, as its summary records it (None
        when nothing is published here, or it records none)."""
        version = published(self.store_dir())
        return version.summary().get("base_iri") if version is not None else None

    @abstractmethod
    def portable_setting(self) -> str:
        """The setting as another process in another working directory reads it the same."""

    @abstractmethod
    def published_store(self, config: Mapping[str, Any], check_interval: float) -> PublishedStore:
        """What a web server reads and queries (:class:`PublishedStore`): it follows each
        publish within ``check_interval`` seconds."""


class PublishedStore(ABC):
    """The published version of one dataset and a store to read it, kept current, as a web
    server serves it (:mod:`newskg.backends.published` keeps one on the app).

    Opening a store costs milliseconds and file handles (or a round trip to a triple store),
    so it is opened once per worker process and kept; a new version is looked for at most
    once per ``check_interval`` seconds and switched to, while requests still using the old
    store object keep it alive until they finish. Values derived from a version (the home
    page's counts, VoID statistics) are cached per version: a published version never
    changes."""

    def __init__(self, store_dir: str | os.PathLike[str], check_interval: float) -> None:
        #: Where versions (and their dumps) are kept: a store directory or a staging one.
        self.store_dir = Path(store_dir)
        self.check_interval = check_interval
        self._lock = threading.Lock()  # each worker serves requests from several threads
        self._checked_at = float("-inf")
        self._version: Version | None = None
        self._store: Any = None
        self._cache: dict[tuple[str, str], Any] = {}  # (version, key) -> derived value

    def get(self) -> tuple[Version, Any]:
        """The published version and its store, consistent with each other; raises the
        ``APIError`` (503, 502) that says why there is none."""
        now = time.monotonic()
        with self._lock:
            if now - self._checked_at >= self.check_interval or self._store is None:
                self._checked_at = now
                self._refresh()
            if self._version is None or self._store is None or self._unusable():
                raise self._unavailable()
            return self._version, self._store

    def cached(self, key: str, compute: Callable[[Any], Any]) -> Any:
        """``compute(store)`` once per published version: a published version never changes,
        so values derived from it stay valid until the next publish."""
        version, store = self.get()
        slot = (version.id, key)
        if slot not in self._cache:
            # Computed outside the lock so a slow count does not hold up other requests; two
            # threads may both compute it once, which is harmless.
            self._cache[slot] = compute(store)
        return self._cache[slot]

    def _serve(self, version: Version | None, store: Any) -> None:
        """From now on serve ``version`` (None: nothing); values cached for another go."""
        if version is None or self._version is None or version.id != self._version.id:
            self._cache = {}
        self._version, self._store = version, store

    @property
    def served(self) -> Version | None:
        return self._version

    def health(self) -> dict[str, Any]:
        """What ``/healthz`` adds to its answer ({} when all is well)."""
        return {}

    #: Errors of this store that may mean something to a client: the web app answers them
    #: with :meth:`answer_error` (:func:`newskg.web.http.errors.register_store_errors`).
    error_types: tuple[type[Exception], ...] = ()

    def answer_error(self, exc: Exception) -> APIError | None:
        """What ``exc`` (one of :attr:`error_types`) tells the client, or None when it is an
        unexpected error (answered 500)."""
        return None

    @abstractmethod
    def _refresh(self) -> None:
        """Look for a newly published version (called under the lock) and serve it."""

    def _unusable(self) -> bool:
        """Whether the version held must not be answered from now (under the lock)."""
        return False

    @abstractmethod
    def _unavailable(self) -> Exception:
        """The error that says why nothing can be served (under the lock)."""

    @abstractmethod
    def execute(self, version: Version, request: QueryRequest) -> Answer:
        """Answer ``request`` from ``version`` as :meth:`newskg.sparql.engine.Engine.execute`
        does (the same errors, the same bounds)."""

    def lookup(self, version: Version, request: QueryRequest) -> Answer | None:
        """A point lookup answered in this process (:mod:`newskg.sparql.lookup`), or None
        when :meth:`execute` must answer ``request``."""
        return None
