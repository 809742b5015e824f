"""Two files, one article id (issue 11, low).

The attack: ``newskg add café.txt`` on a store that publishes ``caf.txt``. Article ids are
slugs of file stems, both names gave ``caf``, and the add silently replaced the other
article. Ids must not collide silently: either both articles are published under distinct
ids, or the second file is refused with a message naming both files.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.backends import versions as store
from newskg.publishing.incremental import records
from tests.ops import synthetic
from tests.ops.publishing import newskg

pytestmark = pytest.mark.slow


def published_files(store_dir: Path) -> dict[str, str]:
    version = store.published(store_dir)
    assert version is not None
    return {article_id: record.file for article_id, record in records(version).items()}


@pytest.mark.parametrize("how", ["add", "build"])
def test_cafe_does_not_replace_caf(tmp_path: Path, how: str) -> None:
    folder, store_dir = tmp_path / "articles", tmp_path / "store"
    synthetic.write(folder, 0, name="caf")
    assert newskg("build", "--articles", folder, "--store", store_dir, "-q").returncode == 0
    other = synthetic.write(tmp_path / "other", 3, name="café")
    if how == "add":
        result = newskg("add", other, "--store", store_dir)
    else:  # the folder now holds only café.txt: caf.txt is kept, from its kept source
        (folder / "caf.txt").unlink()
        other.rename(folder / other.name)
        result = newskg("build", "--articles", folder, "--store", store_dir, "-q")
    files = published_files(store_dir)
    if result.returncode == 0:  # distinct ids: both published
        assert sorted(files.values()) == ["caf.txt", "café.txt"], files
        return
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert "café.txt" in result.stderr and "published caf.txt" in result.stderr
    assert "rename" in result.stderr
    assert files == {"caf": "caf.txt"}
