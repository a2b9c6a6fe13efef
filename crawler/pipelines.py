"""Item pipelines: extract (300), archive (500). Each counts what it did in the crawl stats."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any, NoReturn

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem

from crawler.context import config_from_settings
from crawler.enrich import similar
from crawler.items import PageItem
from crawler.processing import Page, PageProcessor, default_workers
from crawler.run_report import build_report, write_report_file
from crawler.urls import canonicalize_url
from indexer.errors import ArkivError
from indexer.search.sync import sync
from indexer.store.archive import Archive
from indexer.store.lock import CrawlLock
from indexer.store.warc import WarcRef, WarcStore

logger = logging.getLogger(__name__)


class _Counting:
    """Shared by the pipelines: count a key globally and per source."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.stats = crawler.stats

    def count(self, item: PageItem, key: str) -> None:
        self.stats.inc_value(f"arkiv/{key}")
        self.stats.inc_value(f"arkiv/source/{item.source_id}/{key}")


class ExtractPipeline(_Counting):
    """Page -> Article and WARC record, in worker processes (ARKIV_EXTRACT_WORKERS); a page
    that is not an article is marked with the reason, for the archive pipeline to keep
    (its record too) and drop."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        workers = crawler.settings.get("ARKIV_EXTRACT_WORKERS")
        self.processor = PageProcessor(default_workers() if workers is None else int(workers))

    @classmethod
    def from_crawler(cls, crawler: Any) -> ExtractPipeline:
        return cls(crawler)

    async def process_item(self, item: PageItem) -> PageItem:
        if item.status != 200:
            return item  # 304/404/410: the archive pipeline records what they mean
        page = Page(
            item.url,
            item.status,
            item.headers,
            item.body,
            item.fetched_at,
            item.source_id,
            item.source_name,
            item.home_municipality,
            item.home_region,
        )
        result = await self.processor.process(page)
        item.warc_record = result.warc_record
        if result.article is None:
            item.not_article = result.not_article
            return item
        article = item.article = result.article
        # Fetched under an alias: the canonical URL now counts as seen for this run too.
        seen = getattr(self.crawler.spider, "seen", None)
        if seen is not None:
            seen.add(article.canonical_url)
        return item

    def close_spider(self) -> None:
        self.processor.close()


class ArchivePipeline(_Counting):
    """Writes every fetched page's raw response to WARC, and to the archive a version of each
    article (or its being seen again) or, for a page that is not an article, why not."""

    archive: Archive
    warc: WarcStore
    run_id: int

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The run's report needs the finish reason, known only once the spider has closed.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        settings = self.crawler.settings
        self.lock: CrawlLock | None = None
        try:
            config = config_from_settings(settings)
            if not settings.getbool("ARKIV_LOCK_HELD"):  # `arkiv crawl` takes it itself
                self.lock = CrawlLock(config.data_dir)
                self.lock.acquire()
            self.archive = Archive(config.archive_path)
        except ArkivError as exc:
            logger.error("%s", exc)
            if self.lock is not None:
                self.lock.release()
            raise CloseSpider(f"archive unavailable: {exc}") from exc
        self.config = config
        self.warc = WarcStore(config.warc_dir, max_bytes=config.warc_max_mb * 1024 * 1024)
        for name, removed in self.warc.repaired:
            logger.warning("cut %d bytes of an interrupted record from WARC file %s", removed, name)
        self.run_id = self.archive.start_run(datetime.now(UTC))
        self.stats.set_value("arkiv/run_id", self.run_id)

    def process_item(self, item: PageItem) -> PageItem:
        url = canonicalize_url(item.url)
        if item.status == 304:
            self.archive.touch(url, item.fetched_at)
            self.count(item, "articles/unchanged")
            raise DropItem(f"not modified: {item.url}", log_level="DEBUG")
        if item.status in (404, 410):
            if self.archive.mark_gone(url, item.fetched_at):
                self.count(item, "gone")
                logger.info("gone from its site: %s", item.url)
            else:
                self.archive.note_page(url, f"http_{item.status}", item.fetched_at)
                self.count(item, f"skipped/http_{item.status}")
            raise DropItem(f"HTTP {item.status}: {item.url}", log_level="DEBUG")
        if item.not_article is not None:
            # Kept all the same, with the reason: `arkiv reextract` can judge it again.
            try:
                self.archive.note_page(
                    url,
                    "not_article",
                    item.fetched_at,
                    reason=item.not_article,
                    source=item.source_id,
                    warc=self.warc.append(item.warc_record) if item.warc_record else None,
                )
            except ArkivError as exc:
                self._failed(item, exc)
            self.count(item, "skipped/not_article")
            raise DropItem(f"not an article: {item.not_article}: {item.url}", log_level="INFO")
        article = item.article
        if article is None:
            raise DropItem(f"nothing extracted: {item.url}", log_level="DEBUG")

        def write_raw() -> WarcRef:
            return self.warc.append(item.warc_record)

        try:
            outcome = self.archive.add_version(article, write_raw, same_story=similar)
            if outcome == "unchanged" and item.warc_record:
                # The same text, fetched again: kept as the article's latest record.
                self.archive.note_latest_record(article.id, write_raw(), item.fetched_at)
        except ArkivError as exc:
            self._failed(item, exc)
        self.count(item, f"articles/{outcome}")
        # Other URLs that led here (tracking-free alias paths, redirects) are remembered, so
        # the next crawl does not fetch the same article again under them.
        for alias in {url, canonicalize_url(item.requested_url)} - {article.canonical_url}:
            self.archive.note_page(alias, "alias", item.fetched_at)
        if outcome != "unchanged":
            logger.info("%s article: %s", outcome, item.url)
        return item

    def _failed(self, item: PageItem, exc: ArkivError) -> NoReturn:
        self.count(item, "errors/archive")
        logger.error("cannot archive %s: %s", item.url, exc)
        raise DropItem(f"archive failed: {item.url}", log_level="DEBUG") from exc

    def close_spider(self) -> None:
        if hasattr(self, "warc"):  # not when opening the archive failed
            self.warc.close()

    def spider_closed(self, spider: Any, reason: str) -> None:
        if not hasattr(self, "run_id"):  # opening failed: no run was started, nothing to close
            return
        report = build_report(self.stats.get_stats(), reason, spider.config_error)
        report["run_id"] = self.run_id
        self.archive.finish_run(self.run_id, report["status"], report)
        self.archive.close()
        write_report_file(self.config.data_dir, self.run_id, report)
        if self.lock is not None:
            self.lock.release()


class IndexPipeline:
    """At the end of a crawl, the same sync as `arkiv index` (unless ARKIV_INDEX is off).

    A failing index is logged and counted; the archive stays the source of truth and the
    next sync catches up from its watermark.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> IndexPipeline:
        return cls(crawler)

    def process_item(self, item: PageItem) -> PageItem:
        return item

    def close_spider(self) -> None:
        settings, stats = self.crawler.settings, self.crawler.stats
        if not settings.getbool("ARKIV_INDEX", True):
            return
        try:
            config = config_from_settings(settings)
            with Archive(config.archive_path) as archive:
                result = sync(archive, config)
        except ArkivError as exc:
            stats.inc_value("arkiv/errors/index")
            logger.error("search index not updated: %s (run `arkiv index` later)", exc)
            return
        stats.set_value("arkiv/index/upserted", result.upserted)
        stats.set_value("arkiv/index/deleted", result.deleted)
        if result.rebuilt:
            logger.warning("rebuilt the search index from the archive: %s", result.rebuilt)
        logger.info(
            "search index updated: %d new or changed, %d removed, %d in all",
            result.upserted,
            result.deleted,
            result.documents,
        )
