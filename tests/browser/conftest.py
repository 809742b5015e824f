"""A real headless Chromium (Debian's chromium + chromium-driver) driven by Selenium.

Where either is missing the browser tests skip with a message saying what to install;
``.ci/run`` installs both so that CI always runs them.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable, Iterator
from typing import Any

import pytest

CHROMIUM = ("chromium", "chromium-browser", "google-chrome")
INSTALL = "apt-get install -y chromium chromium-driver"


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    binary = next((path for name in CHROMIUM if (path := shutil.which(name))), None)
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        missing = "Chromium" if binary is None else "chromedriver"
        pytest.skip(f"browser tests need {missing}, which is not installed: {INSTALL}")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tempfile.mkdtemp(prefix="newskg-chromium-")
    # Headless as root in a sandbox-less container, and nothing that reaches the network:
    # this machine has none, and Chromium's background requests would only time out.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def replaced(element: Any) -> Callable[[Any], bool]:
    """A wait condition: ``element``'s page has been replaced by another. Like selenium's
    ``staleness_of``, but also when the new page is not HTML (a SPARQL JSON answer), where
    chromedriver reports the old node as "not belonging to the document" with a generic
    error instead of a stale-element one."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    def check(_: Any) -> bool:
        try:
            element.is_enabled()
        except StaleElementReferenceException:
            return True
        except WebDriverException as exc:
            if "does not belong to the document" in str(exc):
                return True
            raise
        return False

    return check
