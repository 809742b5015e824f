"""A dataset in a store directory on this machine: :class:`LocalBackend`.

The directory is the versioned store itself (:mod:`newskg.backends.versions`); a server opens
its published version read-only (:mod:`newskg.backends.local_published`) and runs queries in
its query processes (:mod:`newskg.sparql.engine`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pyoxigraph

from newskg.backends import versions as store
from newskg.backends.base import Backend, PublishedStore, PushReport, StoreSetting


class LocalBackend(Backend):
    """The dataset of a store directory setting."""

    where = "the store directory"

    def store_dir(self, *, check: bool = False) -> StoreSetting:
        return self.setting

    def open_published(
        self, config: Mapping[str, Any] | None = None
    ) -> tuple[store.Version, pyoxigraph.Store]:
        return store.open_published(self.setting)

    def after_publish(
        self, version: store.Version, config: Mapping[str, Any] | None = None
    ) -> PushReport | None:
        # The directory may be a triple store's staging directory, given as --store itself:
        # the remote it records follows its publishes, as when the store URL is given.
        from newskg.backends.remote.pushing import push_recorded

        return push_recorded(self.setting, version, config)

    def push(self, config: Mapping[str, Any] | None = None) -> PushReport:
        raise store.StoreError(
            f"{self.setting} is a local store; only a remote store (sparql+http://…) is pushed to"
        )

    def check_servable(self, config: Mapping[str, Any]) -> None:
        """Only the ``current`` link is checked: opening RocksDB here, before the server
        forks its workers, would start its background threads in the master, which forked
        workers must not inherit."""
        version = store.published(self.setting)
        if version is None:
            raise store.StoreError(
                f"no published dataset in {self.setting}: run "
                f"`newskg build --store {self.setting}` first"
            )
        if not version.path.is_dir():
            raise store.StoreError(
                f"{self.setting}/current points to {version.path}, which does not exist; "
                f"rebuild with `newskg build --store {self.setting}`"
            )

    def portable_setting(self) -> str:
        return str(Path(self.setting).resolve())

    def published_store(self, config: Mapping[str, Any], check_interval: float) -> PublishedStore:
        from newskg.backends.local_published import LocalPublishedStore

        return LocalPublishedStore(self.setting, check_interval, config)
