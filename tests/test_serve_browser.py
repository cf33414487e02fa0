"""The query page of ``accsm-kg serve`` in a real headless Chromium: pick a saved query, set
a parameter, run it, read the table; write a query in the editor and run it."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest

from accsm_kg.catalog import load_catalog
from accsm_kg.engine import OxigraphEngine
from accsm_kg.load import load_knowledge_graph
from accsm_kg.query import run_saved
from accsm_kg.results import readable
from chromium import start_chromium
from serve_helpers import ServerProcess

pytestmark = pytest.mark.slow

WAIT = 15  # seconds


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    process = ServerProcess("--timeout", "5", "--workers", "2")
    try:
        yield process
    finally:
        assert process.stop() == 0, "".join(process.stderr)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory):
    driver = start_chromium(tmp_path_factory.mktemp("chromium-profile"), "1300,1100", WAIT * 2)
    try:
        yield driver
    finally:
        driver.quit()


def _requested(driver) -> list[str]:
    urls = []
    for entry in driver.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
    return urls


def _table(driver) -> tuple[list[str], list[list[str]]]:
    from selenium.webdriver.common.by import By

    table = driver.find_element(By.ID, "results")
    head = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = [
        [td.text for td in tr.find_elements(By.TAG_NAME, "td")]
        for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")
    ]
    return head, rows


def test_run_a_saved_query_with_a_parameter_and_the_editor(browser, server: ServerProcess) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import Select, WebDriverWait

    driver = browser
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(server.url + "/queries")
    WebDriverWait(driver, WAIT).until(
        lambda d: d.execute_script("return document.body.dataset.ready") == "true"
    )

    # Pick a saved query, set its date parameter and the language, run it.
    Select(driver.find_element(By.ID, "saved-query")).select_by_value("members")
    as_of = WebDriverWait(driver, WAIT).until(ec.element_to_be_clickable((By.ID, "param-as_of")))
    as_of.send_keys("1990-01-01")
    Select(driver.find_element(By.ID, "saved-lang")).select_by_value("km")
    driver.find_element(By.ID, "run-saved").click()
    WebDriverWait(driver, WAIT).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, "#results tbody tr"))
    )
    head, rows = _table(driver)

    saved = load_catalog()["members"]
    local = run_saved(OxigraphEngine(load_knowledge_graph()), saved, {"as_of": "1990-01-01"}, "km")
    assert head == local.result.variables
    expected = [[readable(row.get(v)) for v in head] for row in local.result.rows]
    assert sorted(rows) == sorted(expected)
    assert 0 < len(rows) < 10  # fewer members in 1990 than today
    status = driver.find_element(By.ID, "status").text
    assert status == f"{len(rows)} row{'s' if len(rows) != 1 else ''}."
    csv_link = driver.find_element(By.ID, "download-csv").get_attribute("href")
    assert "/api/queries/members?" in csv_link
    assert "as_of=1990-01-01" in csv_link and "format=csv" in csv_link and "lang=km" in csv_link
    driver.save_screenshot("/tmp/serve-queries-saved.png")

    # The editor: highlighted as typed, run with Ctrl+Enter.
    editor = driver.find_element(By.ID, "editor")
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys(Keys.DELETE)
    editor.send_keys(
        "SELECT ?arc ?label WHERE { ?arc a accsm:ResourceCentre ; skos:prefLabel ?label "
        'FILTER (lang(?label) = "km") } ORDER BY ?arc'
    )
    keywords = driver.find_elements(By.CSS_SELECTOR, "#editor-highlight .tok-keyword")
    assert [k.text for k in keywords][:2] == ["SELECT", "WHERE"]
    assert driver.find_elements(By.CSS_SELECTOR, "#editor-highlight .tok-pname")
    editor.send_keys(Keys.CONTROL, Keys.ENTER)
    WebDriverWait(driver, WAIT).until(
        lambda d: (
            d.find_element(By.ID, "status").text.endswith("rows.")
            and _table(d)[0] == ["arc", "label"]
        )
    )
    head, rows = _table(driver)
    assert rows and all(r[0].startswith("arc:") for r in rows)
    driver.save_screenshot("/tmp/serve-queries-editor.png")

    # A syntax error shows the parser's message.
    editor.send_keys(Keys.CONTROL, "a")
    editor.send_keys("SELECT WHERE {")
    driver.find_element(By.ID, "run-editor").click()
    error = WebDriverWait(driver, WAIT).until(ec.visibility_of_element_located((By.ID, "error")))
    assert error.text.startswith("400") and "syntax error" in error.text

    severe = [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
    # the 400 above is logged by the browser as a failed resource; nothing else may be
    assert all("/sparql" in e["message"] and "400" in e["message"] for e in severe), severe
    urls = _requested(driver)
    assert urls and all(u.startswith((server.url, "data:")) for u in urls), urls


def test_the_partnership_network_runs_under_the_content_security_policy(
    browser, server: ServerProcess
) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.get_log("performance")
    driver.get_log("browser")
    driver.get(server.url + "/viz")
    WebDriverWait(driver, 60).until(  # the layout settles, as in tests/test_viz_browser.py
        lambda d: (
            d.execute_script(
                "return document.getElementById('status').getAttribute('data-stabilized')"
            )
            == "true"
        )
    )
    nodes = driver.find_element(By.ID, "count-nodes").text
    assert nodes and nodes != "0"
    painted = driver.execute_script(
        "var c = document.querySelector('#network canvas');"
        "var p = c.getContext('2d').getImageData(0, 0, c.width, c.height).data, n = 0;"
        "for (var i = 0; i < p.length; i += 4) if (p[i + 3] && p[i] <= 245) n++;"
        "return n;"
    )
    assert painted > 1000
    driver.save_screenshot("/tmp/serve-viz.png")
    problems = [e for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]
    assert problems == []  # a blocked inline script or style would be reported here
    urls = _requested(driver)
    assert all(u.startswith((server.url, "data:", "blob:")) for u in urls), urls
