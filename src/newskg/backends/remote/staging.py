"""The staging directory a remote store's versions are built and published in, and the
records it keeps (``remote.json``: the remote; ``pushed.json``: what the remote holds)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from newskg.backends.remote.client import connect
from newskg.backends.remote.errors import RemoteError
from newskg.backends.remote.target import Target, is_remote

RECORD = "remote.json"  # in a staging directory: the remote store its versions are pushed to
PUSHED = "pushed.json"  # what the remote holds (version, graph digests) and what is in flux


def local_store(
    store_setting: str | os.PathLike[str], *, check: bool = False
) -> str | os.PathLike[str]:
    """The directory versions are built and published in: the setting itself for a local
    store; for a remote one its staging directory, created, which records the remote so that
    :func:`after_publish` knows where to push. With ``check`` the remote must answer first
    (so that a build fails at once, not after minutes of work)."""
    if not is_remote(store_setting):
        return store_setting
    target = Target.parse(str(store_setting))
    if check:
        connect(str(store_setting)).published()
    try:
        target.staging.mkdir(parents=True, exist_ok=True)
        record = target.staging / RECORD
        if read_json(record).get("store") != target.store:
            write_json(record, {"store": target.store})
    except OSError as exc:
        raise RemoteError(
            f"cannot use the staging directory {target.staging}: {exc}",
            "Give a writable one with staging=DIR in the store URL.",
        ) from exc
    return str(target.staging)


def read_json(path: Path) -> dict[str, Any]:
    try:
        value = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def write_json(path: Path, value: dict[str, Any]) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(value, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
