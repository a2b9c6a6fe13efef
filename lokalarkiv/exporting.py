"""Exporting every match of a search as CSV, JSON Lines or Parquet, with a manifest of how
it was made: `arkiv export` writes files with it, the web app streams downloads.

Rows come in a stable order (newest first, then id), so two exports of the same archive are
byte-identical, whoever asks: :func:`write_export` writes the same bytes into any writable
binary stream (a file, a pipe, a response), in constant memory. The index is brought up to
date first where the data folder can be written; in a read-only one the export lists what
the index finds, and :attr:`ExportResult.warning` says when that may lag the archive.

The machinery (ordered ids, the helper process, the writing thread) is in
:mod:`lokalarkiv.export_pipeline`, the formats in :mod:`lokalarkiv.export_formats`,
:mod:`lokalarkiv.export_lines` and :mod:`lokalarkiv.export_parquet`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import os
import tempfile
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any, TypeVar, cast

from indexer.config import Config
from indexer.errors import ArkivError, BackendUnavailable, QueryError
from indexer.search.backends import SearchBackend
from indexer.search.query import Query
from indexer.store.archive import Archive
from lokalarkiv.export_formats import BINARY_FORMATS, FIELDS, FORMATS
from lokalarkiv.export_parquet import load_arrow_early
from lokalarkiv.export_pipeline import HashingFile, Job, open_reader, write_rows
from lokalarkiv.params import Filters, build_query
from lokalarkiv.searching import Reindex, update_index
from lokalarkiv.storage import cannot_rebuild, data_writable, open_archive, search_index

__all__ = [
    "BINARY_FORMATS",
    "DELIMITERS",
    "FIELDS",
    "FORMATS",
    "MEDIA_TYPES",
    "Export",
    "ExportResult",
    "ExportSpec",
    "OutputError",
    "atomic_write",
    "chosen_fields",
    "export_manifest",
    "manifest_bytes",
    "open_export",
    "write_device",
    "write_export",
]

MEDIA_TYPES: dict[str, str] = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/jsonl",
    "parquet": "application/vnd.apache.parquet",
}
# The CSV delimiters by the name a user gives (`--delimiter tab`), and the character each is.
DELIMITERS: dict[str, str] = {",": ",", ";": ";", "tab": "\t"}
ORDER = "published (newest first), then id"
_HINT = "`arkiv export --help` lists the formats, fields and delimiters."

Progress = Callable[[int, int], None]  # told (rows written, rows in all) after each batch
T = TypeVar("T")


def chosen_fields(fields: Sequence[str] | None, with_body: bool = True) -> tuple[str, ...]:
    """The fields an export writes, in the order given, each once (None: every field of
    :data:`FIELDS`); without ``body`` unless ``with_body``.

    Raises:
        QueryError: a field that is not in :data:`FIELDS`; the message lists them.
    """
    if fields is None:
        fields = FIELDS
    unknown = [name for name in fields if name not in FIELDS]
    if unknown:
        raise QueryError(
            f"unknown field {', '.join(map(repr, unknown))}; fields are: {', '.join(FIELDS)}",
            hint=_HINT,
        )
    return tuple(name for name in dict.fromkeys(fields) if with_body or name != "body")


@dataclass(frozen=True)
class ExportSpec:
    """What to export and how: the query words and filters (sources already resolved, as
    :func:`lokalarkiv.params.check_sources` gives them), the format, the fields (None:
    every field), whether with the article text, and for CSV the delimiter (a name of
    :data:`DELIMITERS`) and whether to start with a BOM (for Excel).

    Raises:
        QueryError: an unknown format, field or delimiter (one line that lists them).
    """

    text: str
    filters: Filters
    format: str
    fields: tuple[str, ...] | None = None
    with_body: bool = True
    delimiter: str = ","
    bom: bool = False

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise QueryError(
                f"unknown format {self.format!r}; formats are: {', '.join(FORMATS)}", hint=_HINT
            )
        if self.delimiter not in DELIMITERS:
            raise QueryError(
                f"unknown delimiter {self.delimiter!r}; delimiters are:"
                f" {', '.join(map(repr, DELIMITERS))}",
                hint=_HINT,
            )
        chosen_fields(self.fields, self.with_body)

    @property
    def field_list(self) -> tuple[str, ...]:
        """The fields written, in order (what the manifest lists)."""
        return chosen_fields(self.fields, self.with_body)


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote: its rows, the documents in the index it listed them from,
    and the SHA-256 of the bytes (None when not asked for).

    For the manifest, as the export ended: ``archive``, the archive's totals and its last
    crawl run; ``index_updated``, whether the index was brought up to date first. And
    ``warning``: in a read-only data folder, the index may lack what the archive holds."""

    rows: int
    index_documents: int
    sha256: str | None
    archive: dict[str, Any] | None = None
    index_updated: bool = False
    warning: str | None = None


class OutputError(ArkivError):
    """The export's file could not be written: a full disk, a folder that cannot be
    written. The message names the file and the cause (one line)."""

    default_hint = "Check that the folder exists, can be written and has room."


def write_export(
    config: Config,
    spec: ExportSpec,
    out: IO[bytes],
    *,
    reindex: Reindex = update_index,
    progress: Progress | None = None,
    sha256: bool = True,
    helper: bool = True,
) -> ExportResult:
    """Write every match of ``spec`` into ``out`` (any writable binary stream: it need not
    be seekable, and it is flushed, not closed): exactly the bytes `arkiv export` writes
    for the same query and options.

    The index is brought up to date first (by ``reindex``) where the data folder can be
    written. ``progress`` is told how far it got after each batch. ``sha256``: hash the
    bytes as they are written. ``helper``: a large CSV or JSON Lines export may fork a
    helper process (a server with threads of its own may prefer not; the bytes are the
    same)."""
    with open_export(config, spec, reindex=reindex) as export:
        return export.write(out, progress=progress, sha256=sha256, helper=helper)


@contextlib.contextmanager
def open_export(
    config: Config, spec: ExportSpec, *, reindex: Reindex = update_index
) -> Iterator[Export]:
    """An export ready to write (:meth:`Export.write`): the query made, the archive opened
    (for writing where the data folder can be written, and the index brought up to date
    by ``reindex``), the index opened and its matches counted. The output is chosen after
    this: nothing is written, no file made, until then.

    Raises:
        BackendUnavailable: the index cannot be used (in a read-only data folder: it cannot
            be rebuilt there either, which the message says).
    """
    query = build_query(spec.text, spec.filters, sort="newest", facets=())
    if spec.format == "parquet":
        load_arrow_early()
    writable = data_writable(config)
    with open_archive(config, write=writable) as archive:
        if writable:
            reindex(config, archive, False)
        try:
            with search_index(config) as backend, open_reader(config) as reader:
                job = _job(config, spec, query, archive, reader, backend)
                yield Export(config, spec, archive, job)
        except BackendUnavailable as exc:
            if archive.readonly:
                raise cannot_rebuild(config, exc) from exc
            raise


def _job(
    config: Config,
    spec: ExportSpec,
    query: Query,
    archive: Archive,
    reader: Archive,
    backend: SearchBackend,
) -> Job:
    """What this export reads and how it writes it; ``reader``: the connection the rows
    are read through (read-only, through a memory map)."""
    return Job(
        config=config,
        backend=backend,
        reader=reader,
        query=query,
        fmt=spec.format,
        fields=list(spec.field_list),
        delimiter=DELIMITERS[spec.delimiter],
        bom=spec.bom,
        clean=archive.holds_only_clean_text(),
        total=backend.search(dataclasses.replace(query, limit=0)).total,
    )


class Export:
    """One export, opened by :func:`open_export`: :attr:`total` matches, from an index of
    :attr:`index_documents` documents; :meth:`write` writes them."""

    def __init__(self, config: Config, spec: ExportSpec, archive: Archive, job: Job) -> None:
        self._config = config
        self._archive = archive
        self._job = job
        self.spec = spec
        self.total = job.total
        self.index_documents = job.backend.stats().documents
        self.index_updated = not archive.readonly

    def write(
        self,
        out: IO[bytes],
        *,
        progress: Progress | None = None,
        sha256: bool = True,
        helper: bool = True,
    ) -> ExportResult:
        """Write every match into ``out``; see :func:`write_export`."""
        sink = HashingFile(out, sha256=sha256)
        rows = 0

        def counted(done: int) -> None:
            nonlocal rows
            rows += done
            if progress is not None:
                progress(rows, self.total)

        try:  # HashingFile is as much of a file as the writers and pyarrow use
            write_rows(self._job, cast(IO[bytes], sink), counted, helper=helper)
        except BaseException:
            sink.cut_off()
            raise
        return ExportResult(
            rows=rows,
            index_documents=self.index_documents,
            sha256=sink.hexdigest(),
            archive=_archive_state(self._archive),
            index_updated=self.index_updated,
            warning=None if self.index_updated else self._index_behind(),
        )

    def _index_behind(self) -> str | None:
        """In a read-only data folder the index cannot be brought up to date first: what to
        say when it may lack what the archive has (the export lists what the index finds).
        The watermark is kept under the index's path, so a copied folder has none: then the
        counts tell."""
        from indexer.search.sync import watermark_key

        config, archive = self._config, self._archive
        watermark = archive.get_meta(watermark_key(config))
        behind = archive.count_changes_since(int(watermark)) if watermark is not None else 0
        articles = archive.totals()["articles"]
        if not behind and self.index_documents == articles:
            return None
        lag = f"; {behind} changes since its last update" if behind else ""
        return (
            f"the data folder {config.data_dir} is read-only, so the search index was not"
            f" brought up to date first (it holds {self.index_documents} articles, the archive"
            f" {articles}{lag}): the export lists what the index finds"
        )


def _archive_state(archive: Archive) -> dict[str, Any]:
    """The archive's totals and its last crawl run, for the manifest."""
    runs = archive.runs(limit=1)
    last_run = None
    if runs:
        run = runs[0]
        last_run = {"id": run.id, "started": run.started, "finished": run.finished,
                    "status": run.status}  # fmt: skip
    return {"totals": archive.totals(), "last_run": last_run}


def export_manifest(
    config: Config,
    spec: ExportSpec,
    result: ExportResult,
    *,
    file_name: str,
    file_bytes: int,
    started: datetime,
) -> dict[str, Any]:
    """The manifest of an export, as `arkiv export` writes it beside the file: the query,
    filters, format and fields (enough to run it again: ``arkiv export --from-manifest``),
    the archive's and the index's state, the row count, the times and the file's name,
    size and SHA-256. ``finished`` is now."""
    state = result.archive
    if state is None:  # a result made elsewhere: the archive as it is now
        with open_archive(config) as archive:
            state = _archive_state(archive)
    return {
        "tool": {"name": "lokalarkiv", "version": version("lokalarkiv")},
        "query": spec.text,
        "filters": spec.filters.as_dict(),
        "format": spec.format,
        "fields": list(spec.field_list),
        "with_body": spec.with_body,
        "delimiter": spec.delimiter,
        "bom": spec.bom,
        "order": ORDER,
        "backend": config.backend,
        "archive": {"path": str(config.archive_path), **state},
        "index": {
            "documents": result.index_documents,
            "updated_before_export": result.index_updated,
        },
        "rows": result.rows,
        "started": started.isoformat(timespec="seconds"),
        "finished": datetime.now(UTC).isoformat(timespec="seconds"),
        "file": {"name": file_name, "bytes": file_bytes, "sha256": result.sha256},
    }


def manifest_bytes(manifest: dict[str, Any]) -> bytes:
    """The manifest's file: indented JSON, UTF-8 as is (å stays å), a final newline."""
    return (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


# ---------------------------------------------------------------------- files


def atomic_write(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write through ``write(fh)`` to a temporary file beside ``path``, then rename it into
    place: a failure (a full disk, an interrupt) never leaves a half file under the name.
    Returns what ``write`` returns.

    Raises:
        OutputError: the file could not be made or written (the temporary file is gone).
    """
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            written = write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise
    return written


def write_device(path: Path, write: Callable[[IO[bytes]], T]) -> T:
    """Write through ``write(fh)`` straight to a character device or FIFO at ``path``.

    Raises:
        OutputError: it could not be opened or written.
    """
    try:
        with path.open("wb") as fh:
            return write(fh)
    except OSError as exc:
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}") from exc
