"""Every example query of ``queries/`` is a test: it parses, it has a title and a
description, it is listed on the query page, and over the bundled corpus (built once with
the real ``newskg build``) it returns at least the rows ``expected/<name>.json`` requires.

Expectations are what a correct extractor must find because the article text clearly says
it (each required row carries its reason in ``_why``), matched on stable things: labels,
the beginning of a quote, event-type labels. They are not the extractor's current output,
which keeps improving. A required row matches a result row when every key (except
``_why``) matches the result's value for that variable:

- a string: equal to the value (an IRI's or literal's text);
- ``{"startswith": s}``, ``{"contains": s}``: a text test;
- ``{"min": n}``, ``{"max": n}``: a numeric bound.

Besides ``required_rows``, an expected file may give ``min_rows`` and ``max_rows``.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from markupsafe import escape

from newskg.backends import versions as store
from newskg.web import create_app
from newskg.web.query_page import QUERIES_DIR, load_examples, parse_example
from tests.conftest import CorpusBuild

ROOT = Path(__file__).resolve().parents[2]
EXPECTED_DIR = Path(__file__).resolve().parent / "expected"
EXAMPLES = sorted(QUERIES_DIR.glob("*.rq"))
SRJ = "application/sparql-results+json"
MATCHERS: dict[str, Callable[[str, Any], bool]] = {
    "startswith": lambda value, expected: value.startswith(expected),
    "contains": lambda value, expected: expected in value,
    "min": lambda value, expected: float(value) >= expected,
    "max": lambda value, expected: float(value) <= expected,
}

Rows = list[dict[str, str]]

pytestmark = pytest.mark.slow


def expected_for(path: Path) -> dict[str, Any]:
    return json.loads((EXPECTED_DIR / f"{path.stem}.json").read_text("utf-8"))


def matches(value: str | None, expected: Any) -> bool:
    """Whether one result value satisfies one expectation (see the module docstring)."""
    if value is None:
        return False
    if isinstance(expected, dict):
        return all(MATCHERS[kind](value, wanted) for kind, wanted in expected.items())
    return value == str(expected)


def row_matches(row: dict[str, str], required: dict[str, Any]) -> bool:
    return all(
        matches(row.get(name), wanted) for name, wanted in required.items() if name != "_why"
    )


def check_answer(name: str, variables: list[str], rows: Rows, expected: dict[str, Any]) -> None:
    """Assert ``rows`` satisfy the expected file of example ``name``."""
    assert len(rows) >= expected.get("min_rows", 0), (
        f"{name}: {len(rows)} rows, expected at least {expected['min_rows']}"
    )
    if "max_rows" in expected:
        assert len(rows) <= expected["max_rows"], (
            f"{name}: {len(rows)} rows, expected at most {expected['max_rows']}"
        )
    for required in expected.get("required_rows", []):
        unknown = set(required) - set(variables) - {"_why"}
        assert not unknown, f"{name}: expected file names variables the query lacks: {unknown}"
        assert any(row_matches(row, required) for row in rows), (
            f"{name}: no row matches {required}\n(why: {required.get('_why')})\nrows:\n"
            + "\n".join(map(str, rows[:30]))
        )


def run_local(store_dir: Path, query: str) -> tuple[list[str], Rows]:
    """Evaluate over the union of the named graphs, as the server does."""
    _, opened = store.open_published(store_dir)
    solutions = opened.query(query, use_default_graph_as_union=True)
    assert isinstance(solutions, pyoxigraph.QuerySolutions), "examples are SELECT queries"
    variables = [v.value for v in solutions.variables]
    rows = [{n: row[n].value for n in variables if row[n] is not None} for row in solutions]
    return variables, rows


@pytest.fixture
def corpus_store(corpus_build: CorpusBuild) -> Path:
    """The bundled corpus built once with the real command line."""
    return corpus_build.store


def test_there_are_examples_and_each_has_its_expectations() -> None:
    assert len(EXAMPLES) >= 12
    expected = {path.stem for path in EXPECTED_DIR.glob("*.json")}
    assert expected == {path.stem for path in EXAMPLES}, (
        "every queries/NAME.rq needs tests/queries/expected/NAME.json and vice versa"
    )


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_has_a_header_and_parses(path: Path) -> None:
    example = parse_example(path)
    assert example.title and example.description
    assert example.query.lstrip().startswith("# title:"), "the header opens the file"
    pyoxigraph.Store().query(example.query)  # a SyntaxError fails the test
    expected = expected_for(path)
    for required in expected.get("required_rows", []):
        assert required.get("_why"), f"{path.stem}: say why each required row is expected"
        for wanted in required.values():
            if isinstance(wanted, dict):
                assert set(wanted) <= set(MATCHERS), f"unknown matcher in {wanted}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_example_answers_over_the_corpus(path: Path, corpus_store: Path) -> None:
    variables, rows = run_local(corpus_store, path.read_text("utf-8"))
    check_answer(path.stem, variables, rows, expected_for(path))


def test_examples_through_a_real_server(
    corpus_store: Path, start_server: Callable[..., str]
) -> None:
    """Every example POSTed to a real ``newskg serve``: the same answers as in-process."""
    base = start_server("newskg.serve", "--store", corpus_store, "--workers", "2")
    for path in EXAMPLES:
        query = path.read_text("utf-8")
        request = urllib.request.Request(
            base + "/sparql",
            data=urllib.parse.urlencode({"query": query}).encode(),
            headers={"Accept": SRJ},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            assert response.headers.get_content_type() == SRJ
            answer = json.load(response)
        variables = answer["head"]["vars"]
        rows = [
            {n: b[n]["value"] for n in variables if n in b} for b in answer["results"]["bindings"]
        ]
        check_answer(path.stem, variables, rows, expected_for(path))
        assert len(rows) == len(run_local(corpus_store, query)[1]), path.stem


def test_every_example_is_listed_on_the_query_page(corpus_store: Path) -> None:
    client = create_app({"STORE": str(corpus_store), "TESTING": True}).test_client()
    page = client.get("/sparql", headers={"Accept": "text/html"})
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for example in load_examples():
        assert str(escape(example.title)) in html, example.name
        assert str(escape(example.description)) in html, example.name
        assert f'data-example="{example.name}"' in html
        assert f"/sparql?example={example.name}" in html
        # Following the link (the fallback without JavaScript) fills the form with it.
        filled = client.get(
            "/sparql",
            query_string={"example": example.name, "ui": "plain"},
            headers={"Accept": "text/html"},
        )
        assert filled.status_code == 200
        assert str(escape(example.query)) in filled.get_data(as_text=True)
