"""The JSON report of one crawl run, built from Scrapy's stats."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

_OUTCOMES = ("new", "updated", "unchanged")


def build_report(stats: dict[str, Any], reason: str, config_error: str | None) -> dict[str, Any]:
    """Summarise a run: totals, per-source counts, errors by kind, and an overall status.

    Status is ``failed`` when the run did not finish normally or its configuration was
    broken, ``partial`` when some fetches failed, otherwise ``ok``.
    """
    totals = _section(stats, "arkiv/")
    sources: dict[str, dict[str, Any]] = {}
    for key in stats:
        if key.startswith("arkiv/source/"):
            source_id = key.split("/")[2]
            sources.setdefault(source_id, _section(stats, f"arkiv/source/{source_id}/"))
    errors = totals["errors"]
    if config_error or reason != "finished":
        status = "failed"
    elif errors:
        status = "partial"
    else:
        status = "ok"
    started = stats.get("start_time")
    return {
        "status": status,
        "finish_reason": reason,
        "config_error": config_error,
        "started": started.isoformat() if isinstance(started, datetime) else None,
        "finished": datetime.now(UTC).isoformat(),
        "http_requests": stats.get("downloader/request_count", 0),
        "http_responses": stats.get("downloader/response_count", 0),
        "bytes": stats.get("downloader/response_bytes", 0),
        "robots_forbidden": stats.get("robotstxt/forbidden", 0),
        **totals,
        "sources": sources,
    }


def _section(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Counts under one prefix: articles by outcome, skipped and errors by kind."""

    def under(sub: str) -> dict[str, int]:
        return {
            key[len(prefix) + len(sub) :]: int(value)
            for key, value in stats.items()
            if key.startswith(prefix + sub) and "/" not in key[len(prefix) + len(sub) :]
        }

    articles = under("articles/")
    return {
        "requested": int(stats.get(prefix + "requested", 0)),
        "fetched": int(stats.get(prefix + "fetched", 0)),
        "articles": {outcome: articles.get(outcome, 0) for outcome in _OUTCOMES},
        "gone": int(stats.get(prefix + "gone", 0)),
        "skipped": under("skipped/"),
        "errors": under("errors/"),
    }
