"""The search page in a real headless browser (Debian's chromium, driven by selenium).

The service runs with uvicorn on 127.0.0.1; the test types a query, submits it with the
keyboard, clicks a facet and reads the result, as a person would. Skipped, with the
reason, when chromium or chromedriver is not installed (``.ci/run`` installs them).
"""

from __future__ import annotations

import shutil
import socket
import threading
import time

import pytest

from search.web import create_app
from search_corpus import indexed_home

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER),
    reason="needs Debian's chromium and chromium-driver (apt-get install chromium "
           "chromium-driver); .ci/run installs them")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    import uvicorn

    home = indexed_home(tmp_path_factory.mktemp("home"))
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(home), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def test_type_a_query_click_a_facet_read_the_result(base_url, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(base_url + "/")
    box = browser.find_element(By.ID, "q")
    assert browser.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Search words"
    box.send_keys("climate OR climat" + Keys.ENTER)  # keyboard only
    assert browser.find_element(By.ID, "count").text == "2 records found"

    facet = browser.find_element(By.CSS_SELECTOR, 'a[data-facet="language"][data-value="fr"]')
    assert facet.text.replace("\n", " ") == "☐ French (1)"
    facet.click()
    assert browser.find_element(By.ID, "count").text == "1 record found"
    titles = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".hit h3")]
    assert titles == ["« Les bois engendrent les frimas et les gelées » : comprendre le "
                      "climat en Nouvelle-France"]
    marks = [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".snippet mark")]
    assert marks == ["climat"]
    selected = browser.find_element(By.CSS_SELECTOR, 'a[data-facet="language"][data-value="fr"]')
    assert selected.get_attribute("aria-current") == "true"
    # the query box keeps the query, and the facet stays applied on a new search
    assert browser.find_element(By.ID, "q").get_attribute("value") == "climate OR climat"


def test_skip_link_is_first_in_keyboard_order(base_url, browser) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser.get(base_url + "/?ui=ru")
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    focused = browser.switch_to.active_element
    assert focused.get_attribute("href").endswith("#results")
    assert focused.text == "Перейти к результатам"
