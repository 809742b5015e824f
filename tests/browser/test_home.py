"""The home page and the query form in a real browser, against a real server."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.browser.conftest import replaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_home_page_shows_the_counts_and_leads_to_the_query_form(
    browser: Any, live_server: str
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(live_server + "/")
    # tests/fixtures/mini.trig: 2 articles, 2 actors, 2 statements.
    assert browser.find_element(By.ID, "count-Article").text == "2"
    assert browser.find_element(By.ID, "count-Actor").text == "2"
    assert browser.find_element(By.ID, "count-Statement").text == "2"
    browser.find_element(By.LINK_TEXT, "Query it with SPARQL").click()
    assert browser.current_url == live_server + "/sparql"
    # With YASGUI installed it replaces the form, which is one link away (test_query_page.py
    # covers YASGUI itself).
    for link in browser.find_elements(By.ID, "plain-link"):
        link.click()
        WebDriverWait(browser, 20).until(replaced(link))
    query = browser.find_element(By.ID, "query")
    query.clear()
    query.send_keys(
        "SELECT (COUNT(*) AS ?n) WHERE { ?s a <https://w3id.org/newskg/ontology#Statement> }"
    )
    browser.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    WebDriverWait(browser, 20).until(replaced(query))  # the answer has replaced the form
    answer = json.loads(browser.find_element(By.TAG_NAME, "body").text)
    assert answer["results"]["bindings"][0]["n"]["value"] == "2"


def test_home_page_reads_on_a_phone(browser: Any, live_server: str) -> None:
    browser.set_window_size(390, 844)
    try:
        browser.get(live_server + "/")
        overflow = browser.execute_script(
            "return document.documentElement.scrollWidth - window.innerWidth"
        )
        assert overflow <= 0, "the home page scrolls sideways on a phone-sized screen"
    finally:
        browser.set_window_size(1280, 900)
