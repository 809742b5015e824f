"""A husk (a kept body implausibly small against the prose in the file) is published, but the
build says so: a warning with the file and the reason, in the text report and in ``--json``."""

from __future__ import annotations

from pathlib import Path

from newskg.extraction.reader import read_article
from tests.ops.publishing import newskg, report

STORY = [
    "The harbour of Keller Bay reopened on Monday after a storm had closed it for three days, "
    "the port authority said in a statement.",
    "Ships queued outside the breakwater for most of the morning while the pilots checked the "
    "channel for debris that the storm had left behind.",
    "The harbour master said that the damage to the quays was lighter than feared and that the "
    "ferries would run to the islands again from Tuesday.",
    "Fishermen who had waited in the town for the weather to clear said they would go out again "
    "as soon as the pilots let them through the channel.",
    "The port authority said it would publish a report on the storm and on the damage to the "
    "breakwater before the end of the month.",
    "The town council met on Monday evening to discuss the cost of the repairs, which the mayor "
    "said would be shared with the regional government.",
    "A spokesman for the ferry company said that the first boat would leave at seven in the "
    "morning and that tickets bought for the cancelled crossings were still valid.",
]
#: A file without a headline line: its first line, the whole story in one paragraph, is taken
#: for the headline, and the body kept is the last line only.
HUSK = " ".join(STORY) + "\nThe ferries run again."
WHOLE = "Ferries resume\n" + "\n".join(STORY)


def test_a_husk_is_published_with_a_warning(tmp_path: Path) -> None:
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "husk.txt").write_text(HUSK + "\n", "utf-8")
    (articles / "whole.txt").write_text(WHOLE + "\n", "utf-8")
    husk = read_article(articles / "husk.txt")
    assert husk.headline == " ".join(STORY)
    assert [s.of(husk.text) for s in husk.body] == ["The ferries run again."]
    [reason] = husk.warnings
    assert reason.startswith("the body kept holds 4 words, the file 181 words of prose: ")
    assert read_article(articles / "whole.txt").warnings == []

    text = newskg("build", "--articles", articles, "--store", tmp_path / "store", "-q")
    assert text.returncode == 0, text.stderr  # published: a warning is not a rejection
    assert f"warning {articles / 'husk.txt'}: {reason}" in text.stderr.splitlines()
    assert "whole.txt" not in text.stderr
    assert "2 published, 0 rejected" in text.stdout

    (articles / "husk.txt").write_text(HUSK + "\n\n", "utf-8")  # a change, so a new version
    as_json = newskg("build", "--articles", articles, "--store", tmp_path / "store", "--json")
    assert as_json.returncode == 0, as_json.stderr
    found = report(as_json)
    assert found["warnings"] == [{"file": str(articles / "husk.txt"), "reason": reason}]
    assert found["rejected"] == [] and found["articles_published"] == 2
