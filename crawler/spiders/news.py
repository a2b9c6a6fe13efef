"""NewsSpider: discovers articles through sitemaps, feeds and section pages of every source.

The spider only discovers and fetches; the pipelines extract, archive and index.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import scrapy
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.context import config_from_settings
from crawler.discovery import InvalidListing, parse_listing
from crawler.fetch_errors import classify_failure
from crawler.items import PageItem
from crawler.sources import Source, load_sources
from crawler.urls import canonicalize_url
from indexer.errors import ConfigError

_NEXT_WORDS = re.compile(r"^(nästa|nästa sida|äldre|äldre artiklar|fler|visa fler|»|›|>)$", re.I)
_PAGE_PARAMS = frozenset({"page", "sida", "p", "offset", "start"})


class NewsSpider(scrapy.Spider):
    """One spider for every source in sources.toml."""

    name = "news"

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.sources = []
        spider.config_error = None
        only = {s for s in crawler.settings.get("ARKIV_ONLY_SOURCES", "").split(",") if s}
        try:
            config = config_from_settings(crawler.settings)
            sources = load_sources(config.sources_path)
        except ConfigError as exc:
            # One clear line and no requests; the run is recorded as failed.
            spider.config_error = str(exc)
            spider.logger.error("%s", exc)
            return spider
        spider.sources = [s for s in sources if s.enabled and (not only or s.id in only)]
        spider.max_section_pages = crawler.settings.getint("ARKIV_MAX_SECTION_PAGES", 50)
        spider.seen = set()
        spider.seen_pages = set()
        spider.section_pages = {}
        return spider

    sources: list[Source]
    config_error: str | None
    max_section_pages: int
    seen: set[str]  # canonical URLs of article candidates requested in this run
    seen_pages: set[str]  # sitemaps, feeds and section pages requested in this run
    section_pages: dict[str, int]  # pages followed per source section, for the pagination cap

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for url in (*source.sitemaps, *source.feeds):
                for request in self._listing_request(canonicalize_url(url), source):
                    yield request
            for url in source.sections:
                for request in self._section_request(canonicalize_url(url), source, 0):
                    yield request

    # ------------------------------------------------------------------ callbacks

    def parse_listing(self, response: Response, source: Source) -> Iterator[scrapy.Request]:
        """A sitemap, sitemap index or feed: follow nested sitemaps, request articles."""
        try:
            listing = parse_listing(response.body)
        except InvalidListing as exc:
            self._count(source, "errors/invalid_listing")
            self.logger.warning("invalid sitemap or feed %s: %s", response.url, exc.reason)
            return
        for entry in listing.entries:
            url = canonicalize_url(entry.url, base=response.url)
            if not url or not source.allows(url) or source.is_ignored(url):
                continue
            if listing.kind == "sitemapindex":
                yield from self._listing_request(url, source)
            elif source.is_article_candidate(url):
                yield from self._article_request(url, source)

    def parse_section(
        self, response: Response, source: Source, depth: int
    ) -> Iterator[scrapy.Request]:
        """A section front: request article links, follow pagination and sub-sections."""
        if not isinstance(response, TextResponse):
            return
        for url in self._pagination(response, source):
            key = f"{source.id} {urlsplit(url).path}"
            if self.section_pages.get(key, 1) < self.max_section_pages:
                self.section_pages[key] = self.section_pages.get(key, 1) + 1
                yield from self._section_request(url, source, depth)
        for href in response.css("a::attr(href)").getall():
            url = canonicalize_url(href, base=response.url)
            if not url or not source.allows(url) or source.is_ignored(url):
                continue
            if source.is_article_candidate(url):
                yield from self._article_request(url, source)
            elif depth < source.section_depth:
                yield from self._section_request(url, source, depth + 1)

    def parse_article(self, response: Response, source: Source) -> Iterator[PageItem]:
        """An article candidate: hand the page (or its 404/410) to the pipelines."""
        self._count(source, "fetched")
        if isinstance(response, TextResponse):
            canonical = response.xpath("//link[@rel='canonical']/@href").get()
            if canonical:
                self.seen.add(canonicalize_url(canonical, base=response.url))
        elif response.status not in (404, 410):
            self._count(source, "skipped/not_html")
            self.logger.info("not HTML, skipped: %s", response.url)
            return
        yield PageItem(
            url=response.url,
            status=response.status,
            headers=[
                (k.decode("latin-1"), v.decode("latin-1"))
                for k, values in response.headers.items()
                for v in values
            ],
            body=response.body,
            fetched_at=datetime.now(UTC),
            source_id=source.id,
            source_name=source.name,
        )

    def on_error(self, failure: Failure) -> None:
        """Log a failed fetch with its URL and reason, count it, and go on."""
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        source: Source = request.cb_kwargs["source"]
        kind, reason = classify_failure(failure)
        if kind == "robots":  # obeying robots.txt is the plan, not an error
            self._count(source, "skipped/robots")
            self.logger.debug("forbidden by robots.txt: %s", request.url)
            return
        self._count(source, f"errors/{kind}")
        self.logger.warning("fetch failed: %s: %s (%s)", request.url, kind, reason)

    # ------------------------------------------------------------------ helpers

    def _article_request(self, url: str, source: Source) -> Iterator[scrapy.Request]:
        if url in self.seen:
            return
        self.seen.add(url)
        self._count(source, "requested")
        yield self._request(url, source, self.parse_article)

    def _listing_request(self, url: str, source: Source) -> Iterator[scrapy.Request]:
        if url not in self.seen_pages:
            self.seen_pages.add(url)
            yield self._request(url, source, self.parse_listing)

    def _section_request(self, url: str, source: Source, depth: int) -> Iterator[scrapy.Request]:
        if url not in self.seen_pages:
            self.seen_pages.add(url)
            yield self._request(url, source, self.parse_section, depth=depth)

    def _request(self, url: str, source: Source, callback: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(
            url, callback=callback, errback=self.on_error, cb_kwargs={"source": source, **kwargs}
        )

    def _pagination(self, response: TextResponse, source: Source) -> list[str]:
        here = urlsplit(response.url)
        found = response.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href").getall()
        for anchor in response.css("a"):
            text = " ".join(anchor.css("::text").getall()).strip()
            href = anchor.attrib.get("href")
            if href and (_NEXT_WORDS.match(text) or _is_page_of(href, response.url, here.path)):
                found.append(href)
        urls = []
        for href in found:
            url = canonicalize_url(href, base=response.url)
            if url and url != response.url and source.allows(url) and not source.is_ignored(url):
                urls.append(url)
        return list(dict.fromkeys(urls))

    def _count(self, source: Source, key: str) -> None:
        stats = self.crawler.stats
        stats.inc_value(f"arkiv/{key}")
        stats.inc_value(f"arkiv/source/{source.id}/{key}")


def _is_page_of(href: str, base: str, path: str) -> bool:
    """A link to the same path differing only by a page parameter (?sida=2, ?page=3)."""
    target = urlsplit(canonicalize_url(href, base=base))
    params = {k for k, _ in parse_qsl(target.query)}
    return target.path == path and bool(params & _PAGE_PARAMS)
