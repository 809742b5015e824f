"""The extractors' data files fail loudly: a missing file or a malformed line is a typed error
naming the file and the line, never a rule silently turned off (tried on temporary copies;
the real data files are never touched)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newskg.errors import NewskgError
from newskg.extraction import datafiles, gazetteer
from newskg.extraction.datafiles import DATA, DataFileError
from newskg.extraction.lexicon import lexicon


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the data folder to break."""
    return Path(shutil.copytree(DATA, tmp_path / "data"))


def test_the_real_data_files_load() -> None:
    assert len(gazetteer.load()) > 100
    assert lexicon().triggers and lexicon().demonyms and lexicon().team_cues


def test_a_copy_loads_like_the_real_files(data: Path) -> None:
    assert lexicon(data) == lexicon()
    assert gazetteer.load(data / "gazetteer.tsv").entries == gazetteer.load().entries


def test_a_missing_word_list_is_an_error_naming_it(data: Path) -> None:
    (data / "titles.txt").rename(data / "titles.old")
    with pytest.raises(DataFileError) as caught:
        lexicon(data)
    assert caught.value.path == data / "titles.txt"
    assert "missing" in str(caught.value) and "restore it" in str(caught.value)
    assert isinstance(caught.value, NewskgError)


def test_a_missing_gazetteer_is_an_error(data: Path) -> None:
    (data / "gazetteer.tsv").unlink()
    with pytest.raises(DataFileError, match=r"gazetteer\.tsv: the data file is missing"):
        gazetteer.load(data / "gazetteer.tsv")


def test_a_line_without_its_columns_names_file_and_line(data: Path) -> None:
    path = data / "event_triggers.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("bombard")  # no event type
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(DataFileError) as caught:
        lexicon(data)
    assert caught.value.line == len(lines)
    message = str(caught.value)
    assert message.startswith(f"{path}:{len(lines)}: ")
    assert "1 of the 5 tab-separated columns" in message and "trigger <TAB> type" in message


def test_a_bad_value_names_file_and_line(data: Path) -> None:
    path = data / "gazetteer.tsv"
    with path.open("a", encoding="utf-8") as out:
        out.write("planet\tmars\tMars\tQ111\t\n")
    number = len(path.read_text(encoding="utf-8").splitlines())
    with pytest.raises(DataFileError, match=rf"gazetteer\.tsv:{number}: kind 'planet' is not"):
        gazetteer.load(path)


def test_comments_blank_lines_and_the_header_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "table.tsv"
    path.write_text("# what it holds\n\nkey\tname\n  # indented comment\nwsj\tWSJ\n", "utf-8")
    rows = datafiles.rows(path, ("key", "name"))
    assert [(row.number, row.cells) for row in rows] == [(5, ("wsj", "WSJ"))]
