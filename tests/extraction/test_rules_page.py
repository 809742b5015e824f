"""docs/rules.md, the page of every rule table: generated from the tables by
``docs/generate.py`` (tests/test_docs.py fails when it is stale), listing every table of
``data/`` whose rows carry a reason and a confidence, each row once."""

from __future__ import annotations

from pathlib import Path

from newskg.extraction import datafiles, rules
from newskg.extraction.rules_page import TABLES, anchor, cell, header_comment, table
from tests.test_docs import generator

ROOT = Path(__file__).resolve().parents[2]
PAGE = ROOT / "docs" / "rules.md"


def test_the_page_is_one_of_the_generated_pages() -> None:
    # that it is current is tests/test_docs.py's check of every generated page
    assert PAGE in generator().pages(), "docs/generate.py does not write docs/rules.md"


def test_every_rule_table_is_on_the_page() -> None:
    """A table whose column header names a confidence and a reason (or why) is a rule table:
    the page must list it (add it to ``rules_page.TABLES``)."""
    listed = {name for name, _, _ in TABLES}
    assert len(listed) == len(TABLES), "a table is listed twice in rules_page.TABLES"
    for path in sorted(datafiles.DATA.glob("*.tsv")):
        first = datafiles.entries(path)[0][1].split("\t")
        if "confidence" in first and {"reason", "why"} & set(first):
            assert path.name in listed, f"{path.name} is a rule table missing from docs/rules.md"


def test_each_table_has_a_heading_its_comment_and_every_row() -> None:
    text = PAGE.read_text("utf-8")
    for name, columns, _ in TABLES:
        assert f"](#{anchor(name)})" in text and f"\n## {name}\n" in text
        assert "\n".join(header_comment(name)) in text
        assert len(table(name, columns)) == 2 + len(datafiles.rows(name, columns))
    for rule in rules.table().values():
        row = f"| {rule.id} | {rule.layer} | {cell(f'{rule.confidence:g}', False)} |"
        assert row in text


def test_cells_escape_the_table_bar_and_set_code_in_backticks() -> None:
    assert cell(" a|b ", False) == "a\\|b"
    assert cell("^(sign up|subscribe)$", True) == "`^(sign up\\|subscribe)$`"
    assert anchor("quote_labels.tsv") == "quote_labelstsv"
