"""Damage: what each version's summary recorded about its files, checked before a version is
opened (sizes) and by ``newskg verify`` (:mod:`newskg.publishing.verify`, checksums too).

A version's summary records the size and SHA-256 of each of its store's files (``files``),
so damage found later (a truncated or altered file) is named precisely: :func:`open_version`
checks the sizes before opening. Versions made by ``add``/``remove`` share their unchanged
files with the version they started from by hard link: damage to one such file damages every
version that links it.
"""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path
from typing import Any

import pyoxigraph

from newskg.backends.versions.layout import StoreError, Version, published

#: RocksDB's lock file and info logs: not data, and not recorded.
_NOT_DATA = re.compile(r"^(LOCK|LOG(\.old\..*)?)$")


class DamagedVersion(StoreError):
    """A version's files are missing, truncated or altered, or its store does not open."""

    def __init__(self, version: Version, problem: str) -> None:
        super().__init__(f"version {version.id} is damaged: {problem}")
        self.version, self.problem = version, problem


def file_manifest(path: Path, base: Version | None = None) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each data file of the store directory ``path``.

    A file that is a hard link of ``base``'s file of the same name (a version made from
    ``base`` shares its unchanged files) takes the digest ``base`` recorded: RocksDB never
    rewrites a file in place, so only the files a change wrote are read, and recording a
    version costs what changed, not the store."""
    recorded: dict[str, dict[str, Any]] = (base.summary().get("files") or {}) if base else {}
    manifest = {}
    for item in sorted(path.iterdir()):
        if not item.is_file() or _NOT_DATA.match(item.name):
            continue
        size = item.stat().st_size
        known = recorded.get(item.name)
        if (
            base is not None
            and known is not None
            and known.get("size") == size
            and _same_file(item, base.path / item.name)
        ):
            manifest[item.name] = {"size": size, "sha256": known["sha256"]}
        else:
            manifest[item.name] = {"size": size, "sha256": file_digest(item)}
    return manifest


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def file_problems(version: Version, digests: bool = False) -> list[str]:
    """What differs from the files the summary recorded at publish time (sizes; with
    ``digests`` also checksums); [] when it records none (older versions)."""
    summary = version.summary()
    if "unreadable" in summary:
        return [summary["unreadable"]]
    recorded: dict[str, dict[str, Any]] = summary.get("files") or {}
    problems = []
    for name, expected in recorded.items():
        path = version.path / name
        try:
            size = path.stat().st_size
            if size != expected["size"]:
                problems.append(f"{name}: {size} bytes, {expected['size']} recorded")
            elif digests and file_digest(path) != expected["sha256"]:
                problems.append(f"{name}: checksum differs from the one recorded")
        except OSError as exc:
            problems.append(f"{name}: {exc.strerror or exc}")
    return problems


def file_digest(path: Path) -> str:
    """The SHA-256 of a file, in hex (store files and dumps alike)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def open_version(version: Version, digests: bool = False) -> pyoxigraph.Store:
    """Open ``version`` read-only after checking its files against its summary (sizes, and
    checksums with ``digests``); :class:`DamagedVersion` when either fails."""
    problems = file_problems(version, digests)
    if problems:
        raise DamagedVersion(version, "; ".join(problems))
    try:
        return pyoxigraph.Store.read_only(str(version.path))
    except (OSError, RuntimeError) as exc:  # RocksDB says "Corruption: …" as a RuntimeError
        raise DamagedVersion(version, f"its store does not open ({exc})") from exc


def open_published(store_dir: str | os.PathLike[str]) -> tuple[Version, pyoxigraph.Store]:
    """Open the published version read-only (any number of processes may do so at once)."""
    version = published(store_dir)
    if version is None:
        raise StoreError(
            f"no published dataset in {store_dir}: run `newskg build --store {store_dir}` first"
        )
    return version, open_version(version)
