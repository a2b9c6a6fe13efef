"""The run report, from the run recorder's typed counts (no Scrapy, no crawl)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from crawler.archiving.session import CrawlArchive, PageValidators
from crawler.recorder import RunRecorder
from crawler.run_report import build_report

STARTED = datetime(2025, 8, 1, 6, 0, tzinfo=UTC)
SCRAPY = {
    "start_time": STARTED,
    "downloader/request_count": 12,
    "downloader/response_count": 11,
    "downloader/response_bytes": 3456,
    "robotstxt/forbidden": 2,
}


def test_counts_per_source_and_in_total() -> None:
    recorder = RunRecorder()
    recorder.entry_point("a", ok=True)
    recorder.requested("a")
    recorder.requested("a")
    recorder.fetched("a")
    recorder.article("a", "new")
    recorder.skipped("b", "robots")
    recorder.entry_point("b", ok=True)
    recorder.error("b", "timeout")
    recorder.error(None, "index")
    report = build_report(recorder, SCRAPY, "finished", None)
    assert report["status"] == "ok"
    assert report["started"] == STARTED.isoformat()
    assert (report["http_requests"], report["http_responses"], report["bytes"]) == (12, 11, 3456)
    assert report["robots_forbidden"] == 2
    assert report["requested"] == 2
    assert report["articles"] == {"new": 1, "updated": 0, "unchanged": 0}
    assert report["errors"] == {"timeout": 1, "index": 1}  # the index error is the run's own
    assert list(report["sources"]) == ["a", "b"]  # in the order they were first counted
    assert report["sources"]["a"]["status"] == "ok"
    assert report["sources"]["b"]["status"] == "partial"
    assert report["sources"]["b"]["errors"] == {"timeout": 1}
    assert report["sources"]["b"]["skipped"] == {"robots": 1}
    assert report["failed_sources"] == []


def test_a_count_taken_back_stays_listed() -> None:
    recorder = RunRecorder()
    recorder.skipped("a", "not_due")
    recorder.skipped("a", "not_due", -1)
    report = build_report(recorder, {}, "finished", None)
    assert report["skipped"] == {"not_due": 0}
    assert report["sources"]["a"]["skipped"] == {"not_due": 0}


def test_failed_partial_and_blocked_runs() -> None:
    recorder = RunRecorder()
    recorder.entry_point("a", ok=False)
    recorder.error("a", "robots_unreachable")
    recorder.robots_unreachable()
    recorder.entry_point("b", ok=True)
    report = build_report(recorder, {}, "finished", None)
    assert report["status"] == "partial"
    assert report["failed_sources"] == ["a"]
    assert report["blocked_sources"] == ["a"]
    assert report["robots_unreachable_hosts"] == 1
    recorder.entry_point("b", ok=False)  # one good entry point is enough
    assert build_report(recorder, {}, "finished", None)["status"] == "partial"
    only_failed = RunRecorder()
    only_failed.entry_point("a", ok=False)
    assert build_report(only_failed, {}, "finished", None)["status"] == "failed"
    assert build_report(RunRecorder(), {}, "finished", "bad sources")["status"] == "failed"
    assert build_report(RunRecorder(), {}, "shutdown", None)["status"] == "failed"


def test_counts_are_mirrored_into_scrapy_stats_for_its_log() -> None:
    class Stats:
        def __init__(self) -> None:
            self.values: dict[str, int] = {}

        def inc_value(self, key: str, count: int = 1) -> None:
            self.values[key] = self.values.get(key, 0) + count

        def set_value(self, key: str, value: int) -> None:
            self.values[key] = value

    stats = Stats()
    recorder = RunRecorder(lambda: stats)
    recorder.article("a", "updated")
    recorder.error(None, "index")
    recorder.index_updated(3, 1)
    assert stats.values == {
        "arkiv/articles/updated": 1,
        "arkiv/source/a/articles/updated": 1,
        "arkiv/errors/index": 1,
        "arkiv/index/upserted": 3,
        "arkiv/index/deleted": 1,
    }


def test_page_validators_kept_only_after_a_finished_run(tmp_path: Path) -> None:
    at = datetime(2025, 8, 1, tzinfo=UTC)
    listing = PageValidators("https://a.se/sitemap.xml", "listing", at, '"v1"', None)
    candidate = PageValidators("https://a.se/nyheter/", "section", at, '"v2"', None)
    for finished in (False, True):
        pages = CrawlArchive()
        pages.open(tmp_path / f"archive-{finished}.sqlite3")
        pages.answered(listing)
        pages.answered(candidate)
        # a page also requested as an article candidate keeps what the pipelines made of it
        pages.keep_validators(finished, {candidate.url})
        state = pages.fetch_state(listing.url)
        assert (state is not None and state.etag == '"v1"') is finished
        assert pages.fetch_state(candidate.url) is None
        pages.close()
    assert CrawlArchive().fetch_state(listing.url) is None  # not open: nothing known
