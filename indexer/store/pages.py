"""What the crawl learnt of URLs that are not articles (pages judged not articles, aliases,
404s, section pages, listings), and of any URL's last fetch: so that the incremental crawl
can leave a page alone for a while, or ask for it conditionally.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from indexer.article import article_id
from indexer.store.connection import ArchiveConnection
from indexer.store.rows import iso
from indexer.store.warc import WarcRef


@dataclass(frozen=True, slots=True)
class FetchState:
    """What earlier crawls learnt of a URL: an archived article, or a page's outcome."""

    kind: str  # "article", or a page outcome: "not_article", "alias", "http_404", …
    last_fetched: datetime
    published: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None


class Pages(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that keeps the ``pages`` table."""

    def note_page(
        self,
        canonical_url: str,
        outcome: str,
        at: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        *,
        reason: str | None = None,
        source: str | None = None,
        warc: WarcRef | None = None,
    ) -> None:
        """Remember a fetched URL that is not an article (or is missing), so the incremental
        crawl can leave it alone for a while, or ask for it conditionally.

        For a page judged not an article (outcome "not_article"), ``reason`` says why,
        ``source`` which source it was fetched for and ``warc`` where its response is, so
        that extraction can run over it again. A later outcome replaces the whole row.
        """
        with self._transaction():
            self._upsert_page(canonical_url, outcome, at, etag, last_modified, reason, source, warc)

    def note_pages(self, pages: list[tuple[str, str, datetime, str | None, str | None]]) -> None:
        """:meth:`note_page` (url, outcome, at, etag, last_modified) for many pages in one
        transaction."""
        with self._transaction():
            for url, outcome, at, etag, last_modified in pages:
                self._upsert_page(url, outcome, at, etag, last_modified, None, None, None)

    def note_page_reason(self, url: str, reason: str) -> None:
        """A page re-extracted and still not an article: keep the reason extraction gives now."""
        with self._transaction():
            self._db.execute("UPDATE pages SET reason = ? WHERE url = ?", (reason, url))

    def fetch_state(self, canonical_url: str) -> FetchState | None:
        """What earlier crawls learnt of this URL, or None if it was never fetched."""
        row = self._db.execute(
            "SELECT a.last_seen, a.etag, a.last_modified, a.gone_at, v.published"
            " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
            " WHERE a.id = ?",
            (article_id(canonical_url),),
        ).fetchone()
        if row is not None:
            return FetchState(
                "http_410" if row["gone_at"] else "article",
                datetime.fromisoformat(row["last_seen"]),
                datetime.fromisoformat(row["published"]) if row["published"] else None,
                row["etag"],
                row["last_modified"],
            )
        page = self._db.execute(
            "SELECT outcome, last_fetched, etag, last_modified FROM pages WHERE url = ?",
            (canonical_url,),
        ).fetchone()
        if page is None:
            return None
        return FetchState(
            page["outcome"],
            datetime.fromisoformat(page["last_fetched"]),
            None,
            page["etag"],
            page["last_modified"],
        )

    def not_article_pages(self, source: str) -> list[tuple[str, datetime]]:
        """The pages of a source last judged not articles, with when they were fetched: the
        crawl checks them again when due, whether or not a listing or section links them."""
        rows = self._db.execute(
            "SELECT url, last_fetched FROM pages WHERE outcome = 'not_article' AND source = ?"
            " ORDER BY url",
            (source,),
        )
        return [(row["url"], datetime.fromisoformat(row["last_fetched"])) for row in rows]

    def _upsert_page(
        self,
        url: str,
        outcome: str,
        at: datetime,
        etag: str | None,
        last_modified: str | None,
        reason: str | None,
        source: str | None,
        warc: WarcRef | None,
    ) -> None:
        self._db.execute(
            "INSERT INTO pages (url, outcome, last_fetched, etag, last_modified, reason, source,"
            " warc_file, warc_offset, warc_length) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (url) DO UPDATE SET outcome = excluded.outcome,"
            " last_fetched = excluded.last_fetched, etag = excluded.etag,"
            " last_modified = excluded.last_modified, reason = excluded.reason,"
            " source = excluded.source, warc_file = excluded.warc_file,"
            " warc_offset = excluded.warc_offset, warc_length = excluded.warc_length",
            (url, outcome, iso(at), etag, last_modified, reason, source,
             warc.file if warc else None, warc.offset if warc else None,
             warc.length if warc else None),
        )  # fmt: skip
