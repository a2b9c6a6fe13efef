"""Downloader middlewares: robots.txt read as RFC 9309 says (Scrapy allows everything when
robots.txt answers 5xx or cannot be fetched), its Crawl-delay applied (Scrapy reads it but does
not apply it), and exponential backoff before retries (Scrapy retries at once)."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request
from scrapy.http.request import NO_CALLBACK
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from twisted.internet.defer import Deferred

from crawler.context import crawl_context
from crawler.fetch_errors import RobotsUnreachable, classify_exception

logger = logging.getLogger(__name__)

# RFC 9309 section 2.5: a crawler may stop parsing robots.txt after 500 KiB.
ROBOTS_PARSE_LIMIT = 500 * 1024


class RobotsPolicyMiddleware(RobotsTxtMiddleware):
    """Scrapy's RobotsTxtMiddleware, with RFC 9309's rules for a robots.txt it cannot read.

    Scrapy parses whatever robots.txt answers, a 500 page included, and allows everything
    when the fetch fails. Here, per host:

    - 2xx: parsed (its first 500 KiB, section 2.5).
    - 4xx: "unavailable", everything allowed (section 2.3.1.3); so are too many redirects
      (section 2.3.1.2).
    - 5xx, 429, or no answer at all (timeout, refused connection, DNS): "unreachable",
      complete disallow (section 2.3.1.4). Nothing is requested from that host this run
      (after Scrapy's retries of robots.txt itself); the next run asks again. One warning
      line names the host and why; each request not sent fails with RobotsUnreachable
      (kind ``robots_unreachable``, or the network error's own kind), so a source whose entry
      points are all there is reported failed. 429 counts as unreachable as Google treats
      it: a server short of capacity is not saying "crawl everything".
    """

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self._unreachable: dict[str, tuple[str, str]] = {}  # netloc -> (kind, reason)

    def process_request_2(self, rp: Any, request: Any) -> None:
        blocked = self._unreachable.get(urlparse_cached(request).netloc)
        if blocked is not None:
            self._stats.inc_value("robotstxt/unreachable_forbidden")
            raise RobotsUnreachable(*blocked)
        super().process_request_2(rp, request)

    async def robot_parser(self, request: Any) -> Any:
        url = urlparse_cached(request)
        netloc = url.netloc
        if netloc not in self._parsers:
            self._parsers[netloc] = Deferred()
            robots_request = Request(
                f"{url.scheme}://{netloc}/robots.txt",
                priority=self.DOWNLOAD_PRIORITY,
                meta={"dont_obey_robotstxt": True},
                callback=NO_CALLBACK,
            )
            try:
                response = await self.crawler.engine.download_async(robots_request)
            except Exception as exc:  # every failure means one of the two rules below
                self._failed(netloc, exc)
            else:
                await self._answered(netloc, response, request)
            self._stats.inc_value("robotstxt/request_count")
        parser = self._parsers[netloc]
        if isinstance(parser, Deferred):
            return await maybe_deferred_to_future(parser)
        return parser

    async def _answered(self, netloc: str, response: Any, request: Any) -> None:
        status = response.status
        if 200 <= status < 300:
            body = response.body
            if len(body) > ROBOTS_PARSE_LIMIT:
                cut = body.rfind(b"\n", 0, ROBOTS_PARSE_LIMIT)
                body = body[: cut + 1 if cut > 0 else ROBOTS_PARSE_LIMIT]
                logger.info("robots.txt of %s is over 500 KiB: only its start is read", netloc)
            await self._parse_robots(response.replace(body=body), netloc, request)
            return
        self._stats.inc_value("robotstxt/response_count")
        self._stats.inc_value(f"robotstxt/response_status_count/{status}")
        if status >= 500 or status == 429:
            self._block(netloc, "robots_unreachable", f"HTTP {status}")
        else:  # 4xx (and a 3xx left unfollowed): unavailable, everything allowed
            self._settle(netloc, None)

    def _failed(self, netloc: str, exc: Exception) -> None:
        if isinstance(exc, IgnoreRequest) and "redirect" in str(exc).lower():
            logger.info("robots.txt of %s redirects too often; taken as absent", netloc)
            self._settle(netloc, None)
            return
        kind, reason = classify_exception(exc)
        self._stats.inc_value(f"robotstxt/exception_count/{type(exc)}")
        self._block(netloc, kind, f"no answer: {reason}")

    def _block(self, netloc: str, kind: str, reason: str) -> None:
        """Complete disallow for the host, for the rest of this run."""
        self._unreachable[netloc] = (kind, f"robots.txt of {netloc} unreachable ({reason})")
        self._stats.inc_value("robotstxt/unreachable")  # for Scrapy's log
        crawl_context(self.crawler).recorder.robots_unreachable()  # for the run report
        logger.warning(
            "robots.txt of %s unreachable (%s): nothing is fetched from that host this run"
            " (RFC 9309: complete disallow until robots.txt answers)",
            netloc, reason,
        )  # fmt: skip
        self._settle(netloc, None)

    def _settle(self, netloc: str, parser: Any) -> None:
        waiting = self._parsers[netloc]
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)


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
