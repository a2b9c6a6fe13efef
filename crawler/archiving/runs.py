"""The crawl's run record in the archive: opened when the crawl starts, closed with its report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from indexer.store.archive import Archive

__all__ = ["RunRecord"]


class RunRecord:
    """One run's row in the archive's ``runs`` table."""

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self.id = archive.start_run(datetime.now(UTC))

    def finish(self, report: dict[str, Any]) -> None:
        """Close the record with the run's report (its ``status`` is the run's)."""
        self._archive.finish_run(self.id, report["status"], report)
