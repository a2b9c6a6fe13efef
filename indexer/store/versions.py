"""Writing articles: a crawl's fetch (a new article, a new version, or seen again), a
re-extraction of a response kept in WARC, and the bookkeeping of an article's URL (gone,
not modified, its latest record).

A version row is never updated in place; each new version, removal or return of an article
takes the next change number (``articles.seq``), which the search indexes sync by.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from indexer.article import Article, article_id, clean_article
from indexer.store.connection import ArchiveConnection
from indexer.store.rows import iso, unsigned, version_values
from indexer.store.schema import EXTRACTED_FIELDS, VERSION_FIELDS
from indexer.store.warc import WarcRef

DUPLICATE_WINDOW_DAYS = 3  # copies of one story appear within days of each other
Outcome = Literal["new", "updated", "unchanged"]


class ArticleWrites(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that writes articles."""

    def add_version(
        self,
        article: Article,
        write_raw: Callable[[], WarcRef] | None = None,
        same_story: Callable[[int, int], bool] | None = None,
    ) -> Outcome:
        """Record a fetched article: a new article, a new version, or just "seen again".

        A version is new when the text a reader sees (title, lead, body) changed; metadata
        of an unchanged text is left as it was. An article that had gone and comes back is
        revived.

        Text fields are cleaned of control characters first, in place
        (:func:`indexer.article.clean_article`): the archive holds none; the raw page in WARC
        keeps whatever the site sent.

        Args:
            article: the extracted article.
            write_raw: writes the raw response to WARC and says where; called only when a
                new version is stored, before the row is committed, so every committed
                version points at a complete record.
            same_story: tells whether two text fingerprints are of the same story; given,
                a new article is grouped (``duplicate_of``) with the first copy of its
                story that another source published within a few days.
        """
        clean_article(article)
        now = iso(article.fetched_at or datetime.now(UTC))
        aid = article.id
        with self._transaction():
            row = self._db.execute(
                "SELECT a.version, a.gone_at, v.content_hash FROM articles a JOIN versions v"
                " ON v.article_id = a.id AND v.version = a.version WHERE a.id = ?",
                (aid,),
            ).fetchone()
            if row is not None and row["content_hash"] == article.content_hash:
                revived = row["gone_at"] is not None
                self._db.execute(
                    "UPDATE articles SET last_seen = ?, url = ?, etag = ?, last_modified = ?,"
                    " gone_at = NULL, seq = CASE WHEN ? THEN ? ELSE seq END WHERE id = ?",
                    (now, article.url, article.etag, article.last_modified, revived,
                     self._next_seq(), aid),
                )  # fmt: skip
                return "unchanged"
            version = 1 if row is None else row["version"] + 1
            if row is None:
                self._group_story(article, same_story)
                self._insert_article(article, now, now)
            else:
                self._db.execute(
                    "UPDATE articles SET version = ?, last_seen = ?, url = ?, etag = ?,"
                    " last_modified = ?, gone_at = NULL, seq = ?, latest_fetched = NULL,"
                    " latest_warc_file = NULL, latest_warc_offset = NULL,"
                    " latest_warc_length = NULL WHERE id = ?",
                    (version, now, article.url, article.etag, article.last_modified,
                     self._next_seq(), aid),
                )  # fmt: skip
            self._insert_version(aid, version, now, article, write_raw() if write_raw else None)
        return "new" if version == 1 else "updated"

    def note_latest_record(self, aid: str, warc: WarcRef, fetched_at: datetime) -> None:
        """A fetch of an archived article whose text had not changed was kept in WARC: it is
        now the article's latest record (what re-extraction reads)."""
        with self._transaction():
            self._db.execute(
                "UPDATE articles SET latest_fetched = ?, latest_warc_file = ?,"
                " latest_warc_offset = ?, latest_warc_length = ? WHERE id = ?",
                (iso(fetched_at), warc.file, warc.offset, warc.length, aid),
            )

    def add_extraction(
        self,
        article: Article,
        warc: WarcRef,
        *,
        same_story: Callable[[int, int], bool] | None = None,
        page_url: str | None = None,
        dry_run: bool = False,
    ) -> Outcome:
        """Record what extraction now makes of a response kept in WARC; nothing is fetched.

        Unlike :meth:`add_version` (a crawl), any difference in what extraction or enrichment
        gives (dates, authors, language, municipalities, kinds, people, wire, ...) makes a
        new version, not only a change of the text; the new version points at the same
        record. The article's bookkeeping (last seen, validators, gone) is left as it was,
        and a record older than the article's latest never makes a version. Text is cleaned
        of control characters as in :meth:`add_version`, so re-extraction also cleans text
        that an older version of Lokalarkiv stored with them.

        Args:
            article: the extraction; ``fetched_at`` is when the response was fetched.
            warc: where the response is.
            same_story: as for :meth:`add_version`, for an article new to the archive.
            page_url: the URL of the page judged not an article that the response is of:
                its ``pages`` row gives way to the article (or becomes an alias of it).
            dry_run: only say what would happen.

        Returns:
            "new" (an article new to the archive), "updated" (a new version) or "unchanged".
        """
        if article.fetched_at is None:
            raise ValueError("a re-extracted article needs the time its response was fetched")
        clean_article(article)
        fetched = iso(article.fetched_at)
        values = version_values(article, fetched, warc)
        if dry_run:
            return self._extraction_outcome(article, values)
        with self._transaction():
            outcome = self._extraction_outcome(article, values)
            self._store_extraction(article, warc, fetched, outcome, same_story)
            if page_url is not None and page_url != article.canonical_url:
                self._db.execute(
                    "UPDATE pages SET outcome = 'alias', reason = NULL, warc_file = NULL,"
                    " warc_offset = NULL, warc_length = NULL WHERE url = ?",
                    (page_url,),
                )
        return outcome

    def mark_gone(self, canonical_url: str, at: datetime | None = None) -> bool:
        """Note that an archived article's URL now answers 404/410; its versions stay.

        Returns:
            True when an archived, not yet gone article was marked.
        """
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE articles SET gone_at = ?, seq = ? WHERE id = ? AND gone_at IS NULL",
                (iso(at or datetime.now(UTC)), self._next_seq(), article_id(canonical_url)),
            )
        return cursor.rowcount > 0

    def touch(self, canonical_url: str, at: datetime) -> bool:
        """An archived article answered 304 Not Modified: it was seen, nothing changed."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE articles SET last_seen = ? WHERE id = ?",
                (iso(at), article_id(canonical_url)),
            )
        return cursor.rowcount > 0

    # ------------------------------------------------------------------ internals

    def _store_extraction(
        self,
        article: Article,
        warc: WarcRef,
        fetched: str,
        outcome: Outcome,
        same_story: Callable[[int, int], bool] | None,
    ) -> None:
        """The rows of :meth:`add_extraction`'s ``outcome`` (``fetched``: when the response
        was fetched, as stored), inside its transaction."""
        if outcome == "new":
            self._group_story(article, same_story)
            self._insert_article(article, fetched, fetched)
            self._insert_version(article.id, 1, fetched, article, warc)
        elif outcome == "updated":
            version = (
                self._db.execute(
                    "SELECT version FROM articles WHERE id = ?", (article.id,)
                ).fetchone()[0]
                + 1
            )
            self._db.execute(
                "UPDATE articles SET version = ?, seq = ? WHERE id = ?",
                (version, self._next_seq(), article.id),
            )
            self._insert_version(article.id, version, fetched, article, warc)

    def _group_story(self, article: Article, same_story: Callable[[int, int], bool] | None) -> None:
        """Given ``same_story``, group a new article with the first copy of its story (unless
        it says already which story it is a copy of)."""
        if same_story is not None:
            article.duplicate_of = article.duplicate_of or self._first_copy(article, same_story)

    def _first_copy(self, article: Article, same_story: Callable[[int, int], bool]) -> str | None:
        """The id of the earliest copy of this story from another source, if any."""
        if not article.fingerprint or article.published is None:
            return None
        window = timedelta(days=DUPLICATE_WINDOW_DAYS)
        rows = self._db.execute(
            "SELECT a.id, a.duplicate_of, v.fingerprint FROM articles a JOIN versions v"
            " ON v.article_id = a.id AND v.version = a.version WHERE a.source != ?"
            " AND v.fingerprint IS NOT NULL AND v.published BETWEEN ? AND ?"
            " ORDER BY a.first_seen, a.id",
            (
                article.source,
                iso(article.published - window),
                iso(article.published + window),
            ),
        )
        for row in rows:
            if same_story(article.fingerprint, unsigned(row["fingerprint"])):
                return str(row["duplicate_of"] or row["id"])
        return None

    def _insert_article(self, article: Article, first_seen: str, last_seen: str) -> None:
        """The articles row of a new article; its URL is no longer a page of another kind."""
        self._db.execute(
            "INSERT INTO articles (id, canonical_url, url, source, source_name, version,"
            " first_seen, last_seen, etag, last_modified, duplicate_of, seq)"
            " VALUES (?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)",
            (article.id, article.canonical_url, article.url, article.source, article.source_name,
             first_seen, last_seen, article.etag, article.last_modified, article.duplicate_of,
             self._next_seq()),
        )  # fmt: skip
        self._db.execute("DELETE FROM pages WHERE url = ?", (article.canonical_url,))

    def _extraction_outcome(self, article: Article, values: dict[str, Any]) -> Outcome:
        """What :meth:`add_extraction` makes of ``article`` (whose version row would be
        ``values``), read from the archive without writing."""
        row = self._db.execute(
            f"SELECT a.latest_fetched, {', '.join(f'v.{k}' for k in VERSION_FIELDS)}"
            " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
            " WHERE a.id = ?",
            (article.id,),
        ).fetchone()
        if row is None:
            return "new"
        latest = max(
            datetime.fromisoformat(t) for t in (row["fetched_at"], row["latest_fetched"]) if t
        )
        if datetime.fromisoformat(values["fetched_at"]) < latest:
            return "unchanged"  # an older response never overrides what a newer one gave
        if all(row[key] == values[key] for key in EXTRACTED_FIELDS):
            return "unchanged"
        return "updated"

    def _insert_version(
        self, aid: str, version: int, now: str, article: Article, warc: WarcRef | None
    ) -> None:
        values = version_values(article, now, warc)
        self._db.execute(
            f"INSERT INTO versions (article_id, version, {', '.join(VERSION_FIELDS)})"
            f" VALUES (?, ?, {', '.join('?' * len(VERSION_FIELDS))})",
            (aid, version, *(values[k] for k in VERSION_FIELDS)),
        )
