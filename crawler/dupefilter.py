"""Scrapy's duplicate filter, plus a report of redirect loops it would otherwise drop silently."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.dupefilters import RFPDupeFilter

logger = logging.getLogger(__name__)


class RedirectLoopDupeFilter(RFPDupeFilter):
    """Drops duplicate requests as usual. A dropped duplicate that redirects back into its own
    redirect chain is a loop: it is logged with its URL and counted as an error."""

    def log(self, request: Any, spider: Any) -> None:
        super().log(request, spider)
        chain = request.meta.get("redirect_urls") or []
        if request.url not in chain:
            return
        stats = spider.crawler.stats
        stats.inc_value("arkiv/errors/redirect_loop")
        source = request.cb_kwargs.get("source")
        if source is not None:
            stats.inc_value(f"arkiv/source/{source.id}/errors/redirect_loop")
        hops = " -> ".join([*chain, request.url])
        logger.warning("fetch failed: %s: redirect_loop (%s)", chain[0], hops)
