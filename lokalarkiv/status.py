"""What the archive holds and how the crawls went: `arkiv stats`, `arkiv runs` and
`arkiv sources`, and the web app's status page."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from indexer.config import Config
from indexer.store.archive import RunInfo
from indexer.store.lock import crawl_alive
from lokalarkiv.storage import open_archive

if TYPE_CHECKING:
    from crawler.sources import Source


def archive_stats(config: Config, run_count: int = 5) -> dict[str, Any]:
    """Counts in the archive (totals; by source, language and month) and the last
    ``run_count`` crawl runs with their reports."""
    with open_archive(config) as archive:
        return {
            "archive": str(config.archive_path),
            "totals": archive.totals(),
            "by_source": dict(archive.counts("source")),
            "by_language": dict(archive.counts("language")),
            "by_month": dict(archive.counts("month")),
            "runs": [
                {"id": r.id, "started": r.started, "finished": r.finished, "status": r.status,
                 "report": r.report}
                for r in archive.runs(limit=run_count)
            ],
        }  # fmt: skip


def recent_runs(config: Config, limit: int = 10) -> list[RunInfo]:
    """The last ``limit`` crawl runs, newest first. A run left "running" with no crawl
    alive was killed: the next crawl records it so (a reader writes nothing); here it is
    only shown as what it is."""
    with open_archive(config) as archive:
        recent = archive.runs(limit=limit)
    if not crawl_alive(config.data_dir):
        recent = [replace(r, status="killed") if r.status == "running" else r for r in recent]
    return recent


def source_json(source: Source) -> dict[str, Any]:
    """One configured source as `arkiv sources --json` lists it."""
    return {
        "id": source.id,
        "name": source.name,
        "kind": source.kind,
        "region": source.region,
        "municipality": source.municipality,
        "domains": list(source.domains),
        "sitemaps": list(source.sitemaps),
        "feeds": list(source.feeds),
        "sections": list(source.sections),
        "enabled": source.enabled,
    }
