"""Lokalarkiv's fictional local-news web: four sites served over HTTP on 127.0.0.1 for tests."""

from __future__ import annotations

from samplesite.content import (
    SITES,
    SiteArticle,
    SiteInfo,
    expected_archive,
    load_articles,
    resolve_date,
)
from samplesite.server import SampleSite
from samplesite.templates.scenarios import SPECIAL_PAGES, SpecialPage

__all__ = [
    "SITES",
    "SPECIAL_PAGES",
    "SampleSite",
    "SiteArticle",
    "SiteInfo",
    "SpecialPage",
    "expected_archive",
    "load_articles",
    "resolve_date",
]
