"""A dataset on an existing triple store (``--store sparql+http://…``): :class:`RemoteBackend`.

Versions are built and published in the store's staging directory (:mod:`.staging`); after
each publish the version is pushed (:mod:`.pushing`); readers find the published version in
the remote's marker (:mod:`.marker`) and read it through :class:`.published.RemoteStore`; a
server queries the remote itself (:mod:`.served`, :mod:`.engine`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newskg.backends import versions as store
from newskg.backends.base import Backend, PublishedStore, PushReport
from newskg.backends.remote.client import connect
from newskg.backends.remote.errors import RemoteError
from newskg.backends.remote.marker import RemoteVersion
from newskg.backends.remote.published import RemoteStore
from newskg.backends.remote.pushing import push
from newskg.backends.remote.staging import staging_dir
from newskg.backends.remote.target import Target


class RemoteBackend(Backend):
    """The dataset of a ``sparql+http(s)://…`` store setting."""

    where = "the triple store"

    def __init__(self, setting: str) -> None:
        super().__init__(setting)
        self.url = setting
        self.target = Target.parse(setting)  # a RemoteError for a malformed URL, at once

    def store_dir(self, *, check: bool = False) -> str:
        return str(staging_dir(self.target, check=check))

    def open_published(
        self, config: Mapping[str, Any] | None = None
    ) -> tuple[RemoteVersion, RemoteStore]:
        client = connect(self.url, config)
        version = client.published()
        if version is None:
            raise RemoteError(
                f"the triple store at {client.target.base} holds no newskg version",
                f"Publish one with `newskg build --store {self.url}`.",
                status=503,
            )
        return version, RemoteStore(client, version)

    def after_publish(
        self, version: store.Version, config: Mapping[str, Any] | None = None
    ) -> PushReport:
        return push(connect(self.url, config), Path(self.store_dir()), version)

    def push(self, config: Mapping[str, Any] | None = None) -> PushReport:
        staging = self.store_dir()
        version = store.published(staging)
        if version is None:
            raise RemoteError(
                f"nothing is published in the staging directory {staging}",
                f"Run `newskg build --store {self.url}` first.",
            )
        return push(connect(self.url, config), Path(staging), version)

    def check_servable(self, config: Mapping[str, Any]) -> None:
        self.open_published(config)  # reachable, and it holds a version

    def portable_setting(self) -> str:
        return self.url

    def published_store(self, config: Mapping[str, Any], check_interval: float) -> PublishedStore:
        from newskg.backends.remote.served import RemotePublishedStore

        return RemotePublishedStore(self.url, config, check_interval)
