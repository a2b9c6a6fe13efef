"""`arkiv export`: every match of a search, as CSV, JSON Lines or Parquet, with a manifest.

Rows come in a stable order (newest first, then id), so two exports of the same archive are
byte-identical; a file is written under a temporary name and renamed when complete. A
target that is not a regular file is never replaced: a character device or a FIFO is written
to directly (without a manifest: there is no "beside" to put it), anything else is refused.
"""

from __future__ import annotations

import collections
import contextlib
import ctypes
import hashlib
import json
import multiprocessing
import os
import queue
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import click

from indexer.config import Config
from indexer.errors import BackendUnavailable
from indexer.search.backends import SearchBackend
from indexer.search.query import Query
from indexer.store.archive import Archive
from lokalarkiv.params import Filters, build_query, check_sources
from lokalarkiv.storage import cannot_rebuild, data_writable, open_archive, search_index
from search_cli.export_formats import (
    BINARY_FORMATS,
    FIELDS,
    FORMATS,
    LINE_FORMATS,
    ROW_GROUP,
    LineMaker,
    StoredParquetWriter,
    csv_header,
    open_writer,
    parquet_schema,
    row_converter,
    stored_batch,
    stored_columns,
)
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine, scrub
from search_cli.search_commands import run_sync
from search_cli.search_filters import QueryCommand, filter_options, query_words

# BATCH_IDS and HELPER_ROWS are public so that a test can make the helper-process path run
# on a small archive (tests/integration/test_export_bytes.py).
BATCH_IDS = 800  # ids per read of the archive
_MMAP_BYTES = 1 << 40  # as much as SQLite maps (its build's limit, often 2 GB)
HELPER_ROWS = 20_000  # a CSV or JSON Lines export this large gets a helper process


@click.command(cls=QueryCommand)
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="[TEXT]...")
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format.")
@click.option(
    "-o",
    "--output",
    help="File to write, or - for standard output (csv and jsonl only); a character device"
    " or FIFO is written to as it is.",
)
@click.option("--fields", help="Comma-separated fields to export (default: every field).")
@click.option("--with-body/--no-body", "with_body", default=None, help="Include the article text.")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    help="CSV delimiter (default ','; ';' for Excel with Swedish settings).",
)
@click.option("--bom", is_flag=True, default=None, help="Start the CSV with a UTF-8 BOM (Excel).")
@click.option("--force", is_flag=True, help="Replace an existing output file.")
@click.option(
    "--from-manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Re-run the export a manifest describes (its query, filters, format, fields).",
)
@data_option
@backend_option
def export(
    words: tuple[str, ...],
    fmt: str | None,
    output: str | None,
    fields: str | None,
    with_body: bool | None,
    delimiter: str | None,
    bom: bool | None,
    force: bool,
    manifest_path: Path | None,
    data_dir: Path | None,
    config_file: Path | None,
    backend: str | None,
    **filters: Any,
) -> None:
    """Export every article matching a search, with a manifest of how it was made.

    TEXT is a search as for `arkiv search` (a word may start with -); empty: every article
    the filters allow. Next to the file goes FILE.manifest.json: the query, filters, format,
    fields, the archive's and the index's state, the row count, the time and the file's
    SHA-256. A file is written under a temporary name and renamed when complete; a
    character device or FIFO (-o /dev/null) is written to directly, without a manifest.

    \b
    Examples:
      arkiv export kommunchef --kind personnel --format parquet -o out.parquet
      arkiv export "" --kommun Vimmerby --format csv --delimiter ";" --bom -o vimmerby.csv
      arkiv export --from-manifest out.parquet.manifest.json --force
    """
    config = make_config(config_file, data_dir=data_dir, backend=backend)
    filters["sources"] = check_sources(config, filters["sources"])
    given = {
        "text": query_words(words),
        "filters": Filters.from_mapping(filters).as_dict(),
        "format": fmt,
        "fields": fields,
        "with_body": with_body,
        "delimiter": delimiter,
        "bom": bom,
    }
    spec = _spec(given, manifest_path, output)
    target = spec["output"]
    if target == "-" and spec["format"] in BINARY_FORMATS:
        raise click.UsageError(
            f"{spec['format']} cannot be written to standard output; give -o FILE"
        )
    path = None if target == "-" else Path(target)
    stream = False  # a character device or FIFO, written to directly
    if path is not None:
        path, stream = check_target(path, force)
    query = build_query(spec["text"], spec["filters"], sort="newest", facets=())
    started = datetime.now(UTC)
    writable = data_writable(config)
    with open_archive(config, write=writable) as archive:
        if writable:
            run_sync(config, archive)
        rows, index_docs, digest = _write(config, archive, query, spec, path, stream)
        state = {"totals": archive.totals(), "last_run": _last_run(archive)}
        if not writable:
            _warn_if_index_behind(config, archive, index_docs)
    if path is None:
        return
    if stream:
        click.echo(
            f"exported {rows} articles to {path} ({spec['format']}); no manifest:"
            f" {path} is not a regular file",
            err=True,
        )
        return
    manifest = {
        "tool": {"name": "lokalarkiv", "version": version("lokalarkiv")},
        "query": spec["text"],
        "filters": spec["filters"],
        "format": spec["format"],
        "fields": spec["field_list"],
        "with_body": spec["with_body"],
        "delimiter": spec["delimiter"],
        "bom": spec["bom"],
        "order": "published (newest first), then id",
        "backend": config.backend,
        "archive": {"path": str(config.archive_path), **state},
        "index": {"documents": index_docs, "updated_before_export": writable},
        "rows": rows,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": {"name": path.name, "bytes": path.stat().st_size, "sha256": digest},
    }
    manifest_file = path.with_name(path.name + ".manifest.json")
    _atomic_write(manifest_file, lambda fh: fh.write(_json_bytes(manifest)))
    size = path.stat().st_size / 1e6
    if rows:
        click.echo(
            f"exported {rows} articles to {path} ({spec['format']}, {size:.1f} MB)", err=True
        )
    else:
        click.echo(f"no article matched; wrote an empty {spec['format']} file to {path}", err=True)
    click.echo(f"manifest: {manifest_file}", err=True)


def _spec(given: dict[str, Any], manifest_path: Path | None, output: str | None) -> dict[str, Any]:
    """The export's parameters: from the command line, or from a manifest (flags win)."""
    spec = dict(given)
    if manifest_path is not None:
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            old = {
                "text": manifest["query"],
                "filters": manifest["filters"],
                "format": manifest["format"],
                "fields": ",".join(manifest["fields"]),
                "with_body": manifest["with_body"],
                "delimiter": manifest["delimiter"],
                "bom": manifest["bom"],
            }
            default_output = str(manifest_path.parent / manifest["file"]["name"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise click.BadParameter(
                f"{manifest_path} is not an export manifest ({exc})", param_hint="--from-manifest"
            ) from exc
        spec = {**old, **{k: v for k, v in given.items() if v not in (None, "", {})}}
        output = output or default_output
    if not spec["format"]:
        raise click.UsageError("give --format csv, jsonl or parquet")
    if not output:
        raise click.UsageError("give -o FILE (or -o - for standard output)")
    spec["output"] = output
    spec["with_body"] = True if spec["with_body"] is None else spec["with_body"]
    spec["delimiter"] = spec["delimiter"] or ","
    spec["bom"] = bool(spec["bom"])
    spec["field_list"] = _field_list(spec["fields"], spec["with_body"])
    return spec


def _field_list(fields: str | None, with_body: bool) -> list[str]:
    if fields:
        chosen = [f.strip() for f in fields.split(",") if f.strip()]
        unknown = [f for f in chosen if f not in FIELDS]
        if unknown:
            raise click.BadParameter(
                f"unknown field {', '.join(map(repr, unknown))}; fields are: {', '.join(FIELDS)}",
                param_hint="--fields",
            )
    else:
        chosen = list(FIELDS)
    return [f for f in dict.fromkeys(chosen) if with_body or f != "body"]


def check_target(path: Path, force: bool) -> tuple[Path, bool]:
    """Where to write and how: (the path, False) for a regular file, new or replaced (with
    --force) by a temporary file renamed into place; a symbolic link to one is followed, so
    the file it points at is replaced, not the link. (the path, True) for a character device
    or a FIFO, written to directly. Anything else is refused in one line."""
    try:
        mode: int | None = path.stat().st_mode  # follows symbolic links
    except FileNotFoundError:
        if path.is_symlink():
            raise click.UsageError(
                f"{path} is a symbolic link to {path.readlink()}, which does not exist"
            ) from None
        mode = None
    except OSError as exc:
        raise click.UsageError(f"cannot write {path}: {exc.strerror or exc}") from exc
    if mode is not None:
        if stat.S_ISDIR(mode):
            raise click.UsageError(f"{path} is a folder; give a file name with -o")
        if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
            return path, True
        if not stat.S_ISREG(mode):
            kind = "a block device" if stat.S_ISBLK(mode) else "not a regular file"
            raise click.UsageError(
                f"{path} is {kind}; an export writes to a file, a character device or a FIFO"
            )
        if not force:
            raise click.UsageError(f"{path} exists; use --force to overwrite it")
        path = path.resolve()
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise click.UsageError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.UsageError(f"cannot write {path}: folder {folder} is not writable")
    return path, False


def _warn_if_index_behind(config: Config, archive: Archive, index_docs: int) -> None:
    """In a read-only data folder the index cannot be brought up to date first: say when it
    may lack what the archive has (the export lists what the index finds). The watermark
    is kept under the index's path, so a copied folder has none: then the counts tell."""
    from indexer.search.sync import watermark_key

    watermark = archive.get_meta(watermark_key(config))
    behind = archive.count_changes_since(int(watermark)) if watermark is not None else 0
    articles = archive.totals()["articles"]
    if behind or index_docs != articles:
        lag = f"; {behind} changes since its last update" if behind else ""
        click.echo(
            f"warning: the data folder {config.data_dir} is read-only, so the search index"
            f" was not brought up to date first (it holds {index_docs} articles, the archive"
            f" {articles}{lag}): the export lists what the index finds",
            err=True,
        )


def _write(
    config: Config,
    archive: Archive,
    query: Query,
    spec: dict[str, Any],
    path: Path | None,
    stream: bool = False,
) -> tuple[int, int, str | None]:
    try:
        with search_index(config) as backend, _reader(config) as reader:
            return _write_from(config, backend, archive, reader, query, spec, path, stream)
    except BackendUnavailable as exc:
        if archive.readonly:
            raise cannot_rebuild(config, exc) from exc
        raise


def _reader(config: Config) -> Archive:
    """A read-only connection to the archive for the rows, reading through a memory map."""
    return Archive(config.archive_path, readonly=True, mmap_bytes=_MMAP_BYTES)


class _Helper:
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
        self._pool.submit(_shape_batch, self._job, []).result()  # started, and working

    def shaped(
        self, batches: Iterable[list[str]], here: Callable[[list[str]], tuple[Any, int]]
    ) -> Iterator[tuple[Any, int]]:
        """``here(ids)`` for every batch, or the helper's bytes of it, in order."""
        pending: collections.deque[Future[tuple[bytes, int]] | tuple[Any, int]]
        pending = collections.deque()
        for n, ids in enumerate(batches):
            if n % 2:
                pending.append(self._pool.submit(_shape_batch, self._job, ids))
            else:
                pending.append(here(ids))
            while pending and (len(pending) > 2 or not isinstance(pending[0], Future)):
                head = pending.popleft()
                yield head.result() if isinstance(head, Future) else head
        while pending:
            head = pending.popleft()
            yield head.result() if isinstance(head, Future) else head

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


def _leave_interrupts() -> None:
    """In the helper: Ctrl-C is the exporting process's to handle (it stops the helper)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


_SHAPER: dict[tuple[str, str, tuple[str, ...], str], tuple[Archive, LineMaker]] = {}


def _shape_batch(job: tuple[str, str, list[str], str], ids: list[str]) -> tuple[bytes, int]:
    """In the helper process: the lines of these ids (and how many), with a connection
    and a LineMaker of its own, made on the first call."""
    path, fmt, fields, delimiter = job
    key = (path, fmt, tuple(fields), delimiter)
    if key not in _SHAPER:
        reader = Archive(Path(path), readonly=True, mmap_bytes=_MMAP_BYTES)
        _SHAPER[key] = (reader, LineMaker(fmt, fields, delimiter))
    reader, lines = _SHAPER[key]
    found = reader.current_rows(ids, lines.columns)
    return lines.lines(ids, found), len(found)


def _regrouped(batches: Iterable[list[str]], size: int) -> Iterator[list[str]]:
    """The same ids in order, in lists of ``size`` (the last one shorter)."""
    held: list[str] = []
    for ids in batches:
        held.extend(ids)
        while len(held) >= size:
            yield held[:size]
            held = held[size:]
    if held:
        yield held


def _write_from(
    config: Config,
    backend: SearchBackend,
    archive: Archive,
    reader: Archive,
    query: Query,
    spec: dict[str, Any],
    path: Path | None,
    stream: bool,
) -> tuple[int, int, str | None]:
    """Write every match; returns the rows written, the index's documents and the file's
    SHA-256 (computed as it is written; None for standard output).

    Rows go from the archive to the file without an Article: from a clean archive, CSV and
    JSON Lines are shaped by SQLite as it reads them (``LineMaker``); otherwise each
    stored row becomes the values ``Article.to_dict()`` would give (``row_converter``),
    for the writers. Writing the file and hashing it (and Parquet's encoding) run in a
    thread of their own meanwhile.
    """
    index_docs = backend.stats().documents
    fmt, fields = spec["format"], spec["field_list"]
    delimiter = "\t" if spec["delimiter"] == "tab" else spec["delimiter"]
    options = {"delimiter": delimiter, "bom": spec["bom"]} if fmt == "csv" else {}
    progress = ProgressLine(enabled=path is not None and sys.stderr.isatty())
    total = backend.search(Query(**{**_query_args(query), "limit": 0})).total
    rows = 0
    # Text is cleaned on its way into the archive; one made by an older Lokalarkiv may hold
    # control characters, dropped here (output.scrub) from the values to_dict would give.
    clean = archive.holds_only_clean_text()
    lines = LineMaker(fmt, fields, delimiter) if clean and fmt in LINE_FORMATS else None

    def counted(done: int) -> None:
        nonlocal rows
        rows += done
        progress.show(f"exporting: {rows}/{total} rows", force=rows == total)

    def shape_here(ids: list[str]) -> tuple[bytes, int]:
        assert lines is not None
        found = reader.current_rows(ids, lines.columns)
        return lines.lines(ids, found), len(found)

    def write_rows(out: IO[bytes]) -> None:
        _fewer_page_faults()
        if lines is not None:
            helper = (
                _Helper(config, fmt, fields, delimiter)
                if total >= HELPER_ROWS and sys.platform.startswith("linux")  # safe to fork
                else None
            )
            try:
                with _Background() as background:
                    if fmt == "csv":
                        background.submit(out.write, csv_header(fields, **options))
                    batches = _ordered_ids(backend, query)
                    shaped = (
                        helper.shaped(batches, shape_here) if helper else map(shape_here, batches)
                    )
                    for data, done in shaped:
                        background.submit(out.write, data)
                        counted(done)
                    background.submit(out.flush)
            finally:
                if helper is not None:
                    helper.close()
            return
        with _Background() as background:
            if clean and fmt == "parquet":
                stored = StoredParquetWriter(out, fields, submit=background.submit)
                schema = parquet_schema(fields)

                def batch_here(ids: list[str]) -> tuple[Any, int]:
                    found = reader.current_rows(ids, stored.columns)
                    held = [found[i] for i in ids if i in found]
                    return stored_batch(fields, schema, held), len(held)

                for ids in _regrouped(_ordered_ids(backend, query), ROW_GROUP):
                    batch, done = batch_here(ids)
                    stored.write_batch(batch)
                    counted(done)
                stored.close()
                return
            writer = open_writer(fmt, out, fields, submit=background.submit, **options)
            columns, convert = stored_columns(fields), row_converter(fields)
            for ids in _ordered_ids(backend, query):
                found = reader.current_rows(ids, columns)
                batch = [convert(found[i]) for i in ids if i in found]
                if not clean:
                    batch = [scrub(row) for row in batch]
                writer.write_rows(batch)
                counted(len(batch))
            writer.close()

    digest = None
    if path is None:
        write_rows(sys.stdout.buffer)
    elif stream:
        _stream_write(path, write_rows)
    else:
        digest = _atomic_write(path, write_rows)
    progress.done()
    return rows, index_docs, digest


def _fewer_page_faults() -> None:
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


class _Background:
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

    def __enter__(self) -> _Background:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, *_: object) -> None:
        self._calls.put(None)
        self._thread.join()
        if exc_type is None and self._error is not None:
            raise self._error


def _ordered_ids(backend: SearchBackend, query: Query) -> Iterator[list[str]]:
    """The ids of every match in export order, in batches of about ``BATCH_IDS``: newest
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
            if len(batch) >= BATCH_IDS:
                yield batch
                batch = []
        published = when
        group.append(aid)
    group.sort()
    batch.extend(group)
    if batch:
        yield batch


def _atomic_write(path: Path, write: Any) -> str:
    """Write through ``write(fh)`` to a temporary file beside ``path``, then rename it into
    place: a failure (a full disk, an interrupt) never leaves a half file under the name.
    Returns the SHA-256 of what was written."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            sink = _HashingFile(fh)
            write(sink)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return sink.hexdigest()


class _HashingFile:
    """A binary file that hashes (SHA-256) what goes through it, for the manifest: the
    file is not read again after it is written."""

    def __init__(self, fh: IO[bytes]) -> None:
        self._fh = fh
        self._hash = hashlib.sha256()
        self._written = 0

    def write(self, data: bytes) -> int:
        self._hash.update(data)
        self._written += len(data)
        return self._fh.write(data)

    def flush(self) -> None:
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
        """The caller closes the file it made."""

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


def _stream_write(path: Path, write: Any) -> None:
    """Write through ``write(fh)`` straight to a character device or FIFO."""
    try:
        with path.open("wb") as fh:
            write(fh)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


def _last_run(archive: Archive) -> dict[str, Any] | None:
    runs = archive.runs(limit=1)
    if not runs:
        return None
    run = runs[0]
    return {"id": run.id, "started": run.started, "finished": run.finished, "status": run.status}


def _query_args(query: Query) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__dataclass_fields__}


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
