"""How Scrapy components find the Lokalarkiv configuration: settings first, then load_config."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from indexer.config import Config, load_config


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
