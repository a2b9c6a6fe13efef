"""The archive's crawl lock for the length of a crawl: taken here unless the caller holds it.

`arkiv crawl` takes the lock itself before Scrapy starts (ARKIV_LOCK_HELD), so it can tell a
locked archive apart in its exit code; `scrapy crawl news` relies on this module.
"""

from __future__ import annotations

from pathlib import Path

from indexer.store.lock import CrawlLock

__all__ = ["RunLock"]


class RunLock:
    """The crawl lock of ``data_dir``, or nothing when ``held_by_caller``."""

    def __init__(self, data_dir: Path, held_by_caller: bool) -> None:
        self._lock = None if held_by_caller else CrawlLock(data_dir)

    def acquire(self) -> None:
        """Take the lock (LockedError: another live crawl holds it)."""
        if self._lock is not None:
            self._lock.acquire()

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
