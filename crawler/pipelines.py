"""Item pipelines: extract (300), archive (500). What they do is counted by the run recorder.

The archive pipeline composes the parts in ``crawler.archiving``: the crawl lock, the one
archive connection, the WARC files, the run record, the report file and the index update.
"""

from __future__ import annotations

import logging
from typing import Any, NoReturn

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem

from crawler.archiving.index import update_index
from crawler.archiving.lock import RunLock
from crawler.archiving.report_file import write_report_file
from crawler.archiving.runs import RunRecord
from crawler.archiving.warc import open_warc
from crawler.context import config_from_settings, crawl_context
from crawler.enrich import similar
from crawler.items import PageItem
from crawler.processing import Page, PageProcessor, default_workers
from crawler.run_report import build_report
from crawler.urls import canonicalize_url
from indexer.config import Config
from indexer.errors import ArkivError
from indexer.store.warc import WarcRef, WarcStore

logger = logging.getLogger(__name__)


class ExtractPipeline:
    """Page -> Article and WARC record, in worker processes (ARKIV_EXTRACT_WORKERS); a page
    that is not an article is marked with the reason, for the archive pipeline to keep
    (its record too) and drop."""

    def __init__(self, crawler: Any) -> None:
        self.context = crawl_context(crawler)
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
        # Fetched under an alias: the canonical URL now counts as requested this run too.
        self.context.candidates.add(article.canonical_url)
        return item

    def close_spider(self) -> None:
        self.processor.close()


class ArchivePipeline:
    """Writes every fetched page's raw response to WARC, and to the archive a version of each
    article (or its being seen again) or, for a page that is not an article, why not. At the
    end it brings the search index up to date (unless ARKIV_INDEX is off) and records the
    run with its report."""

    config: Config
    warc: WarcStore
    run: RunRecord

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.context = crawl_context(crawler)
        self.recorder = self.context.recorder
        self.lock: RunLock | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        pipeline = cls(crawler)
        # The run's report needs the finish reason, known only once the spider has closed.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        settings = self.crawler.settings
        try:
            config = config_from_settings(settings)
            lock = RunLock(config.data_dir, settings.getbool("ARKIV_LOCK_HELD"))
            lock.acquire()  # `arkiv crawl` takes it itself (ARKIV_LOCK_HELD)
            self.lock = lock
            archive = self.context.archive.open(config.archive_path)
        except ArkivError as exc:
            logger.error("%s", exc)
            if self.lock is not None:
                self.lock.release()
            raise CloseSpider(f"archive unavailable: {exc}") from exc
        self.config = config
        self.archive = archive
        self.warc = open_warc(config)
        self.run = RunRecord(archive)
        self.context.run_id = self.run.id

    def process_item(self, item: PageItem) -> PageItem:
        url = canonicalize_url(item.url)
        if item.status == 304:
            self.archive.touch(url, item.fetched_at)
            self.recorder.article(item.source_id, "unchanged")
            raise DropItem(f"not modified: {item.url}", log_level="DEBUG")
        if item.status in (404, 410):
            self._missing(item, url)
        if item.not_article is not None:
            self._not_article(item, url, item.not_article)
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
        self.recorder.article(item.source_id, outcome)
        # Other URLs that led here (tracking-free alias paths, redirects) are remembered, so
        # the next crawl does not fetch the same article again under them.
        for alias in {url, canonicalize_url(item.requested_url)} - {article.canonical_url}:
            self.archive.note_page(alias, "alias", item.fetched_at)
        if outcome != "unchanged":
            logger.info("%s article: %s", outcome, item.url)
        return item

    def _missing(self, item: PageItem, url: str) -> NoReturn:
        """404/410: an archived article is gone from its site; any other URL is noted."""
        if self.archive.mark_gone(url, item.fetched_at):
            self.recorder.gone(item.source_id)
            logger.info("gone from its site: %s", item.url)
        else:
            self.archive.note_page(url, f"http_{item.status}", item.fetched_at)
            self.recorder.skipped(item.source_id, f"http_{item.status}")
        raise DropItem(f"HTTP {item.status}: {item.url}", log_level="DEBUG")

    def _not_article(self, item: PageItem, url: str, reason: str) -> NoReturn:
        """Kept all the same, with the reason: `arkiv reextract` can judge it again."""
        try:
            self.archive.note_page(
                url,
                "not_article",
                item.fetched_at,
                reason=reason,
                source=item.source_id,
                warc=self.warc.append(item.warc_record) if item.warc_record else None,
            )
        except ArkivError as exc:
            self._failed(item, exc)
        self.recorder.skipped(item.source_id, "not_article")
        raise DropItem(f"not an article: {reason}: {item.url}", log_level="INFO")

    def _failed(self, item: PageItem, exc: ArkivError) -> NoReturn:
        self.recorder.error(item.source_id, "archive")
        logger.error("cannot archive %s: %s", item.url, exc)
        raise DropItem(f"archive failed: {item.url}", log_level="DEBUG") from exc

    def close_spider(self) -> None:
        if not hasattr(self, "run"):  # opening failed: nothing was written
            return
        self.warc.close()
        if self.crawler.settings.getbool("ARKIV_INDEX", True):
            update_index(self.archive, self.config, self.recorder)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if not hasattr(self, "run"):  # opening failed: no run was started, nothing to close
            return
        context = self.context
        context.archive.keep_validators(reason == "finished", context.candidates)
        stats = self.crawler.stats.get_stats()
        report = build_report(self.recorder, stats, reason, context.config_error)
        report["run_id"] = self.run.id
        self.run.finish(report)
        context.archive.close()
        write_report_file(self.config.data_dir, self.run.id, report)
        if self.lock is not None:
            self.lock.release()
