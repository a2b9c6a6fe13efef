"""The open archive: its SQLite connection (writable, or read-only where nothing may be
written), write transactions, the ``meta`` values, and the change counter (``articles.seq``)
that every part of the archive advances.

:class:`ArchiveConnection` is the base every part of :class:`indexer.store.archive.Archive`
builds on: the parts use only what it offers, never each other.
"""

from __future__ import annotations

import sqlite3
import urllib.parse
from pathlib import Path
from typing import Self

from indexer.errors import ArchiveError
from indexer.store.schema import CLEAN_TEXT_KEY, check_schema, migrate, read_meta

READ_HINT = (
    "Check that --data (ARKIV_DATA) is a Lokalarkiv data folder and archive.sqlite3 in it is"
    " readable."
)
DAMAGED_HINT = (
    "The archive may be damaged, or changed by another program: `sqlite3 archive.sqlite3"
    " 'PRAGMA integrity_check'` in the data folder checks it. Restore it from a backup"
    " (`arkiv backup` makes one)."
)


class ArchiveConnection:
    """An open archive file. Use as a context manager, or call :meth:`close`.

    ``readonly=True`` opens an existing archive for reading only (SQLite ``mode=ro``): no
    file is created, no schema is migrated, nothing is written, so it works on a read-only
    folder or mount (a backup, a read-only share) and never waits for a crawl's write lock.
    Any write raises :class:`ArchiveError`. See :func:`connect_readonly` for the one case
    that needs ``immutable=1``. ``mmap_bytes`` (read-only only) has SQLite read up to that
    much of the file through a memory map (``PRAGMA mmap_size``): a long read such as an
    export then copies no pages (random reads of a 100k-article archive: ~40 % faster).
    """

    def __init__(self, path: Path, *, readonly: bool = False, mmap_bytes: int = 0) -> None:
        self.path = path
        self.readonly = readonly
        if readonly:
            self._db = connect_readonly(path)
            try:
                self._db.row_factory = sqlite3.Row
                if mmap_bytes:  # pages read from a memory map, not copied by read(2)
                    self._db.execute(f"PRAGMA mmap_size = {int(mmap_bytes)}")
                check_schema(self._db, self.path, self.readonly)
            except (sqlite3.Error, ArchiveError) as exc:
                self._db.close()
                if isinstance(exc, ArchiveError):
                    raise
                raise ArchiveError(
                    f"cannot read archive {path}: {exc}", hint=sqlite_hint(exc)
                ) from exc
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(path, isolation_level=None, timeout=30)
        except (OSError, sqlite3.Error) as exc:
            raise ArchiveError(f"cannot open archive {path}: {exc}", hint=sqlite_hint(exc)) from exc
        try:
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            check_schema(self._db, self.path, self.readonly)
            with self._transaction():
                migrate(self._db)
        except (OSError, sqlite3.Error, ArchiveError) as exc:
            self._db.close()
            if isinstance(exc, ArchiveError):
                raise
            raise ArchiveError(f"cannot open archive {path}: {exc}", hint=sqlite_hint(exc)) from exc

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def get_meta(self, key: str) -> str | None:
        return read_meta(self._db, key)

    def set_meta(self, key: str, value: str) -> None:
        with self._transaction():
            self._db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?)"
                " ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )

    def last_seq(self) -> int:
        return int(self._db.execute("SELECT COALESCE(MAX(seq), 0) FROM articles").fetchone()[0])

    def holds_only_clean_text(self) -> bool:
        """Whether every text in the archive went through :func:`clean_article` (an archive
        created by a Lokalarkiv that cleans text on the way in); an older one may hold
        control characters, which the CLI then drops from what it prints."""
        return self.get_meta(CLEAN_TEXT_KEY) == "1"

    def backup_to(self, target: Path) -> int:
        """A consistent copy of the archive database at ``target`` (SQLite's online backup:
        safe while a crawl writes). Returns the number of pages copied."""
        tmp = target.with_name(target.name + ".part")
        try:
            tmp.unlink(missing_ok=True)
            with sqlite3.connect(tmp) as copy:
                self._db.backup(copy, pages=1024)
                pages = int(copy.execute("PRAGMA page_count").fetchone()[0])
            copy.close()
            tmp.replace(target)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise ArchiveError(f"cannot back up to {target}: {exc}") from exc
        return pages

    def _transaction(self) -> Transaction:
        if self.readonly:
            raise ArchiveError(
                f"archive {self.path} is open read-only",
                hint="Run a command that writes (crawl, index, reextract) on a writable folder.",
            )
        return Transaction(self._db)

    def _next_seq(self) -> int:
        return self.last_seq() + 1


def connect_readonly(path: Path) -> sqlite3.Connection:
    """A read-only connection (``mode=ro``) to the archive at ``path``, which must exist.

    SQLite reads a WAL-mode database through its ``-shm`` index, which it creates when it is
    missing, and cannot create in a read-only folder: that is the one case for
    ``immutable=1`` (no locking, no ``-shm``). It is only safe when everything committed is in
    the database file itself, i.e. when there is no ``-wal`` file, or an empty one (a cleanly
    closed archive, or a backup); then it is also what the file holds. With a non-empty
    ``-wal`` left beside it (a crawl killed, the folder copied mid-crawl) SQLite needs that
    ``-shm`` to read the newest state, and ignoring the ``-wal`` could show a half-copied
    checkpoint: that is refused with a hint.
    """
    if not path.is_file():
        raise ArchiveError(
            f"no archive at {path}",
            hint="Run `arkiv crawl` first, or point --data (ARKIV_DATA) at an existing archive.",
        )
    uri = "file:" + urllib.parse.quote(str(path.absolute())) + "?mode=ro"
    db = None
    try:
        db = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=30)
        db.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()  # opens the file for real
        return db
    except sqlite3.Error as exc:
        if db is not None:
            db.close()
        if getattr(exc, "sqlite_errorname", "") != "SQLITE_CANTOPEN":
            raise ArchiveError(
                f"cannot read archive {path}: {exc}", hint=sqlite_hint(exc, READ_HINT)
            ) from exc
        wal = path.with_name(path.name + "-wal")
        try:
            pending = wal.stat().st_size > 0
        except FileNotFoundError:
            pending = False
        except OSError as stat_error:
            raise ArchiveError(f"cannot read archive {path}: {stat_error}") from stat_error
        if pending:
            raise ArchiveError(
                f"cannot read archive {path}: its folder is read-only and {wal.name} holds"
                " changes that SQLite can only read where it may create "
                f"{path.name}-shm",
                hint="Open the archive once where its folder is writable (any arkiv command),"
                " or copy the whole folder to a writable place.",
            ) from exc
    return _connect_immutable(uri, path)


def _connect_immutable(uri: str, path: Path) -> sqlite3.Connection:
    """The ``immutable=1`` connection of :func:`connect_readonly`, once it found it safe."""
    try:
        immutable = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None)
    except sqlite3.Error as exc:
        raise ArchiveError(f"cannot read archive {path}: {exc}") from exc
    try:
        immutable.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.Error as exc:
        immutable.close()
        raise ArchiveError(
            f"cannot read archive {path}: {exc}", hint=sqlite_hint(exc, READ_HINT)
        ) from exc
    return immutable


class Transaction:
    """BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any exception (sqlite3 errors -> ArchiveError)."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db

    def __enter__(self) -> None:
        self._db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 _tb: object) -> None:  # fmt: skip
        if exc_type is None:
            self._db.execute("COMMIT")
            return
        self._db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.Error):
            raise ArchiveError(f"archive write failed: {exc}", hint=sqlite_hint(exc)) from exc


def sqlite_hint(exc: BaseException, otherwise: str | None = None) -> str | None:
    """The hint for an SQLite error: what to do about a damaged file (SQLite finds it
    malformed, or not a database at all; or Python's driver finds stored text that is not
    UTF-8, an error of its own with no SQLite code), else ``otherwise`` (None:
    ArchiveError's own)."""
    name = str(getattr(exc, "sqlite_errorname", None) or "")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return DAMAGED_HINT
    if not name and str(exc).startswith("Could not decode to UTF-8"):
        return DAMAGED_HINT
    return otherwise
