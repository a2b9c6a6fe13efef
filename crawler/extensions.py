"""Crawl extensions: a live progress line on a terminal; one log line per notable event."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

from crawler.context import crawl_context
from crawler.recorder import RunRecorder


class CrawlProgress:
    """Rewrites one stderr line each second while the crawl runs (ARKIV_PROGRESS and a tty)."""

    def __init__(self, stats: Any, recorder: RunRecorder, interval: float = 1.0) -> None:
        self.stats = stats  # Scrapy's, for its request count
        self.recorder = recorder
        self.interval = interval
        self._loop: task.LoopingCall | None = None
        self._started = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("ARKIV_PROGRESS") or not sys.stderr.isatty():
            raise NotConfigured
        extension = cls(crawler.stats, crawl_context(crawler).recorder)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Any) -> None:
        self._started = time.monotonic()
        self._loop = task.LoopingCall(self.show)
        self._loop.start(self.interval, now=False)

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self._loop is not None and self._loop.running:
            self._loop.stop()
        self.show()
        sys.stderr.write("\n")

    def show(self) -> None:
        counts = self.recorder.totals
        fetched = counts.fetched
        elapsed = max(time.monotonic() - self._started, 1e-6)
        errors = sum(counts.errors.values())
        articles = counts.articles
        line = (
            f"\rcrawling: {self.stats.get_value('downloader/request_count', 0)} requests"
            f" · {fetched} articles fetched ({fetched / elapsed:.1f}/s)"
            f" · new {articles.get('new', 0)} · updated {articles.get('updated', 0)}"
            f" · unchanged {articles.get('unchanged', 0)}"
            f" · skipped {counts.skipped.get('not_article', 0)} · errors {errors} "
        )
        sys.stderr.write(line)
        sys.stderr.flush()


class _DropRepeats(logging.Filter):
    """Drops Scrapy's own line for a failure that the spider logs with URL and kind."""

    REPEATS = ("Gave up retrying", "larger than download max size", "during decompression")

    def filter(self, record: logging.LogRecord) -> bool:
        message = str(record.msg)
        return not any(text in message for text in self.REPEATS)


class QuietLogs:
    """One line per notable event: the spider logs each failed fetch once, with its URL and
    kind, so Scrapy's own repeat of the same failure is dropped."""

    LOGGERS = (
        "scrapy.downloadermiddlewares.retry",
        "scrapy.core.downloader.handlers.http11",
        "scrapy.downloadermiddlewares.httpcompression",
    )

    def __init__(self) -> None:
        self._filter = _DropRepeats()
        for name in self.LOGGERS:
            logging.getLogger(name).addFilter(self._filter)

    @classmethod
    def from_crawler(cls, crawler: Any) -> QuietLogs:
        extension = cls()
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_closed(self, spider: Any, reason: str) -> None:
        for name in self.LOGGERS:
            logging.getLogger(name).removeFilter(self._filter)
