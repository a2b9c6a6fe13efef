"""A real crawl of the sample site: real spider over HTTP, real archive and WARC files, real CLI."""

from __future__ import annotations

import html
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from crawler.extract import decode_html
from indexer.store.archive import Archive
from indexer.store.warc import WarcRef, read_response
from samplesite.content import expected_archive, load_articles
from samplesite.templates.scenarios import special
from tests.helpers import Crawl, RunningSite, run_arkiv, scrapy_crawl

pytestmark = pytest.mark.integration

# Scenario pages that carry a real story and must be archived like any article.
UNDECODABLE = "/arkiv/felkodad-sida.html"
STORY_PAGES = ("/arkiv/trasig-sida.html", UNDECODABLE, "/arkiv/tillfalligt-fel.html")


# Sites whose pages give the day of publication but not the time ("Publicerad: 2025-06-12").
DAY_PRECISION = {"jonkoping-kommun"}


def expected_urls(site: RunningSite, edition: int) -> dict[str, dict[str, Any]]:
    truth = {
        site.sites[record["site"]] + record["path"]: record
        for record in expected_archive(load_articles(), edition)
        if record["status"] == 200
    }
    for path in STORY_PAGES:
        page = special(path).as_article()
        truth[site.sites[page.site] + path] = page.expected_record(edition)
    return truth


def test_every_article_archived_exactly_once(sample_site: RunningSite, first_crawl: Crawl) -> None:
    assert set(first_crawl.articles) == set(expected_urls(sample_site, 1))
    with Archive(first_crawl.data / "archive.sqlite3") as archive:
        assert archive.totals()["versions"] == len(first_crawl.articles)


def test_titles_dates_authors_languages(sample_site: RunningSite, first_crawl: Crawl) -> None:
    for url, record in expected_urls(sample_site, 1).items():
        article = first_crawl.articles[url]
        assert article.title == record["title"], url
        assert article.published is not None, url
        if record["site"] in DAY_PRECISION:
            assert article.published.date().isoformat() == record["published"][:10], url
        else:
            assert article.published.isoformat() == record["published"], url
        assert article.authors == record["authors"], url
        assert article.language == record["language"], url
        assert article.paywalled == record["paywalled"], url
        assert article.source == record["site"], url
        assert article.date_source != "none", url


def test_bodies_hold_the_story(sample_site: RunningSite, first_crawl: Crawl) -> None:
    for url, record in expected_urls(sample_site, 1).items():
        if url.endswith(UNDECODABLE):
            continue  # its body holds bytes no decoder can restore; its title is checked above
        article = first_crawl.articles[url]
        paragraphs = [p for p in record["body"].split("\n\n") if len(p) > 40]
        text = " ".join(f"{article.lead} {article.body}".split())
        found = sum(" ".join(p.split()) in text for p in paragraphs)
        assert found >= 0.8 * len(paragraphs), url
        if record["paywalled"]:
            hidden = record["full_body"][len(record["body"]) :].strip()
            assert hidden[:80] not in text, url


def test_swedish_letters_survive_windows_1252(sample_site: RunningSite, first_crawl: Crawl) -> None:
    base = sample_site.sites["smalandsbygden"]
    old_site = [a for url, a in first_crawl.articles.items() if url.startswith(base)]
    assert old_site
    assert any("ö" in a.title or "å" in a.title or "ä" in a.title for a in old_site)
    assert not any("\ufffd" in a.title or "Ã" in a.title for a in old_site)


def test_raw_pages_are_in_warc(first_crawl: Crawl) -> None:
    for article in first_crawl.articles.values():
        assert article.warc_file, article.url
        ref = WarcRef(article.warc_file, article.warc_offset or 0, article.warc_length or 0)
        raw = read_response(first_crawl.data / "warc", ref)
        assert raw.status == 200
        content_type = next((v for k, v in raw.headers if k.lower() == "content-type"), None)
        page = html.unescape(decode_html(raw.body, content_type))
        assert article.title in " ".join(page.split())


def test_disallowed_paths_never_requested(first_crawl: Crawl) -> None:
    paths = [r["path"] for r in first_crawl.requests]
    assert not [p for p in paths if p.startswith(("/sok", "/konto", "/admin"))]
    assert any(p == "/robots.txt" for p in paths)


def test_no_article_fetched_twice(first_crawl: Crawl) -> None:
    article_paths = [
        (r["site"], r["path"].split("?")[0])
        for r in first_crawl.requests
        if r["status"] == 200 and r["path"].startswith(("/nyheter/2", "/artikel/", "/arkiv/"))
    ]
    repeated = {p for p in article_paths if article_paths.count(p) > 1}
    assert not repeated


def test_not_archived_404_redirect_loop_and_non_articles(
    sample_site: RunningSite, first_crawl: Crawl
) -> None:
    urls = set(first_crawl.articles)
    missing = (
        sample_site.sites["vimmerby-nyheter"] + "/nyheter/2025/08/01/artikeln-har-tagits-bort/"
    )
    assert missing not in urls
    assert not [u for u in urls if "/amne/" in u or "kontakt" in u or "loop-" in u]
    assert not [u for u in urls if "serverfel" in u or "jattesida" in u or "langsam" in u]


def test_run_report_counts_every_failure_kind(first_crawl: Crawl) -> None:
    # Single broken pages are counted and logged; every source could be read, so the run is ok.
    assert first_crawl.result.returncode == 0, first_crawl.result.stderr
    report = first_crawl.run_report()
    assert report["status"] == "ok"
    assert report["failed_sources"] == []
    for kind in ("http_500", "timeout", "too_large", "redirect_loop", "invalid_listing"):
        assert report["errors"].get(kind, 0) >= 1, (kind, report["errors"])
    assert report["skipped"].get("http_404") == 1
    assert report["articles"]["new"] == len(first_crawl.articles)
    # each failure is one readable log line naming the URL
    assert "serverfel.html: http_500" in first_crawl.result.stderr
    assert "langsam-sida.html: timeout" in first_crawl.result.stderr
    assert "Traceback" not in first_crawl.result.stderr
    assert "crawl ok:" in first_crawl.result.stdout
    # one line per failure: Scrapy's own repeat of it is filtered out
    assert first_crawl.result.stderr.count("serverfel.html") == 1
    assert "Gave up retrying" not in first_crawl.result.stderr


def test_second_crawl_keeps_versions(
    sample_site: RunningSite, first_crawl: Crawl, second_crawl: Crawl
) -> None:
    truth = {
        sample_site.sites[r["site"]] + r["path"]: r for r in expected_archive(load_articles(), 2)
    }
    updated = {url for url, r in truth.items() if r["changed"] and r["status"] == 200}
    gone = {url for url, r in truth.items() if r["status"] == 410}
    new = {url for url, r in truth.items() if r["status"] == 200} - set(first_crawl.articles)
    assert updated
    assert gone
    assert new
    assert new <= set(second_crawl.articles)
    with Archive(second_crawl.data / "archive.sqlite3") as archive:
        for url, article in second_crawl.articles.items():
            versions = archive.versions(article.id)
            if url in updated:
                assert [v.version for v in versions] == [1, 2], url
                assert versions[0].body != versions[1].body, url
                assert article.title == truth[url]["title"], url
            else:
                assert len(versions) == 1, url
            assert article.gone == (url in gone), url
    report = second_crawl.run_report()
    assert report["articles"]["new"] == len(new)
    assert report["articles"]["updated"] == len(updated)
    assert report["gone"] == len(gone)


def test_scrapy_crawl_news_is_the_same_crawl(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path: Path
) -> None:
    result = scrapy_crawl(tmp_path / "data", sample_site)
    assert result.returncode == 0, result.stderr[-2000:]
    with Archive(tmp_path / "data" / "archive.sqlite3") as archive:
        titles = {a.canonical_url: a.title for a in archive.iter_articles()}
    assert titles == {url: a.title for url, a in first_crawl.articles.items()}


def test_scrapy_crawl_with_an_unusable_data_folder_says_why(
    sample_site: RunningSite, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    data.write_text("a file where the data folder should be\n", encoding="utf-8")
    result = scrapy_crawl(data, sample_site)
    assert "archive unavailable" in result.stderr
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    assert data.read_text(encoding="utf-8").startswith("a file")  # left as it was


def test_broken_sources_file_is_one_clear_line(first_crawl: Crawl, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nid = "x"\nname = "X"\nkind = "paper"\n', encoding="utf-8")
    result = run_arkiv("crawl", "--data", str(data), "--sources", str(bad))
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    first_line = result.stderr.strip().splitlines()[0]
    assert "sources.toml" in first_line
    assert "line 4" in first_line
    assert "kind" in first_line
    with Archive(data / "archive.sqlite3") as archive:
        assert archive.totals()["articles"] == len(first_crawl.articles)


def test_stats_reports_sources_languages_months_runs(first_crawl: Crawl) -> None:
    result = run_arkiv("stats", "--data", str(first_crawl.data), "--json")
    assert result.returncode == 0, result.stderr
    stats = json.loads(result.stdout)
    assert sum(stats["by_source"].values()) == len(first_crawl.articles)
    assert {"sv", "en", "fi", "de"} <= set(stats["by_language"])
    assert sum(stats["by_month"].values()) == len(first_crawl.articles)
    assert stats["runs"][0]["status"] == "ok"
    text = run_arkiv("stats", "--data", str(first_crawl.data))
    assert "vimmerby-nyheter" in text.stdout
    assert text.returncode == 0
