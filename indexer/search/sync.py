"""Keep a search index in step with the archive, by the archive's change counter (watermark).

The archive is the source of truth; an index is derived from it and can always be rebuilt.
Each sync pushes the changes past the index's watermark (new versions, returns, removals) in
batches, moving the watermark after each batch, so an interrupted sync resumes and a repeated
sync is a no-op.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from indexer.article import Article
from indexer.config import Config
from indexer.errors import BackendUnavailable
from indexer.search.backends import SearchBackend, backend_class, open_backend
from indexer.store.archive import Archive, Change

Progress = Callable[[int, int], None]  # (changes done, changes in all)

FRESH_BATCH_SIZE = 25_000
"""Changes per commit when building into an empty index (a rebuild, a first sync)."""
PROGRESS_EVERY = 500


@dataclass(frozen=True, slots=True)
class SyncResult:
    upserted: int
    deleted: int
    watermark: int
    documents: int  # in the index after the sync
    rebuilt: str | None = None  # why the index was built from scratch, if it was


def open_index(config: Config) -> SearchBackend:
    """The configured search backend (not yet opened: that happens on first use)."""
    options = backend_class(config.backend).options(config)
    return open_backend(config.backend, index_dir=config.index_dir, **options)


def watermark_key(config: Config) -> str:
    """Where in the archive the watermark of this config's index is kept."""
    return (
        f"index_watermark:{config.backend}:{backend_class(config.backend).index_location(config)}"
    )


def is_local(config: Config) -> bool:
    """A local index is ours to delete and rebuild when it cannot be opened; a server's
    index that cannot be reached is an error to report instead."""
    return backend_class(config.backend).is_local


def sync(
    archive: Archive,
    config: Config,
    *,
    rebuild: bool | str = False,
    batch_size: int = 500,
    progress: Progress | None = None,
) -> SyncResult:
    """Bring the configured index up to date with ``archive``.

    An index that is missing, empty while the watermark says otherwise, of another schema
    version or damaged is rebuilt from scratch; ``SyncResult.rebuilt`` says why. ``rebuild``
    asks for that whatever the index's state (a string: the reason, as the caller found it).
    A local index found damaged only while it is being written (the engine panicked on a
    file the open-time checks could not fault) is rebuilt too, once.

    Raises:
        BackendError: the index cannot be written (or, for a server, reached).
    """
    reason = rebuild if isinstance(rebuild, str) else "asked for (--rebuild)" if rebuild else None
    backend = open_index(config)
    try:
        try:
            return _sync_and_close(archive, config, backend, reason, batch_size, progress)
        except BackendUnavailable as exc:
            if not is_local(config) or reason is not None:
                raise
            return _sync_and_close(archive, config, backend, str(exc), batch_size, progress)
    finally:
        backend.close()


def _sync_and_close(
    archive: Archive,
    config: Config,
    backend: SearchBackend,
    reason: str | None,
    batch_size: int,
    progress: Progress | None,
) -> SyncResult:
    """The sync, and the backend's close, which finishes the write (merges, the completion
    table): damage met there is met during the sync too."""
    result = _sync(archive, config, backend, reason, batch_size, progress)
    backend.close()
    return result


def _sync(
    archive: Archive,
    config: Config,
    backend: SearchBackend,
    reason: str | None,
    batch_size: int,
    progress: Progress | None,
) -> SyncResult:
    key = watermark_key(config)
    watermark = int(archive.get_meta(key) or 0)
    try:
        if reason:
            backend.destroy()
        backend.configure()
    except BackendUnavailable as exc:
        if not is_local(config):
            raise
        reason = str(exc)
        backend.destroy()
        backend.configure()
    if reason is None and watermark and backend.stats().documents == 0:
        reason = f"the index at {config.index_dir} is missing or empty"
    if reason:
        watermark = 0
        archive.set_meta(key, "0")

    # Into an empty index every id is new and nothing needs removing: no per-document
    # replace, and far fewer commits (each one flushes small segments that must be merged).
    fresh = watermark == 0 and backend.stats().documents == 0
    size = max(batch_size, FRESH_BATCH_SIZE) if fresh else batch_size
    total = archive.count_changes_since(watermark)
    changes = archive.changes_since(watermark)
    done = upserted = deleted = 0
    seq = watermark
    while True:
        batch = _Batch(changes, size, progress, done, total)
        upserted += backend.upsert(batch.articles(), new=fresh)
        if not batch.finished():  # SearchBackend.upsert reads every article it is given
            raise RuntimeError(f"{type(backend).__name__}.upsert left articles unread")
        if not batch.count:
            break
        if batch.removals and not fresh:
            backend.delete(batch.removals)
            deleted += len(batch.removals)
        done += batch.count
        seq = batch.seq
        archive.set_meta(key, str(seq))
        if progress:
            progress(done, total)
    return SyncResult(upserted, deleted, seq, backend.stats().documents, reason)


class _Batch:
    """Up to ``size`` changes of the feed, streamed: the articles go to the backend as they
    are read (constant memory whatever the batch size), removals and the last seq are kept
    for after the backend's commit. ``count``, ``seq`` and ``removals`` are complete once
    :meth:`articles` has been read to its end, which ``SearchBackend.upsert`` promises to do
    before it returns; the sync checks that it did (:meth:`finished`)."""

    def __init__(
        self,
        changes: Iterator[Change],
        size: int,
        progress: Progress | None,
        done: int,
        total: int,
    ) -> None:
        self._changes = changes
        self._size = size
        self._progress = progress
        self._done = done
        self._total = total
        self.count = 0
        self.seq = 0
        self.removals: list[str] = []
        self._finished = False

    def finished(self) -> bool:
        """Whether :meth:`articles` was read to its end."""
        return self._finished

    def articles(self) -> Iterator[Article]:
        for change in itertools.islice(self._changes, self._size):
            self.count += 1
            self.seq = change.seq
            if change.article is None:
                self.removals.append(change.id)
            else:
                yield change.article
            if self._progress and self.count % PROGRESS_EVERY == 0:
                self._progress(self._done + self.count, self._total)
        self._finished = True
