"""Where each part's gzip member lies in a version's full dumps, so that the next version's
dumps copy the runs of unchanged members from them instead of reading each from the cache.

A full dump is the concatenation of one member per part (:mod:`newskg.publishing.dump_parts`)
in name order; a change replaces, adds or removes a few, so the next version's dump is a
few long runs of the previous one's bytes with new members between them. The runs are
copied with ``os.copy_file_range`` (in the kernel, no Python buffer), the rest is appended
as before. The layout (each part's name, digest and member size per format) is kept beside
the dumps in ``STORE/dumps/<version>/`` :data:`LAYOUT_FILE`; a layout whose file does not
have the size it records is not used.
"""

from __future__ import annotations

import errno
import itertools
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

LAYOUT_FILE = ".dump-layout.json"
_VERSION = 1


@dataclass(frozen=True)
class Layout:
    """The members of one version's full dumps: their parts in order and, per format, its
    file and where each member starts (one more offset: the file's size)."""

    index: dict[tuple[str, str], int]  # (part name, digest) -> its position
    files: dict[str, Path]  # format name -> dump file
    starts: dict[str, list[int]]  # format name -> offset of each member, then the size

    def place(self, fmt: str) -> Place:
        """Where the members of ``fmt`` lie (nowhere: no such dump)."""
        if fmt not in self.files:
            return Place()
        return Place(self.files[fmt], self.index, self.starts[fmt])


@dataclass(frozen=True)
class Place:
    """Where the members of one format lie in the previous version's dump."""

    file: Path | None = None
    index: dict[tuple[str, str], int] = field(default_factory=dict)
    starts: list[int] = field(default_factory=list)

    def find(self, part: str, digest: str) -> tuple[int, int] | None:
        """(offset, size) of the member of (``part``, ``digest``), if the dump has it."""
        at = self.index.get((part, digest))
        return None if at is None else (self.starts[at], self.starts[at + 1] - self.starts[at])


def read(folder: Path) -> Layout | None:
    """The layout of the dumps in ``folder`` (None: none, or the files are not as recorded)."""
    try:
        data = json.loads((folder / LAYOUT_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None
    if data.get("version") != _VERSION:
        return None
    index = {(name, digest): i for i, (name, digest) in enumerate(data["parts"])}
    files, starts = {}, {}
    for fmt, name in data["files"].items():
        offsets = list(itertools.accumulate(data["sizes"][fmt], initial=0))
        path = folder / name
        try:
            if path.stat().st_size != offsets[-1] or len(offsets) != len(index) + 1:
                return None
        except FileNotFoundError:
            return None
        files[fmt], starts[fmt] = path, offsets
    return Layout(index, files, starts)


def write(
    folder: Path, files: dict[str, str], parts: list[tuple[str, str]], sizes: dict[str, list[int]]
) -> None:
    """Record the layout of the dumps just written in ``folder`` (``files``: format name ->
    file name; ``sizes``: format name -> each part's member size, in ``parts`` order)."""
    data = {"version": _VERSION, "files": files, "parts": parts, "sizes": sizes}
    tmp = folder / (LAYOUT_FILE + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, folder / LAYOUT_FILE)


@dataclass
class Appender:
    """Appends members to one dump file: a member found at the end of the run being copied
    from the previous version's dump extends it, any other is written."""

    out: IO[bytes]
    previous: Place = field(default_factory=Place)
    sizes: list[int] = field(default_factory=list)
    _run: tuple[int, int] | None = None  # (offset, size) to copy from the previous dump

    def copied(self, part: str, digest: str) -> bool:
        """Take the member of (``part``, ``digest``) from the previous dump, if it has it."""
        found = self.previous.find(part, digest)
        if found is None:
            return False
        offset, size = found
        if self._run is not None and self._run[0] + self._run[1] == offset:
            self._run = (self._run[0], self._run[1] + size)
        else:
            self.flush()
            self._run = (offset, size)
        self.sizes.append(size)
        return True

    def append(self, data: bytes) -> None:
        self.flush()
        self.out.write(data)
        self.sizes.append(len(data))

    def flush(self) -> None:
        """Copy the pending run (the output's buffer written first: the copy writes at the
        file's position)."""
        if self._run is None or self.previous.file is None:
            return
        offset, size = self._run
        self._run = None
        self.out.flush()
        with open(self.previous.file, "rb") as source:
            _copy(source, self.out, offset, size)


def _copy(source: IO[bytes], out: IO[bytes], offset: int, size: int) -> None:
    """Copy ``size`` bytes of ``source`` from ``offset`` to the end of ``out`` (flushed):
    in the kernel where the system can, else through a buffer."""
    while size:
        try:
            done = os.copy_file_range(source.fileno(), out.fileno(), size, offset)
        except (AttributeError, OSError) as exc:  # not Linux, or a file system without it
            if isinstance(exc, OSError) and exc.errno not in _UNSUPPORTED:
                raise
            done = out.write(os.pread(source.fileno(), min(size, 1 << 20), offset))
            out.flush()
        if done == 0:
            raise OSError(f"{source.name} ended before its recorded size")
        offset, size = offset + done, size - done


_UNSUPPORTED = {errno.ENOSYS, errno.EXDEV, errno.EOPNOTSUPP, errno.EINVAL}
