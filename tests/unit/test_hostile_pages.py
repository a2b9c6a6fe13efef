"""Hostile pages met by extraction and by the crawl's failure classes, without a crawl."""

from __future__ import annotations

import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from scrapy.exceptions import IgnoreRequest
from twisted.python.failure import Failure

from crawler.extract import NotAnArticle, extract_article
from crawler.fetch_errors import RobotsUnreachable, classify_failure
from crawler.sources import load_sources
from samplesite import SampleSite
from samplesite.templates.hostile import (
    ARCHIVE_SOURCE,
    DEEP_LEVELS,
    ESCAPE_AUTHOR,
    ESCAPE_HEADLINE,
    ESCAPE_PATH,
    FAIRLY_DEEP_PATH,
    HOSTILE_SITES,
    PARAGRAPHS,
    STORIES,
    article_html,
)


@pytest.mark.parametrize("levels", [DEEP_LEVELS, 100_000])
def test_html_nested_past_libxml2s_limit_is_too_deep(levels: int) -> None:
    page = article_html(STORIES[FAIRLY_DEEP_PATH], "Fientliga Posten", nesting=levels)
    started = time.perf_counter()
    with pytest.raises(NotAnArticle) as info:
        extract_article(page, "http://127.0.0.1/artikel/4-djupt-nastlad-sida")
    assert info.value.reason == "too_deep: HTML nested more than 2048 levels"
    assert time.perf_counter() - started < 5


@pytest.mark.parametrize("levels", [300, 1000, 2000])
def test_html_nested_past_256_levels_is_read_whole(levels: int) -> None:
    # libxml2 stops at 256 levels by default and drops the rest of the page
    page = article_html(STORIES[FAIRLY_DEEP_PATH], "Fientliga Posten", nesting=levels)
    article = extract_article(page, "http://127.0.0.1/artikel/5-ganska-djupt-nastlad-sida")
    assert PARAGRAPHS[0][:60] in article.lead + article.body
    assert article.title == STORIES[FAIRLY_DEEP_PATH].title


def test_escape_article_carries_its_escapes_in_json_ld() -> None:
    page = article_html(STORIES[ESCAPE_PATH], "Fientliga Posten").decode()
    source = re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S)
    assert source is not None
    assert "\\u001b[31m" in source.group(1)  # as a JSON encoder writes it, not raw
    data = json.loads(source.group(1))
    assert data["headline"] == ESCAPE_HEADLINE
    assert data["author"]["name"] == ESCAPE_AUTHOR
    assert "\u001b]0;pwned\u0007" in ESCAPE_HEADLINE
    assert "\u0085" in page  # a C1 control in the body


def failure(exc: Exception) -> Failure:
    try:
        raise exc
    except Exception:
        return Failure()  # type: ignore[no-untyped-call]


def test_failure_kinds_of_hostile_answers() -> None:
    decompression = IgnoreRequest(
        "Ignored response <200 http://x/a> because its body (200955 B compressed, 16842752 B"
        " decompressed so far) exceeded DOWNLOAD_MAXSIZE (16777216 B) during decompression."
    )
    assert classify_failure(failure(decompression))[0] == "too_large"
    blocked = RobotsUnreachable("robots_unreachable", "robots.txt of x unreachable (HTTP 500)")
    assert classify_failure(failure(blocked)) == (
        "robots_unreachable",
        "robots.txt of x unreachable (HTTP 500)",
    )
    assert classify_failure(failure(IgnoreRequest("Forbidden by robots.txt")))[0] == "robots"


def test_hostile_scenario_serves_its_sources_and_robots_switch(tmp_path: Path) -> None:
    with SampleSite(scenario="hostile") as site:
        assert set(site.site_urls) == set(HOSTILE_SITES)
        sources = tmp_path / "sources.toml"
        sources.write_text(site.sources_toml(), encoding="utf-8")
        loaded = {s.id: s for s in load_sources(sources)}
        assert set(loaded) == {*HOSTILE_SITES, ARCHIVE_SOURCE}
        robots = site.site_urls["robotsbladet"] + "/robots.txt"
        assert status_of(robots) == 500
        post(f"{site.control_url}/robots/404")
        assert status_of(robots) == 404
        chain = site.site_urls["fientliga-posten"] + "/sitemap-kedja.xml?n=7"
        with urllib.request.urlopen(chain, timeout=10) as response:
            assert b"sitemap-kedja.xml?n=8</loc>" in response.read()
    with pytest.raises(ValueError, match="unknown scenario"):
        SampleSite(scenario="nasty")


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code


def post(url: str) -> None:
    with urllib.request.urlopen(urllib.request.Request(url, method="POST"), timeout=10):
        pass
