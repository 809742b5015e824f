"""The rules table (``data/rules.tsv``): one row per rule that makes a fact, read by one loader
that fails loudly; every row is used by the code, and every ``nkg:extractor`` the graph gets
(on the bundled corpus and on the dev sets of ``../shared/eval``) is a row of it."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from rdflib import Literal

from newskg.extraction import rules
from newskg.extraction.datafiles import DATA, DataFileError
from newskg.extraction.extract import check, extract, extract_many
from newskg.extraction.graph import to_graph
from newskg.extraction.model import Extraction
from newskg.extraction.reader import ArticleError, article_paths, read_article
from newskg.vocab import NKG, Iris
from tests.extraction.texts import article_of

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src" / "newskg"
SHARED = ROOT / ".." / "shared" / "eval"
HEADER = "rule\tlayer\tconfidence\treason\n"


def table_file(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "rules.tsv"
    path.write_text("# test rules\n" + HEADER + "".join(line + "\n" for line in lines), "utf-8")
    return path


# --- the loader ----------------------------------------------------------------------------


def test_a_rule_has_its_layer_confidence_and_reason() -> None:
    row = rules.rule("quote/according-to")
    assert (row.layer, row.confidence) == ("statement", 0.85)
    assert rules.confidence("quote/according-to") == 0.85
    assert rules.reason("quote/according-to") == '"according to X" in the quote\'s frame'


def test_an_unknown_rule_id_fails_naming_it_and_the_fix() -> None:
    with pytest.raises(rules.UnknownRuleError) as caught:
        rules.confidence("quote/said-twice")
    assert caught.value.rule == "quote/said-twice"
    assert isinstance(caught.value, DataFileError)
    assert str(caught.value) == (
        f"{DATA / 'rules.tsv'}: no row for the rule 'quote/said-twice'; "
        "add a row: rule <TAB> layer <TAB> confidence <TAB> reason"
    )


def test_a_missing_table_fails(tmp_path: Path) -> None:
    with pytest.raises(DataFileError) as caught:
        rules.load(tmp_path / "rules.tsv")
    assert caught.value.reason == "the data file is missing"


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (
            "quote/x\tstatement\thigh\ta reason",
            "confidence 'high' is not a number in [0, 1]; write a number in [0, 1]",
        ),
        (
            "quote/x\tstatement\t1.5\ta reason",
            "confidence '1.5' is not a number in [0, 1]; write a number in [0, 1]",
        ),
        (
            "quote/x\tstatement\t0.5",
            "this line has 3 of the 4 tab-separated columns it needs; write it as: rule <TAB> "
            "layer <TAB> confidence <TAB> reason (see the header comment of the file)",
        ),
        (
            "quote/x\tquotes\t0.5\ta reason",
            "layer 'quotes' is not one of statement, event, membership, adjustment; fix the column",
        ),
        (
            "membership/x\tstatement\t0.5\ta reason",
            "a statement rule id starts with 'membership'; start it with quote/",
        ),
        ("Quote said\tstatement\t0.5\ta reason", "rule id 'Quote said' is not prefix/name"),
        ("quote/x\tstatement\t0.5\t ", "the reason is empty; say why the rule holds"),
    ],
)
def test_a_broken_row_fails_naming_file_line_and_fix(
    tmp_path: Path, line: str, message: str
) -> None:
    path = table_file(tmp_path, "quote/fine\tstatement\t0.9\tit holds", line)
    with pytest.raises(DataFileError) as caught:
        rules.load(path)
    assert str(caught.value).startswith(f"{path}:4: {message}")


def test_a_rule_written_twice_fails(tmp_path: Path) -> None:
    path = table_file(tmp_path, "event/x\tevent\t0.9\tone", "event/x\tevent\t0.8\ttwo")
    with pytest.raises(DataFileError, match=r"rules\.tsv:4: the rule 'event/x' has a row"):
        rules.load(path)


def test_adjustments_may_belong_to_any_layer(tmp_path: Path) -> None:
    path = table_file(tmp_path, "event/step\tadjustment\t0.05\tadded per mention")
    assert rules.load(path) == {
        "event/step": rules.Rule("event/step", "adjustment", 0.05, "added per mention")
    }


# --- the table against the code -----------------------------------------------------------


def test_every_rule_of_the_table_is_used_by_the_code() -> None:
    """Each id is written, as a whole string, in a module or a data file of the package (not
    counting the table itself): a row nothing uses is a rule that no longer exists."""
    used = ""
    for path in sorted(SRC.rglob("*")):
        if path.is_file() and path.suffix in {".py", ".tsv", ".txt"} and path.name != "rules.tsv":
            used += path.read_text("utf-8") + "\n"
    unused = [
        rule for rule in rules.table() if not re.search(rf"[\"'\t]{re.escape(rule)}[\"'\n]", used)
    ]
    assert unused == [], f"rows of rules.tsv that no code uses: {unused}"


#: Modules that make facts: their confidences come from the rules table, never a number.
FACT_MODULES = ("quotes", "memberships", "role_titles", "role_links", "role_orgs", "role_data")


@pytest.mark.parametrize("module", FACT_MODULES)
def test_fact_making_code_has_no_confidence_constant(module: str) -> None:
    tree = ast.parse((SRC / "extraction" / f"{module}.py").read_text("utf-8"))
    floats = [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, float)
    ]
    assert floats == [], f"{module}.py: numbers that belong in rules.tsv: {floats}"


def test_a_fact_whose_rule_has_no_row_fails_the_extraction_check() -> None:
    x = extract(article_of('"We will rebuild the bridge," Mayor Ann Lee said on Tuesday.'))
    assert [s.rule for s in x.statements] == ["quote/speech-verb-same-sentence"]
    assert [s.confidence for s in x.statements] == [0.9]
    x.statements[0].rule = "quote/said-loudly"
    with pytest.raises(rules.UnknownRuleError, match="quote/said-loudly"):
        check(x)
    x.statements[0].rule = "membership/apposition"
    with pytest.raises(ValueError, match="a statement made by membership/apposition"):
        check(x)


def extractors(extractions: list[Extraction]) -> dict[str, str]:
    """nkg:extractor -> the type of fact it was written on (its layer), over the graphs."""
    found: dict[str, str] = {}
    kinds = {NKG.Statement: "statement", NKG.Event: "event", NKG.Membership: "membership"}
    for x in extractions:
        graph = to_graph(x, Iris("http://example.org/"))
        for node, value in graph.subject_objects(NKG.extractor):
            assert isinstance(value, Literal)
            (kind,) = [kinds[t] for t in graph.objects(node, None) if t in kinds]
            found[str(value)] = kind
    return found


def assert_rows_of_the_table(found: dict[str, str]) -> None:
    table = rules.table()
    missing = sorted(set(found) - set(table))
    assert missing == [], f"extractors written to the graph with no row in rules.tsv: {missing}"
    wrong = {r: layer for r, layer in found.items() if table[r].layer != layer}
    assert wrong == {}, f"extractors written on facts of another layer: {wrong}"


def read_all(folder: Path) -> list[Extraction]:
    articles = []
    for path in article_paths(folder):
        try:
            articles.append(read_article(path))
        except ArticleError:
            continue  # refused by the reader: no graph, no extractor
    return list(extract_many(articles))


def test_the_bundled_corpus_writes_only_extractors_of_the_table() -> None:
    found = extractors(read_all(ROOT / "articles"))
    assert {"statement", "event", "membership"} <= set(found.values())
    assert_rows_of_the_table(found)


@pytest.mark.slow
def test_the_dev_sets_write_only_extractors_of_the_table() -> None:
    sets = sorted(p / "articles" for p in SHARED.glob("*") if (p / "articles").is_dir())
    if not sets:
        pytest.skip(f"{SHARED} absent or without sets: the dev sets live beside the repository")
    found: dict[str, str] = {}
    for folder in sets:
        found.update(extractors(read_all(folder)))
    assert {"statement", "event", "membership"} <= set(found.values())
    assert_rows_of_the_table(found)
