"""The archive: one SQLite file (WAL) holding every article and every version of its text.

Tables (their DDL and migrations: :mod:`indexer.store.schema`):
    articles  one row per article (by canonical URL): bookkeeping, the current version and
              its latest response in WARC (a later fetch of the same text)
    versions  one row per version of an article's text and metadata, never updated in place
    pages     fetched URLs that are not articles (or aliases, 404s, section pages): what the
              crawl decided and, for a page judged not an article, why and where in the WARC
              files its response is
    runs      one row per crawl run, with its JSON report
    watches   saved searches; watch_matches what each matched, watch_outbox its deliveries
    meta      schema version and the index watermarks

``articles.seq`` is a change counter: each new version, removal or return of an article takes
the next number, so a search index syncs by asking for everything past its watermark.

:class:`Archive` is made of parts, one a module, each built on
:class:`~indexer.store.connection.ArchiveConnection` alone: writing articles
(:mod:`~indexer.store.versions`), reading them (:mod:`~indexer.store.articles`), pages
(:mod:`~indexer.store.pages`), records for re-extraction (:mod:`~indexer.store.records`),
runs (:mod:`~indexer.store.runs`), sources and stories (:mod:`~indexer.store.sources`),
saved searches and their alerts (:mod:`~indexer.store.watches`).
The names callers use are all importable from here.
"""

from __future__ import annotations

from indexer.store.articles import ArticleReads, Change, PersonMention
from indexer.store.pages import FetchState, Pages
from indexer.store.records import StoredRecord, StoredRecords
from indexer.store.runs import RunInfo, Runs
from indexer.store.schema import ROW_COLUMNS, SCHEMA_VERSION
from indexer.store.sources import SourcesAndStories
from indexer.store.versions import DUPLICATE_WINDOW_DAYS, ArticleWrites, Outcome
from indexer.store.watches import AlertEntry, Watches, WatchInfo

__all__ = [
    "DUPLICATE_WINDOW_DAYS",
    "ROW_COLUMNS",
    "SCHEMA_VERSION",
    "AlertEntry",
    "Archive",
    "Change",
    "FetchState",
    "Outcome",
    "PersonMention",
    "RunInfo",
    "StoredRecord",
    "WatchInfo",
]


class Archive(ArticleWrites, ArticleReads, Pages, StoredRecords, Runs, SourcesAndStories, Watches):
    """The SQLite archive. Use as a context manager, or call :meth:`close`.

    ``Archive(path)`` opens it for writing (created and migrated as needed);
    ``Archive(path, readonly=True)`` for reading only, with ``mmap_bytes`` for long reads:
    see :class:`~indexer.store.connection.ArchiveConnection`.
    """
