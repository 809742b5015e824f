"""docs/rules.md: every rule table of the extractors (a reason and a confidence per rule), as
``docs/generate.py`` writes it.

Why generated: the tables are the one source of the rules' confidences and reasons; a page
written by hand would drift from them. The page gives each table's header comment (what it
holds, its columns) and its rows; ``tests/test_docs.py`` fails when the page is stale.

Which tables: :data:`TABLES` lists them with their columns (as their readers declare them);
``tests/extraction/test_rules_page.py`` fails when a table of ``data/`` whose column header
names a confidence and a reason is missing here.
"""

from __future__ import annotations

from newskg.extraction import datafiles, names, rules
from newskg.extraction.cued_orgs import COMPANY_CUE_COLUMNS
from newskg.extraction.event_table import TRIGGER_COLUMNS
from newskg.extraction.furniture import BOILERPLATE_COLUMNS
from newskg.extraction.org_spans import EVENT_HEAD_COLUMNS
from newskg.extraction.quote_shapes import LABEL_COLUMNS
from newskg.extraction.role_data import POST_COLUMNS

#: (file, columns as its reader declares them, what it decides) of every table with a
#: reason and a confidence per row.
TABLES: tuple[tuple[str, tuple[str, ...], str], ...] = (
    (rules.TABLE, rules.COLUMNS, "the rules that make the graph's facts"),
    ("boilerplate.tsv", BOILERPLATE_COLUMNS, "page furniture the reader recognises"),
    ("name_rules.tsv", names.COLUMNS, "words that unmake a name"),
    ("event_heads.tsv", EVENT_HEAD_COLUMNS, "names of events, not organizations"),
    ("company_cues.tsv", COMPANY_CUE_COLUMNS, "words around a name only a company takes"),
    ("quote_labels.tsv", LABEL_COLUMNS, "quoted words that are a name"),
    ("gov_posts.tsv", POST_COLUMNS, "government posts of memberships"),
    ("event_triggers.tsv", TRIGGER_COLUMNS, "the words that are events of the closed types"),
)
#: Columns whose cells are code (a regular expression), set in backticks.
CODE_COLUMNS = {"regex"}


def header_comment(name: str) -> list[str]:
    """The comment lines that open data file ``name``, without their ``#``."""
    lines = datafiles.data_path(name).read_text("utf-8").splitlines()
    out = []
    for line in lines:
        if not line.startswith("#"):
            break
        out.append(line[1:].removeprefix(" ").rstrip())
    return out


def cell(text: str, code: bool) -> str:
    """``text`` as a cell of a Markdown table (``|`` escaped; code in backticks)."""
    text = text.strip().replace("|", "\\|")
    if code and "`" not in text:
        return f"`{text}`"
    return text


def table(name: str, columns: tuple[str, ...]) -> list[str]:
    """The rows of the table ``name`` as a Markdown table."""
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in datafiles.rows(name, columns):
        cells = [cell(c, col in CODE_COLUMNS) for c, col in zip(row.cells, columns, strict=True)]
        out.append("| " + " | ".join(cells) + " |")
    return out


def page(stamp: str) -> str:
    """The text of docs/rules.md (``stamp``: the generator's note that it is generated)."""
    parts = [
        "# Rules and their confidences",
        "",
        stamp,
        "",
        "Every fact of the graph (a statement, an event, a membership) carries the rule that",
        "made it as `nkg:extractor` and that rule's confidence as `nkg:confidence` (see",
        "[linked data](linked-data.md)); the rules are the rows of one table,",
        "`src/newskg/extraction/data/rules.tsv`, read through `newskg.extraction.rules`,",
        "which fails on a rule id the table lacks. The other tables below carry a reason and a",
        "confidence per row too: they decide what the reader keeps and what counts as an",
        "entity, an event, a quote or a government post. Each table is shown with its header",
        "comment and its rows, as in `src/newskg/extraction/data/`.",
        "",
        "Tables:",
        "",
    ]
    parts += [f"- [`{name}`](#{anchor(name)}): {what}" for name, _, what in TABLES]
    for name, columns, _ in TABLES:
        parts += ["", f"## {name}", "", "```text", *header_comment(name), "```", ""]
        parts += table(name, columns)
    return "\n".join(parts) + "\n"


def anchor(name: str) -> str:
    """The fragment GitHub gives the heading ``## name`` ("rules.tsv" -> "rulestsv")."""
    return "".join(ch for ch in name.lower() if ch.isalnum() or ch in "-_")
