"""Downloader middlewares: robots.txt Crawl-delay (Scrapy reads it but does not apply it),
and exponential backoff before retries (Scrapy retries at once)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.utils.httpobj import urlparse_cached

logger = logging.getLogger(__name__)


class CrawlDelayMiddleware:
    """Keeps each host's download slot at least as slow as its robots.txt Crawl-delay.

    Runs after RobotsTxtMiddleware, so the host's robots.txt has been parsed by the time a
    request gets here. The delay is applied without jitter (the jitter would go below it)
    and survives AutoThrottle, which may lower a slot's delay between requests.
    """

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self._delays: dict[str, float] = {}

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlDelayMiddleware:
        return cls(crawler)

    def process_request(self, request: Any) -> None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._delays:
            found = self._crawl_delay(netloc)
            if found is None:
                return  # robots.txt not read yet (or not obeyed): nothing to apply
            self._delays[netloc] = found
            if found:
                logger.info("robots.txt of %s asks for %ss between requests", netloc, found)
        delay = self._delays[netloc]
        if not delay:
            return
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        downloader.per_slot_settings.setdefault(key, {}).update(delay=delay, jitter=0.0)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, delay)
            slot.jitter = 0.0

    def _crawl_delay(self, netloc: str) -> float | None:
        robots = next(
            (m for m in self.crawler.engine.downloader.middleware.middlewares
             if isinstance(m, RobotsTxtMiddleware)),
            None,
        )  # fmt: skip
        parser = getattr(robots, "_parsers", {}).get(netloc) if robots else None
        if parser is None or not hasattr(parser, "crawl_delay"):
            return None
        user_agent = self.crawler.settings.get("USER_AGENT") or "*"
        spider_agent = getattr(self.crawler.spider, "user_agent", None)
        return float(parser.crawl_delay(spider_agent or user_agent) or 0.0)


class RetryBackoffMiddleware:
    """Waits before each retry of a request: ARKIV_RETRY_BACKOFF seconds, doubling with every
    further retry, at most ARKIV_RETRY_BACKOFF_MAX. A server in trouble gets room to recover."""

    def __init__(self, base: float, most: float) -> None:
        self.base = base
        self.most = most

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryBackoffMiddleware:
        settings = crawler.settings
        return cls(
            settings.getfloat("ARKIV_RETRY_BACKOFF", 1.0),
            settings.getfloat("ARKIV_RETRY_BACKOFF_MAX", 60.0),
        )

    async def process_request(self, request: Any) -> None:
        retries = int(request.meta.get("retry_times", 0))
        if retries and self.base > 0:
            await asyncio.sleep(min(self.base * 2 ** (retries - 1), self.most))
