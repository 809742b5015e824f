"""The query page at /sparql in a real Chromium against a real server (Granian).

With YASGUI installed (``make assets``, which needs npm) the page must load it from this
server only, preset the endpoint, load an example into the editor with one click and show
the answer as a table; without the assets it must still be a working HTML form.
"""

from __future__ import annotations

import json
import urllib.parse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newskg.web.query_page import YASGUI_CSS, YASGUI_JS, YASGUI_STATIC
from tests.browser.conftest import replaced

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
ASSETS = ROOT / "src" / "newskg" / "web" / "static" / YASGUI_STATIC
NKG = "https://w3id.org/newskg/ontology#"
WAIT = 20  # seconds


@pytest.fixture
def yasgui_installed() -> None:
    missing = [name for name in (YASGUI_JS, YASGUI_CSS) if not (ASSETS / name).is_file()]
    if missing:
        pytest.skip(
            f"YASGUI is not installed ({', '.join(missing)} missing from "
            f"{ASSETS.relative_to(ROOT)}): run `make assets`, which needs npm"
        )


def wait(browser: Any, condition: Callable[[Any], Any], message: str) -> Any:
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(browser, WAIT).until(condition, message)


def open_query_page(browser: Any, url: str) -> None:
    browser.get(url)
    wait(
        browser,
        lambda b: b.execute_script("return document.documentElement.dataset.yasgui === 'ready'"),
        "YASGUI did not start on the query page",
    )


def requested_urls(browser: Any) -> list[str]:
    """The page's own URL and every resource it fetched (scripts, styles, queries ...)."""
    return browser.execute_script(
        "return [location.href].concat(performance.getEntriesByType('resource').map(e => e.name))"
    )


def assert_all_local(browser: Any, base: str) -> None:
    host = urllib.parse.urlsplit(base).netloc
    urls = requested_urls(browser)
    outside = [
        u
        for u in urls
        if urllib.parse.urlsplit(u).netloc != host
        and not u.startswith(("data:", "blob:", "about:"))
    ]
    assert not outside, f"the query page fetched from elsewhere: {outside}"
    assert urllib.parse.urlsplit(base).hostname == "127.0.0.1"


def result_rows(browser: Any) -> list[list[str]]:
    return browser.execute_script(
        "return [...document.querySelectorAll('.yasr table.dataTable tbody tr')]"
        ".map(tr => [...tr.querySelectorAll('td')].map(td => td.textContent.trim()))"
    )


def test_yasgui_is_served_from_this_server_with_the_endpoint_preset(
    browser: Any, live_server: str, yasgui_installed: None
) -> None:
    open_query_page(browser, live_server + "/sparql")
    urls = requested_urls(browser)
    for name in (YASGUI_JS, YASGUI_CSS):
        assert f"{live_server}/static/{YASGUI_STATIC}/{name}" in urls
    assert_all_local(browser, live_server)
    endpoint = live_server + "/sparql"
    assert browser.execute_script("return newskgYasgui.getTab().getEndpoint()") == endpoint
    inputs = browser.execute_script(
        "return [...document.querySelectorAll('#yasgui input')].map(i => i.value)"
    )
    assert endpoint in inputs, "the endpoint field shows this server's /sparql"
    # The plain form gave way to YASGUI.
    assert not browser.find_element("id", "query-form").is_displayed()


def test_an_example_loads_with_one_click_and_runs_into_a_table(
    browser: Any, live_server: str, yasgui_installed: None
) -> None:
    from selenium.webdriver.common.by import By

    open_query_page(browser, live_server + "/sparql")
    browser.find_element(By.LINK_TEXT, "Who is quoted most").click()
    query = browser.execute_script("return newskgYasgui.getTab().getQuery()")
    assert query.startswith("# title: Who is quoted most")
    assert browser.current_url == live_server + "/sparql", "the click stays on the page"
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    # tests/fixtures/mini.trig: one quote each by Hassan Nasrallah and Esmail Qaani.
    rows = wait(
        browser,
        lambda b: len(result_rows(b)) == 2 and result_rows(b),
        "no results table with 2 rows",
    )
    speakers = sorted(
        next(cell for cell in row if cell.endswith(("Nasrallah", "Qaani"))) for row in rows
    )
    assert speakers == ["Esmail Qaani", "Hassan Nasrallah"]
    assert f"{live_server}/sparql" in requested_urls(browser)  # the query went here
    assert_all_local(browser, live_server)


def test_a_shared_link_opens_on_its_query_with_this_endpoint(
    browser: Any, live_server: str, yasgui_installed: None
) -> None:
    """YASGUI's share link (issue 15: it opened on the default query). A link naming
    another endpoint still queries this server."""
    open_query_page(browser, live_server + "/sparql")
    query = "SELECT ?s WHERE { ?s a <https://w3id.org/newskg/ontology#Actor> } LIMIT 3"
    browser.execute_script("newskgYasgui.getTab().setQuery(arguments[0])", query)
    link = browser.execute_script("return newskgYasgui.getTab().getShareableLink()")
    assert urllib.parse.urlsplit(link).fragment, link  # the query travels in the fragment
    browser.get("about:blank")
    open_query_page(browser, link)
    assert browser.execute_script("return newskgYasgui.getTab().getQuery()") == query
    elsewhere = link.replace(
        urllib.parse.quote(live_server + "/sparql", safe=""),
        urllib.parse.quote("http://example.org/sparql", safe=""),
    )
    assert elsewhere != link
    browser.get("about:blank")
    open_query_page(browser, elsewhere)
    assert browser.execute_script("return newskgYasgui.getTab().getQuery()") == query
    endpoint = browser.execute_script("return newskgYasgui.getTab().getEndpoint()")
    assert endpoint == live_server + "/sparql"


def test_counts_show_as_numbers_beside_row_numbers(
    browser: Any, live_server: str, yasgui_installed: None
) -> None:
    """A count was shown as "2"^^<…#integer> (issue 15); the row numbers keep their column."""
    from selenium.webdriver.common.by import By

    open_query_page(browser, live_server + "/sparql")
    query = (
        "SELECT ?class (COUNT(?s) AS ?n) WHERE { ?s a ?class "
        "FILTER(STRSTARTS(STR(?class), 'https://w3id.org/newskg/ontology#')) } "
        "GROUP BY ?class ORDER BY DESC(?n) ?class"
    )
    browser.execute_script("newskgYasgui.getTab().setQuery(arguments[0])", query)
    browser.find_element(By.CSS_SELECTOR, ".yasqe_queryButton").click()
    rows = wait(browser, lambda b: result_rows(b), "no results table")
    assert [row[0] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    counts = [row[2] for row in rows]
    assert all(count.isdigit() for count in counts), counts
    assert [int(c) for c in counts] == sorted((int(c) for c in counts), reverse=True)
    assert not any("integer" in cell for row in rows for cell in row), rows


def test_autocompletion_is_local(browser: Any, live_server: str, yasgui_installed: None) -> None:
    open_query_page(browser, live_server + "/sparql")

    def hints(text: str) -> list[str]:
        browser.execute_script(
            "const y = newskgYasgui.getTab().getYasqe(); y.setValue(arguments[0]); y.focus();"
            "y.getDoc().setCursor({line: y.getDoc().lastLine(), ch: 1e6}); y.autocomplete();",
            text,
        )
        return wait(
            browser,
            lambda b: (
                b.execute_script(
                    "return [...document.querySelectorAll('.CodeMirror-hints li')]"
                    ".map(li => li.textContent)"
                )
                or False
            ),
            f"no completion for {text!r}",
        )

    prologue = f"PREFIX nkg: <{NKG}>\n"
    assert "nkg:Statement" in hints(prologue + "SELECT * WHERE { ?s a nkg:Sta")
    assert "nkg:speaker" in hints(prologue + "SELECT * WHERE { ?s nkg:spe")
    assert any(h.startswith("itsrdf: <") for h in hints("PREFIX its"))
    assert_all_local(browser, live_server)


def test_without_yasgui_the_plain_form_works(
    browser: Any, start_server: Callable[..., str], store_dir: Path
) -> None:
    """A server whose YASGUI is turned off, as on a machine without npm."""
    from selenium.webdriver.common.by import By

    base = start_server("tests.browser.serve_plain", "--store", store_dir)
    browser.get(base + "/sparql")
    assert browser.find_elements(By.ID, "yasgui") == []
    assert browser.execute_script("return typeof window.Yasgui") == "undefined"
    form = browser.find_element(By.ID, "query-form")
    browser.find_element(By.LINK_TEXT, "Who is quoted most").click()
    wait(browser, replaced(form), "the example link did not load a page")
    assert "example=most-quoted" in browser.current_url
    query = browser.find_element(By.ID, "query")
    assert query.get_attribute("value").startswith("# title: Who is quoted most")
    form = browser.find_element(By.ID, "query-form")
    form.find_element(By.CSS_SELECTOR, "button[type=submit]").click()
    wait(browser, replaced(form), "submitting the form did not load the answer")
    text = browser.find_element(By.TAG_NAME, "body").text
    assert "Hassan Nasrallah" in text and "Esmail Qaani" in text
    if text.lstrip().startswith("{"):  # the server answered SPARQL JSON results
        assert len(json.loads(text)["results"]["bindings"]) == 2
    assert_all_local(browser, base)
