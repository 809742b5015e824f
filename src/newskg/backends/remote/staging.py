"""The staging directory a remote store's versions are built and published in, and the
records it keeps (``remote.json``: the remote; ``pushed.json``: what the remote holds)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from newskg.backends.remote.client import connect
from newskg.backends.remote.errors import RemoteError
from newskg.backends.remote.target import Target

RECORD = "remote.json"  # in a staging directory: the remote store its versions are pushed to
PUSHED = "pushed.json"  # what the remote holds (version, graph digests) and what is in flux


def staging_dir(target: Target, *, check: bool = False) -> Path:
    """The directory a remote store's versions are built and published in, created, which
    records the remote so that a publish there knows where to push
    (:func:`newskg.backends.remote.pushing.push_recorded`). With ``check`` the remote must
    answer first (so that a build fails at once, not after minutes of work)."""
    if check:
        connect(target.store).published()
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
    return target.staging


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
