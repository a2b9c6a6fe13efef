"""A journalist's path through `arkiv serve` in a real browser (headless Debian Chromium via
Selenium): a search with a typo, a kommun filter, an article, the diff of two versions, the
page as it was fetched, a CSV export; and the hostile article, whose scripts must not run.

Screenshots go to tests/artifacts/. Outside CI the tests skip when no Chromium or
chromedriver is installed; in CI (``CI`` set) a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from samplesite.templates.hostile import PWNED_MARKER
from tests.helpers import ROOT, Crawl, run_arkiv
from tests.web_server import Served, serving

pytestmark = [pytest.mark.browser, pytest.mark.integration]

ARTIFACTS = ROOT / "tests" / "artifacts"
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
DRIVERS = ("chromedriver", "/usr/lib/chromium/chromedriver")


def find(names: tuple[str, ...]) -> str | None:
    for name in names:
        found = shutil.which(name) or (name if Path(name).is_file() else None)
        if found:
            return found
    return None


@pytest.fixture(scope="module")
def browser_paths() -> tuple[str, str]:
    browser, driver = find(BROWSERS), find(DRIVERS)
    if browser and driver:
        return browser, driver
    missing = "Chromium" if not browser else "chromedriver"
    if os.environ.get("CI"):
        pytest.fail(f"{missing} is not installed; .ci/run installs chromium chromium-driver")
    pytest.skip(f"{missing} not found (apt-get install chromium chromium-driver); CI unset")


@pytest.fixture(scope="module")
def downloads(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("downloads")


@pytest.fixture(scope="module")
def driver(browser_paths: tuple[str, str], downloads: Path) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = browser_paths[0]
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                     "--window-size=1280,1000", "--lang=sv-SE", "--disable-gpu"):  # fmt: skip
        options.add_argument(argument)
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    chrome = webdriver.Chrome(options=options, service=Service(executable_path=browser_paths[1]))
    chrome.set_page_load_timeout(60)
    try:
        yield chrome
    finally:
        chrome.quit()


@pytest.fixture(scope="module")
def web(second_crawl: Crawl) -> Iterator[Served]:
    with serving(second_crawl.data) as served:
        yield served


def shot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / f"{name}.png"))


def assert_nothing_ran(driver: Any) -> None:
    """No alert is open and the marker the hostile scripts set is unset."""
    from selenium.common.exceptions import NoAlertPresentException

    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert  # noqa: B018
    assert driver.execute_script(f"return window.{PWNED_MARKER}") is None


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {seconds} s for {what}")
        time.sleep(0.1)


def changed_article(data: Path) -> tuple[str, str]:
    with sqlite3.connect(data / "archive.sqlite3") as db:
        row = db.execute(
            "SELECT v.article_id, v.title FROM versions v WHERE v.article_id IN (SELECT"
            " article_id FROM versions GROUP BY article_id HAVING COUNT(*) > 1) ORDER BY"
            " v.version DESC LIMIT 1"
        ).fetchone()
    return str(row[0]), str(row[1])


def test_a_journalists_path(driver: Any, web: Served, second_crawl: Crawl) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = driver
    d.get(web.url + "/")
    box = d.find_element(By.ID, "q")
    assert d.find_element(By.CSS_SELECTOR, "label[for=q]").text == "Sökord"
    box.send_keys("Westerbak")  # the name is Westerback: a typo
    box.submit()
    wait_for(lambda: "q=Westerbak" in d.current_url, "the search")
    hits = d.find_elements(By.CSS_SELECTOR, "li.hit h3 a")
    assert "Säkerhetssamordnaren lämnar" in " ".join(h.text for h in hits)
    assert d.find_elements(By.CSS_SELECTOR, ".snippet mark")
    shot(d, "01-search-typo")

    d.get(web.url + "/?q=kommun")
    facet = d.find_element(
        By.XPATH, "//aside//h3[.='Kommun']/following-sibling::ul//a[.='Vimmerby']"
    )
    facet.click()
    wait_for(lambda: "kommun=Vimmerby" in d.current_url, "the kommun filter")
    assert d.find_element(By.CSS_SELECTOR, "input[name=kommun][value=Vimmerby]").is_selected()
    shot(d, "02-kommun-filter")
    first = d.find_element(By.CSS_SELECTOR, "li.hit h3 a")
    title = first.text
    first.click()
    wait_for(lambda: "/article/" in d.current_url, "the article")
    assert d.find_element(By.TAG_NAME, "h1").text == title
    shot(d, "03-article")

    aid, changed_title = changed_article(second_crawl.data)
    d.get(f"{web.url}/?q={changed_title}")
    d.find_element(By.CSS_SELECTOR, f"a[href='/article/{aid}']").click()
    wait_for(lambda: aid in d.current_url, "the changed article")
    Select(d.find_element(By.ID, "a")).select_by_value("1")
    Select(d.find_element(By.ID, "b")).select_by_value("2")
    d.find_element(By.CSS_SELECTOR, "form.compare button").click()
    wait_for(lambda: "a=1" in d.current_url, "the diff")
    assert d.find_elements(By.CSS_SELECTOR, ".diff ins")
    d.find_element(By.ID, "diff-heading").location_once_scrolled_into_view  # noqa: B018
    shot(d, "04-diff")

    frame = d.find_element(By.CSS_SELECTOR, "iframe.archived")
    assert frame.get_attribute("sandbox") == ""
    frame.location_once_scrolled_into_view  # noqa: B018
    d.switch_to.frame(frame)
    wait_for(lambda: bool(d.find_elements(By.TAG_NAME, "h1")), "the archived page")
    assert changed_title.split()[0] in d.find_element(By.TAG_NAME, "body").text
    d.switch_to.default_content()
    shot(d, "05-archived-page")
    assert_nothing_ran(d)


def test_a_phone_sized_search(driver: Any, web: Served) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    d.set_window_size(390, 844)
    try:
        d.get(web.url + "/?q=kommun")
        width = d.execute_script("return document.documentElement.scrollWidth")
        assert width <= d.execute_script("return window.innerWidth")
        assert d.find_element(By.ID, "q").is_displayed()
        shot(d, "06-phone")
    finally:
        d.set_window_size(1280, 1000)


def test_a_csv_export(driver: Any, web: Served, second_crawl: Crawl, downloads: Path) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    d.get(web.url + "/?q=kommun&kommun=Vimmerby")
    d.find_element(By.PARTIAL_LINK_TEXT, "Exportera").click()
    wait_for(lambda: "/export" in d.current_url, "the export page")
    shot(d, "07-export")
    d.find_element(By.ID, "format-csv").click()
    d.find_element(By.CSS_SELECTOR, "main form button").click()
    wait_for(lambda: any(p.suffix == ".csv" for p in downloads.iterdir()), "the download", 60)
    got = next(p for p in downloads.iterdir() if p.suffix == ".csv")
    out = downloads / "cli.export"
    cli = run_arkiv("export", "kommun", "--kommun", "Vimmerby", "--format", "csv", "-o", str(out),
                    "--data", str(second_crawl.data))  # fmt: skip
    assert cli.returncode == 0, cli.stderr
    assert got.read_bytes() == out.read_bytes()


def test_the_hostile_article_runs_nothing(driver: Any, hostile_crawl: Crawl) -> None:
    from selenium.webdriver.common.by import By

    d = driver
    with serving(hostile_crawl.data) as served:
        d.get(served.url + "/?q=skriptskola")
        assert_nothing_ran(d)
        link = d.find_element(By.CSS_SELECTOR, "li.hit h3 a")
        assert "<script>window.__pwned=1" in link.text  # shown, as text
        shot(d, "08-hostile-search")
        link.click()
        wait_for(lambda: "/article/" in d.current_url, "the hostile article")
        assert_nothing_ran(d)
        body = d.find_element(By.TAG_NAME, "main").text
        assert "Ingressen bär <script>" in body
        assert "\"'><img src=x onerror=" in body
        assert not d.find_elements(By.CSS_SELECTOR, "main img, main script")
        frame = d.find_element(By.CSS_SELECTOR, "iframe.archived")
        frame.location_once_scrolled_into_view  # noqa: B018
        d.switch_to.frame(frame)
        wait_for(lambda: bool(d.find_elements(By.TAG_NAME, "h1")), "the archived page")
        assert "Skript i rubriken" in d.find_element(By.TAG_NAME, "h1").text
        d.switch_to.default_content()
        time.sleep(0.5)  # time for an onerror handler or a script to have run
        assert_nothing_ran(d)
        shot(d, "09-hostile-article")
        # the archived page alone, at the top: still nothing runs
        d.get(d.find_element(By.CSS_SELECTOR, "iframe.archived").get_attribute("src"))
        assert "Skript i rubriken" in d.find_element(By.TAG_NAME, "h1").text
        time.sleep(0.5)
        assert_nothing_ran(d)


def test_attention_over_time_chart(driver: Any, web: Served) -> None:
    """Two queries compared by month in the chart: one point per period for each, the
    table beside it, and a click on a point lists that period's articles."""
    import json
    import urllib.request
    from urllib.parse import parse_qs, urlencode, urlparse

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    d = driver
    d.get(web.url + "/trend")
    d.find_element(By.ID, "q1").send_keys("kommun")
    d.find_element(By.ID, "q2").send_keys("storm")
    Select(d.find_element(By.ID, "by")).select_by_value("month")
    d.find_element(By.ID, "share").click()
    d.find_element(By.CSS_SELECTOR, "form.trend-form button").click()
    wait_for(lambda: "share=1" in d.current_url, "the chart")
    query = urlencode([("q", "kommun"), ("q", "storm"), ("by", "month"), ("share", "1")])
    with urllib.request.urlopen(f"{web.url}/api/trend?{query}") as answer:
        periods = json.load(answer)["periods"]
    assert periods
    series = d.find_elements(By.CSS_SELECTOR, "svg.chart g.series")
    assert [s.get_attribute("data-query") for s in series] == ["kommun", "storm"]
    for one in series:
        points = one.find_elements(By.CSS_SELECTOR, "circle.point")
        assert [p.get_attribute("data-period") for p in points] == [p["period"] for p in periods]
        assert all(p.is_displayed() for p in points)
    assert len(d.find_elements(By.CSS_SELECTOR, "table.trend-data tbody tr")) == len(periods)
    d.find_element(By.CSS_SELECTOR, "svg.chart").location_once_scrolled_into_view  # noqa: B018
    shot(d, "08-trend-chart")
    busiest = max(periods, key=lambda p: p["counts"]["kommun"])
    index = periods.index(busiest)
    point = series[0].find_elements(By.CSS_SELECTOR, "a")[index]
    point.click()
    wait_for(lambda: "from=" in d.current_url, "the period's articles")
    asked = parse_qs(urlparse(d.current_url).query)
    assert asked["q"] == ["kommun"]
    assert (asked["from"], asked["to"]) == ([busiest["from"]], [busiest["to"]])
    counted = urlencode({"q": "kommun", "from": busiest["from"], "to": busiest["to"]})
    with urllib.request.urlopen(f"{web.url}/api/count?{counted}") as answer:
        assert json.load(answer)["total"] == busiest["counts"]["kommun"]
    assert d.find_elements(By.CSS_SELECTOR, "li.hit")
    assert_nothing_ran(d)
