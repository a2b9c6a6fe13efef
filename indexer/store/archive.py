"""The archive: one SQLite file (WAL) holding every article and every version of its text.

Tables:
    articles  one row per article (by canonical URL): bookkeeping, the current version and
              its latest response in WARC (a later fetch of the same text)
    versions  one row per version of an article's text and metadata, never updated in place
    pages     fetched URLs that are not articles (or aliases, 404s, section pages): what the
              crawl decided and, for a page judged not an article, why and where in the WARC
              files its response is
    runs      one row per crawl run, with its JSON report
    meta      schema version and the index watermarks

``articles.seq`` is a change counter: each new version, removal or return of an article takes
the next number, so a search index syncs by asking for everything past its watermark.
"""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.parse
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from indexer.article import Article, Person, article_id, clean_article
from indexer.errors import ArchiveError
from indexer.store.warc import WarcRef

SCHEMA_VERSION = 2
# The columns each schema version added to the tables of the version before: an older
# archive gets them when it is opened (tables it lacks are made whole by _SCHEMA).
_ADDED_COLUMNS: dict[int, tuple[tuple[str, str, str], ...]] = {
    2: (  # every response judged not an article kept in WARC, with the reason; latest records
        ("pages", "reason", "TEXT"),
        ("pages", "source", "TEXT"),
        ("pages", "warc_file", "TEXT"),
        ("pages", "warc_offset", "INTEGER"),
        ("pages", "warc_length", "INTEGER"),
        ("articles", "latest_fetched", "TEXT"),
        ("articles", "latest_warc_file", "TEXT"),
        ("articles", "latest_warc_offset", "INTEGER"),
        ("articles", "latest_warc_length", "INTEGER"),
    ),
}
_CLEAN_TEXT = "text_cleaned_on_the_way_in"  # meta key, set when the archive is created
DUPLICATE_WINDOW_DAYS = 3  # copies of one story appear within days of each other
Outcome = Literal["new", "updated", "unchanged"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    canonical_url TEXT NOT NULL UNIQUE,
    url TEXT NOT NULL,
    source TEXT NOT NULL,
    source_name TEXT NOT NULL,
    version INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    gone_at TEXT,
    etag TEXT,
    last_modified TEXT,
    duplicate_of TEXT,
    seq INTEGER NOT NULL,
    latest_fetched TEXT,            -- the latest response kept in WARC, when newer than the
    latest_warc_file TEXT,          -- current version's (a later fetch of the same text)
    latest_warc_offset INTEGER,
    latest_warc_length INTEGER
);
CREATE INDEX IF NOT EXISTS articles_seq ON articles (seq);
CREATE INDEX IF NOT EXISTS articles_source ON articles (source);
CREATE TABLE IF NOT EXISTS versions (
    article_id TEXT NOT NULL REFERENCES articles (id),
    version INTEGER NOT NULL,
    fetched_at TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    lead TEXT NOT NULL,
    body TEXT NOT NULL,
    authors TEXT NOT NULL,          -- JSON list
    published TEXT,                 -- ISO 8601 with offset
    updated TEXT,
    date_source TEXT NOT NULL,
    language TEXT,
    language_score REAL NOT NULL,
    section TEXT,
    municipalities TEXT NOT NULL,   -- JSON list
    regions TEXT NOT NULL,          -- JSON list
    kinds TEXT NOT NULL,            -- JSON list
    people TEXT NOT NULL,           -- JSON list of objects
    paywalled INTEGER NOT NULL,
    wire TEXT,
    warc_file TEXT,
    warc_offset INTEGER,
    warc_length INTEGER,
    fingerprint INTEGER,            -- SimHash of the text (signed 64-bit), for duplicates
    PRIMARY KEY (article_id, version)
);
-- the duplicate-story lookup of every new article reads a few days of versions, not all
CREATE INDEX IF NOT EXISTS versions_published ON versions (published);
CREATE TABLE IF NOT EXISTS pages (
    url TEXT PRIMARY KEY,           -- canonical URL of a fetched page that is not an article
    outcome TEXT NOT NULL,          -- not_article, alias, http_404, http_410, section, listing
    last_fetched TEXT NOT NULL,
    etag TEXT,                      -- validators of section pages and listings, for
    last_modified TEXT,             -- conditional requests on the next crawl
    reason TEXT,                    -- not_article: why extraction found no article
    source TEXT,                    -- not_article: the source id it was fetched for
    warc_file TEXT,                 -- not_article: its response in WARC (fetched at
    warc_offset INTEGER,            -- last_fetched), for re-extraction
    warc_length INTEGER
);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started TEXT NOT NULL,
    finished TEXT,
    status TEXT NOT NULL,
    report TEXT NOT NULL DEFAULT '{}'
);
"""
_VERSION_FIELDS = (
    "fetched_at", "content_hash", "title", "lead", "body", "authors", "published", "updated",
    "date_source", "language", "language_score", "section", "municipalities", "regions",
    "kinds", "people", "paywalled", "wire", "warc_file", "warc_offset", "warc_length",
    "fingerprint",
)  # fmt: skip
_JSON_FIELDS = frozenset({"authors", "municipalities", "regions", "kinds", "people"})
# What extraction and enrichment give: a re-extraction that changes any of these is a new
# version (a crawl compares only the text a reader sees, the content hash).
_EXTRACTED_FIELDS = tuple(
    f for f in _VERSION_FIELDS if f not in ("fetched_at", "warc_file", "warc_offset", "warc_length")
)
_RECORDS_PER_QUERY = 500
_SELECT = (
    "SELECT a.id, a.canonical_url, a.url, a.source, a.source_name, a.first_seen, a.last_seen,"
    " a.gone_at, a.etag, a.last_modified, a.duplicate_of, a.seq, v.version, "
    + ", ".join(f"v.{name}" for name in _VERSION_FIELDS)
    + " FROM articles a JOIN versions v ON v.article_id = a.id"
)
_CURRENT = _SELECT + " AND v.version = a.version"
# What Archive.current_rows reads: each column of an article's row and its current version's.
ROW_COLUMNS: dict[str, str] = {
    **{name: f"a.{name}" for name in (
        "canonical_url", "url", "source", "source_name", "first_seen", "last_seen", "gone_at",
        "etag", "last_modified", "duplicate_of",
    )},
    "id": "a.id",
    "version": "v.version",
    **{name: f"v.{name}" for name in _VERSION_FIELDS},
}  # fmt: skip
_IDS_PER_QUERY = 900  # under SQLite's oldest bound-parameter limit (999)
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def _column_sql(column: str) -> str:
    """A column of :data:`ROW_COLUMNS`, or an expression with ``{name}`` placeholders."""
    if column in ROW_COLUMNS:
        return ROW_COLUMNS[column]

    def name(match: re.Match[str]) -> str:
        if match[1] not in ROW_COLUMNS:
            raise ValueError(f"not an archive column: {match[1]}")
        return ROW_COLUMNS[match[1]]

    return _PLACEHOLDER.sub(name, column)


# For people opening the file with sqlite3: every article as it reads now.
_VIEW = f"CREATE VIEW IF NOT EXISTS current_articles AS {_CURRENT}"


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change feed: the article now, or None where it is gone."""

    seq: int
    id: str
    article: Article | None


@dataclass(frozen=True, slots=True)
class FetchState:
    """What earlier crawls learnt of a URL: an archived article, or a page's outcome."""

    kind: str  # "article", or a page outcome: "not_article", "alias", "http_404", …
    last_fetched: datetime
    published: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None


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


@dataclass(frozen=True, slots=True)
class PersonMention:
    """One person in one article: who, in which role, what changed, and where it says so."""

    person: Person
    article_id: str
    published: datetime | None
    title: str
    source: str
    municipalities: list[str]


@dataclass(frozen=True, slots=True)
class RunInfo:
    id: int
    started: str
    finished: str | None
    status: str
    report: dict[str, Any]


class Archive:
    """The SQLite archive. Use as a context manager, or call :meth:`close`.

    ``readonly=True`` opens an existing archive for reading only (SQLite ``mode=ro``): no
    file is created, no schema is migrated, nothing is written, so it works on a read-only
    folder or mount (a backup, a read-only share) and never waits for a crawl's write lock.
    Any write raises :class:`ArchiveError`. See :func:`_connect_readonly` for the one case
    that needs ``immutable=1``. ``mmap_bytes`` (read-only only) has SQLite read up to that
    much of the file through a memory map (``PRAGMA mmap_size``): a long read such as an
    export then copies no pages (random reads of a 100k-article archive: ~40 % faster).
    ``any_thread`` (read-only only) lets another thread than the one that opened it use it
    (one at a time): readers working in parallel each take their own.
    """

    def __init__(
        self, path: Path, *, readonly: bool = False, mmap_bytes: int = 0, any_thread: bool = False
    ) -> None:
        self.path = path
        self.readonly = readonly
        if readonly:
            self._db = _connect_readonly(path, any_thread)
            try:
                self._db.row_factory = sqlite3.Row
                if mmap_bytes:  # pages read from a memory map, not copied by read(2)
                    self._db.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
                self._check_schema()
            except (sqlite3.Error, ArchiveError) as exc:
                self._db.close()
                if isinstance(exc, ArchiveError):
                    raise
                raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except (OSError, sqlite3.Error, ArchiveError) as exc:
            self._db.close()
            if isinstance(exc, ArchiveError):
                raise
            raise ArchiveError(f"cannot open archive {path}: {exc}") from exc

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # ------------------------------------------------------------------ writing

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
        now = _iso(article.fetched_at or datetime.now(UTC))
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
            if row is None and same_story is not None:
                article.duplicate_of = article.duplicate_of or self._first_copy(article, same_story)
            if row is None:
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
                (_iso(fetched_at), warc.file, warc.offset, warc.length, aid),
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
        fetched = _iso(article.fetched_at)
        values = _version_values(article, fetched, warc)
        if dry_run:
            return self._extraction_outcome(article, values)
        with self._transaction():
            outcome = self._extraction_outcome(article, values)
            if outcome == "new":
                if same_story is not None:
                    article.duplicate_of = article.duplicate_of or self._first_copy(
                        article, same_story
                    )
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
            if page_url is not None and page_url != article.canonical_url:
                self._db.execute(
                    "UPDATE pages SET outcome = 'alias', reason = NULL, warc_file = NULL,"
                    " warc_offset = NULL, warc_length = NULL WHERE url = ?",
                    (page_url,),
                )
        return outcome

    def note_page_reason(self, url: str, reason: str) -> None:
        """A page re-extracted and still not an article: keep the reason extraction gives now."""
        with self._transaction():
            self._db.execute("UPDATE pages SET reason = ? WHERE url = ?", (reason, url))

    def mark_gone(self, canonical_url: str, at: datetime | None = None) -> bool:
        """Note that an archived article's URL now answers 404/410; its versions stay.

        Returns:
            True when an archived, not yet gone article was marked.
        """
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE articles SET gone_at = ?, seq = ? WHERE id = ? AND gone_at IS NULL",
                (_iso(at or datetime.now(UTC)), self._next_seq(), article_id(canonical_url)),
            )
        return cursor.rowcount > 0

    def touch(self, canonical_url: str, at: datetime) -> bool:
        """An archived article answered 304 Not Modified: it was seen, nothing changed."""
        with self._transaction():
            cursor = self._db.execute(
                "UPDATE articles SET last_seen = ? WHERE id = ?",
                (_iso(at), article_id(canonical_url)),
            )
        return cursor.rowcount > 0

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

    def start_run(self, started: datetime | None = None) -> int:
        """Open a crawl run record; returns its id.

        The caller holds the crawl lock (indexer.store.lock), so no other crawl of this archive is
        alive: a run still marked ``running`` died without closing its record (killed, a
        crash, a power cut) and is marked ``killed`` first (see :meth:`mark_dead_runs`).
        """
        with self._transaction():
            cursor = self._db.execute(
                "INSERT INTO runs (started, status) VALUES (?, 'running')",
                (_iso(started or datetime.now(UTC)),),
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
                (_iso(datetime.now(UTC)), status, json.dumps(report, default=str), run_id),
            )

    # ------------------------------------------------------------------ reading

    def get(self, aid: str) -> Article | None:
        """The current version of an article, or None."""
        row = self._db.execute(f"{_CURRENT} WHERE a.id = ?", (aid,)).fetchone()
        return _article(row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        """The current versions of these articles, by id (missing ids are left out)."""
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(f"{_CURRENT} WHERE a.id IN ({marks})", chunk):
                found[row["id"]] = _article(row)
        return found

    def current_rows(
        self, ids: Sequence[str], columns: Sequence[str]
    ) -> dict[str, tuple[Any, ...]]:
        """The current versions of these articles as stored, by id (missing ids are left
        out), no :class:`Article` built: for readers that turn rows straight into output
        (`arkiv export`).

        Each entry of ``columns`` is a column name of :data:`ROW_COLUMNS`, whose value comes
        as the archive holds it (JSON lists as text, times as ISO 8601 text, 0/1 flags), or
        an SQLite expression over them written with ``{name}`` placeholders (trusted code
        only: it is SQL), so that SQLite can shape a value (quote it, make it bytes) while
        it reads it.
        """
        select = ", ".join(["a.id", *(_column_sql(c) for c in columns)])
        found: dict[str, tuple[Any, ...]] = {}
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: no sqlite3.Row per row
        for start in range(0, len(ids), _IDS_PER_QUERY):
            chunk = ids[start : start + _IDS_PER_QUERY]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(
                f"SELECT {select} FROM articles a JOIN versions v ON v.article_id = a.id"
                f" AND v.version = a.version WHERE a.id IN ({marks})",
                chunk,
            )
            for row in cursor:
                found[row[0]] = row[1:]
        return found

    def story_groups(self, ids: list[str]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
        """For each id: the id of its story's first copy, and every copy of that story in the
        archive as (id, source name), first copy first. Single articles are their own group."""
        marks = ", ".join("?" * len(ids))
        query = f"SELECT id, duplicate_of FROM articles WHERE id IN ({marks})"
        rows = self._db.execute(query, ids) if ids else []
        roots = {row["id"]: row["duplicate_of"] or row["id"] for row in rows}
        copies: dict[str, list[tuple[str, str]]] = {root: [] for root in roots.values()}
        if copies:
            marks = ", ".join("?" * len(copies))
            rows = self._db.execute(
                "SELECT id, source_name, COALESCE(duplicate_of, id) AS root FROM articles"
                f" WHERE gone_at IS NULL AND (id IN ({marks}) OR duplicate_of IN ({marks}))"
                " ORDER BY first_seen, id",
                [*copies, *copies],
            )
            for row in rows:
                copies[row["root"]].append((row["id"], row["source_name"]))
        return {aid: (root, copies[root]) for aid, root in roots.items()}

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one article whose id starts with ``prefix``.

        Raises:
            ArchiveError: no article, or several, match.
        """
        prefix = prefix.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise ArchiveError(
                f"{prefix!r} is not an article id (16 hex digits, as `arkiv search` shows)",
                hint="Copy the id from `arkiv search` output.",
            )
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (prefix, prefix + "g"),
        ).fetchall()
        if not rows:
            raise ArchiveError(
                f"no article with id {prefix!r} in {self.path}",
                hint="Find ids with `arkiv search`.",
            )
        if len(rows) > 1:
            raise ArchiveError(
                f"id prefix {prefix!r} matches several articles",
                hint="Give more digits of the id.",
            )
        return str(rows[0][0])

    def versions(self, aid: str) -> list[Article]:
        """Every version of an article, oldest first."""
        rows = self._db.execute(f"{_SELECT} WHERE a.id = ? ORDER BY v.version", (aid,))
        return [_article(row) for row in rows]

    def iter_articles(self, include_gone: bool = False) -> Iterator[Article]:
        """Every article's current version, in id order, streamed."""
        where = "" if include_gone else "WHERE a.gone_at IS NULL"
        for row in self._db.execute(f"{_CURRENT} {where} ORDER BY a.id"):
            yield _article(row)

    def stored_records(self, sources: Collection[str] = ()) -> Iterator[StoredRecord]:
        """Every response extraction can run over again, streamed: the latest record of each
        archived article (gone ones too), in id order, then each page judged not an article
        whose response is in WARC, in URL order. ``sources``: only these source ids.

        Safe to write to the archive while iterating (rows are read a batch at a time).
        """
        in_articles, params = _among("a.source", sources)
        in_pages, _ = _among("source", sources)
        articles = self._paged(
            "SELECT a.id, a.canonical_url, a.source,"
            " COALESCE(a.latest_fetched, v.fetched_at) AS fetched,"
            " COALESCE(a.latest_warc_file, v.warc_file) AS warc_file,"
            " COALESCE(a.latest_warc_offset, v.warc_offset) AS warc_offset,"
            " COALESCE(a.latest_warc_length, v.warc_length) AS warc_length"
            " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
            f" WHERE a.id > ? {in_articles} ORDER BY a.id LIMIT ?",
            "id",
            params,
        )
        for row in articles:
            fetched = datetime.fromisoformat(row["fetched"])
            yield StoredRecord(
                "article", row["canonical_url"], row["source"], fetched, _warc_ref(row)
            )
        pages = self._paged(
            "SELECT url, source, last_fetched, reason, warc_file, warc_offset, warc_length"
            " FROM pages p WHERE url > ? AND outcome = 'not_article' AND warc_file IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.canonical_url = p.url)"
            f" {in_pages} ORDER BY url LIMIT ?",
            "url",
            params,
        )
        for row in pages:
            fetched = datetime.fromisoformat(row["last_fetched"])
            yield StoredRecord(
                "page", row["url"], row["source"] or "", fetched, _warc_ref(row), row["reason"]
            )

    def _paged(self, sql: str, key: str, params: list[str]) -> Iterator[sqlite3.Row]:
        """The rows of ``sql`` (``?`` for the last ``key`` seen, ``params``, ``LIMIT ?``), a page of
        _RECORDS_PER_QUERY at a time by keyset, so that writes between pages are fine."""
        after = ""
        while True:
            rows = self._db.execute(sql, (after, *params, _RECORDS_PER_QUERY)).fetchall()
            yield from rows
            if len(rows) < _RECORDS_PER_QUERY:
                return
            after = rows[-1][key]

    def count_stored_records(self, sources: Collection[str] = ()) -> int:
        """How many records :meth:`stored_records` yields."""
        only, params = _among("source", sources)
        articles = self._db.execute(
            f"SELECT COUNT(*) FROM articles WHERE 1 {only}", params
        ).fetchone()[0]
        pages = self._db.execute(
            "SELECT COUNT(*) FROM pages p WHERE outcome = 'not_article' AND warc_file IS NOT NULL"
            " AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.canonical_url = p.url)"
            f" {only}",
            params,
        ).fetchone()[0]
        return int(articles) + int(pages)

    def holds_only_clean_text(self) -> bool:
        """Whether every text in the archive went through :func:`clean_article` (an archive
        created by a Lokalarkiv that cleans text on the way in); an older one may hold
        control characters, which the CLI then drops from what it prints."""
        return self.get_meta(_CLEAN_TEXT) == "1"

    def has_source(self, source: str) -> bool:
        """Whether the archive holds an article of this source id (as spelt)."""
        row = self._db.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", (source,))
        return row.fetchone() is not None

    def source_names(self) -> dict[str, str]:
        """The name each source id was archived under."""
        rows = self._db.execute("SELECT source, MAX(source_name) FROM articles GROUP BY source")
        return {str(row[0]): str(row[1]) for row in rows}

    def person_mentions(self) -> Iterator[PersonMention]:
        """Every person named in a role in the current version of an online article."""
        rows = self._db.execute(
            "SELECT a.id, v.published, v.title, a.source, v.municipalities, v.people"
            " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
            " WHERE a.gone_at IS NULL AND v.people != '[]' ORDER BY v.published, a.id"
        )
        for row in rows:
            published = datetime.fromisoformat(row["published"]) if row["published"] else None
            for person in json.loads(row["people"]):
                yield PersonMention(
                    Person.from_dict(person),
                    row["id"],
                    published,
                    row["title"],
                    row["source"],
                    json.loads(row["municipalities"]),
                )

    def changes_since(self, seq: int) -> Iterator[Change]:
        """The change feed past ``seq``, in order: what a search index must catch up on."""
        rows = self._db.execute(f"{_CURRENT} WHERE a.seq > ? ORDER BY a.seq", (seq,))
        for row in rows:
            article = None if row["gone_at"] else _article(row)
            yield Change(row["seq"], row["id"], article)

    def count_changes_since(self, seq: int) -> int:
        return int(
            self._db.execute("SELECT COUNT(*) FROM articles WHERE seq > ?", (seq,)).fetchone()[0]
        )

    def last_seq(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return str(row[0]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def runs(self, limit: int = 10) -> list[RunInfo]:
        rows = self._db.execute("SELECT * FROM runs ORDER BY id DESC LIMIT ?", (limit,))
        return [
            RunInfo(r["id"], r["started"], r["finished"], r["status"], json.loads(r["report"]))
            for r in rows
        ]

    def counts(self, by: Literal["source", "language", "month"]) -> list[tuple[str, int]]:
        """Article counts (gone ones excluded) grouped by source, language or published month."""
        column = {
            "source": "a.source",
            "language": "COALESCE(v.language, '?')",
            "month": "COALESCE(substr(v.published, 1, 7), 'undated')",
        }[by]
        rows = self._db.execute(
            f"SELECT {column} AS k, COUNT(*) AS n FROM articles a JOIN versions v"
            " ON v.article_id = a.id AND v.version = a.version WHERE a.gone_at IS NULL"
            " GROUP BY k ORDER BY " + ("k DESC" if by == "month" else "n DESC, k")
        )
        return [(str(r["k"]), int(r["n"])) for r in rows]

    def totals(self) -> dict[str, int]:
        """Articles, versions, and gone articles in the archive."""
        one = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM articles WHERE gone_at IS NULL),"
            " (SELECT COUNT(*) FROM versions), (SELECT COUNT(*) FROM articles"
            " WHERE gone_at IS NOT NULL)"
        ).fetchone()
        return {"articles": one[0], "versions": one[1], "gone": one[2]}

    def backup_to(self, target: Path) -> int:
        """A consistent copy of the archive database at ``target`` (SQLite's online backup:
        safe while a crawl writes). Returns the number of pages copied."""
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.unlink(missing_ok=True)
            with sqlite3.connect(tmp) as copy:
                self._db.backup(copy, pages=1024)
                pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            copy.close()
            tmp.replace(target)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise ArchiveError(f"cannot back up to {target}: {exc}") from exc
        return pages

    # ------------------------------------------------------------------ internals

    def _transaction(self) -> _Transaction:
        if self.readonly:
            raise ArchiveError(
                f"archive {self.path} is open read-only",
                hint="Run a command that writes (crawl, index, reextract) on a writable folder.",
            )
        return _Transaction(self._db)

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
                _iso(article.published - window),
                _iso(article.published + window),
            ),
        )
        for row in rows:
            if same_story(article.fingerprint, _unsigned(row["fingerprint"])):
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
            (url, outcome, _iso(at), etag, last_modified, reason, source,
             warc.file if warc else None, warc.offset if warc else None,
             warc.length if warc else None),
        )  # fmt: skip

    def _extraction_outcome(self, article: Article, values: dict[str, Any]) -> Outcome:
        """What :meth:`add_extraction` makes of ``article`` (whose version row would be
        ``values``), read from the archive without writing."""
        row = self._db.execute(
            f"SELECT a.latest_fetched, {', '.join(f'v.{k}' for k in _VERSION_FIELDS)}"
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
        if all(row[key] == values[key] for key in _EXTRACTED_FIELDS):
            return "unchanged"
        return "updated"

    def _next_seq(self) -> int:
        return self.last_seq() + 1

    def _insert_version(
        self, aid: str, version: int, now: str, article: Article, warc: WarcRef | None
    ) -> None:
        values = _version_values(article, now, warc)
        self._db.execute(
            f"INSERT INTO versions (article_id, version, {', '.join(_VERSION_FIELDS)})"
            f" VALUES (?, ?, {', '.join('?' * len(_VERSION_FIELDS))})",
            (aid, version, *(values[k] for k in _VERSION_FIELDS)),
        )

    def _check_schema(self) -> bool:
        """Refuse an archive of a newer schema than this code knows; True when the archive
        has its tables already (False: a new, empty file)."""
        found = self._db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
        ).fetchone()
        if found:
            current = self.get_meta("schema_version")
            if current is not None and int(current) > SCHEMA_VERSION:
                raise ArchiveError(
                    f"archive {self.path} has schema {current}, newer than this Lokalarkiv"
                    f" ({SCHEMA_VERSION})",
                    hint="Upgrade Lokalarkiv (pip install -U lokalarkiv).",
                )
        elif self.readonly:
            raise ArchiveError(
                f"{self.path} is not a Lokalarkiv archive (it has no tables)",
                hint="Point --data (ARKIV_DATA) at the folder holding archive.sqlite3.",
            )
        return bool(found)

    def _migrate(self) -> None:
        self._check_schema()
        with self._transaction():
            for statement in [*_SCHEMA.split(";\n"), _VIEW]:
                if statement.strip():
                    self._db.execute(statement)
            # Read again inside the write lock: two processes opening an old archive at
            # once (the spider and the pipelines do) migrate it once.
            row = self._db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            stored = int(row[0]) if row else SCHEMA_VERSION  # no version yet: a new archive
            if row is None:  # every text it will hold goes through clean_article
                self._db.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (_CLEAN_TEXT,))
            for version in range(stored + 1, SCHEMA_VERSION + 1):
                for table, column, kind in _ADDED_COLUMNS.get(version, ()):
                    have = {r[1] for r in self._db.execute(f"PRAGMA table_info({table})")}
                    if column not in have:  # a table _SCHEMA just made has it already
                        self._db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (str(SCHEMA_VERSION),),
            )


def _connect_readonly(path: Path, any_thread: bool = False) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``) to the archive at ``path``, which must exist.

    SQLite reads a WAL-mode database through its ``-shm`` index, which it creates when it is
    missing, and cannot create in a read-only folder: that is the one case for
    ``immutable=1`` (no locking, no ``-shm``). It is only safe when everything committed is in
    the database file itself, i.e. when there is no ``-wal`` file, or an empty one (a cleanly
    closed archive, or a backup); then it is also what the file holds. With a non-empty
    ``-wal`` left beside it (a crawl killed, the folder copied mid-crawl) SQLite needs that
    ``-shm`` to read the newest state, and ignoring the ``-wal`` could show a half-copied
    checkpoint: that is refused with a hint.
    """
    if not path.is_file():
        raise ArchiveError(
            f"no archive at {path}",
            hint="Run `arkiv crawl` first, or point --data (ARKIV_DATA) at an existing archive.",
        )
    uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
    db = None
    try:
        db = sqlite3.connect(
            uri, uri=True, isolation_level=None, timeout=30, check_same_thread=not any_thread
        )
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # opens the file for real
        return db
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
            raise ArchiveError(f"cannot read archive {path}: {exc}", hint=_READ_HINT) from exc
        wal = path.with_name(path.name + "-wal")
        try:
            pending = wal.stat().st_size > 0
        except FileNotFoundError:
            pending = False
        except OSError as stat_error:
            raise ArchiveError(f"cannot read archive {path}: {stat_error}") from stat_error
        if pending:
            raise ArchiveError(
                f"cannot read archive {path}: its folder is read-only and {wal.name} holds"
                " changes that SQLite can only read where it may create "
                f"{path.name}-shm",
                hint="Open the archive once where its folder is writable (any arkiv command),"
                " or copy the whole folder to a writable place.",
            ) from exc
    try:
        immutable = sqlite3.connect(
            uri + "&immutable=1",
            uri=True,
            isolation_level=None,
            check_same_thread=not any_thread,
        )
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    try:
        immutable.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        immutable.close()
        raise ArchiveError(f"cannot read archive {path}: {exc}", hint=_READ_HINT) from exc
    return immutable


_READ_HINT = (
    "Check that --data (ARKIV_DATA) is a Lokalarkiv data folder and archive.sqlite3 in it is"
    " readable."
)


class _Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (sqlite3 errors -> ArchiveError)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: object) -> None:  # fmt: skip
        if exc_type is None:
            self._db.execute("COMMIT")
            return
        self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(f"archive write failed: {exc}") from exc


def _among(column: str, values: Collection[str]) -> tuple[str, list[str]]:
    """An ``AND column IN (...)`` clause and its parameters, or nothing for no values."""
    if not values:
        return "", []
    return f"AND {column} IN ({', '.join('?' * len(values))})", list(values)


def _warc_ref(row: sqlite3.Row) -> WarcRef | None:
    if row["warc_file"] is None:
        return None
    return WarcRef(row["warc_file"], int(row["warc_offset"] or 0), int(row["warc_length"] or 0))


def _iso(moment: datetime) -> str:
    return moment.isoformat()


def _signed(value: int | None) -> int | None:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER."""
    return value - (1 << 64) if value is not None and value >= 1 << 63 else value


def _unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def _version_values(article: Article, fetched_at: str, warc: WarcRef | None) -> dict[str, Any]:
    """A version row's values for ``article``, as stored (JSON text, ISO dates, 0/1)."""
    values: dict[str, Any] = {
        "fetched_at": fetched_at,
        "content_hash": article.content_hash,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "authors": article.authors,
        "published": _iso(article.published) if article.published else None,
        "updated": _iso(article.updated) if article.updated else None,
        "date_source": article.date_source,
        "language": article.language,
        "language_score": article.language_score,
        "section": article.section,
        "municipalities": article.municipalities,
        "regions": article.regions,
        "kinds": article.kinds,
        "people": [asdict(p) for p in article.people],
        "paywalled": int(article.paywalled),
        "wire": article.wire,
        "warc_file": warc.file if warc else None,
        "warc_offset": warc.offset if warc else None,
        "warc_length": warc.length if warc else None,
        "fingerprint": _signed(article.fingerprint),
    }
    for key in _JSON_FIELDS:
        values[key] = json.dumps(values[key], ensure_ascii=False)
    return values


def _article(row: sqlite3.Row) -> Article:
    data = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a dict
    for key in _JSON_FIELDS:
        data[key] = json.loads(data[key])
    data["paywalled"] = bool(data["paywalled"])
    data["gone"] = data.pop("gone_at") is not None
    if data.get("fingerprint") is not None:
        data["fingerprint"] = _unsigned(data["fingerprint"])
    return Article.from_dict(data)
