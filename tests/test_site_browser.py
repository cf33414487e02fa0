"""The static site in a real headless Chromium: search a Khmer and a Thai label, follow the
result, switch the language of the labels, and check what a person sees."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from accsm_kg.load import load_knowledge_graph
from accsm_kg.site import write_site
from chromium import start_chromium

pytestmark = pytest.mark.slow

WAIT = 10  # seconds


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("dist") / "site"
    write_site(load_knowledge_graph(), site)
    return site


@pytest.fixture(scope="module")
def server(site: Path) -> Iterator[str]:
    """The site served over loopback HTTP on a free port."""
    handler = functools.partial(QuietHandler, directory=str(site))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), "1200,1000", WAIT * 3)
    try:
        yield driver
    finally:
        driver.quit()


def requested_urls(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def search_and_follow(driver, base: str, text: str, target: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(base + "index.html")
    box = WebDriverWait(driver, WAIT).until(ec.element_to_be_clickable((By.ID, "q")))
    box.clear()
    box.send_keys(text)
    selector = f'#search-results a[href="{target}"]'
    hit = WebDriverWait(driver, WAIT).until(
        ec.visibility_of_element_located((By.CSS_SELECTOR, selector))
    )
    status = driver.find_element(By.ID, "search-status").text
    assert "match" in status
    hit.click()
    WebDriverWait(driver, WAIT).until(ec.url_to_be(base + target))


def heading(driver) -> str:
    from selenium.webdriver.common.by import By

    return driver.find_element(By.TAG_NAME, "h1").text


def switch(driver, lang: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_element(By.CSS_SELECTOR, f'button[data-set-lang="{lang}"]').click()


def test_search_follow_and_switch_language(browser, server: str) -> None:
    driver = browser
    driver.get_log("performance")  # start both logs afresh
    driver.get_log("browser")

    # A Khmer label finds the ARC theme of Cambodia; its page opens in English.
    search_and_follow(driver, server, "ការផ្តល់សេវាសាធារណៈ", "id/concept/arc-theme-kh/index.html")
    assert heading(driver) == "Public service delivery"
    switch(driver, "km")
    assert heading(driver) == "ការផ្តល់សេវាសាធារណៈ"
    assert driver.execute_script("return document.documentElement.dataset.lang") == "km"
    driver.save_screenshot("/tmp/site-concept-km.png")

    # The choice is remembered: the ARC found by its Khmer name opens in Khmer ...
    search_and_follow(driver, server, "មជ្ឈមណ្ឌលធនធានអាស៊ាន (កម្ពុជា)", "id/arc/kh/index.html")
    assert heading(driver) == "មជ្ឈមណ្ឌលធនធានអាស៊ាន (កម្ពុជា)"
    driver.save_screenshot("/tmp/site-arc-km.png")
    # ... and falls back to English where a language has no label (no Thai name yet).
    switch(driver, "th")
    assert heading(driver) == "ASEAN Resource Centre of Cambodia"
    host = driver.find_element("css selector", 'a[href="../../../id/country/kh/index.html"]')
    assert host.text == "กัมพูชา"  # Cambodia in Thai
    driver.save_screenshot("/tmp/site-arc-th.png")

    # A Thai label finds a good-governance principle; the search results follow the switch.
    driver.get(server + "index.html")
    box = driver.find_element("id", "q")
    box.send_keys("หลักนิติธรรม")
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    first = WebDriverWait(driver, WAIT).until(
        ec.visibility_of_element_located(("css selector", "#search-results li a"))
    )
    assert first.text == "หลักนิติธรรม"
    driver.save_screenshot("/tmp/site-index-th.png")
    first.click()
    WebDriverWait(driver, WAIT).until(lambda d: "/id/" in d.current_url)
    assert heading(driver) == "หลักนิติธรรม"
    switch(driver, "en")
    assert heading(driver) == "Rule of Law"

    errors = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    assert errors == []
    urls = requested_urls(driver)
    assert urls and all(u.startswith((server, "data:")) for u in urls), [
        u for u in urls if not u.startswith((server, "data:"))
    ]


def test_english_shows_without_javascript(browser, server: str, tmp_path: Path) -> None:
    """The page as it is before any script runs: only the English labels are visible."""
    driver = browser
    driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    try:
        driver.get(server + "id/country/kh/index.html")
        assert heading(driver) == "Cambodia"
        assert not driver.find_element("css selector", ".langs").is_displayed()
    finally:
        driver.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": False})


def test_search_works_from_file_urls(browser, site: Path) -> None:
    """Opened from disk, without a server: the search index is a script, not a fetch."""
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get((site / "index.html").as_uri())
    driver.find_element("id", "q").send_keys("Campuchia")
    hit = WebDriverWait(driver, WAIT).until(
        ec.visibility_of_element_located(("css selector", "#search-results li a"))
    )
    hit.click()
    WebDriverWait(driver, WAIT).until(lambda d: d.current_url.endswith("/index.html"))
    assert driver.current_url.startswith("file://") and "/id/" in driver.current_url
    assert [e for e in driver.get_log("browser") if e["level"] == "SEVERE"] == []
