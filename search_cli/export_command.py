"""`arkiv export`: every match of a search, as CSV, JSON Lines or Parquet, with a manifest.

Rows come in a stable order (newest first, then id), so two exports of the same archive are
byte-identical; a file is written under a temporary name and renamed when complete. A
target that is not a regular file is never replaced: a character device or a FIFO is written
to directly (without a manifest: there is no "beside" to put it), anything else is refused.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import IO, Any

import click

from indexer.archive import Archive
from indexer.article import Article
from indexer.backends import SearchBackend
from indexer.config import Config
from indexer.errors import BackendUnavailable
from indexer.query import Hit, Query
from search_cli.export_formats import BINARY_FORMATS, FIELDS, FORMATS, open_writer
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine, scrub
from search_cli.search_commands import run_sync
from search_cli.search_filters import (
    FILTER_NAMES,
    QueryCommand,
    build_query,
    check_sources,
    filter_options,
    query_words,
)
from search_cli.storage import cannot_rebuild, data_writable, open_archive, search_index

_BATCH = 500


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
        "filters": {k: _jsonable(v) for k, v in filters.items() if v not in (None, ())},
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
        path, stream = _check_target(path, force)
    query = build_query(spec["text"], _filters_from(spec["filters"]), sort="newest", facets=())
    started = datetime.now(UTC)
    writable = data_writable(config)
    with open_archive(config, write=writable) as archive:
        if writable:
            run_sync(config, archive)
        rows, index_docs = _write(config, archive, query, spec, path, stream)
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
        "file": {"name": path.name, "bytes": path.stat().st_size, "sha256": _sha256(path)},
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


def _check_target(path: Path, force: bool) -> tuple[Path, bool]:
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
    from indexer.sync import watermark_key

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
) -> tuple[int, int]:
    try:
        with search_index(config) as backend:
            return _write_from(backend, archive, query, spec, path, stream)
    except BackendUnavailable as exc:
        if archive.readonly:
            raise cannot_rebuild(config, exc) from exc
        raise


def _write_from(
    backend: SearchBackend,
    archive: Archive,
    query: Query,
    spec: dict[str, Any],
    path: Path | None,
    stream: bool,
) -> tuple[int, int]:
    total = backend.search(Query(**{**_query_args(query), "limit": 0})).total
    index_docs = backend.stats().documents
    fields = spec["field_list"]
    delimiter = "\t" if spec["delimiter"] == "tab" else spec["delimiter"]
    options = {"delimiter": delimiter, "bom": spec["bom"]} if spec["format"] == "csv" else {}
    progress = ProgressLine(enabled=path is not None and sys.stderr.isatty())
    rows = 0
    # Text is cleaned on its way into the archive; one made by an older Lokalarkiv may hold
    # control characters, dropped here (output.scrub, ~15-30 µs a row: 8-16 % of an export).
    clean = archive.holds_only_clean_text()

    def write_rows(out: IO[bytes]) -> None:
        nonlocal rows
        writer = open_writer(spec["format"], out, fields, **options)
        for article in _articles(archive, backend.iter_matches(query)):
            record = article.to_dict()
            row = {name: record.get(name) for name in fields}
            writer.write(row if clean else scrub(row))
            rows += 1
            progress.show(f"exporting: {rows}/{total} rows", force=rows == total)
        writer.close()

    if path is None:
        write_rows(sys.stdout.buffer)
    elif stream:
        _stream_write(path, write_rows)
    else:
        _atomic_write(path, write_rows)
    progress.done()
    return rows, index_docs


def _articles(archive: Archive, hits: Iterator[Hit]) -> Iterator[Article]:
    """Full records for the hits, newest first and then by id, fetched in batches."""
    batch: list[str] = []
    for group in _same_published(hits):
        batch.extend(sorted(hit.id for hit in group))
        if len(batch) >= _BATCH:
            yield from _fetch(archive, batch)
            batch = []
    yield from _fetch(archive, batch)


def _same_published(hits: Iterator[Hit]) -> Iterator[list[Hit]]:
    group: list[Hit] = []
    for hit in hits:
        if group and hit.published != group[0].published:
            yield group
            group = []
        group.append(hit)
    if group:
        yield group


def _fetch(archive: Archive, ids: list[str]) -> Iterator[Article]:
    found = archive.get_many(ids)
    return (found[i] for i in ids if i in found)


def _atomic_write(path: Path, write: Any) -> None:
    """Write through ``write(fh)`` to a temporary file beside ``path``, then rename it into
    place: a failure (a full disk, an interrupt) never leaves a half file under the name."""
    try:
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
    tmp = Path(name)
    try:
        with os.fdopen(fd, "wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        tmp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc
        raise


def _stream_write(path: Path, write: Any) -> None:
    """Write through ``write(fh)`` straight to a character device or FIFO."""
    try:
        with path.open("wb") as fh:
            write(fh)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _last_run(archive: Archive) -> dict[str, Any] | None:
    runs = archive.runs(limit=1)
    if not runs:
        return None
    run = runs[0]
    return {"id": run.id, "started": run.started, "finished": run.finished, "status": run.status}


def _query_args(query: Query) -> dict[str, Any]:
    return {name: getattr(query, name) for name in query.__dataclass_fields__}


def _filters_from(saved: dict[str, Any]) -> dict[str, Any]:
    """Filter flags as build_query wants them, from their JSON form."""
    values: dict[str, Any] = dict.fromkeys(FILTER_NAMES, ())
    values.update(date_from=None, date_to=None)
    for name, value in saved.items():
        if name in ("date_from", "date_to"):
            values[name] = datetime.fromisoformat(value)
        else:
            values[name] = tuple(value)
    return values


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def _json_bytes(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
