"""The WARC files a crawl writes its responses to."""

from __future__ import annotations

import logging

from indexer.config import Config
from indexer.store.warc import WarcStore

__all__ = ["open_warc"]

logger = logging.getLogger(__name__)


def open_warc(config: Config) -> WarcStore:
    """The configured WARC store; a record cut short by an interrupted run is cut off (and
    logged) as it opens."""
    warc = WarcStore(config.warc_dir, max_bytes=config.warc_max_mb * 1024 * 1024)
    for name, removed in warc.repaired:
        logger.warning("cut %d bytes of an interrupted record from WARC file %s", removed, name)
    return warc
