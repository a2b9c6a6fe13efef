"""Shared fixtures: an empty archive, the sample news site on 127.0.0.1 (a subprocess) and
crawls of it.

The helpers they build on live in ``tests/helpers.py``; test modules import them from there.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.store.archive import Archive
from tests.helpers import (
    HOSTILE_CRAWL,
    SLOW_PAGE_SECONDS,
    Crawl,
    RunningSite,
    do_crawl,
    start_site,
    stop_site,
)


@pytest.fixture
def archive(tmp_path: Path) -> Iterator[Archive]:
    """A new, empty archive (writable), closed after the test."""
    with Archive(tmp_path / "archive.sqlite3") as opened:
        yield opened


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    """The four sample news sites in edition 1 (tests that switch editions restore it)."""
    site = start_site(tmp_path_factory.mktemp("site"), "--slow-seconds", str(SLOW_PAGE_SECONDS))
    yield site
    stop_site(site)


@pytest.fixture(scope="session")
def first_crawl(sample_site: RunningSite, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    return do_crawl(sample_site, tmp_path_factory.mktemp("crawl1"))


@pytest.fixture(scope="session")
def second_crawl(
    sample_site: RunningSite, first_crawl: Crawl, tmp_path_factory: pytest.TempPathFactory
) -> Crawl:
    """The same archive crawled again in full after the site moved to edition 2 (then back
    to 1): every known article fetched again, so updates and removals are all seen."""
    data = tmp_path_factory.mktemp("crawl2") / "data"
    shutil.copytree(first_crawl.data, data)
    sample_site.set_edition(2)
    try:
        return do_crawl(sample_site, data, "--full")
    finally:
        sample_site.set_edition(1)


@pytest.fixture(scope="session")
def hostile_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningSite]:
    """The hostile scenario's sites: a gzip bomb sitemap, an endless sitemap chain,
    robots.txt answering 500, terminal escapes in JSON-LD, 10,000 nested <div>s, redirect
    loops linked at both ends, … (see samplesite/templates/hostile.py)."""
    site = start_site(tmp_path_factory.mktemp("hostile"), "--scenario", "hostile")
    yield site
    stop_site(site)


@pytest.fixture(scope="session")
def hostile_crawl(hostile_site: RunningSite, tmp_path_factory: pytest.TempPathFactory) -> Crawl:
    """One `arkiv crawl` of the hostile sites (robotsbladet's robots.txt answering 500)."""
    return do_crawl(hostile_site, tmp_path_factory.mktemp("hostile-crawl") / "data", *HOSTILE_CRAWL)
