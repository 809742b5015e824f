"""A lone surrogate in a sidecar crashed ``newskg extract`` (issue 11, "Low").

The attack: ``NAME.meta.json`` holding ``{"headline": "\\ud800"}``. JSON allows the escape, but
the string it gives is no character and cannot be written as UTF-8, so ``newskg extract``
died with a UnicodeEncodeError traceback when it printed the graph (and a build with it).
Now the reader rejects the sidecar with an ArticleError naming the file and the key, and the
command exits 2 with that message.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newskg.extraction.reader import ArticleError, read_article
from tests.ops.publishing import newskg


@pytest.mark.parametrize(
    "meta",
    [
        '{"headline": "A \\ud800 headline"}',
        '{"authors": ["Ann Lee", "\\udfff"]}',
        '{"\\ud800": "x"}',
    ],
)
def test_the_sidecar_is_rejected_with_file_and_reason(tmp_path: Path, meta: str) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nPolice said it rained.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text(meta, "utf-8")
    with pytest.raises(ArticleError, match="lone surrogate") as info:
        read_article(tmp_path / "a.txt")
    assert info.value.path == str(tmp_path / "a.meta.json")


def test_a_full_surrogate_pair_is_a_character(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nPolice said it rained.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text('{"headline": "Rain \\ud83c\\udf27"}', "utf-8")
    assert read_article(tmp_path / "a.txt").headline == "Rain \U0001f327"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["turtle", "nt"])
def test_newskg_extract_says_what_is_wrong_without_a_traceback(tmp_path: Path, fmt: str) -> None:
    (tmp_path / "a.txt").write_text("A headline\n\nPolice said it rained.\n", "utf-8")
    (tmp_path / "a.meta.json").write_text('{"headline": "\\ud800"}', "utf-8")
    result = newskg("extract", tmp_path / "a.txt", "--format", fmt)
    assert result.returncode == 2
    assert "a.meta.json" in result.stderr and "lone surrogate" in result.stderr
    assert "Traceback" not in result.stderr
