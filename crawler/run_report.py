"""The JSON report of one crawl run: what `arkiv runs --json` prints and DATA/runs/ keeps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crawler.recorder import RunRecorder, SourceCounts

__all__ = ["build_report"]

_OUTCOMES = ("new", "updated", "unchanged")
_BLOCKED = "robots_unreachable"


def build_report(
    recorder: RunRecorder, scrapy_stats: dict[str, Any], reason: str, config_error: str | None
) -> dict[str, Any]:
    """Summarise a run: totals, per-source counts, errors by kind, and an overall status.

    ``recorder`` holds the run's own counts; ``scrapy_stats`` is Scrapy's stats collector's
    dict, for what only Scrapy counts (start time, requests, bytes, robots.txt refusals).

    A source failed when none of its entry points (sitemaps, feeds, sections) could be read,
    a robots.txt that answers 5xx included (such a source is also listed as blocked).
    The run is ``failed`` when it did not finish normally, its configuration was broken, or
    every source failed; ``partial`` when some sources failed; otherwise ``ok``. Single
    failed fetches inside a working source are logged and counted, not a partial run.
    """
    totals = _section(recorder.totals)
    sources = {source: _section(counts) for source, counts in recorder.sources.items()}
    failed = sorted(s for s, counts in sources.items() if counts["status"] == "failed")
    # Sources with a host whose robots.txt could not be read (5xx, 429): nothing was asked of
    # that host (RFC 9309); a network failure of robots.txt counts as that network failure.
    blocked = sorted(s for s, counts in sources.items() if counts["errors"].get(_BLOCKED))
    if config_error or reason != "finished" or (sources and len(failed) == len(sources)):
        status = "failed"
    elif failed:
        status = "partial"
    else:
        status = "ok"
    started = scrapy_stats.get("start_time")
    return {
        "status": status,
        "finish_reason": reason,
        "config_error": config_error,
        "started": started.isoformat() if isinstance(started, datetime) else None,
        "finished": datetime.now(UTC).isoformat(),
        "http_requests": scrapy_stats.get("downloader/request_count", 0),
        "http_responses": scrapy_stats.get("downloader/response_count", 0),
        "bytes": scrapy_stats.get("downloader/response_bytes", 0),
        "robots_forbidden": scrapy_stats.get("robotstxt/forbidden", 0),
        "robots_unreachable_hosts": recorder.robots_unreachable_hosts,
        **{k: v for k, v in totals.items() if k != "status"},
        "failed_sources": failed,
        "blocked_sources": blocked,
        "sources": sources,
    }


def _section(counts: SourceCounts) -> dict[str, Any]:
    """One scope's counts as the report has them, with its status."""
    entry = counts.entry_points
    # A source failed when none of its own entry points could be read.
    failed = entry.get("failed", 0) > 0 and entry.get("ok", 0) == 0
    return {
        "status": "failed" if failed else ("partial" if counts.errors else "ok"),
        "requested": counts.requested,
        "fetched": counts.fetched,
        "articles": {outcome: counts.articles.get(outcome, 0) for outcome in _OUTCOMES},
        "gone": counts.gone,
        "skipped": dict(counts.skipped),
        "errors": dict(counts.errors),
        "entry_points": {"ok": entry.get("ok", 0), "failed": entry.get("failed", 0)},
    }
