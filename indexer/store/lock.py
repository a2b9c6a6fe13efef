"""One crawl at a time per archive: an exclusive lock on DATA/crawl.lock.

The lock is an ``flock`` on the file, which the kernel drops when its process dies, however
it dies (SIGKILL included). So a lock file left by a dead process is simply taken over; the
file's content (pid, host, start time) only serves to name the holder in messages.
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from indexer.errors import ArchiveError, LockedError

LOCK_FILE = "crawl.lock"


class CrawlLock:
    """Context manager holding the archive's crawl lock.

    Raises:
        LockedError: another live process holds it.
    """

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_FILE
        self.previous: dict[str, Any] | None = None  # the holder recorded in the file, if any
        self._fh: IO[str] | None = None

    def acquire(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fh = self.path.open("a+", encoding="utf-8")
        except OSError as exc:
            raise ArchiveError(f"cannot create the lock file {self.path}: {exc}") from exc
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fh)
            fh.close()
            who = f"process {holder.get('pid', '?')} on {holder.get('host', '?')}"
            since = holder.get("started", "?")
            raise LockedError(
                f"another crawl of this archive is running ({who}, since {since})",
                hint="Wait for it to finish; a lock left by a dead process is taken over.",
            ) from None
        self.previous = _read(fh) or None  # a stale holder's record, now taken over
        fh.seek(0)
        fh.truncate()
        record = {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        fh.write(json.dumps(record) + "\n")
        fh.flush()
        self._fh = fh

    def release(self) -> None:
        if self._fh is not None:
            self._fh.seek(0)
            self._fh.truncate()
            fcntl.flock(self._fh.fileno(), fcntl.LOCK_UN)
            self._fh.close()
            self._fh = None

    def __enter__(self) -> CrawlLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def crawl_alive(data_dir: Path) -> bool:
    """Whether a crawl of the archive in ``data_dir`` may be running now, without touching
    the lock (a reader such as `arkiv runs` must not hold up a crawl that starts meanwhile).

    From the holder the lock file records: none (the file is emptied on release) means no
    crawl; a pid on this host that no longer exists means its crawl died (killed: the kernel
    dropped its lock, the record stayed). A pid that exists, or another host's, counts as
    running (a pid reused since can only make a dead crawl look alive, never the reverse).
    """
    try:
        with (data_dir / LOCK_FILE).open(encoding="utf-8") as fh:
            holder = _read(fh)
    except OSError:
        return False
    pid = holder.get("pid")
    if not isinstance(pid, int):
        return False
    if holder.get("host") != socket.gethostname():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _read(fh: IO[str]) -> dict[str, Any]:
    fh.seek(0)
    try:
        data = json.loads(fh.read() or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}
