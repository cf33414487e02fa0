"""partnerships.html in a real headless Chromium, opened from file://: it draws the network,
logs no errors, requests nothing outside the file, and its time slider, link filters and
search (in Khmer) work; a synthetic network of 2,000 nodes settles within a bounded time."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from accsm_kg.load import load_knowledge_graph
from accsm_kg.viz import make_viz
from accsm_kg.viz.html import render_html
from accsm_kg.viz.model import build_graph
from chromium import start_chromium
from viz_synthetic import synthetic_network

pytestmark = pytest.mark.slow

SCREENSHOTS = Path("/tmp")
CTY_KH = "https://w3id.org/accsm-kg/id/country/kh"


@pytest.fixture(scope="module")
def shipped_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = make_viz(load_knowledge_graph())
    path = tmp_path_factory.mktemp("viz-page") / "partnerships.html"
    path.write_bytes(result.renderers["partnerships.html"]())
    return path


@pytest.fixture(scope="module")
def big_page(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = synthetic_network(2000)
    path = tmp_path_factory.mktemp("viz-big") / "partnerships.html"
    path.write_text(render_html(build_graph(data), data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator:
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), "1500,950", 120)
    try:
        yield driver
    finally:
        driver.quit()


def open_page(driver, path: Path, limit: float) -> float:
    """Load ``path`` from a blank page (so that the logs hold only its own entries) and wait
    until its physics has stopped; return the seconds that took."""
    driver.get("about:blank")
    driver.get_log("performance")
    driver.get_log("browser")
    started = time.monotonic()
    driver.get(path.as_uri())
    while time.monotonic() - started < limit:
        if status(driver, "data-stabilized") == "true":
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"{path.name}: the layout did not settle within {limit} s")


def status(driver, attribute: str) -> str | None:
    return driver.execute_script(
        "return document.getElementById('status').getAttribute(arguments[0])", attribute
    )


def counts(driver) -> tuple[int, int]:
    return (
        int(driver.find_element("id", "count-nodes").text),
        int(driver.find_element("id", "count-edges").text),
    )


def requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def set_year(driver, year: int | str) -> None:
    driver.execute_script(
        "var s = document.getElementById('year'); s.value = String(arguments[0]);"
        "s.dispatchEvent(new Event('input'));",
        year,
    )


def painted_pixels(driver) -> int:
    """How many pixels of the network's canvas are not blank."""
    return driver.execute_script(
        """
        var canvas = document.querySelector('#network canvas');
        var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        var painted = 0;
        for (var i = 0; i < pixels.length; i += 4) {
          var blank = pixels[i + 3] === 0 ||
            (pixels[i] > 245 && pixels[i + 1] > 245 && pixels[i + 2] > 245);
          if (!blank) { painted++; }
        }
        return painted;
        """
    )


def test_shipped_network_in_chromium(browser, shipped_page: Path) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    open_page(browser, shipped_page, limit=30)
    payload = json.loads(browser.find_element(By.ID, "viz-data").get_attribute("textContent"))
    total = (len(payload["nodes"]), len(payload["edges"]))
    assert counts(browser) == total
    assert painted_pixels(browser) > 5000

    # a click on a node (ASEAN, the largest) shows its facts and their sources
    asean = "https://w3id.org/accsm-kg/id/organization/asean"
    x, y = browser.execute_script(
        "var net = window.accsmViz.network;"
        "var p = net.canvasToDOM(net.getPositions([arguments[0]])[arguments[0]]);"
        "var box = document.querySelector('#network canvas').getBoundingClientRect();"
        "return [p.x - box.width / 2, p.y - box.height / 2];",
        asean,
    )
    canvas = browser.find_element(By.CSS_SELECTOR, "#network canvas")
    ActionChains(browser).move_to_element_with_offset(canvas, int(x), int(y)).click().perform()
    details = browser.find_element(By.ID, "details")
    assert details.get_attribute("data-node") == asean
    assert "Association of Southeast Asian Nations" in details.text
    assert "Sources" in details.text and "member state of" in details.text

    # the time slider: fewer nodes and links in 2000, all of them again at the right end
    set_year(browser, 2000)
    assert browser.find_element(By.ID, "year-label").text == "2000"
    in_2000 = counts(browser)
    assert 0 < in_2000[0] < total[0] and 0 < in_2000[1] < total[1]
    set_year(browser, 1970)
    assert counts(browser)[1] < in_2000[1]
    set_year(browser, payload["years"][1] + 1)
    assert counts(browser) == total

    # a link-type filter: membership links off, then on again
    members = sum(1 for e in payload["edges"] if e["type"] == "member")
    browser.find_element(By.ID, "type-member").click()
    without = counts(browser)
    assert without[1] == total[1] - members and without[0] < total[0]  # Timor-Leste goes
    browser.find_element(By.ID, "type-member").click()
    assert counts(browser) == total

    # search in Khmer finds Cambodia; choosing it shows its facts and their sources
    box = browser.find_element(By.ID, "search")
    box.send_keys("កម្ពុជា")
    results = browser.find_elements(By.CSS_SELECTOR, "#search-results li")
    assert results and results[0].get_attribute("data-id") == CTY_KH
    results[0].click()
    details = browser.find_element(By.ID, "details")
    assert details.get_attribute("data-node") == CTY_KH
    assert "Cambodia" in details.text and "Sources" in details.text
    assert "public reference" in details.text
    browser.save_screenshot(str(SCREENSHOTS / "accsm-viz-shipped.png"))

    errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert errors == []
    outside = [u for u in requested(browser) if not u.startswith(("data:", "blob:"))]
    assert outside == [shipped_page.as_uri()]


def test_two_thousand_nodes_settle_within_bounds(browser, big_page: Path) -> None:
    seconds = open_page(browser, big_page, limit=90)
    assert counts(browser) == (2000, 3700)
    assert int(status(browser, "data-ms")) < 60_000
    assert painted_pixels(browser) > 5000
    set_year(browser, 1990)
    assert 0 < counts(browser)[0] < 2000
    browser.save_screenshot(str(SCREENSHOTS / "accsm-viz-2000.png"))
    assert [e for e in browser.get_log("browser") if e["level"] == "SEVERE"] == []
    print(f"2,000 nodes settled in {seconds:.1f} s")
