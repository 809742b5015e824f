"""newskg.web.query_page and the query page through Flask's test client (no corpus, no browser)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from newskg.web import create_app
from newskg.web.query_page import (
    PREFIXES,
    YASGUI_CSS,
    YASGUI_JS,
    YASGUI_STATIC,
    ExampleError,
    completions,
    load_examples,
    parse_example,
    parse_header,
)

NKG = "https://w3id.org/newskg/ontology#"
HTML = {"Accept": "text/html"}
EXAMPLE = """\
# title: Quotes & speakers
# description: Every quote with its speaker,
#   one row each.
# (a note that is not part of the description)
PREFIX nkg: <https://w3id.org/newskg/ontology#>
SELECT ?q WHERE { ?s nkg:quote ?q }
"""


@pytest.fixture
def queries_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "queries"
    directory.mkdir()
    (directory / "quotes.rq").write_text(EXAMPLE, "utf-8")
    return directory


def page_app(
    store_dir: Path, queries_dir: Path, static: Path | None = None, **config: object
) -> Flask:
    app = create_app(
        {"STORE": str(store_dir), "TESTING": True, "QUERIES_DIR": str(queries_dir), **config}
    )
    if static is not None:
        app.static_folder = str(static)
    return app


def fake_yasgui(tmp_path: Path) -> Path:
    """A static folder holding (empty) YASGUI files, as `make assets` leaves them."""
    static = tmp_path / "static"
    (static / YASGUI_STATIC).mkdir(parents=True)
    for name in (YASGUI_JS, YASGUI_CSS):
        (static / YASGUI_STATIC / name).write_text("/* test */", "utf-8")
    return static


def page(client: FlaskClient, **args: str) -> str:
    response = client.get("/sparql", query_string=args, headers=HTML)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    return response.get_data(as_text=True)


def test_header_fields_and_continuation_lines() -> None:
    assert parse_header(EXAMPLE) == {
        "title": "Quotes & speakers",
        "description": "Every quote with its speaker, one row each.",
    }
    assert parse_header("SELECT * {}\n# title: too late") == {}


def test_an_example_needs_a_title_and_a_description(tmp_path: Path) -> None:
    path = tmp_path / "untitled.rq"
    path.write_text("# description: no title\nSELECT * {}\n", "utf-8")
    with pytest.raises(ExampleError, match="title"):
        parse_example(path)
    path.write_text("# title: no description\nSELECT * {}\n", "utf-8")
    with pytest.raises(ExampleError, match="description"):
        parse_example(path)
    odd = tmp_path / "Bad Name.rq"
    odd.write_text(EXAMPLE, "utf-8")
    with pytest.raises(ExampleError, match="lower case"):
        parse_example(odd)


def test_examples_load_in_file_name_order(queries_dir: Path) -> None:
    (queries_dir / "a-first.rq").write_text(EXAMPLE.replace("Quotes", "First"), "utf-8")
    assert [e.name for e in load_examples(queries_dir)] == ["a-first", "quotes"]
    assert load_examples(queries_dir / "missing") == []


def test_completions_are_the_vocabulary_and_the_prefixes() -> None:
    data = completions()
    for prefix in (
        "nkg",
        "schema",
        "nif",
        "itsrdf",
        "skos",
        "rdfs",
        "rdf",
        "xsd",
        "owl",
        "wd",
        "prov",
    ):
        assert prefix in data["prefixes"]
    assert data["prefixes"] == PREFIXES
    for name in ("Actor", "Organization", "Place", "Event", "Statement", "Membership", "Article"):
        assert NKG + name in data["classes"]
    for name in (
        "quote",
        "speaker",
        "eventType",
        "agent",
        "target",
        "participant",
        "date",
        "place",
        "member",
        "organization",
        "role",
        "evidence",
        "mentionedIn",
    ):
        assert NKG + name in data["properties"]
    for iri in (
        "http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#anchorOf",
        "http://schema.org/headline",
        "http://www.w3.org/2004/02/skos/core#exactMatch",
        "http://www.w3.org/2004/02/skos/core#prefLabel",
    ):
        assert iri in data["properties"]


def test_without_yasgui_the_page_is_a_plain_form(
    store_dir: Path, queries_dir: Path, tmp_path: Path
) -> None:
    client = page_app(store_dir, queries_dir, static=tmp_path / "empty").test_client()
    html = page(client)
    assert '<form id="query-form" method="post" action="/sparql">' in html
    assert '<textarea id="query" name="query"' in html
    assert "<script" not in html and 'id="yasgui"' not in html
    assert "Quotes &amp; speakers" in html
    assert "Every quote with its speaker, one row each." in html
    assert 'href="/sparql?example=quotes&amp;ui=plain#query"' in html


def test_an_example_link_fills_the_form(store_dir: Path, queries_dir: Path) -> None:
    client = page_app(store_dir, queries_dir).test_client()
    html = page(client, example="quotes")
    textarea = re.search(r"<textarea[^>]*>(.*?)</textarea>", html, re.DOTALL)
    assert textarea is not None
    assert textarea.group(1) == EXAMPLE.replace("&", "&amp;").replace("<", "&lt;").replace(
        ">", "&gt;"
    )
    missing = client.get("/sparql", query_string={"example": "nope"}, headers=HTML)
    assert missing.status_code == 404
    assert "nope" in missing.get_data(as_text=True)


def test_with_yasgui_the_page_loads_it_from_this_server(
    store_dir: Path, queries_dir: Path, tmp_path: Path
) -> None:
    client = page_app(store_dir, queries_dir, static=fake_yasgui(tmp_path)).test_client()
    html = page(client)
    assert f'<script src="/static/{YASGUI_STATIC}/{YASGUI_JS}"></script>' in html
    assert f'<link rel="stylesheet" href="/static/{YASGUI_STATIC}/{YASGUI_CSS}">' in html
    assert '<script src="/static/sparql-page.js"></script>' in html
    # Every resource the page names is on this server: no CDN, nothing absolute.
    for url in re.findall(r'\b(?:src|href)="([^"]*)"', html):
        assert url.startswith(("/", "#")) and not url.startswith("//"), url
    data = json.loads(
        re.search(
            r'<script type="application/json" id="query-page-data">(.*?)</script>', html, re.DOTALL
        ).group(1)
    )
    assert data["endpoint"] == "/sparql"
    assert data["examples"] == {"quotes": EXAMPLE}
    assert NKG + "Statement" in data["completions"]["classes"]
    # The plain form is still in the page (for browsers without JavaScript) ...
    assert '<textarea id="query" name="query"' in html
    # ... and one link away with YASGUI left out.
    assert "<script" not in page(client, ui="plain")


def test_the_yasgui_setting_turns_it_off(
    store_dir: Path, queries_dir: Path, tmp_path: Path
) -> None:
    client = page_app(
        store_dir, queries_dir, static=fake_yasgui(tmp_path), YASGUI=False
    ).test_client()
    assert "<script" not in page(client)
