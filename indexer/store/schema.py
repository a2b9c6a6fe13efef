"""The archive's tables: their DDL, the columns each schema version added, the migration
that brings an older archive up to date, and the column lists the other parts of the store
read and write versions with.

Plain functions over a :class:`sqlite3.Connection`: :class:`indexer.store.connection.
ArchiveConnection` runs them when it opens an archive.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

from indexer.errors import ArchiveError

SCHEMA_VERSION = 3
# The columns each schema version added to the tables of the version before: an older
# archive gets them when it is opened (tables it lacks are made whole by SCHEMA).
ADDED_COLUMNS: dict[int, tuple[tuple[str, str, str], ...]] = {
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
    # 3: saved searches (watches, watch_matches, watch_outbox): new tables only
}
CLEAN_TEXT_KEY = "text_cleaned_on_the_way_in"  # meta key, set when the archive is created

SCHEMA = """
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
-- copies of a story (story_groups, on every search page): without it, a scan of every article
CREATE INDEX IF NOT EXISTS articles_duplicate_of ON articles (duplicate_of);
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
CREATE TABLE IF NOT EXISTS watches (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL UNIQUE,
    query TEXT NOT NULL,            -- the words
    filters TEXT NOT NULL,          -- JSON: the Query's filters, names already resolved
    email TEXT,
    webhook TEXT,
    token TEXT NOT NULL UNIQUE,     -- the feed's unguessable address
    created TEXT NOT NULL,
    checked_seq INTEGER NOT NULL    -- articles.seq up to which it has been checked
);
CREATE TABLE IF NOT EXISTS watch_matches (
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    found TEXT NOT NULL,
    alerted INTEGER NOT NULL,       -- 0: matched already when the watch was made
    PRIMARY KEY (watch_id, article_id)
);
CREATE TABLE IF NOT EXISTS watch_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    article_id TEXT NOT NULL,
    channel TEXT NOT NULL,          -- email, webhook
    queued TEXT NOT NULL,
    delivered TEXT,                 -- NULL: still to deliver
    attempts INTEGER NOT NULL DEFAULT 0,
    error TEXT,
    UNIQUE (watch_id, article_id, channel)
);
CREATE INDEX IF NOT EXISTS watch_outbox_pending ON watch_outbox (delivered, watch_id);
"""
VERSION_FIELDS = (
    "fetched_at", "content_hash", "title", "lead", "body", "authors", "published", "updated",
    "date_source", "language", "language_score", "section", "municipalities", "regions",
    "kinds", "people", "paywalled", "wire", "warc_file", "warc_offset", "warc_length",
    "fingerprint",
)  # fmt: skip
JSON_FIELDS = frozenset({"authors", "municipalities", "regions", "kinds", "people"})
# What extraction and enrichment give: a re-extraction that changes any of these is a new
# version (a crawl compares only the text a reader sees, the content hash).
EXTRACTED_FIELDS = tuple(
    f for f in VERSION_FIELDS if f not in ("fetched_at", "warc_file", "warc_offset", "warc_length")
)
SELECT = (
    "SELECT a.id, a.canonical_url, a.url, a.source, a.source_name, a.first_seen, a.last_seen,"
    " a.gone_at, a.etag, a.last_modified, a.duplicate_of, a.seq, v.version, "
    + ", ".join(f"v.{name}" for name in VERSION_FIELDS)
    + " FROM articles a JOIN versions v ON v.article_id = a.id"
)
CURRENT = SELECT + " AND v.version = a.version"
# What Archive.current_rows reads: each column of an article's row and its current version's.
ROW_COLUMNS: dict[str, str] = {
    **{name: f"a.{name}" for name in (
        "canonical_url", "url", "source", "source_name", "first_seen", "last_seen", "gone_at",
        "etag", "last_modified", "duplicate_of",
    )},
    "id": "a.id",
    "version": "v.version",
    **{name: f"v.{name}" for name in VERSION_FIELDS},
}  # fmt: skip
_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


def column_sql(column: str) -> str:
    """A column of :data:`ROW_COLUMNS`, or an expression with ``{name}`` placeholders."""
    if column in ROW_COLUMNS:
        return ROW_COLUMNS[column]

    def name(match: re.Match[str]) -> str:
        if match[1] not in ROW_COLUMNS:
            raise ValueError(f"not an archive column: {match[1]}")
        return ROW_COLUMNS[match[1]]

    return _PLACEHOLDER.sub(name, column)


# For people opening the file with sqlite3: every article as it reads now.
VIEW = f"CREATE VIEW IF NOT EXISTS current_articles AS {CURRENT}"


def read_meta(db: sqlite3.Connection, key: str) -> str | None:
    """A value of the ``meta`` table, or None."""
    row = db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
    return str(row[0]) if row else None


def check_schema(db: sqlite3.Connection, path: Path, readonly: bool) -> bool:
    """Refuse an archive of a newer schema than this code knows; True when the archive
    has its tables already (False: a new, empty file)."""
    found = db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'meta'"
    ).fetchone()
    if found:
        current = read_meta(db, "schema_version")
        if current is not None and int(current) > SCHEMA_VERSION:
            raise ArchiveError(
                f"archive {path} has schema {current}, newer than this Lokalarkiv"
                f" ({SCHEMA_VERSION})",
                hint="Upgrade Lokalarkiv (pip install -U lokalarkiv).",
            )
    elif readonly:
        raise ArchiveError(
            f"{path} is not a Lokalarkiv archive (it has no tables)",
            hint="Point --data (ARKIV_DATA) at the folder holding archive.sqlite3.",
        )
    return bool(found)


def migrate(db: sqlite3.Connection) -> None:
    """Make the tables whole and bring an older archive to :data:`SCHEMA_VERSION`.

    The caller holds the write lock (a transaction): two processes opening an old archive
    at once (the spider and the pipelines do) migrate it once.
    """
    for statement in [*SCHEMA.split(";\n"), VIEW]:
        if statement.strip():
            db.execute(statement)
    # Read again inside the write lock (see above).
    row = db.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    stored = int(row[0]) if row else SCHEMA_VERSION  # no version yet: a new archive
    if row is None:  # every text it will hold goes through clean_article
        db.execute("INSERT OR IGNORE INTO meta VALUES (?, '1')", (CLEAN_TEXT_KEY,))
    for version in range(stored + 1, SCHEMA_VERSION + 1):
        for table, column, kind in ADDED_COLUMNS.get(version, ()):
            have = {r[1] for r in db.execute(f"PRAGMA table_info({table})")}
            if column not in have:  # a table SCHEMA just made has it already
                db.execute(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('schema_version', ?)"
        " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(SCHEMA_VERSION),),
    )
