"""Run the news spider in this process, as `arkiv crawl` does; `scrapy crawl news` is the same."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler.context import crawl_context
from indexer.config import Config


def crawl_settings(
    config: Config,
    config_file: str | None = None,
    only_sources: Iterable[str] = (),
    overrides: Mapping[str, str] | None = None,
    log_level: str = "WARNING",
    progress: bool = False,
) -> Settings:
    """crawler/settings.py with the run's choices on top (Scrapy's "cmdline" priority)."""
    settings = Settings()
    settings.setmodule("crawler.settings", priority="project")
    chosen: dict[str, object] = {
        "ARKIV_DATA": str(config.data_dir),
        "ARKIV_SOURCES": str(config.sources_path) if config.sources_path else None,
        "ARKIV_CONFIG": config_file,
        "ARKIV_CONTACT": config.contact or None,
        "ARKIV_ONLY_SOURCES": ",".join(only_sources),
        "ARKIV_PROGRESS": progress,
        "LOG_LEVEL": log_level,
    }
    for key, value in {**chosen, **(overrides or {})}.items():
        settings.set(key, value, priority="cmdline")
    return settings


def run_crawl(settings: Settings) -> int | None:
    """Crawl every enabled source; blocks until done. Returns the archive's run id."""
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("news")
    process.crawl(crawler)
    process.start()
    return crawl_context(crawler).run_id
