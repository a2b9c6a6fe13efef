"""Saved searches that alert ("bevakningar"): the searches, what each has matched, and the
outbox of deliveries still to make.

A check (:mod:`indexer.search.watching`) looks at the articles whose change counter
(``articles.seq``) passed the watch's ``checked_seq`` and that its search matches now; those
it never matched before are new to it. :meth:`Watches.record_check` writes them, their
deliveries and the new ``checked_seq`` in one transaction: a crash before it commits leaves
the check to be done again, after it every alert is queued exactly once. A delivery is
marked done only after it succeeded (:meth:`Watches.mark_delivered`).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from indexer.errors import ArchiveError
from indexer.store.connection import ArchiveConnection
from indexer.store.rows import iso

CHANNELS = ("email", "webhook")
_ENTRY = (
    "SELECT {key}, m.article_id, m.{found} AS found, a.url, a.source, a.source_name,"
    " v.title, v.lead, v.published FROM {table} JOIN articles a ON a.id = m.article_id"
    " JOIN versions v ON v.article_id = a.id AND v.version = a.version"
)


@dataclass(frozen=True, slots=True)
class WatchInfo:
    """A saved search: its query words and filters (the :class:`~indexer.search.query.Query`
    fields, resolved), where it delivers, its feed token and how far it has been checked."""

    id: int
    name: str
    query: str
    filters: dict[str, Any]
    email: str | None
    webhook: str | None
    token: str
    created: str
    checked_seq: int

    @property
    def channels(self) -> tuple[str, ...]:
        return tuple(c for c in CHANNELS if getattr(self, c))


@dataclass(frozen=True, slots=True)
class AlertEntry:
    """An article new to a watch, as the feed and the deliveries show it. ``outbox_id`` is
    the delivery's row (0 in the feed)."""

    outbox_id: int
    article_id: str
    found: str
    url: str
    source: str
    source_name: str
    title: str
    lead: str
    published: str | None


def _watch(row: sqlite3.Row) -> WatchInfo:
    return WatchInfo(
        row["id"], row["name"], row["query"], json.loads(row["filters"]), row["email"],
        row["webhook"], row["token"], row["created"], row["checked_seq"],
    )  # fmt: skip


def _entry(row: sqlite3.Row) -> AlertEntry:
    return AlertEntry(
        int(row[0]), row["article_id"], row["found"], row["url"], row["source"],
        row["source_name"], row["title"], row["lead"] or "", row["published"],
    )  # fmt: skip


class Watches(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that keeps the saved searches."""

    def add_watch(self, watch: WatchInfo, matched_now: Iterable[str]) -> WatchInfo:
        """Save ``watch`` (its ``id`` is ignored), with the articles it matches already:
        those never alert. Raises ArchiveError when the name is taken."""
        now = iso(datetime.now(UTC))
        with self._transaction():
            if self._db.execute("SELECT 1 FROM watches WHERE name = ?", (watch.name,)).fetchone():
                raise ArchiveError(
                    f"a saved search named {watch.name!r} exists already",
                    hint="Choose another name, or remove it first (arkiv watch rm NAME).",
                )
            cursor = self._db.execute(
                "INSERT INTO watches (name, query, filters, email, webhook, token, created,"
                " checked_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (watch.name, watch.query, json.dumps(watch.filters), watch.email,
                 watch.webhook, watch.token, now, watch.checked_seq),
            )  # fmt: skip
            watch_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT OR IGNORE INTO watch_matches VALUES (?, ?, ?, 0)",
                ((watch_id, article_id, now) for article_id in matched_now),
            )
        found = self.watch(watch.name)
        assert found is not None
        return found

    def watches(self) -> list[WatchInfo]:
        """Every saved search, by name (none in an archive older than saved searches)."""
        if not self._has_watches():
            return []
        return [_watch(r) for r in self._db.execute("SELECT * FROM watches ORDER BY name")]

    def watch(self, name: str) -> WatchInfo | None:
        if not self._has_watches():
            return None
        row = self._db.execute("SELECT * FROM watches WHERE name = ?", (name,)).fetchone()
        return _watch(row) if row else None

    def watch_by_token(self, token: str) -> WatchInfo | None:
        if not self._has_watches():
            return None
        row = self._db.execute("SELECT * FROM watches WHERE token = ?", (token,)).fetchone()
        return _watch(row) if row else None

    def remove_watch(self, name: str) -> bool:
        """Remove a saved search with what it matched and its undelivered alerts."""
        with self._transaction():
            cursor = self._db.execute("DELETE FROM watches WHERE name = ?", (name,))
        return cursor.rowcount > 0

    def changed_ids(self, after_seq: int, upto_seq: int) -> set[str]:
        """The articles (not gone) whose last change is in ``(after_seq, upto_seq]``."""
        rows = self._db.execute(
            "SELECT id FROM articles WHERE seq > ? AND seq <= ? AND gone_at IS NULL",
            (after_seq, upto_seq),
        )
        return {row[0] for row in rows}

    def record_check(self, watch: WatchInfo, upto_seq: int, matched: Collection[str]) -> int:
        """Record a check of ``watch`` up to ``upto_seq``: of ``matched`` (changed articles
        its search matches), those it never matched are new; each gets a delivery per
        channel. One transaction; a check already recorded (a rerun) changes nothing.
        Returns how many articles were new."""
        now = iso(datetime.now(UTC))
        with self._transaction():
            row = self._db.execute(
                "SELECT checked_seq FROM watches WHERE id = ?", (watch.id,)
            ).fetchone()
            if row is None or row[0] >= upto_seq:
                return 0
            new = [
                article_id
                for article_id in sorted(matched)
                if not self._db.execute(
                    "SELECT 1 FROM watch_matches WHERE watch_id = ? AND article_id = ?",
                    (watch.id, article_id),
                ).fetchone()
            ]
            self._db.executemany(
                "INSERT INTO watch_matches VALUES (?, ?, ?, 1)",
                ((watch.id, article_id, now) for article_id in new),
            )
            self._db.executemany(
                "INSERT OR IGNORE INTO watch_outbox (watch_id, article_id, channel, queued)"
                " VALUES (?, ?, ?, ?)",
                ((watch.id, a, channel, now) for a in new for channel in watch.channels),
            )
            self._db.execute(
                "UPDATE watches SET checked_seq = ? WHERE id = ?", (upto_seq, watch.id)
            )
        return len(new)

    def alerts(self, watch: WatchInfo, limit: int = 50) -> list[AlertEntry]:
        """The latest articles new to ``watch`` (what its feed shows), newest first."""
        sql = _ENTRY.format(key="0", found="found", table="watch_matches m")
        rows = self._db.execute(
            f"{sql} WHERE m.watch_id = ? AND m.alerted = 1 ORDER BY m.rowid DESC LIMIT ?",
            (watch.id, limit),
        )
        return [_entry(r) for r in rows]

    def pending(self, watch: WatchInfo, channel: str) -> list[AlertEntry]:
        """The deliveries of ``watch`` on ``channel`` not yet made, in the order queued."""
        if not self._has_watches():
            return []
        sql = _ENTRY.format(key="m.id", found="queued", table="watch_outbox m")
        rows = self._db.execute(
            f"{sql} WHERE m.watch_id = ? AND m.channel = ? AND m.delivered IS NULL ORDER BY m.id",
            (watch.id, channel),
        )
        return [_entry(r) for r in rows]

    def mark_delivered(self, outbox_ids: Iterable[int]) -> None:
        now = iso(datetime.now(UTC))
        with self._transaction():
            self._db.executemany(
                "UPDATE watch_outbox SET delivered = ?, attempts = attempts + 1, error = NULL"
                " WHERE id = ?",
                ((now, i) for i in outbox_ids),
            )

    def mark_failed(self, outbox_ids: Iterable[int], error: str) -> None:
        """Note a failed attempt; the deliveries stay pending for the next run."""
        with self._transaction():
            self._db.executemany(
                "UPDATE watch_outbox SET attempts = attempts + 1, error = ? WHERE id = ?",
                ((error, i) for i in outbox_ids),
            )

    def _has_watches(self) -> bool:
        """Whether the tables exist (a read-only open of an older archive has none)."""
        return bool(
            self._db.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'watches'"
            ).fetchone()
        )
