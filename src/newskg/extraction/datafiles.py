"""Every data file of the extractors (``src/newskg/extraction/data/``), read one way.

The knowledge the rules use (word lists, trigger tables, the gazetteer, page-furniture
patterns) is data, reviewable without reading code. Each file opens with a header comment
saying what it holds and, for a table, its columns; then one entry a line. Blank lines and
lines starting with ``#`` are skipped; table columns are separated by tabs, and a first line
that names the columns is a header.

A rule whose data is missing would silently be off, so a missing file, or a line that does
not have its columns, raises :class:`DataFileError` naming the file, the line and the fix:

>>> try:
...     words(DATA / "no-such-file.txt")
... except DataFileError as error:
...     print(error.path.name, "-", error.reason)
no-such-file.txt - the data file is missing
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import NoReturn

from newskg.errors import NewskgError

DATA = Path(__file__).resolve().parent / "data"


class DataFileError(NewskgError):
    """A data file of the extractors that is missing or has a malformed line."""

    def __init__(self, path: Path, reason: str, line: int | None = None, fix: str = "") -> None:
        self.path, self.reason, self.line = path, reason, line
        where = f"{path}:{line}" if line else str(path)
        super().__init__(f"{where}: {reason}" + (f"; {fix}" if fix else ""))


@dataclass(frozen=True)
class Row:
    """One line of a table: its cells (as written, not stripped) and where it is."""

    path: Path
    number: int
    cells: tuple[str, ...]

    def fail(self, reason: str, fix: str) -> NoReturn:
        """Raise :class:`DataFileError` for this line."""
        raise DataFileError(self.path, reason, self.number, fix)

    def confidence(self, cell: str, low: float = 0.0, high: float = 1.0) -> float:
        """``cell`` read as a rule's confidence, a number in ``[low, high]``; else
        :class:`DataFileError` for this line. Every rule table reads its confidences here.

        >>> Row(Path("rules.tsv"), 3, ("x", "0.8")).confidence("0.8")
        0.8
        >>> try:
        ...     Row(Path("rules.tsv"), 3, ("x", "high")).confidence("high")
        ... except DataFileError as error:
        ...     print(error)
        rules.tsv:3: confidence 'high' is not a number in [0, 1]; write a number in [0, 1]
        """
        try:
            value = float(cell)
        except ValueError:
            value = float("nan")
        if not low <= value <= high:  # also NaN
            span = f"[{low:g}, {high:g}]"
            self.fail(
                f"confidence {cell.strip()!r} is not a number in {span}",
                f"write a number in {span}",
            )
        return value


def data_path(name: str | Path) -> Path:
    """``name`` in :data:`DATA` (a path is taken as it is)."""
    return name if isinstance(name, Path) else DATA / name


def entries(name: str | Path) -> list[tuple[int, str]]:
    """The lines of data file ``name`` that are neither blank nor comments, with their line
    numbers (1-based), as written."""
    path = data_path(name)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DataFileError(
            path,
            "the data file is missing",
            fix="restore it (it is part of newskg: reinstall, or check it out again)",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DataFileError(path, f"cannot be read ({exc})", fix="save it as UTF-8 text") from exc
    return [
        (number, line)
        for number, line in enumerate(text.splitlines(), 1)
        if line.strip() and not line.strip().startswith("#")
    ]


def words(name: str | Path) -> list[str]:
    """The entries of a list file (one word or phrase a line), stripped."""
    return [line.strip() for _, line in entries(name)]


@cache  # a few dozen list files, each read once per process
def word_set(name: str) -> frozenset[str]:
    """The entries of the list file ``name``, lower case, as a set (read once): the form
    most word lists are matched in.

    >>> "the" in word_set("stopwords.txt")
    True
    """
    return frozenset(w.lower() for w in words(name))


def rows(name: str | Path, columns: tuple[str, ...], required: int | None = None) -> list[Row]:
    """The rows of a table file whose columns are ``columns``: each line split at its first
    ``len(columns) - 1`` tabs (the last column takes the rest of the line). A line with fewer
    than ``required`` cells (default: all) raises :class:`DataFileError`."""
    path = data_path(name)
    need = len(columns) if required is None else required
    found = []
    for index, (number, line) in enumerate(entries(path)):
        cells = tuple(line.split("\t", len(columns) - 1))
        if index == 0 and cells == columns:
            continue  # the header line
        if len(cells) < need:
            names = " <TAB> ".join(columns[:need]) + (" ..." if need < len(columns) else "")
            raise DataFileError(
                path,
                f"this line has {len(cells)} of the {need} tab-separated columns it needs",
                number,
                fix=f"write it as: {names} (see the header comment of the file)",
            )
        found.append(Row(path, number, cells))
    return found
