"""Damaged versions: ``newskg verify`` and a ``rollback`` that refuses one.

Each version's summary records, when it is published, the size and SHA-256 of every data
file of its store (``files``, see :mod:`newskg.backends.versions`). :func:`check` compares a kept
version
with that record, opens its store and compares its triple and class counts with the summary.
Versions made by ``add``/``remove`` share their unchanged files with the version they
started from by hard link, so one damaged file damages every version that links it: the
report names the versions sharing each damaged file, and which intact versions (or the kept
article sources) can restore what is served.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newskg.backends import backend_for
from newskg.backends import versions as store
from newskg.publishing.incremental import Archive, missing_sources, records
from newskg.publishing.results import BuildResult


@dataclass
class Check:
    """What :func:`check` found about one kept version."""

    version: store.Version
    published: bool
    problems: list[str] = field(default_factory=list)
    shared: dict[str, list[str]] = field(default_factory=dict)  # damaged file -> other versions
    recorded: bool = True  # checksums were recorded at publish time
    articles: int = 0
    triples: int = 0  # counted in its store (0 when it does not open)

    @property
    def intact(self) -> bool:
        return not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "version": self.version.id,
            "published": self.published,
            "intact": self.intact,
            "problems": self.problems,
            "shared": self.shared,
            "checksums_recorded": self.recorded,
            "articles": self.articles,
        }


def check(version: store.Version, kept: list[store.Version], published: bool = False) -> Check:
    """Check ``version``'s files against its summary, open it, compare its counts."""
    summary = version.summary()
    result = Check(
        version, published, recorded="files" in summary, articles=len(summary.get("published", []))
    )
    result.problems = store.file_problems(version, digests=True)
    for problem in result.problems:
        name = problem.split(":", 1)[0]
        others = _sharing(version, name, kept)
        if others:
            result.shared[name] = others
    try:
        opened = store.open_version(version)
    except store.DamagedVersion as exc:
        if not result.problems:  # else the file problems already say why
            result.problems.append(exc.problem)
        return result
    try:
        triples, counts = len(opened), store.count_classes(opened)
        result.triples = triples
    except (OSError, RuntimeError) as exc:  # a damaged block read while counting
        result.problems.append(f"its store cannot be read ({exc})")
        return result
    if "triples" in summary and triples != summary["triples"]:
        result.problems.append(f"its store holds {triples} triples, {summary['triples']} recorded")
    if summary.get("counts") and counts != summary["counts"]:
        result.problems.append(
            f"its class counts {counts} differ from those recorded {summary['counts']}"
        )
    return result


def _sharing(version: store.Version, name: str, kept: list[store.Version]) -> list[str]:
    """The other kept versions whose file ``name`` is the same file (a hard link)."""
    try:
        inode = (version.path / name).stat()
    except OSError:
        return []
    found = []
    for other in kept:
        if other.id == version.id:
            continue
        with contextlib.suppress(OSError):
            mine = (other.path / name).stat()
            if (mine.st_ino, mine.st_dev) == (inode.st_ino, inode.st_dev):
                found.append(other.id)
    return found


@dataclass
class Report:
    store_dir: Path
    checks: list[Check]
    missing_sources: list[str]  # published articles whose kept source is gone
    recorded_now: list[str]  # versions whose checksums were recorded by this run

    @property
    def damaged(self) -> list[Check]:
        return [c for c in self.checks if not c.intact]

    def restore_hints(self) -> list[str]:
        """What can restore a damaged published version (or [] when it is intact)."""
        current = next((c for c in self.checks if c.published), None)
        if current is None or current.intact:
            return []
        root = self.store_dir
        hints = [
            f"`newskg rollback {c.version.id} --store {root}` publishes that intact "
            f"version again ({c.articles} articles)"
            for c in reversed(self.checks)
            if c.intact
        ]
        if self.missing_sources:
            hints.append(
                f"`newskg build --articles DIR --store {root}` writes a new version, but "
                f"the kept sources of {', '.join(self.missing_sources)} are missing: "
                "put those files in DIR (or add --prune to withdraw them)"
            )
        else:
            hints.append(
                f"`newskg build --articles DIR --store {root}` writes a new version "
                "from DIR and the kept sources of every published article not in DIR "
                "(all present)"
            )
        return hints

    def as_dict(self) -> dict[str, Any]:
        return {
            "store": str(self.store_dir),
            "intact": not self.damaged,
            "versions": [c.as_dict() for c in self.checks],
            "missing_sources": self.missing_sources,
            "recorded_now": self.recorded_now,
            "restore": self.restore_hints(),
        }

    def text(self) -> str:
        lines = []
        for c in self.checks:
            mark = "*" if c.published else " "
            if c.intact:
                note = "" if c.recorded else " (no checksums were recorded at publish time)"
                if c.version.id in self.recorded_now:
                    note = " (checksums recorded now: it had none)"
                lines.append(f"{mark} {c.version.id}  intact, {c.articles} articles{note}")
                continue
            lines.append(f"{mark} {c.version.id}  DAMAGED")
            lines += [f"      {problem}" for problem in c.problems]
            lines += [
                f"      {name} is the same file (hard link) as in {', '.join(others)}"
                for name, others in c.shared.items()
            ]
        if self.missing_sources:
            lines.append(
                "kept sources missing for published articles: " + ", ".join(self.missing_sources)
            )
        hints = self.restore_hints()
        if hints:
            lines.append(
                "the published version is damaged (a server serves the newest intact "
                "version meanwhile); to restore:"
            )
            lines += [f"  - {hint}" for hint in hints]
        return "\n".join(lines)


def verify(store_dir: str | os.PathLike[str]) -> Report:
    """Check every kept version; record checksums for intact versions that have none (when
    the build lock is free). Raises :class:`newskg.backends.versions.StoreError` when there is no
    store
    or nothing to check."""
    root = store.require_store(backend_for(store_dir).store_dir())
    kept = store.versions(root)
    if not kept:
        raise store.StoreError(
            f"no versions in {root}: nothing to verify; build one with "
            f"`newskg build --store {root}`"
        )
    current = store.published(root)
    checks = [check(v, kept, current is not None and v.id == current.id) for v in kept]
    missing: list[str] = []
    if current is not None:
        published = records(current)
        missing = missing_sources(Archive(root), published, set(published))
    return Report(root, checks, missing, _record_missing(root, checks))


def _record_missing(root: Path, checks: list[Check]) -> list[str]:
    """Record the checksums of intact versions published before newskg recorded them."""
    todo = [c for c in checks if c.intact and not c.recorded]
    if not todo:
        return []
    done = []
    try:
        with store.build_lock(root, create=False):
            for c in todo:
                summary = c.version.summary()
                summary["files"] = store.file_manifest(c.version.path)
                store.write_atomically(
                    c.version.summary_path, json.dumps(summary, indent=2, sort_keys=True)
                )
                done.append(c.version.id)
    except (store.StoreLocked, OSError):
        pass  # another build runs (or the store is read-only): record them another time
    return done


def refuse_damaged(store_dir: Path, version: store.Version) -> Check:
    """What :func:`check` found about ``version``; raise
    :class:`newskg.backends.versions.DamagedVersion`
    (naming the intact versions) when it is damaged."""
    kept = store.versions(store_dir)
    found = check(version, kept)
    if found.intact:
        return found
    intact = [v.id for v in reversed(kept) if v.id != version.id and check(v, kept).intact]
    shared = "".join(
        f"; {name} is the same file (hard link) as in {', '.join(others)}"
        for name, others in found.shared.items()
    )
    raise store.DamagedVersion(
        version,
        "; ".join(found.problems)
        + shared
        + (f". Intact versions: {', '.join(intact)}" if intact else ". No kept version is intact")
        + f"; `newskg verify --store {store_dir}` says more, and `newskg build` writes a new "
        "version from the articles and the kept sources",
    )


def rollback(store_dir: str | Path, version_id: str, *, keep: int = 3) -> BuildResult:
    """Publish the kept version ``version_id`` again (atomically, like any publish) and write
    its dumps when they (or its VoID state) are missing; a damaged version is refused
    (:class:`newskg.backends.versions.DamagedVersion`)."""
    from newskg.publishing import void_counts
    from newskg.publishing.dumps import SUMS, dumps_dir
    from newskg.publishing.pipeline import write_dumps

    backend = backend_for(store_dir)
    root = backend.store_dir()  # a triple store: its staging directory
    with store.build_lock(root, create=False):
        version = store.find_version(root, version_id)
        found = refuse_damaged(Path(root), version)
        result = BuildResult(
            version=version,
            triples=found.triples,
            published=sorted(records(version)) or list(version.summary().get("published", [])),
        )
        store.publish(root, version, keep=max(keep, 1))
        result.pushed = backend.after_publish(version)  # a triple store follows
    # (Its VoID state went on to the version made from it: the dumps are written again.)
    folder = dumps_dir(root, version.id)
    if not (folder / SUMS).is_file() or not void_counts.state_path(folder).is_file():
        result.dumps, result.dump_error = write_dumps(Path(root), version)
    return result
