"""The JSON report of one crawl run, built from Scrapy's stats."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_OUTCOMES = ("new", "updated", "unchanged")
_BLOCKED = "robots_unreachable"


def build_report(stats: dict[str, Any], reason: str, config_error: str | None) -> dict[str, Any]:
    """Summarise a run: totals, per-source counts, errors by kind, and an overall status.

    A source failed when none of its entry points (sitemaps, feeds, sections) could be read,
    a robots.txt that answers 5xx included (such a source is also listed as blocked).
    The run is ``failed`` when it did not finish normally, its configuration was broken, or
    every source failed; ``partial`` when some sources failed; otherwise ``ok``. Single
    failed fetches inside a working source are logged and counted, not a partial run.
    """
    totals = _section(stats, "arkiv/")
    sources: dict[str, dict[str, Any]] = {}
    for key in stats:
        if key.startswith("arkiv/source/"):
            source_id = key.split("/")[2]
            sources.setdefault(source_id, _section(stats, f"arkiv/source/{source_id}/"))
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
        "robots_unreachable_hosts": stats.get("robotstxt/unreachable", 0),
        **{k: v for k, v in totals.items() if k != "status"},
        "failed_sources": failed,
        "blocked_sources": blocked,
        "sources": sources,
    }


def write_report_file(data_dir: Path, run_id: int, report: dict[str, Any]) -> Path:
    """DATA/runs/run-<id>.json: the report where a monitoring script can pick it up."""
    folder = data_dir / "runs"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"run-{run_id:06d}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    (folder / "latest.json").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return path


def _section(stats: dict[str, Any], prefix: str) -> dict[str, Any]:
    """Counts under one prefix: articles by outcome, skipped and errors by kind."""

    def under(sub: str) -> dict[str, int]:
        return {
            key[len(prefix) + len(sub) :]: int(value)
            for key, value in stats.items()
            if key.startswith(prefix + sub) and "/" not in key[len(prefix) + len(sub) :]
        }

    articles = under("articles/")
    entry = under("entry_points/")
    errors = under("errors/")
    # A source failed when none of its own entry points could be read.
    failed = entry.get("failed", 0) > 0 and entry.get("ok", 0) == 0
    return {
        "status": "failed" if failed else ("partial" if errors else "ok"),
        "requested": int(stats.get(prefix + "requested", 0)),
        "fetched": int(stats.get(prefix + "fetched", 0)),
        "articles": {outcome: articles.get(outcome, 0) for outcome in _OUTCOMES},
        "gone": int(stats.get(prefix + "gone", 0)),
        "skipped": under("skipped/"),
        "errors": errors,
        "entry_points": {"ok": entry.get("ok", 0), "failed": entry.get("failed", 0)},
    }
