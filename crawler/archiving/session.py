"""The crawl's one archive connection, and the spider's window on it.

During a crawl only this object holds a connection to the archive. The archive pipeline
opens and closes it and writes articles through it; the spider sees it as
:class:`KnownPages`: it asks what earlier runs learnt of a URL and tells what it met
(a redirect, a page's validators). It never gets the connection, and writes nothing itself.
"""

from __future__ import annotations

from collections.abc import Set
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol

from indexer.errors import ArchiveError
from indexer.store.archive import Archive, FetchState

__all__ = ["CrawlArchive", "KnownPages", "PageValidators"]


@dataclass(frozen=True, slots=True)
class PageValidators:
    """A sitemap, feed or section page that answered with an ETag or Last-Modified."""

    url: str  # canonical
    kind: str  # "listing" or "section"
    fetched: datetime
    etag: str | None
    last_modified: str | None


class KnownPages(Protocol):
    """What the spider may ask the archive, and tell it, during a crawl."""

    def fetch_state(self, url: str) -> FetchState | None:
        """What earlier runs learnt of a canonical URL (None: new, or no archive open)."""
        ...

    def not_article_pages(self, source_id: str) -> list[tuple[str, datetime]]:
        """A source's pages last judged not articles, with when they were fetched."""
        ...

    def redirected(self, url: str, at: datetime) -> None:
        """An article candidate redirected: the URL is an alias, left alone by later runs."""
        ...

    def answered(self, page: PageValidators) -> None:
        """A listing or section page answered with validators, for conditional revisits."""
        ...


class CrawlArchive:
    """Owns the archive connection of one crawl (see the module docstring)."""

    def __init__(self) -> None:
        self._archive: Archive | None = None
        self._validators: dict[str, PageValidators] = {}  # by URL; the latest answer wins

    def open(self, path: Path) -> Archive:
        """Open the archive at ``path`` (ArkivError when it cannot be)."""
        self._archive = Archive(path)
        return self._archive

    @property
    def archive(self) -> Archive:
        """The open archive, for the pipeline's writes."""
        if self._archive is None:
            raise ArchiveError("the crawl's archive is not open")
        return self._archive

    def close(self) -> None:
        if self._archive is not None:
            self._archive.close()
            self._archive = None

    # ------------------------------------------------------------------ KnownPages

    def fetch_state(self, url: str) -> FetchState | None:
        return self._archive.fetch_state(url) if self._archive else None

    def not_article_pages(self, source_id: str) -> list[tuple[str, datetime]]:
        return self._archive.not_article_pages(source_id) if self._archive else []

    def redirected(self, url: str, at: datetime) -> None:
        if self._archive is not None:
            self._archive.note_page(url, "alias", at)

    def answered(self, page: PageValidators) -> None:
        self._validators[page.url] = page

    # ------------------------------------------------------------------ at the end

    def keep_validators(self, finished: bool, candidates: Set[str]) -> None:
        """Store the validators of the listing and section pages met this run.

        Only when the run ``finished``: after a crash, a 304 must not hide links the crash
        kept us from following. A page also fetched as an article candidate (in
        ``candidates``) keeps what the pipelines made of it (a page judged not an article
        keeps its reason and its record for re-extraction).
        """
        pages = [
            (p.url, p.kind, p.fetched, p.etag, p.last_modified)
            for url, p in self._validators.items()
            if url not in candidates
        ]
        if finished and pages and self._archive is not None:
            self._archive.note_pages(pages)
