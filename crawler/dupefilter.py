"""Scrapy's duplicate filter, plus a report of redirect loops it would otherwise drop silently."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.dupefilters import RFPDupeFilter

from crawler.context import crawl_context

logger = logging.getLogger(__name__)


class RedirectLoopDupeFilter(RFPDupeFilter):
    """Drops duplicate requests as usual. A dropped duplicate that redirects back into a
    redirect chain is a loop: it is logged with its URLs and counted as an error, once.

    Scrapy follows the redirects of sitemaps, feeds and section pages itself (article
    candidates' redirects are the spider's), and each hop passes through here. The hops seen
    this run are kept, so a loop is found however it was entered: from one end (the chain
    comes back to its start), or from both ends when both are linked and each was requested
    on its own (the second one's hop closes the loop).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hops: dict[str, str] = {}  # URL -> where it redirected, this run
        self.loops_reported: set[frozenset[str]] = set()

    def request_seen(self, request: Any) -> bool:
        chain = request.meta.get("redirect_urls") or []
        if chain:
            for here, there in zip(chain, [*chain[1:], request.url], strict=True):
                self.hops[here] = there
        return bool(super().request_seen(request))

    def log(self, request: Any, spider: Any) -> None:
        super().log(request, spider)
        if not request.meta.get("redirect_urls"):
            return
        loop = self._loop_from(request.url)
        if not loop or frozenset(loop) in self.loops_reported:
            return
        self.loops_reported.add(frozenset(loop))
        source = request.cb_kwargs.get("source")
        recorder = crawl_context(spider.crawler).recorder
        recorder.error(source.id if source is not None else None, "redirect_loop")
        hops = " -> ".join([*loop, loop[0]])
        logger.warning("fetch failed: %s: redirect_loop (%s)", loop[0], hops)

    def _loop_from(self, start: str) -> list[str]:
        path: list[str] = []
        url: str | None = start
        while url is not None and url not in path:
            path.append(url)
            url = self.hops.get(url)
        return path[path.index(url) :] if url is not None else []
