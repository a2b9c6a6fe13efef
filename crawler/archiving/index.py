"""The search index brought up to date at the end of a crawl: the same sync as `arkiv index`,
then the saved searches checked for articles new to them (their alerts queued; the `arkiv
crawl` command delivers them once the crawl is done).

A failing index is logged and counted; the archive stays the source of truth and the next
sync catches up from its watermark. A saved search that cannot be checked is one warning
line and is checked on the next run; it never fails the crawl.
"""

from __future__ import annotations

import logging

from crawler.recorder import RunRecorder
from indexer.config import Config
from indexer.errors import ArkivError
from indexer.search.sync import sync
from indexer.search.watching import check_watches
from indexer.store.archive import Archive

__all__ = ["update_index"]

logger = logging.getLogger(__name__)


def update_index(archive: Archive, config: Config, recorder: RunRecorder) -> None:
    """Sync the configured index with ``archive``; a failure is an ``index`` error of the run."""
    try:
        result = sync(archive, config)
    except ArkivError as exc:
        recorder.error(None, "index")
        logger.error("search index not updated: %s (run `arkiv index` later)", exc)
        return
    recorder.index_updated(result.upserted, result.deleted)
    if result.rebuilt:
        logger.warning("rebuilt the search index from the archive: %s", result.rebuilt)
    logger.info(
        "search index updated: %d new or changed, %d removed, %d in all",
        result.upserted,
        result.deleted,
        result.documents,
    )
    check_saved_searches(archive, config)


def check_saved_searches(archive: Archive, config: Config) -> None:
    """Queue the alerts of every saved search; failures are logged, never raised."""
    try:
        checked = check_watches(archive, config)
    except ArkivError as exc:
        logger.warning("saved searches not checked: %s (checked on the next run)", exc)
        return
    for name, error in checked.failed.items():
        logger.warning("saved search %r not checked: %s (checked on the next run)", name, error)
    if any(checked.new.values()):
        logger.info(
            "saved searches: %s",
            ", ".join(f"{name}: {count} new" for name, count in checked.new.items() if count),
        )
