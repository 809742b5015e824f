"""Bad articles through ``newskg build`` and ``newskg add``: each rejected with its file and
reason, the good ones published, nothing published before lost.

tests/publishing/test_build.py sends empty, binary, Latin-1 and malformed-sidecar files
through a build; here every kind goes through ``add``, and the kinds it lacks (50 MB, two
files with one name, a sidecar URL that is no IRI) through ``build`` too. The ingest API's
answers to bad articles are in test_ingest_live.py.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.ops import synthetic
from tests.ops.publishing import (
    article_graphs,
    assert_same_graphs,
    build_synthetic,
    check_published,
    newskg,
    report,
)

pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Bad:
    files: dict[str, bytes]  # name -> content, written into the articles directory
    rejected: str  # the file named in the rejection
    reason: str  # words of the reason
    in_build_tests: bool = False  # already sent through a build by tests/publishing/test_build.py


GOOD = synthetic.article(20).encode()
BAD = {
    "empty": Bad({"empty.txt": b""}, "empty.txt", "empty article", True),
    "binary": Bad(
        {"binary.txt": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"}, "binary.txt", "binary file", True
    ),
    "latin-1": Bad(
        {"latin1.txt": "Headline\n\nJosé María said so.\n".encode("latin-1")},
        "latin1.txt",
        "not UTF-8",
        True,
    ),
    "50 MB": Bad(
        {"huge.txt": b"All work and no play. " * (50 * 1024 * 1024 // 22)},
        "huge.txt",
        "larger than an article",
    ),
    "malformed sidecar": Bad(
        {"meta.txt": GOOD, "meta.meta.json": b'{"published": '},
        "meta.meta.json",
        "invalid JSON",
        True,
    ),
    "sidecar url not an IRI": Bad(
        {"badurl.txt": GOOD, "badurl.meta.json": json.dumps({"url": "www.example.org/a"}).encode()},
        "badurl.meta.json",
        "not an absolute http(s) URL",
    ),
    # "same name.txt" and "same-name.txt" are both the article "same-name": the first (in
    # name order) is taken, the second rejected.
    "duplicate name": Bad(
        {
            "same name.txt": synthetic.article(21).encode(),
            "same-name.txt": synthetic.article(22).encode(),
        },
        "same-name.txt",
        "same article name 'same-name'",
    ),
}
GOOD_IDS = {"story-000", "story-001"}


def write(directory: Path, files: dict[str, bytes]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (directory / name).write_bytes(content)
    return sorted(directory / name for name in files if not name.endswith(".meta.json"))


def rejections(answer: dict[str, object]) -> dict[str, str]:
    return {Path(r["file"]).name: r["reason"] for r in answer["rejected"]}  # type: ignore[attr-defined, index]


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store with two good articles published."""
    return build_synthetic(tmp_path_factory.mktemp("bad-input"))


def test_build_rejects_each_and_publishes_the_rest(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    for n in (0, 1):
        synthetic.write(articles, n)
    cases = [bad for bad in BAD.values() if not bad.in_build_tests]
    for bad in cases:
        write(articles, bad.files)
    result = newskg("build", "--articles", articles, "--store", tmp_path / "store", "--json")
    assert result.returncode == 1, result.stderr
    found = rejections(report(result))
    assert set(found) == {bad.rejected for bad in cases}
    for bad in cases:
        assert bad.reason in found[bad.rejected], (bad.rejected, found[bad.rejected])
        assert f"rejected {articles / bad.rejected}: " in result.stderr
    assert article_graphs(tmp_path / "store") == GOOD_IDS | {"same-name"}
    check_published(tmp_path / "store")


def test_add_rejects_each_and_loses_nothing(published: Path, tmp_path: Path) -> None:
    """All the bad files in one add with a good one: exit 1, each bad file named with its
    reason, the good one published, the published articles kept unchanged."""
    store_dir = tmp_path / "store"
    shutil.copytree(published, store_dir, symlinks=True)
    files = {name: content for bad in BAD.values() for name, content in bad.files.items()}
    paths = write(tmp_path / "new", {**files, "story-005.txt": synthetic.article(5).encode()})
    result = newskg("add", *paths, "--store", store_dir, "--json")
    assert result.returncode == 1, result.stderr
    answer = report(result)
    found = rejections(answer)
    assert set(found) == {bad.rejected for bad in BAD.values()}
    for bad in BAD.values():
        assert bad.reason in found[bad.rejected], (bad.rejected, found[bad.rejected])
    assert sorted(answer["added"]) == ["same-name", "story-005"]
    assert article_graphs(store_dir) == GOOD_IDS | {"same-name", "story-005"}
    check_published(store_dir)
    # Withdrawing what was added gives back exactly what was published before.
    assert newskg("remove", "same-name", "story-005", "--store", store_dir).returncode == 0
    assert_same_graphs(store_dir, published)


@pytest.mark.parametrize("name", [n for n, bad in BAD.items() if n != "duplicate name"])
def test_add_of_only_a_bad_file_publishes_nothing(
    published: Path, tmp_path: Path, name: str
) -> None:
    store_dir = tmp_path / "store"
    shutil.copytree(published, store_dir, symlinks=True)
    bad = BAD[name]
    result = newskg("add", *write(tmp_path / "new", bad.files), "--store", store_dir, "--json")
    assert result.returncode == 2
    answer = report(result)
    assert answer["error"]["kind"] == "rejected"
    assert "nothing was published" in answer["error"]["message"]
    assert bad.reason in rejections(answer)[bad.rejected]
    assert_same_graphs(store_dir, published)
