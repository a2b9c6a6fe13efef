"""What the parts of one crawl share: its configuration and the crawl context.

Scrapy builds the spider, the pipelines, the middlewares and the extensions each on its own;
:func:`crawl_context` gives all of them the one :class:`CrawlContext` of their crawler, so
they share typed objects (the run's counts, the archive, the URLs met) instead of passing
messages through Scrapy's stats or reaching into each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary, ref

from crawler.archiving.session import CrawlArchive
from crawler.recorder import RunRecorder
from indexer.config import Config, load_config

__all__ = ["CrawlContext", "config_from_settings", "crawl_context"]


def config_from_settings(settings: Any) -> Config:
    """The Config for a crawl: ``ARKIV_*`` Scrapy settings (``-s`` or `arkiv crawl` flags)
    over arkiv.toml and the environment, so `scrapy crawl news` and `arkiv crawl` agree."""
    config_file = settings.get("ARKIV_CONFIG")
    return load_config(
        Path(config_file) if config_file else None,
        data_dir=settings.get("ARKIV_DATA") or None,
        sources_path=settings.get("ARKIV_SOURCES") or None,
        contact=settings.get("ARKIV_CONTACT") or None,
    )


@dataclass
class CrawlContext:
    """The shared state of one crawl.

    ``recorder`` counts what happens; ``archive`` is the one archive connection (the spider
    uses it as ``KnownPages``); ``candidates`` are the canonical URLs of article candidates
    requested or extracted this run (an article fetched under an alias adds its canonical
    URL, so it is not requested again); ``config_error`` is why the spider could not start
    (the run is recorded as failed); ``run_id`` is the archive's id of the run once started.
    """

    recorder: RunRecorder
    archive: CrawlArchive = field(default_factory=CrawlArchive)
    candidates: set[str] = field(default_factory=set)
    config_error: str | None = None
    run_id: int | None = None


_CONTEXTS: WeakKeyDictionary[Any, CrawlContext] = WeakKeyDictionary()


def crawl_context(crawler: Any) -> CrawlContext:
    """The context of a Scrapy crawler, made at the first call (its counts mirrored into the
    crawler's stats for Scrapy's log)."""
    context = _CONTEXTS.get(crawler)
    if context is None:
        weak = ref(crawler)  # the context must not keep its crawler alive
        recorder = RunRecorder(lambda: getattr(weak(), "stats", None))
        context = _CONTEXTS[crawler] = CrawlContext(recorder)
    return context
