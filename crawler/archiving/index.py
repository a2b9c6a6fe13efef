"""The search index brought up to date at the end of a crawl: the same sync as `arkiv index`.

A failing index is logged and counted; the archive stays the source of truth and the next
sync catches up from its watermark.
"""

from __future__ import annotations

import logging

from crawler.recorder import RunRecorder
from indexer.config import Config
from indexer.errors import ArkivError
from indexer.search.sync import sync
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
