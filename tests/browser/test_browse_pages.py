"""Resource, article and search pages of a real corpus build in a real Chromium."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from newskg.backends import versions as store
from tests.conftest import CorpusBuild

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
NKG = "https://w3id.org/newskg/ontology#"


@pytest.fixture
def corpus(corpus_build: CorpusBuild) -> Path:
    return corpus_build.store


@pytest.fixture
def server(corpus: Path, start_server: Callable[..., str], browser: Any) -> Iterator[str]:
    yield start_server("newskg.serve", "--store", corpus, "--workers", "2")
    browser.set_window_size(1280, 900)


def first(store_dir: Path, query: str) -> dict[str, str]:
    _, opened = store.open_published(store_dir)
    row = next(iter(opened.query(query, use_default_graph_as_union=True)))
    return {
        str(v)[1:]: row[v].value
        for v in opened.query(query, use_default_graph_as_union=True).variables
    }


def local(iri: str) -> str:
    return "/" + iri.split("/", 3)[3]


def test_resource_page_shows_sources_and_links_navigate(
    browser: Any, server: str, corpus: Path
) -> None:
    from selenium.webdriver.common.by import By

    actor = first(
        corpus,
        f"""SELECT ?a ?label WHERE {{ ?a a <{NKG}Actor> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label .
        ?f <{NKG}speaker>|<{NKG}member> ?a }} ORDER BY ?a LIMIT 1""",
    )
    browser.get(server + local(actor["a"]))
    assert browser.find_element(By.ID, "label").text == actor["label"]
    highlighted = browser.find_elements(By.CSS_SELECTOR, "blockquote.snippet mark.hl")
    assert highlighted and all(m.text for m in highlighted)
    source = browser.find_element(By.CSS_SELECTOR, "blockquote.snippet a")
    target = source.get_attribute("href")
    assert "#o-" in target
    source.click()
    assert browser.current_url == target
    anchor = target.rsplit("#", 1)[1]
    assert browser.find_element(By.ID, anchor).get_attribute("class") == "anchor"
    assert browser.find_elements(By.CSS_SELECTOR, "#article-text a.mark")


def test_article_page_highlights_mentions_and_quotes(
    browser: Any, server: str, corpus: Path
) -> None:
    from selenium.webdriver.common.by import By

    article = first(
        corpus,
        f"""SELECT ?a ?h WHERE {{ ?a a <{NKG}Article> ;
        <http://schema.org/headline> ?h . ?s a <{NKG}Statement> ; <{NKG}article> ?a }}
        ORDER BY ?a LIMIT 1""",
    )
    browser.get(server + local(article["a"]))
    assert browser.find_element(By.ID, "label").text == article["h"]
    mentions = browser.find_elements(By.CSS_SELECTOR, "#article-text a.mark.mention")
    quotes = browser.find_elements(By.CSS_SELECTOR, "#article-text a.mark.quote")
    speakers = browser.find_elements(By.CSS_SELECTOR, "#article-text a.note.speaker")
    assert mentions and quotes and speakers
    assert browser.find_elements(By.CSS_SELECTOR, "h2#statements + ul li a")
    mention = mentions[0]
    entity_label = mention.get_attribute("title").split("; ")[0]
    mention.click()
    assert "/id/" in browser.current_url
    assert browser.find_element(By.ID, "label").text == entity_label


def test_pages_read_on_a_phone(browser: Any, server: str, corpus: Path) -> None:
    article = first(corpus, f"SELECT ?a WHERE {{ ?a a <{NKG}Article> }} ORDER BY ?a LIMIT 1")
    event = first(corpus, f"SELECT ?e WHERE {{ ?e a <{NKG}Event> }} ORDER BY ?e LIMIT 1")
    browser.set_window_size(390, 844)
    for path in (
        "/",
        local(article["a"]),
        local(event["e"]),
        "/events",
        "/statements",
        "/ontology",
        "/dumps/",
        "/.well-known/void",
        "/search?q=a",
        "/graph/entities",
    ):
        browser.get(server + path)
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways on a phone ({overflow} px)"


def accented(text: str) -> str:
    """``"Esmail"`` -> ``"ÉSMAIL"``: upper case, an accent on every plain vowel."""
    marks = {"A": "Á", "E": "É", "I": "Í", "O": "Ó", "U": "Ú"}
    return "".join(marks.get(c, c) for c in text.upper())


def test_search_finds_an_entity_by_an_accent_folded_prefix(
    browser: Any, server: str, corpus: Path
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    place = first(
        corpus,
        f"""SELECT ?p ?label WHERE {{ ?p a <{NKG}Place> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(STRLEN(?label) >= 4) }}
        ORDER BY ?p LIMIT 1""",
    )
    prefix = accented(place["label"][:4])
    assert unicodedata.normalize("NFKD", prefix) != prefix.lower()
    browser.get(server + "/")
    box = browser.find_element(By.ID, "home-q")
    box.send_keys(prefix)
    box.submit()
    # submit() returns when the form is sent, not when the results page is in: wait for it
    # (read at once, the home page was still there now and then, with no results at all)
    WebDriverWait(browser, 20).until(
        lambda b: b.find_elements(By.CSS_SELECTOR, "#results"), "no results page came"
    )
    results = browser.find_elements(By.CSS_SELECTOR, "#results a")
    assert place["label"] in [r.text for r in results], (prefix, [r.text for r in results])
    browser.find_element(By.LINK_TEXT, place["label"]).click()
    assert browser.find_element(By.ID, "label").text == place["label"]
