"""The layout of a store directory and the versions in it: :class:`Version`, which is
published (:func:`published`), which are kept (:func:`versions`, :func:`list_versions`).

Layout::

    STORE/
      versions/<version>/        a complete pyoxigraph store, never written after publishing
      versions/<version>.json    its summary (articles, triples, counts per class, seconds)
      versions/.tmp-<version>/   a version being built (removed on failure, swept later)
      current -> versions/<version>   the published version (a symlink)
      dumps/<version>/           downloadable dumps of that version, pruned with it
      sources/, extractions/     kept article sources and cached extractions
                                 (:mod:`newskg.publishing.incremental`)
      .lock                      held by the one process that builds
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import pyoxigraph

from newskg.errors import NewskgError

CURRENT = "current"
VERSIONS = "versions"
TMP_PREFIX = ".tmp-"
DUMPS = "dumps"  # STORE/dumps/<version>/: that version's dumps (src/newskg/publishing/dumps.py)
_VERSION_RE = re.compile(r"^\d{8}T\d{6}\d{6}Z-[0-9a-f]{8}$")


NKG = "https://w3id.org/newskg/ontology#"
#: The classes a version's summary and the home page count, in the order they are shown.
COUNTED_CLASSES = ("Actor", "Organization", "Place", "Event", "Statement", "Membership", "Article")
_COUNT_QUERY = f"""
SELECT ?class (COUNT(DISTINCT ?s) AS ?n)
WHERE {{ VALUES ?class {{ {" ".join(f"<{NKG}{name}>" for name in COUNTED_CLASSES)} }}
         ?s a ?class }}
GROUP BY ?class
"""


def count_classes(store: pyoxigraph.Store) -> dict[str, int]:
    """How many distinct resources of each counted class the union of all graphs holds (an
    actor named in three articles counts once), in ``COUNTED_CLASSES`` order."""
    solutions = store.query(_COUNT_QUERY, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions)  # a SELECT
    found = {
        solution["class"].value.removeprefix(NKG): int(solution["n"].value)
        for solution in solutions
    }
    return {name: found.get(name, 0) for name in COUNTED_CLASSES}


#: The name ending of a version's entity index, beside its directory and summary.
INDEX_SUFFIX = ".entities.sqlite"


class StoreError(NewskgError):
    """The store directory cannot be used; the message says why and what to do."""


#: Parsed summaries by (path, modification time, size, inode), the most recent few.
_SUMMARIES: dict[tuple[str, int, int, int], dict[str, Any]] = {}
_SUMMARIES_KEPT = 8
#: A parsed summary's article records, by the identity of its (cached) ``articles`` dict.
_RECORDS: dict[int, tuple[dict[str, Any], dict[str, ArticleRecord]]] = {}


@dataclass(frozen=True)
class Version:
    id: str
    path: Path

    @property
    def summary_path(self) -> Path:
        return self.path.with_name(self.id + ".json")

    @property
    def index_path(self) -> Path:
        """The version's entity index (:mod:`newskg.publishing.entity_index`), beside it."""
        return self.path.with_name(self.id + INDEX_SUFFIX)

    def summary(self) -> dict[str, Any]:
        """The summary; ``{"version": id}`` when there is none, plus ``"unreadable"`` (why)
        when it cannot be read, so one damaged summary never stops listing the others.

        Parsed once per content (the file's size and modification time, checked each call):
        it lists every article, and one publish reads it a score of times. The dict
        returned is the caller's to change at its top level."""
        try:
            stat = os.stat(self.summary_path)
            key = (str(self.summary_path), stat.st_mtime_ns, stat.st_size, stat.st_ino)
            if key not in _SUMMARIES:
                if len(_SUMMARIES) >= _SUMMARIES_KEPT:
                    _SUMMARIES.pop(next(iter(_SUMMARIES)))
                _SUMMARIES[key] = json.loads(self.summary_path.read_text(encoding="utf-8"))
            return dict(_SUMMARIES[key])
        except FileNotFoundError:
            return {"version": self.id}
        except (OSError, ValueError) as exc:
            return {"version": self.id, "unreadable": f"summary {self.summary_path}: {exc}"}

    def modified_time(self) -> datetime | None:
        """When the version was written, to the second: its summary's (or directory's)
        modification time; None when neither can be read (yet)."""
        for path in (self.summary_path, self.path):
            try:
                return datetime.fromtimestamp(int(os.stat(path).st_mtime), UTC)
            except OSError:
                continue
        return None


class ArticleRecord(NamedTuple):
    """How a version's summary lists one of its articles (a named tuple: a summary lists
    thousands, made at every publish)."""

    file: str
    source: str  # source digest: STORE/sources/<source>/<file>
    graph: str  # digest of the article's graph (as validated), to tell what changed

    def as_dict(self) -> dict[str, str]:
        return {"file": self.file, "source": self.source, "graph": self.graph}


def records(version: Version) -> dict[str, ArticleRecord]:
    """The articles a version's summary lists ({} for versions made before they were); made
    once per parsed summary (see :meth:`Version.summary`), the dict is the caller's."""
    listed: dict[str, Any] = version.summary().get("articles") or {}
    made = _RECORDS.get(id(listed))
    if made is None or made[0] is not listed:
        if len(_RECORDS) >= _SUMMARIES_KEPT:
            _RECORDS.pop(next(iter(_RECORDS)))
        found = {
            article_id: ArticleRecord(fields["file"], fields["source"], fields["graph"])
            for article_id, fields in listed.items()
        }
        made = _RECORDS[id(listed)] = (listed, found)
    return dict(made[1])


def is_version_id(name: str) -> bool:
    """Whether ``name`` is a version's (as :func:`new_version_id` makes them)."""
    return _VERSION_RE.match(name) is not None


def new_version_id(content_digest: str) -> str:
    """A sortable, unique version name: UTC time to the microsecond, then a content digest."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{content_digest[:8]}"


def published(store_dir: str | os.PathLike[str]) -> Version | None:
    """The published version, or None when nothing was ever built there."""
    link = Path(store_dir) / CURRENT
    try:
        target = os.readlink(link)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise StoreError(
            f"{link} is not a symlink to a version ({exc}); rebuild the store"
        ) from exc
    path = (link.parent / target).resolve()
    return Version(path.name, path)


def versions(store_dir: str | os.PathLike[str]) -> list[Version]:
    """Every complete version, oldest first."""
    root = Path(store_dir) / VERSIONS
    if not root.is_dir():
        return []
    return [
        Version(p.name, p) for p in sorted(root.iterdir()) if p.is_dir() and is_version_id(p.name)
    ]


def list_versions(store_dir: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every kept version, oldest first: id, published?, articles, triples, created, base IRI
    (what ``newskg versions`` and ``GET /api/versions`` show)."""
    root = require_store(store_dir)
    current = published(root)
    rows = []
    for version in versions(root):
        summary = version.summary()
        rows.append(
            {
                "version": version.id,
                "published": current is not None and current.id == version.id,
                "articles": len(summary.get("published", [])),
                "triples": summary.get("triples"),
                "created": summary.get("created") or _created_from_id(version.id),
                "base_iri": summary.get("base_iri"),
            }
        )
    return rows


def _created_from_id(version_id: str) -> str:
    stamp = datetime.strptime(version_id[:22], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    return stamp.isoformat(timespec="seconds")


def find_version(store_dir: str | os.PathLike[str], version_id: str) -> Version:
    """The complete version ``version_id`` of the store, or a StoreError listing the kept
    ones."""
    root = Path(store_dir)
    require_store(root)
    kept = versions(root)
    for version in kept:
        if version.id == version_id:
            return version
    names = ", ".join(v.id for v in kept) or "none"
    raise StoreError(
        f"no version {version_id!r} in {root} (kept: {names}); "
        f"`newskg versions --store {root}` lists them"
    )


def require_store(store_dir: str | os.PathLike[str]) -> Path:
    """``store_dir`` as a Path, or a StoreError when there is no such directory."""
    root = Path(store_dir)
    if not root.is_dir():
        raise StoreError(
            f"no store directory {root}: build one with "
            f"`newskg build --store {root}` (or check --store / NEWSKG_STORE)"
        )
    return root


def version_time(version: str) -> datetime | None:
    """When a version was built, read from its id (``YYYYmmddTHHMMSSffffffZ-digest``)."""
    try:
        return datetime.strptime(version.split("-")[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None
