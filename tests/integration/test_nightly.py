"""The nightly job: incremental re-crawls, resuming after a kill, one run at a time, politeness,
partial failure, and run reports that match what the server saw."""

from __future__ import annotations

import itertools
import json
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.store.archive import Archive
from indexer.store.warc import WarcRef, read_response
from samplesite.content import load_articles
from tests.helpers import (
    FAST_CRAWL,
    ROOT,
    SLOW_PAGE_SECONDS,
    Crawl,
    RunningSite,
    crawl,
    do_crawl,
    run_arkiv,
    start_site,
    stop_site,
)

pytestmark = pytest.mark.integration

ARTICLE_PATH_HINTS = (
    "/nyheter/2",
    "/kommun/2",
    "/kultur/2",
    "/sport/2",
    "/artikel/",
    "/arkiv/",
    "/a/",
)


def is_article_request(record: dict[str, object]) -> bool:
    path = str(record["path"])
    return path.startswith(ARTICLE_PATH_HINTS) and not path.endswith((".xml", ".atom"))


@pytest.fixture(scope="module")
def generated_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    """A one-paper site of 300 generated articles, for resume and lock tests."""
    site = start_site(tmp_path_factory.mktemp("gen"), "--generate", "300")
    yield site
    stop_site(site)


def archive_state(data: Path) -> set[tuple[str, int, str]]:
    with Archive(data / "archive.sqlite3") as archive:
        return {(a.id, a.version, a.content_hash) for a in archive.iter_articles(include_gone=True)}


def test_second_crawl_of_an_unchanged_site_fetches_no_article(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    again = do_crawl(sample_site, data)
    assert again.result.returncode == 0, again.result.stderr
    archived_paths = {url.split("/", 3)[3] for url in first_crawl.articles}
    fetched_again = [
        r["path"]
        for r in again.requests
        if is_article_request(r)
        and r["status"] == 200
        and str(r["path"]).lstrip("/") in archived_paths
    ]
    assert fetched_again == []  # only pages that failed last time are tried again
    aliases = [r["path"] for r in again.requests if str(r["path"]).startswith(("/a/", "/gammal/"))]
    assert aliases == []
    report = again.run_report()
    assert report["articles"]["new"] == 0
    assert report["articles"]["updated"] == 0
    assert report["skipped"].get("not_due", 0) >= len(first_crawl.articles) - 5
    # Every other request is robots.txt, an entry point, a retry of what failed last time,
    # or a conditional request (answered 304 where nothing changed).
    entry_points = _entry_point_paths(sample_site)
    failed_before = {
        r["path"] for r in first_crawl.requests if r["status"] != 200 or "langsam" in r["path"]
    }
    unconditional = [
        r["path"]
        for r in again.requests
        if not (r["if_none_match"] or r["if_modified_since"])
        and r["path"] != "/robots.txt"
        and (r["site"], r["path"]) not in entry_points
        and r["path"] not in failed_before
        and not str(r["path"]).endswith(".xml")  # sitemaps named in a sitemap index
    ]
    assert unconditional == []
    assert sum(r["status"] == 304 for r in again.requests) > 20
    assert archive_state(data) == archive_state(first_crawl.data)


def _entry_point_paths(site: RunningSite) -> set[tuple[str, str]]:
    """(site, path) of every sitemap, feed and section that sources.toml names."""
    from crawler.sources import load_sources

    by_netloc = {url.removeprefix("http://"): name for name, url in site.sites.items()}
    paths = set()
    for source in load_sources(site.sources):
        for url in source.entry_points:
            netloc, _, path = url.removeprefix("http://").partition("/")
            paths.add((by_netloc[netloc], "/" + path))
    return paths


def test_changed_article_listed_in_sitemap_becomes_a_new_version(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    sample_site.set_edition(2)
    try:
        again = do_crawl(sample_site, data)
    finally:
        sample_site.set_edition(1)
    changed = next(a for a in load_articles() if a.edition2 and a.site == "vimmerby-nyheter")
    url = sample_site.sites[changed.site] + changed.path
    with Archive(data / "archive.sqlite3") as archive:
        versions = archive.versions(again.articles[url].id)
    assert [v.version for v in versions] == [1, 2]
    assert again.run_report()["articles"]["updated"] >= 1


def test_report_counts_match_the_server_log(sample_site: RunningSite, tmp_path: Path) -> None:
    sample_site.reset()
    fresh = do_crawl(sample_site, tmp_path / "data", "--no-index")
    report = fresh.run_report()
    # The server logs a request when it has answered it; the deliberately slow page answers
    # after the crawl gave up on it, so wait (bounded) for the log to catch up.
    requests = fresh.requests
    deadline = time.monotonic() + SLOW_PAGE_SECONDS + 5
    while len(requests) < report["http_requests"] and time.monotonic() < deadline:
        time.sleep(0.2)
        requests = sample_site.requests()
    assert report["http_requests"] == len(requests)
    # the page that answers 503 once was retried after the backoff (0.2 s in FAST_CRAWL)
    flaky = sorted(float(r["time"]) for r in requests if r["path"] == "/arkiv/tillfalligt-fel.html")
    assert len(flaky) == 2
    assert flaky[1] - flaky[0] >= 0.2
    first_crawl = fresh
    served_articles = {
        (r["site"], r["path"])
        for r in first_crawl.requests
        if r["status"] == 200 and is_article_request(r)
    }
    assert report["articles"]["new"] <= len(served_articles)
    latest = json.loads((first_crawl.data / "runs" / "latest.json").read_text(encoding="utf-8"))
    assert latest["run_id"] == report["run_id"]
    assert latest["articles"] == report["articles"]
    runs = run_arkiv("runs", "--data", str(first_crawl.data))
    assert runs.returncode == 0, runs.stderr
    assert "ok" in runs.stdout


def test_killed_crawl_resumes_to_the_same_archive(
    generated_site: RunningSite, tmp_path: Path
) -> None:
    reference = tmp_path / "reference"
    whole = crawl(reference, generated_site, "--no-index")
    assert whole.returncode == 0, whole.stderr
    data = tmp_path / "killed"
    slow = ("-s", "CONCURRENT_REQUESTS=2", "-s", "ARKIV_EXTRACT_WORKERS=0")
    process = subprocess.Popen(
        [sys.executable, "-m", "search_cli", "crawl", "--data", str(data), "--sources",
         str(generated_site.sources), "--no-index", *FAST_CRAWL, *slow],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 120
    archived = 0
    while time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.2)
        try:
            with sqlite3.connect(data / "archive.sqlite3", timeout=5) as db:
                archived = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.Error:
            continue
        if archived >= 40:
            break
    assert process.poll() is None, "the crawl finished before it could be killed"
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    assert 40 <= archived < 300
    # consistent after the kill: the database is intact and every version's WARC record reads
    with sqlite3.connect(data / "archive.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    resumed = crawl(data, generated_site, "--no-index")
    assert resumed.returncode == 0, resumed.stderr
    assert "took over a crawl lock" in resumed.stderr
    assert archive_state(data) == archive_state(reference)
    with Archive(data / "archive.sqlite3") as archive:
        for article in archive.iter_articles():
            ref = WarcRef(
                article.warc_file or "", article.warc_offset or 0, article.warc_length or 0
            )
            assert read_response(data / "warc", ref).url == article.url
    assert not list((data / "warc").glob("*.open"))


def test_second_concurrent_run_exits_with_the_lock_code(
    generated_site: RunningSite, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    first = subprocess.Popen(
        [sys.executable, "-m", "search_cli", "crawl", "--data", str(data), "--sources",
         str(generated_site.sources), "--no-index", *FAST_CRAWL, "-s", "CONCURRENT_REQUESTS=1",
         "-s", "DOWNLOAD_DELAY=0.05"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (data / "crawl.lock").exists() or not (data / "crawl.lock").read_text():
            assert time.monotonic() < deadline
            time.sleep(0.1)
        started = time.monotonic()
        second = crawl(data, generated_site, "--no-index")
        assert second.returncode == 4
        assert time.monotonic() - started < 15
        assert "another crawl of this archive is running" in second.stderr
        assert f"process {first.pid}" in second.stderr
        assert "Traceback" not in second.stderr
    finally:
        first.send_signal(signal.SIGTERM)
        first.wait(timeout=60)


def test_robots_disallow_and_crawl_delay_are_obeyed(tmp_path: Path) -> None:
    site = start_site(tmp_path, "--generate", "6", "--crawl-delay", "0.5")
    try:
        result = crawl(tmp_path / "data", site, "--no-index")
        assert result.returncode == 0, result.stderr
        requests = site.requests()
    finally:
        stop_site(site)
    assert not [r for r in requests if str(r["path"]).startswith(("/sok", "/konto"))]
    times = sorted(float(r["arrived"]) for r in requests if r["path"] != "/robots.txt")
    assert len(times) >= 6
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # 0.5 s asked between requests: on average at least that, and never much less (a request
    # that reaches the server late on a loaded machine shortens the gap after it)
    assert times[-1] - times[0] >= 0.5 * len(gaps) * 0.95, gaps
    assert min(gaps) >= 0.25, gaps


def test_failing_source_makes_a_partial_run(sample_site: RunningSite, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nothing listens on: connection refused
        probe.bind(("127.0.0.1", 0))
        dead = probe.getsockname()[1]
    sources = tmp_path / "sources.toml"
    sources.write_text(
        sample_site.sources.read_text(encoding="utf-8")
        + f"""
[[source]]
id = "nere-tidning"
name = "Nere Tidning"
kind = "newspaper"
region = "Kalmar län"
municipality = "Kalmar"
domains = ["127.0.0.1:{dead}"]
feeds = ["http://127.0.0.1:{dead}/rss.xml"]
sections = ["http://127.0.0.1:{dead}/nyheter/"]
""",
        encoding="utf-8",
    )
    result = run_arkiv(
        "crawl", "--data", str(tmp_path / "data"), "--sources", str(sources), "--no-index",
        *FAST_CRAWL, "--source", "nere-tidning", "--source", "kustbladet",
    )  # fmt: skip
    assert result.returncode == 3, result.stderr
    assert "source failed: nere-tidning" in result.stderr
    with Archive(tmp_path / "data" / "archive.sqlite3") as archive:
        report = archive.runs(limit=1)[0].report
    assert report["status"] == "partial"
    assert report["failed_sources"] == ["nere-tidning"]
    assert report["sources"]["kustbladet"]["status"] in ("ok", "partial")
    assert report["sources"]["kustbladet"]["articles"]["new"] > 0


def test_since_and_full_narrow_and_widen_a_run(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    full = do_crawl(sample_site, data, "--full", "--source", "kustbladet")
    fetched = [r for r in full.requests if is_article_request(r) and r["site"] == "kustbladet"]
    assert fetched  # every known article of that source asked for again (conditionally)
    assert {r["site"] for r in full.requests} == {"kustbladet"}
    fresh = tmp_path / "fresh"
    narrowed = do_crawl(sample_site, fresh, "--since", "2025-06-01", "--source", "vimmerby-nyheter")
    assert narrowed.result.returncode == 0, narrowed.result.stderr
    for article in narrowed.articles.values():
        assert article.published is not None
        assert (
            article.published.date().isoformat() >= "2025-06-01"
            or article.source != "vimmerby-nyheter"
        )


def test_backup_while_archive_in_use(first_crawl: Crawl, tmp_path: Path) -> None:
    target = tmp_path / "backup.sqlite3"
    with Archive(first_crawl.data / "archive.sqlite3"):  # another connection open meanwhile
        result = run_arkiv("backup", "--data", str(first_crawl.data), str(target))
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        count = db.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
    assert count == len(first_crawl.articles)
    again = run_arkiv("backup", "--data", str(first_crawl.data), str(target))
    assert again.returncode != 0
    assert "--force" in again.stderr
    assert target.stat().st_size > 0
