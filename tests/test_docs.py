"""The README documents what the code declares."""

from __future__ import annotations

from pathlib import Path

from newskg.settings import markdown_table

README = Path(__file__).resolve().parent.parent / "README.md"


def test_settings_table_matches_the_settings() -> None:
    text = README.read_text("utf-8")
    start = text.index("<!-- settings-table")
    start = text.index("\n", start) + 1
    end = text.index("<!-- end settings-table -->")
    assert text[start:end].strip() == markdown_table(), (
        "README's settings table is stale: paste newskg.settings.markdown_table() into it"
    )


def test_readme_starts_with_the_two_commands() -> None:
    text = README.read_text("utf-8")
    first_block = text.split("```sh\n", 1)[1].split("```", 1)[0]
    assert [line.split("#")[0].strip() for line in first_block.splitlines()] == [
        "make run",
        "make test",
    ]
