"""Crawl runs: one row per run, opened when a crawl starts and closed with its JSON report;
a run its process never closed (killed, crashed) is marked ``killed`` by the next crawl.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from indexer.store.connection import ArchiveConnection
from indexer.store.rows import iso


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    started: str
    finished: str | None
    status: str
    report: dict[str, Any]


class Runs(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that keeps the ``runs`` table."""

    def start_run(self, started: datetime | None = None) -> int:
        """Open a crawl run record; returns its id.

        The caller holds the crawl lock (indexer.store.lock), so no other crawl of this archive is
        alive: a run still marked ``running`` died without closing its record (killed, a
        crash, a power cut) and is marked ``killed`` first (see :meth:`mark_dead_runs`).
        """
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (started, status) VALUES (?, 'running')",
                (iso(started or datetime.now(UTC)),),
            )
            run_id = int(cursor.lastrowid or 0)
            self.mark_dead_runs(found_by=run_id)
        return run_id

    def mark_dead_runs(self, found_by: int | None = None) -> list[int]:
        """Mark ``killed`` every run still ``running`` but ``found_by`` (the run that found
        them); returns their ids. Only for a caller that holds the crawl lock: the lock is
        what says that these runs' processes are gone. Their finish time stays unknown."""
        note = "the crawl stopped without closing its run (killed or crashed)"
        if found_by is not None:
            note += f"; found by run {found_by}"
        dead = [
            int(row["id"])
            for row in self._db.execute(
                "SELECT id FROM runs WHERE status = 'running' AND id != ?", (found_by or 0,)
            )
        ]
        for run_id in dead:
            report = {"status": "killed", "run_id": run_id, "note": note}
            self._db.execute(
                "UPDATE runs SET status = 'killed', report = ? WHERE id = ?",
                (json.dumps(report), run_id),
            )
        return dead

    def finish_run(self, run_id: int, status: str, report: dict[str, Any]) -> None:
        with self._transaction():
            self._db.execute(
                "UPDATE runs SET finished = ?, status = ?, report = ? WHERE id = ?",
                (iso(datetime.now(UTC)), status, json.dumps(report, default=str), run_id),
            )

    def annotate_run(self, run_id: int, key: str, value: Any) -> None:
        """Add ``key`` to a finished run's report: what happened after the crawl process
        (the saved searches' deliveries) belongs to the run that found the articles."""
        with self._transaction():
            row = self._db.execute("SELECT report FROM runs WHERE id = ?", (run_id,)).fetchone()
            if row is None:
                return
            report = {**json.loads(row["report"] or "{}"), key: value}
            self._db.execute(
                "UPDATE runs SET report = ? WHERE id = ?",
                (json.dumps(report, default=str), run_id),
            )

    def runs(self, limit: int = 10) -> list[RunInfo]:
        rows = self._db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [
            RunInfo(r["id"], r["started"], r["finished"], r["status"], json.loads(r["report"]))
            for r in rows
        ]
