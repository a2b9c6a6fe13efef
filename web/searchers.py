"""Search indexes kept open between requests.

Opening the Tantivy index (its files, its table of words for typo matching, its thread
pool) costs several times what a search on it does, so the app keeps a few open backends and
lends each to one request at a time (a backend is not shared between threads). When the
index changes on disk (a crawl's sync, a rebuild) the open ones are closed and fresh ones
opened, so a search never sees an older index than a new `arkiv search` would.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from pathlib import Path

from indexer.config import Config
from indexer.search.backends import SearchBackend
from lokalarkiv.storage import search_index

KEEP_OPEN = 4
# Files a sync or rebuild rewrites: Tantivy's own description and ours.
_STAMP_FILES = ("meta.json", "lokalarkiv-index.json")


class Searchers:
    """A small pool of open search backends for one configuration."""

    def __init__(self, config: Config, keep: int = KEEP_OPEN) -> None:
        self.config = config
        self._keep = keep
        self._lock = threading.Lock()
        self._idle: list[tuple[SearchBackend, contextlib.ExitStack]] = []
        self._stamp = self._index_stamp()

    @contextlib.contextmanager
    def backend(self) -> Iterator[SearchBackend]:
        """An open backend for this request only, returned to the pool afterwards (closed
        instead when the index has changed meanwhile or the pool is full)."""
        entry = self._take()
        stamp = self._stamp
        try:
            yield entry[0]
        except BaseException:
            entry[1].close()  # a backend that failed is not lent again
            raise
        with self._lock:
            if stamp == self._stamp and len(self._idle) < self._keep:
                self._idle.append(entry)
                return
        entry[1].close()

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for _, stack in idle:
            stack.close()

    def _take(self) -> tuple[SearchBackend, contextlib.ExitStack]:
        stamp = self._index_stamp()
        stale: list[tuple[SearchBackend, contextlib.ExitStack]] = []
        with self._lock:
            if stamp != self._stamp:
                stale, self._idle, self._stamp = self._idle, [], stamp
            entry = self._idle.pop() if self._idle else None
        for _, stack in stale:
            stack.close()
        if entry is not None:
            return entry
        stack = contextlib.ExitStack()
        backend = stack.enter_context(search_index(self.config))
        return backend, stack

    def _index_stamp(self) -> tuple[tuple[int, int], ...]:
        folder: Path = self.config.index_dir
        stamps = []
        for name in _STAMP_FILES:
            try:
                info = (folder / name).stat()
                stamps.append((info.st_mtime_ns, info.st_size))
            except OSError:
                stamps.append((0, 0))
        return tuple(stamps)
