"""The data folder as the commands use it: the archive opened for reading or for writing,
whether the folder can be written, and a search index that can be searched even where it
cannot be written.

Reading commands (search, show, people, export, stats, runs, backup) open the archive
read-only (SQLite ``mode=ro``: no file created, no schema migrated, nothing written), so they
work on a backup, a read-only share or a ``chmod -R a-w`` copy. Writing commands (crawl,
index, reextract) check first that the data folder can be written and refuse in one line if
not. The Tantivy index in a folder that cannot be written is searched through a read-only
view (:func:`search_index`). An index that is missing or damaged cannot be rebuilt there:
search and export say so in one line (nothing here searches the archive without its index).

Nothing here imports Scrapy or Trafilatura: `arkiv search` must start fast.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from indexer.config import Config
from indexer.errors import ArchiveError, BackendUnavailable
from indexer.search.backends import SearchBackend
from indexer.store.archive import Archive

_NO_ARCHIVE_HINT = "Run `arkiv crawl` first, or point --data (ARKIV_DATA) at an existing archive."
_READ_ONLY_HINT = (
    "Point --data (ARKIV_DATA) at a writable folder (a copy of this one will do); the reading"
    " commands (search, show, people, export, stats, runs) work on a read-only one."
)


def is_writable(path: Path) -> bool:
    """Whether this process could create or change ``path`` (for a path that does not exist
    yet: its nearest existing folder). ``os.access`` answers for the real user and knows a
    read-only mount (EROFS) even for root, who may otherwise write anywhere."""
    probe = path
    while not probe.exists():
        if probe.parent == probe:
            return False
        probe = probe.parent
    return os.access(probe, os.W_OK)


def data_writable(config: Config) -> bool:
    """Whether the data folder and the archive in it can be written (SQLite also needs to
    create its ``-wal`` and ``-shm`` files beside the archive)."""
    archive = config.archive_path
    if archive.exists() and not os.access(archive, os.W_OK):
        return False
    return is_writable(config.data_dir)


def require_writable(config: Config, command: str) -> None:
    """Refuse a writing command on a data folder it cannot write, in one line."""
    if not data_writable(config):
        raise ArchiveError(
            f"the data folder {config.data_dir} is read-only; `arkiv {command}` writes there",
            hint=_READ_ONLY_HINT,
        )


def open_archive(config: Config, *, write: bool = False) -> Archive:
    """The archive, which must exist already (only a crawl creates one): read-only unless
    ``write`` (the caller has checked with :func:`require_writable`)."""
    if not config.archive_path.exists():
        raise ArchiveError(f"no archive at {config.archive_path}", hint=_NO_ARCHIVE_HINT)
    return Archive(config.archive_path, readonly=not write)


def cannot_rebuild(config: Config, exc: BackendUnavailable) -> BackendUnavailable:
    """The error for an index that cannot be used (``exc``) in a data folder that cannot be
    written, so it cannot be rebuilt either."""
    return BackendUnavailable(
        f"{exc}; the data folder {config.data_dir} is read-only, so the index cannot be"
        " rebuilt there",
        hint="Run `arkiv index --rebuild` where the folder is writable, or copy the data"
        " folder to a writable place and search there.",
    )


@contextlib.contextmanager
def search_index(config: Config) -> Iterator[SearchBackend]:
    """The configured search backend for searching, closed afterwards.

    Tantivy takes a lock file (``.tantivy-meta.lock``) in the index folder even to read, so
    an index in a folder this process cannot write is opened through a view: a temporary
    folder of symbolic links to the index's files, where that lock file can be made. The
    index's own files are only read."""
    from indexer.search.backends import open_backend
    from indexer.search.sync import is_local, open_index

    view = None
    folder = config.index_dir
    if is_local(config) and folder.is_dir() and not is_writable(folder):
        view = _readonly_view(folder)
        backend = open_backend(config.backend, index_dir=view)
    else:
        backend = open_index(config)
    try:
        yield backend
    finally:
        try:
            backend.close()
        finally:
            if view is not None:
                shutil.rmtree(view, ignore_errors=True)


def _readonly_view(folder: Path) -> Path:
    try:
        view = Path(tempfile.mkdtemp(prefix="arkiv-index-view-"))
    except OSError as exc:
        raise BackendUnavailable(
            f"the index at {folder} is read-only and no temporary folder could be made to"
            f" read it through: {exc}",
            hint="Set TMPDIR to a writable folder.",
        ) from exc
    try:
        for entry in folder.iterdir():
            if not entry.name.endswith(".lock"):  # Tantivy's lock files are made anew
                (view / entry.name).symlink_to(entry.absolute())
    except OSError as exc:
        shutil.rmtree(view, ignore_errors=True)
        raise BackendUnavailable(f"cannot read the index at {folder}: {exc}") from exc
    return view
