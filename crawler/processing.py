"""From a fetched page to an Article, in this process or in worker processes.

Extraction is the CPU-heavy step of a crawl, and Scrapy runs in one thread: handing it to a
pool of worker processes lets fetching, archiving and extracting overlap on several cores.
Workers are started with "spawn" (a fresh interpreter: no threads inherited from Twisted).
A worker exits by itself when the process that started it is gone (killed with SIGKILL, say,
which leaves it no chance to stop its pool): see ``_watch_parent``.
`arkiv reextract` runs the same ``process_page`` over the responses kept in WARC.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from crawler.enrich import enrich, fingerprint
from crawler.enrich import warm_up as warm_up_enrichment
from crawler.extract import NotAnArticle, decode_html, extract_article
from crawler.language import detect_language
from indexer.article import Article
from indexer.store.warc import response_record

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Page:
    """What extraction needs of a fetched page (small and picklable)."""

    url: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    fetched_at: datetime
    source_id: str
    source_name: str
    home_municipality: str = ""
    home_region: str = ""

    @property
    def content_type(self) -> str | None:
        return self.header("Content-Type")

    def header(self, name: str) -> str | None:
        """The first value of a response header, case-insensitively."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)


@dataclass(frozen=True, slots=True)
class Processed:
    """The page's Article or why it is not an article, and its WARC record (compressed;
    empty when not asked for)."""

    article: Article | None
    warc_record: bytes = b""
    not_article: str | None = None


def process_page(page: Page, record: bool = True) -> Processed:
    """Extract and enrich the article, and build the page's WARC record while we are at it
    (all CPU work that a worker process can do, leaving the crawling process to crawl).

    The record is built whatever extraction decides: a page that is not an article is kept
    too, so a later, better extractor can judge it again (``arkiv reextract``, which passes
    ``record=False``: its pages are in WARC already).
    """
    raw = b""
    if record:
        raw = response_record(page.url, page.status, page.headers, page.body, page.fetched_at)
    try:
        article = extract_article(
            decode_html(page.body, page.content_type),
            page.url,
            source_id=page.source_id,
            source_name=page.source_name,
            fetched_at=page.fetched_at,
        )
    except NotAnArticle as exc:
        return Processed(None, raw, not_article=exc.reason)
    enrich(article, home_municipality=page.home_municipality, home_region=page.home_region)
    article.fingerprint = fingerprint(f"{article.title}\n{article.lead}\n{article.body}")
    article.etag = page.header("ETag")
    article.last_modified = page.header("Last-Modified")
    return Processed(article, raw)


def warm_up() -> None:
    """Load what every page needs once per process: the language profiles, the gazetteer and
    the vocabularies (the modules, Trafilatura's included, are imported by then)."""
    detect_language("Kommunstyrelsen beslutade i går att bygga en ny skola.")
    warm_up_enrichment()


PARENT_POLL_SECONDS = 0.5
"""How often a worker looks whether the process that started it is still there."""


def _worker_start(parent: int) -> None:
    """A worker's initializer: watch the parent, then ``warm_up``."""
    _watch_parent(parent)
    warm_up()


def _watch_parent(parent: int) -> None:
    """Exit this worker when process ``parent`` is gone.

    A pool's worker blocks on its task queue for ever once its parent is killed: it holds
    the queue's write end too, so it never sees an end of file. (``prctl(PR_SET_PDEATHSIG)``
    was not used: it fires when the *thread* that started the worker ends, and a pool starts
    workers from whichever thread submits.) A daemon thread compares ``os.getppid()`` with
    the parent's pid every ``PARENT_POLL_SECONDS``: an orphan is adopted by another process,
    so the two differ, and the worker leaves at once (``os._exit``: there is nobody left to
    hand a result to). The pool's resource tracker then sees the last of its pipe's writers
    close and exits too.
    """

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_POLL_SECONDS)
        os._exit(1)

    if os.getppid() != parent:  # gone before this worker got going
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _started() -> None:
    """A task that only makes the pool start a worker (each runs ``warm_up`` first)."""


def default_workers() -> int:
    """One worker per core (measured on 2 cores: 2 workers beat 1 by a quarter, as Scrapy's
    own process waits on the network much of the time); in-process on a single core."""
    cores = os.cpu_count() or 1
    return cores if cores > 1 else 0


class PageProcessor:
    """Runs process_page in ``workers`` processes, or in this process when ``workers`` is 0."""

    def __init__(self, workers: int) -> None:
        self._pool: Executor | None = None
        self._in_flight = 4 * workers
        if workers > 0:
            context = multiprocessing.get_context("spawn")
            self._pool = ProcessPoolExecutor(
                max_workers=workers,
                mp_context=context,
                initializer=_worker_start,
                initargs=(os.getpid(),),
            )
            # Start every worker now (a spawn pool starts one per task submitted while none
            # is idle): each takes a second or so to import Trafilatura and load its data,
            # which overlaps Scrapy's start, robots.txt and the sitemaps instead of holding
            # up the first pages.
            for _ in range(workers):
                self._pool.submit(_started)

    async def process(self, page: Page) -> Processed:
        if self._pool is None:
            return process_page(page)
        return await asyncio.get_running_loop().run_in_executor(self._pool, process_page, page)

    def imap(self, func: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``func`` (a module-level function, for the workers) over ``items``, results in
        order; a few tasks per worker in flight, so memory stays bounded however many."""
        if self._pool is None:
            yield from map(func, items)
            return
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(self._pool.submit(func, item))
            if len(pending) >= self._in_flight:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
