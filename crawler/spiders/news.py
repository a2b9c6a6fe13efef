"""NewsSpider: discovers articles through sitemaps, feeds and section pages of every source.

The spider only discovers and fetches; the pipelines extract, archive and index. It is
incremental: what the archive already holds is fetched again only when a sitemap or feed says
it changed or the revisit policy (crawler.revisit) says it is due, and then conditionally
(If-None-Match / If-Modified-Since). ARKIV_FULL fetches everything.

What earlier runs learnt comes from the crawl context (crawler.context): the archive as
``KnownPages``, which the spider asks and tells, but never writes to; what it counts goes to
the context's run recorder.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import scrapy
from lxml import etree
from scrapy.http import Response, TextResponse
from twisted.python.failure import Failure

from crawler.archiving.session import KnownPages, PageValidators
from crawler.context import config_from_settings, crawl_context
from crawler.dates import STOCKHOLM, date_in_url
from crawler.discovery import InvalidListing, parse_listing
from crawler.fetch_errors import RobotsUnreachable, classify_failure
from crawler.items import PageItem
from crawler.recorder import RunRecorder
from crawler.revisit import conditional_headers, fetch_decision
from crawler.sources import Source, load_sources
from crawler.urls import canonicalize_url
from indexer.errors import ArkivError
from indexer.store.archive import FetchState

_NEXT_WORDS = re.compile(r"^(nästa|nästa sida|äldre|äldre artiklar|fler|visa fler|»|›|>)$", re.I)
_PAGE_PARAMS = frozenset({"page", "sida", "p", "offset", "start"})
_REDIRECTS = [301, 302, 303, 307, 308]
_ARTICLE_STATUSES = [*_REDIRECTS, 304, 404, 410]
_MAX_ARTICLE_HOPS = 5


class NewsSpider(scrapy.Spider):
    """One spider for every source in sources.toml."""

    name = "news"

    sources: list[Source]
    known_pages: KnownPages  # what earlier runs learnt of a URL; told of redirects, validators
    recorder: RunRecorder  # the run's counts
    full: bool  # ignore the revisit policy
    since: date | None  # only what is listed, or was published, on or after this day
    max_section_pages: int
    max_listing_depth: int  # sitemaps/feeds nested this deep below an entry point are read
    max_listings: int  # sitemaps and feeds read per source and run
    listings: dict[str, int]  # sitemaps and feeds requested per source
    limits_warned: set[tuple[str, str]]  # (source, kind): a limit's warning is logged once
    redirects: dict[str, str]  # article candidate -> where it redirected, this run
    loops_reported: set[frozenset[str]]  # redirect loops already counted
    candidates: set[str]  # canonical URLs of article candidates requested in this run
    known: dict[str, FetchState | None]  # what the archive knows of candidates met this run
    not_due: set[str]  # candidates left alone by the revisit policy (so far)
    seen_pages: set[str]  # sitemaps, feeds and section pages requested in this run
    section_pages: dict[str, int]  # pages followed per source section, for the pagination cap
    user_agent: str  # read by Scrapy's UserAgentMiddleware when set

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings
        context = crawl_context(crawler)
        spider.known_pages, spider.recorder = context.archive, context.recorder
        spider.candidates, spider.sources = context.candidates, []
        spider.full = settings.getbool("ARKIV_FULL")
        since = settings.get("ARKIV_SINCE")
        spider.since = date.fromisoformat(since) if since else None
        spider.max_section_pages = settings.getint("ARKIV_MAX_SECTION_PAGES", 50)
        spider.max_listing_depth = settings.getint("ARKIV_MAX_LISTING_DEPTH", 3)
        spider.max_listings = settings.getint("ARKIV_MAX_LISTINGS", 1000)
        spider.listings, spider.limits_warned = {}, set()
        spider.redirects, spider.loops_reported = {}, set()
        spider.seen_pages, spider.section_pages = set(), {}
        spider.known, spider.not_due = {}, set()
        only = {s for s in settings.get("ARKIV_ONLY_SOURCES", "").split(",") if s}
        try:
            config = config_from_settings(settings)
            sources = load_sources(config.sources_path)
        except ArkivError as exc:
            # One clear line and no requests; the run is recorded as failed.
            context.config_error = str(exc)
            spider.logger.error("%s", exc)
            return spider
        spider.sources = [s for s in sources if s.enabled and (not only or s.id in only)]
        if config.contact:
            spider.user_agent = f"{settings.get('USER_AGENT')} (contact: {config.contact})"
        return spider

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for source in self.sources:
            for url in (*source.sitemaps, *source.feeds):
                for request in self._listing_request(canonicalize_url(url), source, 0, True):
                    yield request
            for url in source.sections:
                for request in self._section_request(canonicalize_url(url), source, 0, True):
                    yield request
        for source in self.sources:
            for request in self._due_not_articles(source):
                yield request

    # ------------------------------------------------------------------ callbacks

    def parse_listing(
        self, response: Response, source: Source, depth: int = 0
    ) -> Iterator[scrapy.Request]:
        """A sitemap, sitemap index or feed: follow nested sitemaps, request articles."""
        if self._unchanged(response, source):
            return
        try:
            listing = parse_listing(response.body)
        except InvalidListing as exc:
            self.recorder.error(source.id, exc.kind)
            self._entry_point(response.request, source, ok=False)
            if exc.kind == "too_large":
                self.logger.warning("fetch failed: %s: too_large (%s)", response.url, exc.reason)
            else:
                self.logger.warning("invalid sitemap or feed %s: %s", response.url, exc.reason)
            return
        self._entry_point(response.request, source, ok=True)
        self._remember(response, "listing")
        if listing.truncated:
            self.recorder.error(source.id, "listing_too_long")
            self.logger.warning(
                "sitemap or feed %s lists more than %d URLs; only the first %d are read",
                response.url, len(listing.entries), len(listing.entries),
            )  # fmt: skip
        for entry in listing.entries:
            url = canonicalize_url(entry.url, base=response.url)
            if not url or not source.allows(url) or source.is_ignored(url):
                continue
            if listing.kind == "sitemapindex":
                yield from self._listing_request(url, source, depth + 1, parent=response.url)
            elif source.is_article_candidate(url):
                if self.since and entry.modified and entry.modified.date() < self.since:
                    continue
                yield from self._article_request(url, source, entry.modified)

    def parse_section(
        self, response: Response, source: Source, depth: int
    ) -> Iterator[scrapy.Request]:
        """A section front: request article links, follow pagination and sub-sections."""
        self._entry_point(response.request, source, ok=True)
        if self._unchanged(response, source) or not isinstance(response, TextResponse):
            return
        self._remember(response, "section")
        links = _links(response)
        for url in self._pagination(response, source, links):
            key = f"{source.id} {urlsplit(url).path}"
            if self.section_pages.get(key, 1) < self.max_section_pages:
                self.section_pages[key] = self.section_pages.get(key, 1) + 1
                yield from self._section_request(url, source, depth)
        # Each distinct link once: a repeat (menus, "mest läst") would add no request.
        for url in dict.fromkeys(link.url for link in links):
            if not url or not source.allows(url) or source.is_ignored(url):
                continue
            if source.is_article_candidate(url):
                yield from self._article_request(url, source, None)
            elif depth < source.section_depth:
                yield from self._section_request(url, source, depth + 1)

    def parse_article(
        self, response: Response, source: Source
    ) -> Iterator[PageItem | scrapy.Request]:
        """An article candidate: hand the page (or its 304/404/410) to the pipelines."""
        if response.status in _REDIRECTS:
            yield from self._follow_article_redirect(response, source)
            return
        self.recorder.fetched(source.id)
        if not isinstance(response, TextResponse) and response.status not in (304, 404, 410):
            self.recorder.skipped(source.id, "not_html")
            self.logger.info("not HTML, skipped: %s", response.url)
            return
        yield PageItem(
            url=response.url,
            requested_url=(response.meta.get("redirect_urls") or [response.url])[0],
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
            home_municipality=source.municipality,
            home_region=source.region,
        )

    def on_error(self, failure: Failure) -> None:
        """Log a failed fetch with its URL and reason, count it, and go on."""
        request = failure.request  # type: ignore[attr-defined]  # set by Scrapy
        source: Source = request.cb_kwargs["source"]
        kind, reason = classify_failure(failure)
        if kind == "robots":  # obeying robots.txt is the plan, not an error
            self.recorder.skipped(source.id, "robots")
            self.logger.debug("forbidden by robots.txt: %s", request.url)
            return
        self.recorder.error(source.id, kind)
        self._entry_point(request, source, ok=False)
        if isinstance(failure.value, RobotsUnreachable):
            # Not sent at all; the robots.txt middleware logged one line for the host.
            self.logger.debug("not fetched: %s: %s (%s)", request.url, kind, reason)
            return
        self.logger.warning("fetch failed: %s: %s (%s)", request.url, kind, reason)

    # ------------------------------------------------------------------ helpers

    def _article_request(
        self, url: str, source: Source, listed: datetime | None
    ) -> Iterator[scrapy.Request]:
        if url in self.candidates:
            return
        if url not in self.known:
            self.known[url] = self.known_pages.fetch_state(url)
        state = self.known[url]
        if self.full:
            fetch, reason = True, "full crawl"
        else:
            fetch, reason = fetch_decision(state, listed, datetime.now(UTC))
        if fetch and self.since:
            published = state.published if state else None
            day = published.astimezone(STOCKHOLM).date() if published else date_in_url(url)
            if day is not None and day < self.since:
                fetch, reason = False, "published before --since"
        if not fetch:
            # Not marked seen: a sitemap met later in the run may still list it as changed.
            if url not in self.not_due:
                self.not_due.add(url)
                self.recorder.skipped(source.id, "not_due")
                self.logger.debug("not fetched: %s (%s)", url, reason)
            return
        self.candidates.add(url)
        if url in self.not_due:
            self.not_due.discard(url)
            self.recorder.skipped(source.id, "not_due", -1)
        self.recorder.requested(source.id)
        request = self._request(url, source, self.parse_article, conditional_headers(state))
        # Redirects of article candidates go through the revisit rules (parse_article); the
        # list replaces HTTPERROR_ALLOWED_CODES for this request, so it repeats those.
        request.meta.update(dont_redirect=True, handle_httpstatus_list=_ARTICLE_STATUSES)
        yield request

    def _due_not_articles(self, source: Source) -> Iterator[scrapy.Request]:
        """Pages judged not articles whose re-check is due (crawler.revisit), asked for
        directly: the section that linked one may answer 304 for months, or a sitemap may
        have dropped it."""
        now = datetime.now(UTC)
        for url, fetched in self.known_pages.not_article_pages(source.id):
            if not source.is_article_candidate(url):
                continue  # the source list no longer takes it for a candidate
            if fetch_decision(FetchState("not_article", fetched), None, now)[0]:
                yield from self._article_request(url, source, None)

    def _follow_article_redirect(
        self, response: Response, source: Source
    ) -> Iterator[scrapy.Request]:
        """An article URL that redirects (an old address, a short link): remember it as an
        alias, so later crawls skip it, and treat the target as the candidate, with the
        same revisit rules as any other."""
        location = _header(response, "Location") or ""
        target = canonicalize_url(location, base=response.url) if location else ""
        here = canonicalize_url(response.url)
        self.known_pages.redirected(here, datetime.now(UTC))
        chain = [*response.meta.get("arkiv_chain", []), here]
        if target:
            self.redirects[here] = target
        loop = chain[chain.index(target) :] if target in chain else self._loop_from(target)
        if loop:
            self._redirect_loop(source, loop)
            return
        if not target or not source.allows(target) or len(chain) > _MAX_ARTICLE_HOPS:
            self.recorder.error(source.id, "redirect")
            self.logger.warning("fetch failed: %s: redirect (to %r)", response.url, location)
            return
        for request in self._article_request(target, source, None):
            request.meta["arkiv_chain"] = chain
            yield request

    def _loop_from(self, start: str) -> list[str]:
        """The redirect loop that ``start`` leads into, by the redirects answered this run
        (empty: none so far). Both ends of a loop may be linked, each requested on its own:
        the loop shows once the second has answered."""
        path: list[str] = []
        url: str | None = start
        while url is not None and url not in path:
            path.append(url)
            url = self.redirects.get(url)
        return path[path.index(url) :] if url is not None else []

    def _redirect_loop(self, source: Source, loop: list[str]) -> None:
        """Count and log a redirect loop once, however many of its URLs were linked."""
        if frozenset(loop) in self.loops_reported:
            return
        self.loops_reported.add(frozenset(loop))
        self.recorder.error(source.id, "redirect_loop")
        hops = " -> ".join([*loop, loop[0]])
        self.logger.warning("fetch failed: %s: redirect_loop (%s)", loop[0], hops)

    def _listing_request(
        self,
        url: str,
        source: Source,
        depth: int,
        entry: bool = False,
        parent: str = "",
    ) -> Iterator[scrapy.Request]:
        """A sitemap or feed, within the source's limits: nested at most
        ARKIV_MAX_LISTING_DEPTH below an entry point, at most ARKIV_MAX_LISTINGS a run."""
        if url in self.seen_pages:
            return
        if depth > self.max_listing_depth:
            self._limit(source, "listing_too_deep", url, parent,
                        f"nested more than ARKIV_MAX_LISTING_DEPTH={self.max_listing_depth}"
                        " levels below an entry point")  # fmt: skip
            return
        if self.listings.get(source.id, 0) >= self.max_listings:
            self._limit(source, "too_many_listings", url, parent,
                        f"more than ARKIV_MAX_LISTINGS={self.max_listings} sitemaps and feeds"
                        " this run")  # fmt: skip
            return
        self.listings[source.id] = self.listings.get(source.id, 0) + 1
        self.seen_pages.add(url)
        headers = {} if entry else self._page_validators(url)
        yield self._request(url, source, self.parse_listing, headers, entry, depth=depth)

    def _limit(self, source: Source, kind: str, url: str, parent: str, why: str) -> None:
        """A sitemap or feed not read because of a limit: counted each time, logged once per
        source and limit (a chain that goes on for ever would log for ever)."""
        self.seen_pages.add(url)  # counted once however often it is listed
        self.recorder.error(source.id, kind)
        if (source.id, kind) not in self.limits_warned:
            self.limits_warned.add((source.id, kind))
            self.logger.warning(
                "sitemap or feed not read: %s: %s (%s, listed in %s; further ones are counted)",
                url, kind, why, parent or "the source list",
            )  # fmt: skip

    def _section_request(
        self, url: str, source: Source, depth: int, entry: bool = False
    ) -> Iterator[scrapy.Request]:
        if url not in self.seen_pages:
            self.seen_pages.add(url)
            headers = {} if entry else self._page_validators(url)
            yield self._request(url, source, self.parse_section, headers, entry, depth=depth)

    def _page_validators(self, url: str) -> dict[str, str]:
        """Entry points are always fetched whole; pages found from them are asked for
        conditionally when an earlier finished run saw them (unless --full)."""
        if self.full:
            return {}
        return conditional_headers(self.known_pages.fetch_state(url))

    def _remember(self, response: Response, kind: str) -> None:
        etag, modified = _header(response, "ETag"), _header(response, "Last-Modified")
        if etag or modified:
            url = canonicalize_url(response.request.url if response.request else response.url)
            self.known_pages.answered(PageValidators(url, kind, datetime.now(UTC), etag, modified))

    def _unchanged(self, response: Response, source: Source) -> bool:
        if response.status != 304:
            return False
        self.recorder.page_unchanged(source.id)
        return True

    def _request(
        self,
        url: str,
        source: Source,
        callback: Any,
        headers: dict[str, str] | None = None,
        entry: bool = False,
        **kwargs: Any,
    ) -> scrapy.Request:
        return scrapy.Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            cb_kwargs={"source": source, **kwargs},
            # One download slot (politeness delay, concurrency) per host and port.
            meta={"download_slot": urlsplit(url).netloc, "arkiv_entry": entry},
        )

    def _entry_point(self, request: Any, source: Source, ok: bool) -> None:
        """Count how the source's own entry points fared: a source whose entry points all
        failed is reported as failed."""
        if request is not None and request.meta.get("arkiv_entry"):
            self.recorder.entry_point(source.id, ok)

    def _pagination(self, response: TextResponse, source: Source, links: list[_Link]) -> list[str]:
        here = urlsplit(response.url)
        found = [
            canonicalize_url(href, base=response.url)
            for href in response.xpath(
                "//link[@rel='next']/@href | //a[@rel='next']/@href"
            ).getall()
        ]
        for link in links:
            if link.href and (_is_page_of(link.url, here.path) or _NEXT_WORDS.match(link.text())):
                found.append(link.url)
        urls = []
        for url in found:
            if url and url != response.url and source.allows(url) and not source.is_ignored(url):
                urls.append(url)
        return list(dict.fromkeys(urls))


def _header(response: Response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def _is_page_of(url: str, path: str) -> bool:
    """A (canonical) link to the same path differing only by a page parameter (?sida=2)."""
    target = urlsplit(url)
    return target.path == path and any(k in _PAGE_PARAMS for k, _ in parse_qsl(target.query))


@dataclass(frozen=True, slots=True)
class _Link:
    """One ``<a href>`` of a section page, its href canonicalised once."""

    href: str
    url: str  # canonicalize_url(href, base=the page's URL); "" when not http(s)
    anchor: Any  # the lxml element

    def text(self) -> str:
        """The anchor's text, as ``" ".join(anchor.css("::text").getall()).strip()``."""
        return " ".join(_TEXT(self.anchor)).strip()


_ANCHORS = etree.XPath("descendant-or-self::a")  # what parsel makes of css("a")
_TEXT = etree.XPath("descendant-or-self::text()", smart_strings=False)  # ... of css("::text")


def _links(response: TextResponse) -> list[_Link]:
    """Every link of the page in document order, each distinct href canonicalised once.

    Straight on lxml: a section page has hundreds of links, and a parsel Selector per
    anchor and two canonicalisations per href cost more than the rest of the parsing.
    """
    canonical: dict[str, str] = {}
    links = []
    for anchor in _ANCHORS(response.selector.root):
        href = anchor.get("href")
        if href is None:
            continue
        if href not in canonical:
            canonical[href] = canonicalize_url(href, base=response.url)
        links.append(_Link(href, canonical[href], anchor))
    return links
