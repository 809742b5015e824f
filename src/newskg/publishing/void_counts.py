"""The VoID statistics of a version kept up to date at the cost of the change, exactly.

The figures :func:`newskg.publishing.void.statistics` computes by full scans (distinct
subjects, distinct objects, entities, distinct instances per class, triples per property)
are, for one version, a function of its dump parts (:mod:`newskg.publishing.dump_parts`:
one per article graph, one per bucket of the entities graph, one per other graph), each
named and identified by a digest of its content. So:

- each part's own figures (:class:`PartStats`: its triples, its sets of subjects, objects and
  class instances) are cached beside its dump members, by name and digest;
- each version keeps a small SQLite *state* (``STORE/dumps/<version>/`` :data:`STATE`):
  the digest of each of its parts, and per term the number of parts it occurs in as a
  subject, as an object, as an instance of each class. A distinct count is the number of
  terms counted at least once, which stays exact when a part goes: a term shared with
  another part keeps a count above zero;
- a new version's state is the state of one it was made from (or any kept version with
  one), with only the parts whose digest differs applied: the old part's figures taken
  away, the new one's added. The state of the version a change was made from is moved into
  the new version (a copy wrote the whole state again at every change: 38 MB for the 2,213
  BBC articles); that version is left without one, and its figures are counted again if it
  is published again (``newskg rollback`` writes its dumps). Without such a state (the
  first dumps, a store written by an older newskg, a part's figures missing from the
  cache) the state is made from every part's figures, which is the full scan.

The server reads the figures of its version from the state (:func:`recorded`) instead of
scanning. The examples (the first instance of a few classes) are read from the state too.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import os
import shutil
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pyoxigraph

from newskg.publishing.void import EXAMPLE_CLASSES, Statistics
from newskg.vocab import NKG

log = logging.getLogger(__name__)

#: A version's state, in its dumps directory (pruned with it); a dot: not a download.
STATE = ".void-counts.sqlite"
#: The newest state, kept in the dump parts' cache (:func:`remember`).
LATEST = "latest-void-counts.sqlite"
#: The layout of the state and of :class:`PartStats`; another is not read (made anew).
LAYOUT = "1"
_RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE parts (name TEXT PRIMARY KEY, digest TEXT NOT NULL, triples INTEGER NOT NULL);
-- terms in N-Triples; n: the number of parts the term occurs in (never 0: the row goes)
CREATE TABLE subjects (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE objects (term TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
-- an instance: an IRI as itself, a blank node as _:id (so MIN(term) is SPARQL's first IRI)
CREATE TABLE instances (
    class TEXT NOT NULL, term TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (class, term)
) WITHOUT ROWID;
"""


class MissingStats(LookupError):
    """A part's figures are not in the cache: the state is made from every part instead."""


@dataclass
class PartStats:
    """The figures of one dump part: what the whole version's are made from."""

    triples: int = 0
    properties: dict[str, int] = field(default_factory=dict)
    subjects: list[str] = field(default_factory=list)  # N-Triples, distinct
    objects: list[str] = field(default_factory=list)
    instances: dict[str, list[str]] = field(default_factory=dict)  # class IRI -> instances

    @classmethod
    def of(cls, quads: Iterable[pyoxigraph.Quad]) -> PartStats:
        properties: Counter[str] = Counter()
        subjects: set[str] = set()
        objects: set[str] = set()
        instances: dict[str, set[str]] = {}
        triples = 0
        for quad in quads:
            triples += 1
            subject, predicate, obj = quad.subject, quad.predicate.value, quad.object
            properties[predicate] += 1
            subjects.add(str(subject))
            objects.add(str(obj))
            if predicate == _RDF_TYPE and isinstance(obj, pyoxigraph.NamedNode):
                member = (
                    subject.value if isinstance(subject, pyoxigraph.NamedNode) else str(subject)
                )
                instances.setdefault(obj.value, set()).add(member)
        return cls(
            triples,
            dict(sorted(properties.items())),
            sorted(subjects),
            sorted(objects),
            {c: sorted(members) for c, members in sorted(instances.items())},
        )

    def to_bytes(self) -> bytes:
        # (vars, not asdict: asdict deep-copies every list of strings; level 6 as the dumps)
        return gzip.compress(json.dumps(vars(self)).encode(), compresslevel=6, mtime=0)

    @classmethod
    def from_bytes(cls, data: bytes) -> PartStats:
        return cls(**json.loads(gzip.decompress(data)))

    def members(self) -> set[str]:
        """The IRIs of its subjects (a bucket of the entities graph: its entities)."""
        return {s[1:-1] for s in self.subjects if s.startswith("<")}


def state_path(dumps_dir: Path) -> Path:
    return dumps_dir / STATE


def remember(dumps_dir: Path, folder: Path) -> None:
    """Keep the state of ``dumps_dir`` in ``folder`` as :data:`LATEST` too (a hard link: a
    state is never written in place): a version's dumps directory goes when the version is
    pruned, and ``--keep-versions 1`` prunes the version a change starts from before the
    change's dumps are written."""
    folder.mkdir(parents=True, exist_ok=True)
    link = folder / f".{LATEST}.{os.getpid()}"
    link.unlink(missing_ok=True)
    try:
        os.link(state_path(dumps_dir), link)
    except OSError:  # a file system without hard links
        shutil.copyfile(state_path(dumps_dir), link)
    os.replace(link, folder / LATEST)
    link.unlink(missing_ok=True)  # (a rename between two links to one file leaves both)


@dataclass(frozen=True)
class Prior:
    """A kept version's state a new state can start from."""

    version: str
    path: Path
    base: str
    parts: dict[str, str]  # part name -> digest
    triples: dict[str, int]  # part name -> its triples


def read_prior(dumps_dir: Path, path: Path | None = None) -> Prior | None:
    """The state of the version whose dumps directory is ``dumps_dir`` (or the one kept at
    ``path``); None: none, or of another layout."""
    path = path or state_path(dumps_dir)
    if not path.is_file():
        return None
    try:
        with contextlib.closing(_connect(path, readonly=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
            if meta.get("layout") != LAYOUT or "statistics" not in meta:
                return None
            rows = db.execute("SELECT name, digest, triples FROM parts").fetchall()
    except sqlite3.Error as exc:
        log.warning("ignoring the unreadable VoID state %s: %s", path, exc)
        return None
    return Prior(
        meta.get("version", dumps_dir.name),
        path,
        meta["base"],
        {name: digest for name, digest, _ in rows},
        {name: triples for name, _, triples in rows},
    )


def recorded(dumps_dir: Path, base: str) -> Statistics | None:
    """The statistics the state of ``dumps_dir`` records for ``base`` (None: no state)."""
    path = state_path(dumps_dir)
    if not path.is_file():
        return None
    try:
        with contextlib.closing(_connect(path, readonly=True)) as db:
            meta = dict(db.execute("SELECT key, value FROM meta"))
    except sqlite3.Error:
        return None
    if meta.get("layout") != LAYOUT or meta.get("base") != base or "statistics" not in meta:
        return None
    return Statistics(**json.loads(meta["statistics"]))


def write_state(
    dumps_dir: Path,
    base: str,
    parts: Mapping[str, str],
    prior: Prior | None,
    stats_of: Callable[[str, str], PartStats],
    latest: Path | None = None,
) -> Statistics:
    """Write the state of the version whose parts are ``parts`` (name -> digest) and return
    its statistics: from ``prior`` when there is one for ``base`` and every changed part's
    figures are cached (``stats_of`` raises :class:`MissingStats` otherwise), else from every
    part's figures. ``latest``: the prior state is the version's that this one replaces,
    to be moved instead of copied, and ``latest`` the cache's link to the newest state (let
    go of when it is the same file, which is then written in place)."""
    target = state_path(dumps_dir)
    same = read_prior(dumps_dir)
    if same is not None and same.base == base and same.parts == dict(parts):
        found = recorded(dumps_dir, base)  # dumped again: nothing changed
        if found is not None:
            return found
    dumps_dir.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f"{target.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    try:
        stats = None
        if prior is not None and prior.base == base:
            try:
                stats = _advance(prior, tmp, base, parts, stats_of, latest)
            except MissingStats as exc:
                log.info("VoID statistics counted anew: %s", exc)
                tmp.unlink(missing_ok=True)
        if stats is None:
            stats = _anew(tmp, base, parts, stats_of)
        with contextlib.closing(_connect(tmp)) as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES ('version', ?)", (dumps_dir.name,))
            db.commit()
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return stats


def _connect(path: Path, readonly: bool = False) -> sqlite3.Connection:
    if readonly:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    db = sqlite3.connect(path)
    db.execute("PRAGMA journal_mode=OFF")  # a file made under a temporary name, renamed whole
    db.execute("PRAGMA synchronous=OFF")
    return db


def _anew(
    tmp: Path, base: str, parts: Mapping[str, str], stats_of: Callable[[str, str], PartStats]
) -> Statistics:
    """The state counted from every part's figures (in SQLite, part by part: memory does
    not grow with the store)."""
    properties: Counter[str] = Counter()
    triples = 0
    with contextlib.closing(_connect(tmp)) as db:
        db.executescript(_SCHEMA)
        for name, digest in sorted(parts.items()):
            part = stats_of(name, digest)
            db.execute("INSERT INTO parts VALUES (?, ?, ?)", (name, digest, part.triples))
            triples += part.triples
            properties.update(part.properties)
            for table, terms in (("subjects", part.subjects), ("objects", part.objects)):
                db.executemany(
                    f"INSERT INTO {table} VALUES (?, 1) "  # noqa: S608 - our table names
                    "ON CONFLICT (term) DO UPDATE SET n = n + 1",
                    ((t,) for t in terms),
                )
            db.executemany(
                "INSERT INTO instances VALUES (?, ?, 1) "
                "ON CONFLICT (class, term) DO UPDATE SET n = n + 1",
                ((c, m) for c, members in part.instances.items() for m in members),
            )
        prefix = "<" + base
        stats = Statistics(
            triples=triples,
            entities=db.execute(
                "SELECT COUNT(*) FROM subjects WHERE substr(term, 1, ?) = ?",
                (len(prefix), prefix),
            ).fetchone()[0],
            distinct_subjects=db.execute("SELECT COUNT(*) FROM subjects").fetchone()[0],
            distinct_objects=db.execute("SELECT COUNT(*) FROM objects").fetchone()[0],
            classes=dict(db.execute("SELECT class, COUNT(*) FROM instances GROUP BY class")),
            properties={p: n for p, n in sorted(properties.items()) if n},
        )
        _finish(db, base, stats)
    return stats


def _advance(
    prior: Prior,
    tmp: Path,
    base: str,
    parts: Mapping[str, str],
    stats_of: Callable[[str, str], PartStats],
    latest: Path | None = None,
) -> Statistics:
    changed = sorted(
        name
        for name in prior.parts.keys() | parts.keys()
        if prior.parts.get(name) != parts.get(name)
    )
    subjects: Counter[str] = Counter()
    objects: Counter[str] = Counter()
    instances: Counter[tuple[str, ...]] = Counter()
    properties: Counter[str] = Counter()
    triples = 0
    counted = dict(prior.triples)
    for name in changed:
        counted.pop(name, None)
        for digest, sign in ((prior.parts.get(name), -1), (parts.get(name), 1)):
            if digest is None:
                continue
            part = stats_of(name, digest)
            if sign > 0:
                counted[name] = part.triples
            triples += sign * part.triples
            for prop, n in part.properties.items():
                properties[prop] += sign * n
            for s in part.subjects:
                subjects[s] += sign
            for o in part.objects:
                objects[o] += sign
            for cls, members in part.instances.items():
                for m in members:
                    instances[(cls, m)] += sign
    with contextlib.closing(_connect(prior.path, readonly=True)) as db:
        stats = Statistics(
            **json.loads(dict(db.execute("SELECT key, value FROM meta"))["statistics"])
        )
    _start_from(prior.path, tmp, latest)
    with contextlib.closing(_connect(tmp)) as db:
        stats.triples += triples
        for prop, n in properties.items():
            stats.properties[prop] = stats.properties.get(prop, 0) + n
        stats.properties = {p: n for p, n in sorted(stats.properties.items()) if n}
        born, gone = _apply(db, "subjects", ("term",), {(s,): n for s, n in subjects.items()})
        stats.distinct_subjects += len(born) - len(gone)
        stats.entities += sum(_is_entity(s, base) for (s,) in born) - sum(
            _is_entity(s, base) for (s,) in gone
        )
        born, gone = _apply(db, "objects", ("term",), {(o,): n for o, n in objects.items()})
        stats.distinct_objects += len(born) - len(gone)
        born, gone = _apply(db, "instances", ("class", "term"), dict(instances))
        classes = Counter(stats.classes)
        classes.update(c for c, _ in born)
        classes.subtract(c for c, _ in gone)
        stats.classes = {c: n for c, n in sorted(classes.items()) if n}
        db.execute("DELETE FROM parts")
        db.executemany(
            "INSERT INTO parts VALUES (?, ?, ?)",
            [(name, digest, counted[name]) for name, digest in sorted(parts.items())],
        )
        _finish(db, base, stats)
    return stats


def _start_from(state: Path, tmp: Path, latest: Path | None) -> None:
    """Make ``tmp`` the prior ``state``, to be changed: moved when ``latest`` is given and no
    other link keeps the file (a failure from here on leaves no state; the next one is
    counted anew), else copied."""
    if latest is not None:
        with contextlib.suppress(FileNotFoundError):
            if os.path.samefile(latest, state):
                latest.unlink()  # (it would change too; remember() links the new state)
        if os.stat(state).st_nlink == 1:
            os.replace(state, tmp)
            return
    shutil.copyfile(state, tmp)


def _apply(
    db: sqlite3.Connection, table: str, key: tuple[str, ...], delta: Mapping[tuple[str, ...], int]
) -> tuple[list[tuple[str, ...]], list[tuple[str, ...]]]:
    """Add ``delta`` to the counts of ``table``; return the keys counted anew and the keys no
    longer counted. A count below zero means the prior state does not match its parts."""
    where = " AND ".join(f"{k} = ?" for k in key)
    born, gone = [], []
    for k, d in sorted(delta.items()):
        if not d:
            continue
        row = db.execute(f"SELECT n FROM {table} WHERE {where}", k).fetchone()  # noqa: S608
        before = row[0] if row else 0
        after = before + d
        if after < 0:
            raise MissingStats(f"the prior state counts {k!r} in {table} {before} times, not {-d}")
        if after == 0:
            db.execute(f"DELETE FROM {table} WHERE {where}", k)  # noqa: S608
            gone.append(k)
        elif before == 0:
            db.execute(
                f"INSERT INTO {table} VALUES ({', '.join('?' * (len(key) + 1))})", (*k, after)
            )  # noqa: S608
            born.append(k)
        else:
            db.execute(f"UPDATE {table} SET n = ? WHERE {where}", (after, *k))  # noqa: S608
    return born, gone


def _finish(db: sqlite3.Connection, base: str, stats: Statistics) -> None:
    """The examples (as :func:`newskg.publishing.void.statistics` picks them: SPARQL's order
    puts blank nodes before IRIs), then the figures."""
    stats.examples = []
    for name in EXAMPLE_CLASSES:
        cls = str(NKG[name])
        row = db.execute(
            "SELECT MIN(term) FROM instances WHERE class = ? AND term >= '_:' AND term < '_;'",
            (cls,),
        ).fetchone()
        if row[0] is None:
            row = db.execute(
                "SELECT term FROM instances WHERE class = ? AND NOT (term >= '_:' AND term < '_;') "
                "ORDER BY term LIMIT 1",
                (cls,),
            ).fetchone()
        if row is not None and row[0] is not None:
            stats.examples.append(row[0].removeprefix("_:") if row[0].startswith("_:") else row[0])
    db.executemany(
        "INSERT OR REPLACE INTO meta VALUES (?, ?)",
        [("layout", LAYOUT), ("base", base), ("statistics", json.dumps(asdict(stats)))],
    )
    db.commit()


def _is_entity(subject: str, base: str) -> bool:
    """A subject under the base IRI (``STRSTARTS(STR(?s), base)``: IRIs only)."""
    return subject.startswith("<" + base)
