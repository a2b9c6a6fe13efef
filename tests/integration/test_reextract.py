"""Nothing fetched is lost: pages judged not articles go to WARC with their reason, and
`arkiv reextract` judges every kept response again, fetching nothing.

The sample site's own source list names no section front as an article candidate, so these
tests crawl it with a looser list for Vimmerby Nyheter (tag pages, contact pages): pages a
real source list with broad patterns would hand to the extractor.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import tomllib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from indexer.store.archive import Archive
from indexer.store.lock import CrawlLock
from indexer.store.warc import WarcRef, read_response
from tests.helpers import FAST_CRAWL, RunningSite, run_arkiv

pytestmark = pytest.mark.integration

LOOSE_PATTERNS = ("^/amne/", "^/(kontakt|om-oss)/$")  # tag pages and two plain pages
SUMMARY = re.compile(
    r"(?P<read>\d+) records read; (?P<changed>\d+) changed, (?P<unchanged>\d+) unchanged,"
    r" (?P<new>\d+) newly articles, (?P<not>\d+) still not articles(?:, \d+ now rejected \(kept\))?;"
    r" errors (?P<errors>\d+|none)"
)


@dataclass
class LooseCrawl:
    data: Path
    sources: Path
    stdout: str
    requests: list[dict[str, Any]]


def write_loose_sources(site: RunningSite, target: Path) -> Path:
    listed = tomllib.loads(site.sources.read_text(encoding="utf-8"))["source"]
    for source in listed:
        if source["id"] == "vimmerby-nyheter":
            source["article_patterns"] = [*source["article_patterns"], *LOOSE_PATTERNS]
    target.write_text("\n".join(_toml_table(s) for s in listed), encoding="utf-8")
    return target


def _toml_table(source: dict[str, Any]) -> str:
    lines = ["[[source]]"]
    for key, value in source.items():
        lines.append(f"{key} = {json.dumps(value, ensure_ascii=False)}")  # JSON is TOML here
    return "\n".join(lines) + "\n"


def loose_crawl(site: RunningSite, data: Path, sources: Path) -> LooseCrawl:
    site.clear_log()
    result = run_arkiv("crawl", "--data", str(data), "--sources", str(sources), *FAST_CRAWL)
    assert result.returncode == 0, result.stderr[-3000:]
    return LooseCrawl(data, sources, result.stdout, site.requests())


@pytest.fixture(scope="module")
def crawled(sample_site: RunningSite, tmp_path_factory: pytest.TempPathFactory) -> LooseCrawl:
    folder = tmp_path_factory.mktemp("loose")
    sources = write_loose_sources(sample_site, folder / "sources.toml")
    return loose_crawl(sample_site, folder / "data", sources)


def copy_of(crawl: LooseCrawl, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(crawl.data, data)
    return data


def reextract(data: Path, sources: Path, *extra: str) -> tuple[Any, dict[str, int]]:
    result = run_arkiv("reextract", "--data", str(data), "--sources", str(sources), *extra)
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    found = SUMMARY.search(result.stdout)
    assert found, (result.stdout, result.stderr[-2000:])
    counts = {k: 0 if v == "none" else int(v) for k, v in found.groupdict().items()}
    return result, counts


def not_article_rows(data: Path) -> list[sqlite3.Row]:
    with sqlite3.connect(data / "archive.sqlite3") as db:
        db.row_factory = sqlite3.Row
        rows = db.execute("SELECT * FROM pages WHERE outcome = 'not_article' ORDER BY url")
        result = rows.fetchall()
    db.close()
    return result


def versions_count(data: Path) -> int:
    with Archive(data / "archive.sqlite3") as archive:
        return archive.totals()["versions"]


def test_not_article_pages_are_in_warc_with_their_reasons(
    sample_site: RunningSite, crawled: LooseCrawl
) -> None:
    base = sample_site.sites["vimmerby-nyheter"]
    rows = not_article_rows(crawled.data)
    urls = {row["url"] for row in rows}
    assert {f"{base}/kontakt/", f"{base}/om-oss/", f"{base}/amne/vimmerby/"} <= urls
    assert len([u for u in urls if "/amne/" in u]) >= 5  # the tag pages (section fronts)
    for row in rows:
        assert row["reason"], row["url"]
        assert row["source"] == "vimmerby-nyheter"
        raw = read_response(
            crawled.data / "warc", WarcRef(row["warc_file"], row["warc_offset"], row["warc_length"])
        )
        assert (raw.url, raw.status) == (row["url"], 200)
        assert b"<html" in raw.body.lower()
    reasons = {row["url"]: row["reason"] for row in rows}
    assert "list page" in reasons[f"{base}/amne/vimmerby/"]
    with Archive(crawled.data / "archive.sqlite3") as archive:
        report = archive.runs(limit=1)[0].report
        assert not [a for a in archive.iter_articles() if a.url in urls]
    assert report["skipped"]["not_article"] == len(rows)


def test_reextract_after_a_crawl_finds_nothing_changed(crawled: LooseCrawl, tmp_path: Path) -> None:
    data = copy_of(crawled, tmp_path)
    versions = versions_count(data)
    with Archive(data / "archive.sqlite3") as archive:
        articles = archive.totals()["articles"] + archive.totals()["gone"]
    result, counts = reextract(data, crawled.sources)
    assert result.returncode == 0, result.stderr
    pages = len(not_article_rows(data))
    assert counts == {
        "read": articles + pages,
        "changed": 0,
        "unchanged": articles,
        "new": 0,
        "not": pages,
        "errors": 0,
    }, result.stdout
    assert result.stdout.startswith("reextract ok:")
    assert len(result.stdout.strip().splitlines()) == 1  # one line; no progress off a terminal
    assert result.stderr == ""
    assert versions_count(data) == versions
    assert len(not_article_rows(data)) == pages


def test_reextract_applies_fresh_enrichment_to_a_stale_version(
    crawled: LooseCrawl, tmp_path: Path
) -> None:
    data = copy_of(crawled, tmp_path)
    with Archive(data / "archive.sqlite3") as archive:
        fresh = next(a for a in archive.iter_articles() if "personnel" in a.kinds and a.people)
        assert fresh.warc_file
        assert fresh.municipalities
        ref = WarcRef(fresh.warc_file, fresh.warc_offset or 0, fresh.warc_length or 0)
        # what an older enricher left: the same text, no kinds, people or places
        stale = replace(fresh, kinds=[], people=[], municipalities=[], regions=[])
        assert archive.add_extraction(stale, ref) == "updated"
    assert run_arkiv("index", "--data", str(data)).returncode == 0
    assert fresh.id not in personnel_hits(data)

    result, counts = reextract(data, crawled.sources, "-v")
    assert result.returncode == 0, result.stderr
    assert (counts["changed"], counts["new"], counts["errors"]) == (1, 0, 0), result.stdout
    assert f"updated: {fresh.canonical_url}" in result.stderr
    with Archive(data / "archive.sqlite3") as archive:
        versions = archive.versions(fresh.id)
    assert [v.version for v in versions] == [1, 2, 3]
    for name in ("kinds", "people", "municipalities", "regions", "title", "body"):
        assert getattr(versions[2], name) == getattr(versions[0], name), name
    assert (versions[2].warc_file, versions[2].warc_offset) == (ref.file, ref.offset)
    assert fresh.id in personnel_hits(data)  # the search index was brought up to date
    shown = run_arkiv("show", "--data", str(data), fresh.id)
    assert "kinds, people (re-extracted from the same response)" in shown.stdout


def personnel_hits(data: Path) -> set[str]:
    found = run_arkiv(
        "search", "--data", str(data), "--kind", "personnel", "--limit", "1000", "--json"
    )
    assert found.returncode == 0, found.stderr
    return {hit["id"] for hit in json.loads(found.stdout)["hits"]}


def test_reextract_turns_a_former_not_article_into_an_article(
    crawled: LooseCrawl, tmp_path: Path
) -> None:
    """An archive whose (older) extractor judged three real stories not articles: the pages
    and their records are there, the articles not yet."""
    data = tmp_path / "data"
    shutil.copytree(crawled.data / "warc", data / "warc")
    with Archive(crawled.data / "archive.sqlite3") as crawled_archive:
        stories = [a for a in crawled_archive.iter_articles() if a.source == "kustbladet"][:3]
    with Archive(data / "archive.sqlite3") as archive:
        for story in stories:
            assert story.fetched_at is not None
            assert story.warc_file
            archive.note_page(
                story.canonical_url,
                "not_article",
                story.fetched_at,
                reason="too little text for an article (180 chars)",
                source=story.source,
                warc=WarcRef(story.warc_file, story.warc_offset or 0, story.warc_length or 0),
            )

    dry, counts = reextract(data, crawled.sources, "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.startswith("reextract dry run (nothing written):")
    assert (counts["read"], counts["new"], counts["not"]) == (3, 3, 0)
    with Archive(data / "archive.sqlite3") as archive:
        assert archive.totals()["articles"] == 0

    result, counts = reextract(data, crawled.sources)
    assert result.returncode == 0, result.stderr
    assert (counts["read"], counts["new"], counts["not"], counts["errors"]) == (3, 3, 0, 0)
    with Archive(data / "archive.sqlite3") as archive:
        for story in stories:
            article = archive.get(story.id)
            assert article is not None
            assert (article.title, article.body, article.kinds) == (
                story.title,
                story.body,
                story.kinds,
            )
            assert article.first_seen == story.fetched_at
            state = archive.fetch_state(story.canonical_url)
            assert state is not None
            assert state.kind == "article"
        assert [r.kind for r in archive.stored_records()] == ["article"] * 3
    found = run_arkiv("search", "--data", str(data), "", "--source", "kustbladet", "--json")
    assert json.loads(found.stdout)["total"] == 3
    again, counts = reextract(data, crawled.sources)
    assert (counts["read"], counts["unchanged"], counts["new"]) == (3, 3, 0), again.stdout


def test_damaged_or_missing_warc_is_one_warning_per_record(
    crawled: LooseCrawl, tmp_path: Path
) -> None:
    data = copy_of(crawled, tmp_path)
    versions = versions_count(data)
    with Archive(data / "archive.sqlite3") as archive:
        records = list(archive.stored_records())
    damaged = records[:2]
    for record in damaged:
        assert record.warc is not None
        path = data / "warc" / record.warc.file
        content = bytearray(path.read_bytes())
        middle = record.warc.offset + record.warc.length // 2
        content[middle : middle + 16] = b"\x00" * 16
        path.write_bytes(bytes(content))
    result, counts = reextract(data, crawled.sources)
    assert result.returncode == 0, result.stderr
    assert counts["errors"] == 2
    warnings = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 2
    for record, line in zip(damaged, warnings, strict=True):
        assert f"cannot re-extract {record.url}: cannot read WARC record" in line
    assert counts["read"] == len(records)
    assert counts["changed"] == counts["new"] == 0

    for warc in (data / "warc").glob("*.warc.gz"):
        warc.unlink()
    result, counts = reextract(data, crawled.sources)
    assert result.returncode == 0, result.stderr
    assert counts["errors"] == counts["read"] == len(records)
    assert result.stderr.count("No such file") == len(records)
    assert versions_count(data) == versions  # nothing lost, nothing added
    assert len(not_article_rows(data)) == len(not_article_rows(crawled.data))


def test_reextract_never_runs_alongside_a_crawl(crawled: LooseCrawl, tmp_path: Path) -> None:
    data = copy_of(crawled, tmp_path)
    with CrawlLock(data):
        result = run_arkiv("reextract", "--data", str(data), "--sources", str(crawled.sources))
        assert result.returncode == 4
        assert "another crawl of this archive is running" in result.stderr
        dry, _ = reextract(data, crawled.sources, "--dry-run")  # reads only: no lock needed
        assert dry.returncode == 0, dry.stderr


def test_not_article_pages_are_rechecked_when_due_and_not_before(
    sample_site: RunningSite, crawled: LooseCrawl, tmp_path: Path
) -> None:
    data = copy_of(crawled, tmp_path)
    before = {row["url"]: row for row in not_article_rows(data)}
    base = sample_site.sites["vimmerby-nyheter"]
    paths = {url.removeprefix(base) for url in before}

    def fetched(crawl: LooseCrawl) -> set[str]:
        return {
            str(r["path"])
            for r in crawl.requests
            if r["site"] == "vimmerby-nyheter" and r["path"] in paths
        }

    soon = loose_crawl(sample_site, data, crawled.sources)
    assert fetched(soon) == set()  # the section fronts are not fetched again on every crawl
    # a month on
    month_ago = (datetime.fromisoformat(next(iter(before.values()))["last_fetched"])
                 - timedelta(days=31)).isoformat()  # fmt: skip
    with sqlite3.connect(data / "archive.sqlite3") as db:
        db.execute("UPDATE pages SET last_fetched = ? WHERE outcome = 'not_article'", (month_ago,))
    db.close()
    later = loose_crawl(sample_site, data, crawled.sources)
    assert fetched(later) == paths
    after = {row["url"]: row for row in not_article_rows(data)}
    assert set(after) == set(before)
    for url, row in after.items():
        assert row["last_fetched"] > month_ago
        assert (row["warc_file"], row["warc_offset"]) != (
            before[url]["warc_file"],
            before[url]["warc_offset"],
        )  # the new response is kept too
        assert row["reason"] == before[url]["reason"]


def test_worker_processes_count_the_same(crawled: LooseCrawl, tmp_path: Path) -> None:
    """The parallel path (used from PARALLEL_FROM records on) agrees with the in-process one."""
    from crawler.reextract import reextract as run
    from crawler.sources import load_sources

    data = copy_of(crawled, tmp_path)
    sources = load_sources(crawled.sources)
    with Archive(data / "archive.sqlite3") as archive:
        alone = run(archive, data / "warc", sources, workers=0, dry_run=True)
        pooled = run(archive, data / "warc", sources, workers=2, dry_run=True)
    assert pooled == alone
    assert alone.read == alone.unchanged + alone.not_articles > 0
