"""The responses kept in WARC that extraction can run over again (``arkiv reextract``): the
latest record of each archived article, and each page judged not an article.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from indexer.store.connection import ArchiveConnection
from indexer.store.rows import among, warc_ref
from indexer.store.warc import WarcRef

RECORDS_PER_QUERY = 500  # rows :meth:`StoredRecords.stored_records` reads at a time
# The latest record of each article (``{only}``: a source clause), a page at a time by id.
_ARTICLE_RECORDS = (
    "SELECT a.id, a.canonical_url, a.source,"
    " COALESCE(a.latest_fetched, v.fetched_at) AS fetched,"
    " COALESCE(a.latest_warc_file, v.warc_file) AS warc_file,"
    " COALESCE(a.latest_warc_offset, v.warc_offset) AS warc_offset,"
    " COALESCE(a.latest_warc_length, v.warc_length) AS warc_length"
    " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
    " WHERE a.id > ? {only} ORDER BY a.id LIMIT ?"
)
# A page (``p``) whose response is a record: judged not an article, its response in WARC,
# and not archived as an article since.
_PAGE_IS_RECORD = (
    "outcome = 'not_article' AND warc_file IS NOT NULL"
    " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.canonical_url = p.url)"
)
_PAGE_RECORDS = (
    "SELECT url, source, last_fetched, reason, warc_file, warc_offset, warc_length"
    f" FROM pages p WHERE url > ? AND {_PAGE_IS_RECORD} {{only}} ORDER BY url LIMIT ?"
)


@dataclass(frozen=True, slots=True)
class StoredRecord:
    """A response kept in WARC that extraction can run over again: the latest record of an
    archived article, or of a page judged not an article."""

    kind: Literal["article", "page"]
    url: str  # the article's canonical URL, or the page's URL
    source: str
    fetched_at: datetime
    warc: WarcRef | None  # None: an article archived without its raw response
    reason: str | None = None  # a page's: why it was judged not an article


class StoredRecords(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that lists stored records."""

    def stored_records(
        self, sources: Collection[str] = (), *, per_query: int = RECORDS_PER_QUERY
    ) -> Iterator[StoredRecord]:
        """Every response extraction can run over again, streamed: the latest record of each
        archived article (gone ones too), in id order, then each page judged not an article
        whose response is in WARC, in URL order. ``sources``: only these source ids.

        Safe to write to the archive while iterating (rows are read ``per_query`` at a time).
        """
        if per_query < 1:
            raise ValueError(f"per_query must be at least 1, not {per_query}")
        in_articles, params = among("a.source", sources)
        in_pages, _ = among("source", sources)
        articles = _ARTICLE_RECORDS.format(only=in_articles)
        for row in self._paged(articles, "id", params, per_query):
            yield _article_record(row)
        for row in self._paged(_PAGE_RECORDS.format(only=in_pages), "url", params, per_query):
            yield _page_record(row)

    def count_stored_records(self, sources: Collection[str] = ()) -> int:
        """How many records :meth:`stored_records` yields."""
        only, params = among("source", sources)
        articles = self._db.execute(
            f"SELECT COUNT(*) FROM articles WHERE 1 {only}", params
        ).fetchone()[0]
        pages = self._db.execute(
            f"SELECT COUNT(*) FROM pages p WHERE {_PAGE_IS_RECORD} {only}", params
        ).fetchone()[0]
        return int(articles) + int(pages)

    def _paged(
        self, sql: str, key: str, params: list[str], per_query: int
    ) -> Iterator[sqlite3.Row]:
        """The rows of ``sql`` (``?`` for the last ``key`` seen, ``params``, ``LIMIT ?``),
        ``per_query`` at a time by keyset, so that writes between pages are fine."""
        after = ""
        while True:
            rows = self._db.execute(sql, (after, *params, per_query)).fetchall()
            yield from rows
            if len(rows) < per_query:
                return
            after = rows[-1][key]


def _article_record(row: sqlite3.Row) -> StoredRecord:
    fetched = datetime.fromisoformat(row["fetched"])
    return StoredRecord("article", row["canonical_url"], row["source"], fetched, warc_ref(row))


def _page_record(row: sqlite3.Row) -> StoredRecord:
    fetched = datetime.fromisoformat(row["last_fetched"])
    return StoredRecord(
        "page", row["url"], row["source"] or "", fetched, warc_ref(row), row["reason"]
    )
