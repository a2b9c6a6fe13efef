"""A real crawl of the hostile scenario: what a careless or hostile server sends is bounded in
memory and time, counted, reported, and nothing else is lost (samplesite/templates/hostile.py)."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from samplesite.templates.hostile import (
    ARCHIVE_SOURCE,
    ARTICLE_PATHS,
    BOMB_BYTES,
    DEEP_PATH,
    ENDLESS_PATH,
    ESCAPE_PATH,
    FAIRLY_DEEP_PATH,
    GZIP_BOMB_PATH,
    LOOP_PATHS,
    PARAGRAPHS,
    ROBOTS_ARTICLE_PATHS,
    SCRIPT_PATH,
    SECTION_LOOP_PATHS,
    WIDE_SITEMAPS,
)
from tests.helpers import HOSTILE_CRAWL, ROOT, Crawl, RunningSite, do_crawl

pytestmark = pytest.mark.integration

HOST = "fientliga-posten"
ROBOTS = "robotsbladet"
PEAK_RSS_LIMIT_MB = 300
# Runs a command and prints the largest resident set of its processes (getrusage's
# ru_maxrss of the waited-for children: the largest one, not a sum).
PEAK_RSS_WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:]).returncode\n"
    "print('peak_rss_kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def paths(crawl: Crawl, site: str) -> Counter[str]:
    return Counter(str(r["path"]) for r in crawl.requests if r["site"] == site)


def source_report(crawl: Crawl, source: str) -> dict[str, Any]:
    report: dict[str, Any] = crawl.run_report()["sources"][source]
    return report


def set_robots_status(site: RunningSite, status: int) -> None:
    request = urllib.request.Request(f"{site.control}/robots/{status}", method="POST")
    with urllib.request.urlopen(request, timeout=10):
        pass


def test_gzip_bomb_sitemap_is_too_large_in_flat_memory(
    hostile_site: RunningSite, tmp_path: Path
) -> None:
    # The crawl in its own process (extraction in it too), measured from outside.
    hostile_site.clear_log()
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", PEAK_RSS_WRAPPER, sys.executable, "-m", "search_cli", "crawl",
         "--data", str(tmp_path / "data"), "--sources", str(hostile_site.sources),
         "--source", HOST, "--no-index", *HOSTILE_CRAWL],
        cwd=ROOT, capture_output=True, text=True, timeout=300, check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )  # fmt: skip
    elapsed = time.monotonic() - started
    found = re.search(r"peak_rss_kib (\d+)", result.stderr)
    assert found, result.stderr
    peak_mb = int(found.group(1)) / 1024
    bomb = [r for r in hostile_site.requests() if r["path"] == "/sitemap.xml.gz"]
    # the whole bomb was downloaded (10.5 MB, at ~337:1 some 3.5 GB once expanded) ...
    assert len(bomb) == 1
    assert bomb[0]["bytes"] >= BOMB_BYTES >= 10_000_000
    # ... and stopped at the 50 MB a sitemap may have, as a stream: memory stays flat
    assert peak_mb < PEAK_RSS_LIMIT_MB, f"peak RSS {peak_mb:.0f} MB"
    assert elapsed < 120
    assert result.returncode == 0, result.stderr
    assert "/sitemap.xml.gz: too_large (gzip expands past 50 MB" in result.stderr
    assert "Traceback" not in result.stderr
    assert "MemoryError" not in result.stderr
    summary = result.stdout.strip().splitlines()[-1]
    assert summary.startswith("crawl ok:"), result.stdout
    assert re.search(r"too_large: \d", summary), summary


def test_endless_sitemap_chain_stops_at_the_depth_limit(hostile_crawl: Crawl) -> None:
    chain = [p for p in paths(hostile_crawl, HOST) if p.startswith("/sitemap-kedja.xml")]
    # the entry point and three levels below it (ARKIV_MAX_LISTING_DEPTH = 3), not 1,001
    assert sorted(chain) == [f"/sitemap-kedja.xml?n={n}" for n in range(4)]
    assert source_report(hostile_crawl, HOST)["errors"]["listing_too_deep"] == 1
    stderr = hostile_crawl.result.stderr
    assert stderr.count("listing_too_deep") == 1
    assert "sitemap-kedja.xml?n=4: listing_too_deep (nested more than" in stderr


def test_wide_sitemap_index_stops_at_the_count_limit(hostile_crawl: Crawl) -> None:
    wide = [p for p in paths(hostile_crawl, HOST) if p.startswith("/sitemap-bred")]
    # ARKIV_MAX_LISTINGS=10 for that source: its index and 9 of the 40 sitemaps it lists
    assert len(wide) == 10
    report = source_report(hostile_crawl, ARCHIVE_SOURCE)
    assert report["errors"] == {"too_many_listings": WIDE_SITEMAPS - 9}
    assert hostile_crawl.result.stderr.count("too_many_listings") == 1


def test_listing_longer_than_the_protocol_allows_is_cut_and_reported(
    hostile_crawl: Crawl,
) -> None:
    assert source_report(hostile_crawl, HOST)["errors"]["listing_too_long"] == 1
    assert "sitemap-lang.xml.gz lists more than 50000 URLs" in hostile_crawl.result.stderr


def test_robots_5xx_means_complete_disallow_and_a_failed_source(hostile_crawl: Crawl) -> None:
    requested = paths(hostile_crawl, ROBOTS)
    # robots.txt and its one retry (RETRY_TIMES=1), nothing else: not the feed, the section,
    # nor either article
    assert dict(requested) == {"/robots.txt": 2}
    report = hostile_crawl.run_report()
    assert report["status"] == "partial"
    assert report["failed_sources"] == [ROBOTS]
    assert report["blocked_sources"] == [ROBOTS]
    assert report["sources"][ROBOTS]["errors"] == {"robots_unreachable": 2}
    assert hostile_crawl.result.returncode == 3, hostile_crawl.result.stderr
    stderr = hostile_crawl.result.stderr
    assert re.search(r"robots\.txt of 127\.0\.0\.1:\d+ unreachable \(HTTP 500\)", stderr)
    assert "source failed: robotsbladet (robots_unreachable: 2)" in stderr
    assert not [u for u in hostile_crawl.articles if any(p in u for p in ROBOTS_ARTICLE_PATHS)]


def test_robots_4xx_allows_all_once_robots_answers(
    hostile_site: RunningSite, tmp_path: Path
) -> None:
    set_robots_status(hostile_site, 404)
    try:
        crawl = do_crawl(hostile_site, tmp_path / "data", "--source", ROBOTS, *HOSTILE_CRAWL)
    finally:
        set_robots_status(hostile_site, 500)
    assert crawl.result.returncode == 0, crawl.result.stderr
    base = hostile_site.sites[ROBOTS]
    assert set(crawl.articles) == {base + p for p in ROBOTS_ARTICLE_PATHS}
    assert "robots.txt of" not in crawl.result.stderr


def test_ten_thousand_nested_divs_are_too_deep_and_a_thousand_are_read(
    hostile_site: RunningSite, hostile_crawl: Crawl
) -> None:
    base = hostile_site.sites[HOST]
    assert base + DEEP_PATH not in hostile_crawl.articles
    with sqlite3.connect(f"file:{hostile_crawl.data / 'archive.sqlite3'}?mode=ro", uri=True) as db:
        row = db.execute("select reason from pages where url = ?", (base + DEEP_PATH,)).fetchone()
    assert row is not None
    assert row[0].startswith("too_deep: HTML nested more than 2048 levels")
    # past libxml2's default 256 levels, parsed in its huge-tree mode
    fairly_deep = hostile_crawl.articles[base + FAIRLY_DEEP_PATH]
    assert PARAGRAPHS[0][:60] in fairly_deep.lead + fairly_deep.body


def test_redirect_loops_linked_at_both_ends_are_reported_once(
    hostile_site: RunningSite, hostile_crawl: Crawl
) -> None:
    assert source_report(hostile_crawl, HOST)["errors"]["redirect_loop"] == 2
    loop_lines = [
        line for line in hostile_crawl.result.stderr.splitlines() if ": redirect_loop (" in line
    ]
    assert len(loop_lines) == 2, loop_lines
    for ends in (LOOP_PATHS, SECTION_LOOP_PATHS):  # article candidates and section pages
        line = next(line for line in loop_lines if ends[0] in line)
        assert ends[1] in line
    requested = paths(hostile_crawl, HOST)
    assert all(requested[p] == 1 for p in (*LOOP_PATHS, *SECTION_LOOP_PATHS)), requested


def test_decompression_bomb_page_and_endless_page_are_too_large(hostile_crawl: Crawl) -> None:
    stderr = hostile_crawl.result.stderr
    assert f"{GZIP_BOMB_PATH}: too_large (" in stderr
    assert f"{ENDLESS_PATH}: too_large (" in stderr
    assert stderr.count(f"{GZIP_BOMB_PATH}:") == 1  # Scrapy's own line about it is dropped
    # the sitemap bomb, the Content-Encoding bomb and the endless page
    assert source_report(hostile_crawl, HOST)["errors"]["too_large"] == 3


def test_the_rest_of_the_hostile_site_is_archived(
    hostile_site: RunningSite, hostile_crawl: Crawl
) -> None:
    base = hostile_site.sites[HOST]
    assert set(hostile_crawl.articles) == {
        base + p for p in (*ARTICLE_PATHS, ESCAPE_PATH, FAIRLY_DEEP_PATH, SCRIPT_PATH)
    }
    escape = hostile_crawl.articles[base + ESCAPE_PATH]
    assert "budgeten för 2026" in escape.title
    summary = hostile_crawl.result.stdout.strip().splitlines()[-1]
    assert summary.startswith("crawl partial:"), hostile_crawl.result.stdout
    for kind in ("listing_too_deep: 1", "redirect_loop: 2", "robots_unreachable: 2"):
        assert kind in summary, summary
    assert "Traceback" not in hostile_crawl.result.stderr
    # a request for every page there is to ask for, and a bounded number more
    assert len(hostile_crawl.requests) < 60, len(hostile_crawl.requests)
