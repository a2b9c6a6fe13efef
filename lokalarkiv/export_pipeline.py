"""How an export moves: the ids of every match in export order, read from the index's fast
fields; a forked helper process that shapes every other batch of a large CSV or JSON Lines
export; one thread that writes (and hashes) the file while the next batch is read; and the
memory settings that keep that fast. The formats themselves: :mod:`lokalarkiv.export_formats`.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import gc
import hashlib
import itertools
import multiprocessing
import os
import queue
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from indexer.config import Config
from indexer.errors import ArchiveError
from indexer.search.backends import SearchBackend
from indexer.search.query import Query
from indexer.store.archive import Archive
from lokalarkiv.export_formats import (
    LINE_FORMATS,
    CsvWriter,
    JsonlWriter,
    RowWriter,
    Submit,
    clean_row,
    csv_header,
    row_converter,
    run_now,
    stored_columns,
)
from lokalarkiv.export_lines import LineMaker
from lokalarkiv.export_parquet import (
    ROW_GROUP,
    ParquetWriter,
    StoredParquetWriter,
    parquet_columns,
    parquet_schema,
    stored_batch,
)

# Tuning. Module constants, read when used, so a test can lower them (a helper process and
# batches of two rows on a small archive: tests/integration/test_export_bytes.py).
BATCH = 800  # ids per read of the archive
HELPER_ROWS = 20_000  # a CSV or JSON Lines export this large gets a helper process
HELPER_QUEUE = 2  # batches the helper may have in hand
MMAP_BYTES = 1 << 40  # as much as SQLite maps (its build's limit, often 2 GB)
WRITEBACK_BYTES = 32 << 20  # written to a file between two starts of its writeback


def open_reader(config: Config) -> Archive:
    """A read-only connection to the archive for the rows, reading through a memory map."""
    return Archive(config.archive_path, readonly=True, mmap_bytes=MMAP_BYTES)


class Helper:
    """A second process that shapes every other batch of lines, for large CSV and JSON
    Lines exports: the work is bound by one core (reading SQLite and shaping bytes hold
    the GIL, so threads do not help), and a machine has two. It is forked, so it starts at
    once with everything imported; it opens its own connection to the archive and sends
    back each batch's bytes. :meth:`shaped` gives every batch's bytes in order. (Parquet
    gains nothing from it: its row groups' record batches are too costly to send back.)"""

    def __init__(self, config: Config, fmt: str, fields: list[str], delimiter: str) -> None:
        self._job = (str(config.archive_path), fmt, fields, delimiter)
        self._pool = ProcessPoolExecutor(
            1, mp_context=multiprocessing.get_context("fork"), initializer=_leave_interrupts
        )
        self._pool.submit(shape_batch, self._job, []).result()  # started, and working

    def shaped(
        self, batches: Iterable[list[str]], here: Callable[[list[str]], tuple[Any, int]]
    ) -> Iterator[tuple[Any, int]]:
        """``here(ids)`` for every batch, or the helper's bytes of it, in order.

        The helper gets a batch whenever fewer than ``HELPER_QUEUE`` of its own are still
        being shaped, this process the others: the share each takes follows how fast each
        is (this one also reads the ids from the index and hands the bytes to the writer),
        rather than one batch in two."""
        pending: collections.deque[Future[tuple[bytes, int]] | tuple[Any, int]]
        pending = collections.deque()
        for ids in batches:
            busy = sum(1 for p in pending if isinstance(p, Future) and not p.done())
            if busy < HELPER_QUEUE:
                pending.append(self._pool.submit(shape_batch, self._job, ids))
            else:
                pending.append(here(ids))
            while pending and (
                len(pending) > 2 * HELPER_QUEUE
                or not isinstance(pending[0], Future)
                or pending[0].done()
            ):
                head = pending.popleft()
                yield head.result() if isinstance(head, Future) else head
        while pending:
            head = pending.popleft()
            yield head.result() if isinstance(head, Future) else head

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def start_helper(job: Job, allowed: bool = True) -> Helper | None:
    """A helper for this export's lines if it is large enough to gain (``HELPER_ROWS``), is
    allowed one, and runs where forking is safe (Linux)."""
    if not allowed or job.total < HELPER_ROWS or not sys.platform.startswith("linux"):
        return None
    return Helper(job.config, job.fmt, job.fields, job.delimiter)


def _leave_interrupts() -> None:
    """In the helper: Ctrl-C is the exporting process's to handle (it stops the helper)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_SHAPER: dict[tuple[str, str, tuple[str, ...], str], tuple[Archive, LineMaker]] = {}


def shape_batch(job: tuple[str, str, list[str], str], ids: list[str]) -> tuple[bytes, int]:
    """In the helper process: the lines of these ids (and how many), with a connection
    and a LineMaker of its own, made on the first call."""
    path, fmt, fields, delimiter = job
    key = (path, fmt, tuple(fields), delimiter)
    if key not in _SHAPER:
        reader = Archive(Path(path), readonly=True, mmap_bytes=MMAP_BYTES)
        _SHAPER[key] = (reader, LineMaker(fmt, fields, delimiter))
    reader, lines = _SHAPER[key]
    found = reader.current_rows(ids, lines.columns)
    return lines.lines(ids, found), len(found)


def regrouped(batches: Iterable[list[str]], size: int) -> Iterator[list[str]]:
    """The same ids in order, in lists of ``size`` (the last one shorter)."""
    held: list[str] = []
    for ids in batches:
        held.extend(ids)
        while len(held) >= size:
            yield held[:size]
            held = held[size:]
    if held:
        yield held


def _regular_file(fh: IO[bytes]) -> int | None:
    """The descriptor of ``fh`` if it is a regular file and the system can start its
    writeback (Linux's ``posix_fadvise``), else None (a pipe, a device, a stream)."""
    if not hasattr(os, "posix_fadvise"):
        return None
    try:
        fd = fh.fileno()
        return fd if stat.S_ISREG(os.fstat(fd).st_mode) else None
    except (OSError, AttributeError, ValueError):  # io.UnsupportedOperation is both
        return None


def fewer_page_faults() -> None:
    """Keep large allocations on the heap. glibc gives each allocation over 128 kB (a
    batch's bytes are megabytes) its own memory map and unmaps it when freed, so every
    batch is page-faulted in afresh: about a second of system time per 100k rows, a
    quarter of a CSV export. A few tens of MB of freed heap are kept instead."""
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 32 << 20)
        libc.mallopt(_M_TRIM_THRESHOLD, 64 << 20)
    except (OSError, AttributeError):  # not glibc
        return


_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters


class _Collector:
    """How many exports run with the cycle collector paused, and whether it ran before."""

    lock = threading.Lock()
    pauses = 0
    was_on = True


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while an export runs. The rows are millions of
    tuples (and people's dicts) that live for a batch: every few hundred of them start a
    pass of the collector, and the older ones it keeps finding make it sweep everything
    alive again and again: some 4 % of a Parquet export's CPU, all of it in the thread
    that reads the rows, which the export waits for. Nothing an export makes
    holds a cycle, so nothing waits to be freed meanwhile; the collector runs again when
    the last export running ends (the web app may run several), unless it was off before."""
    with _Collector.lock:
        if _Collector.pauses == 0:
            _Collector.was_on = gc.isenabled()
            gc.disable()
        _Collector.pauses += 1
    try:
        yield
    finally:
        with _Collector.lock:
            _Collector.pauses -= 1
            if _Collector.pauses == 0 and _Collector.was_on:
                gc.enable()


class Background:
    """One thread that runs the calls given to :meth:`submit`, in order, while this one
    goes on: writing the file and hashing it, and Parquet's encoding and compression, all
    of which release the GIL. At most ``depth`` calls wait; the first failure is raised
    here, by the next ``submit`` or on leaving the ``with`` block, and the calls after it
    are skipped."""

    def __init__(self, depth: int = 2) -> None:
        self._calls: queue.Queue[tuple[Callable[..., Any], tuple[Any, ...]] | None] = queue.Queue(
            maxsize=depth
        )
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="export-writer", daemon=True)
        self._thread.start()

    def submit(self, call: Callable[..., Any], *args: Any) -> None:
        if self._error is not None:
            raise self._error
        self._calls.put((call, args))

    def _run(self) -> None:
        while (item := self._calls.get()) is not None:
            if self._error is None:
                try:
                    item[0](*item[1])
                except BaseException as exc:  # raised in the exporting thread
                    self._error = exc

    def __enter__(self) -> Background:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._calls.put(None)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error


def ordered_ids(backend: SearchBackend, query: Query) -> Iterator[list[str]]:
    """The ids of every match in export order, in batches of about ``BATCH``: newest
    first, and articles published at the same instant by id. Dates and ids come from the
    index's fast fields where the backend has them (no stored document read), else from
    its hits."""
    keys: Iterable[tuple[object, str]]
    iter_keys = getattr(backend, "iter_match_keys", None)
    if iter_keys is not None:
        keys = iter_keys(query)
    else:
        keys = ((hit.published, hit.id) for hit in backend.iter_matches(query))
    batch: list[str] = []
    group: list[str] = []
    published: object = None
    for when, aid in keys:
        if group and when != published:
            group.sort()
            batch.extend(group)
            group = []
            if len(batch) >= BATCH:
                yield batch
                batch = []
        published = when
        group.append(aid)
    group.sort()
    batch.extend(group)
    if batch:
        yield batch


class HashingFile:
    """A binary stream that hashes (SHA-256) what goes through it, for the manifest (the
    file is not read again after it is written), and counts it: it tells how much was
    written, so any writable stream will do, a pipe too. ``sha256=False``: counts only.

    On a regular file it also hands what it wrote to the kernel's writeback every
    ``WRITEBACK_BYTES`` (:meth:`_write_back`): the export ends with an fsync, and
    without this the disk idles while the file is made (the kernel starts writing back
    only at a tenth of memory dirty, or after 30 s) and the fsync then waits for all of it.
    """

    def __init__(self, fh: IO[bytes], sha256: bool = True) -> None:
        self._fh = fh
        self._hash = hashlib.sha256() if sha256 else None
        self._written = 0
        self._fd = _regular_file(fh)
        self._handed = (0, 0)  # the last two points up to which writeback was started
        self._cut = False

    def cut_off(self) -> None:
        """Take nothing more, after a failed export: pyarrow's writer, freed later, flushes
        what it still holds, and that must go nowhere (by then the file is closed, and the
        error would be printed)."""
        self._cut = True

    def write(self, data: bytes) -> int:
        if self._cut:
            return len(data)
        if self._hash is not None:
            self._hash.update(data)
        self._written += len(data)
        written = self._fh.write(data)
        if self._fd is not None and self._written - self._handed[1] >= WRITEBACK_BYTES:
            self._write_back(self._fd)
        return written

    def _write_back(self, fd: int) -> None:
        """Start writing back the bytes since the last call, without waiting for them
        (``POSIX_FADV_DONTNEED`` on dirty pages starts their writeback on Linux), and let
        the page cache drop the bytes of the call before, written back by now: an export of
        gigabytes does not push the archive out of memory."""
        self._fh.flush()
        start = self._handed[0]
        try:
            os.posix_fadvise(fd, start, self._written - start, os.POSIX_FADV_DONTNEED)
        except OSError:  # the file system will not: the fsync at the end does it all
            self._fd = None
        self._handed = (self._handed[1], self._written)

    def flush(self) -> None:
        if not self._cut:
            self._fh.flush()

    def tell(self) -> int:
        return self._written

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    @property
    def closed(self) -> bool:
        return self._fh.closed

    def close(self) -> None:
        """The caller closes the stream it gave (Parquet's writer would close it)."""

    def hexdigest(self) -> str | None:
        """The SHA-256 of what was written, None if not hashed."""
        return None if self._hash is None else self._hash.hexdigest()


# ---------------------------------------------------------------------- the rows written


@dataclass(frozen=True)
class Job:
    """What one export reads and how it writes it: the index and the query that give the
    ids, a read-only connection for the rows, the format's settings (``delimiter``: the
    character; ``clean``: the archive holds only text cleaned on its way in) and the
    number of matches."""

    config: Config
    backend: SearchBackend
    reader: Archive
    query: Query
    fmt: str
    fields: list[str]
    delimiter: str
    bom: bool
    clean: bool
    total: int


Counted = Callable[[int], None]  # told how many rows each batch wrote


def write_rows(job: Job, out: IO[bytes], counted: Counted, helper: bool = True) -> None:
    """Write every match to ``out``, the rows straight from the archive, without an Article:
    from a clean archive, CSV and JSON Lines are shaped by SQLite as it reads them
    (:class:`LineMaker`, in a helper process too for a large export) and Parquet goes
    column-wise into Arrow; otherwise each stored row becomes the values
    ``Article.to_dict()`` would give (``row_converter``), for the writers. Writing (and
    hashing, and Parquet's encoding) runs in a thread of its own meanwhile."""
    fewer_page_faults()
    with collector_paused():
        if job.clean and job.fmt in LINE_FORMATS:
            _write_lines(job, out, counted, helper)
        elif job.clean and job.fmt == "parquet":
            _write_stored_parquet(job, out, counted)
        else:
            _write_values(job, out, counted)


def _write_lines(job: Job, out: IO[bytes], counted: Counted, helper: bool) -> None:
    lines = LineMaker(job.fmt, job.fields, job.delimiter)

    def shape_here(ids: list[str]) -> tuple[bytes, int]:
        found = job.reader.current_rows(ids, lines.columns)
        return lines.lines(ids, found), len(found)

    shaper = start_helper(job, helper)
    try:
        with Background() as background:
            if job.fmt == "csv":
                background.submit(out.write, csv_header(job.fields, job.delimiter, job.bom))
            batches = ordered_ids(job.backend, job.query)
            shaped = shaper.shaped(batches, shape_here) if shaper else map(shape_here, batches)
            for data, done in shaped:
                background.submit(out.write, data)
                counted(done)
            background.submit(out.flush)
    finally:
        if shaper is not None:
            shaper.close()


def _write_stored_parquet(job: Job, out: IO[bytes], counted: Counted) -> None:
    groups = _stored_groups(job)
    first = next(groups, [])  # read while pyarrow is still being imported (load_arrow_early)
    import pyarrow as pa

    try:
        with Background() as background:
            stored = StoredParquetWriter(out, job.fields, submit=background.submit)
            schema = parquet_schema(job.fields)
            for held in itertools.chain([first] if first else [], groups):
                stored.write_batch(stored_batch(job.fields, schema, held))
                counted(len(held))
            stored.close()
    except pa.ArrowInvalid as exc:  # text that is not UTF-8: put there by another program
        raise ArchiveError(
            f"the archive {job.config.archive_path} holds a value Parquet cannot take: {exc}",
            hint="The archive may be damaged: restore it from a backup, or export it as CSV"
            " or JSON Lines, which keep its bytes as they are.",
        ) from exc


def _stored_groups(job: Job) -> Iterator[list[tuple[Any, ...]]]:
    """The stored rows (of :func:`parquet_columns`) of each row group, in export order;
    ids the archive lacks are left out."""
    columns = parquet_columns(job.fields)
    for ids in regrouped(ordered_ids(job.backend, job.query), ROW_GROUP):
        found = job.reader.current_rows(ids, columns)
        yield [row for row in map(found.get, ids) if row is not None]


def _write_values(job: Job, out: IO[bytes], counted: Counted) -> None:
    # Text is cleaned on its way into the archive; one made by an older Lokalarkiv may hold
    # control characters, dropped here (clean_row) from the values to_dict would give.
    with Background() as background:
        writer = open_writer(job, out, submit=background.submit)
        columns, convert = stored_columns(job.fields), row_converter(job.fields)
        for ids in ordered_ids(job.backend, job.query):
            found = job.reader.current_rows(ids, columns)
            batch = [convert(found[i]) for i in ids if i in found]
            if not job.clean:
                batch = [clean_row(row) for row in batch]
            writer.write_rows(batch)
            counted(len(batch))
        writer.close()


def open_writer(job: Job, out: IO[bytes], submit: Submit = run_now) -> RowWriter:
    """The writer of the job's format on the binary stream ``out`` that takes the values
    :func:`row_converter` gives; its writes to ``out`` (and Parquet's encoding) go through
    ``submit``."""
    if job.fmt == "csv":
        return CsvWriter(out, job.fields, job.delimiter, job.bom, submit=submit)
    if job.fmt == "jsonl":
        return JsonlWriter(out, job.fields, submit=submit)
    return ParquetWriter(out, job.fields, submit=submit)
