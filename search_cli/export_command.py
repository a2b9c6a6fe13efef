"""`arkiv export`: every match of a search, as CSV, JSON Lines or Parquet, with a manifest.

Rows come in a stable order (newest first, then id), so two exports of the same archive are
byte-identical; the file is written under a temporary name and renamed when complete.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
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
from indexer.config import Config
from indexer.query import Hit, Query
from search_cli.export_formats import BINARY_FORMATS, FIELDS, FORMATS, open_writer
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine
from search_cli.search_commands import open_archive, run_sync
from search_cli.search_filters import FILTER_NAMES, build_query, filter_options

_BATCH = 500


@click.command()
@click.argument("text", default="", required=False)
@filter_options
@click.option("--format", "fmt", type=click.Choice(FORMATS), help="Output format.")
@click.option(
    "-o", "--output", help="File to write, or - for standard output (csv and jsonl only)."
)
@click.option("--fields", help="Comma-separated fields to export (default: every field).")
@click.option("--with-body/--no-body", "with_body", default=None, help="Include the article text.")
@click.option(
    "--delimiter",
    type=click.Choice([",", ";", "tab"]),
    help="CSV delimiter (default ','; ';' for Excel with Swedish settings).",
)
@click.option("--bom", is_flag=True, default=None, help="Start the CSV with a UTF-8 BOM (Excel).")
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option(
    "--from-manifest",
    "manifest_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Re-run the export a manifest describes (its query, filters, format, fields).",
)
@data_option
@backend_option
def export(
    text: str,
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

    TEXT is a search as for `arkiv search`; empty: every article the filters allow.
    Next to the file goes FILE.manifest.json: the query, filters, format, fields, the
    archive's and the index's state, the row count, the time and the file's SHA-256.

    \b
    Examples:
      arkiv export kommunchef --kind personnel --format parquet -o out.parquet
      arkiv export "" --kommun Vimmerby --format csv --delimiter ";" --bom -o vimmerby.csv
      arkiv export --from-manifest out.parquet.manifest.json --force
    """
    given = {
        "text": text,
        "filters": {k: _jsonable(v) for k, v in filters.items() if v not in (None, ())},
        "format": fmt,
        "fields": fields,
        "with_body": with_body,
        "delimiter": delimiter,
        "bom": bom,
    }
    spec = _spec(given, manifest_path, output)
    config = make_config(config_file, data_dir=data_dir, backend=backend)
    target = spec["output"]
    if target == "-" and spec["format"] in BINARY_FORMATS:
        raise click.UsageError(
            f"{spec['format']} cannot be written to standard output; give -o FILE"
        )
    path = None if target == "-" else Path(target)
    if path is not None:
        _check_target(path, force)
    query = build_query(spec["text"], _filters_from(spec["filters"]), sort="newest", facets=())
    started = datetime.now(UTC)
    with open_archive(config) as archive:
        run_sync(config, archive)
        rows, index_docs = _write(config, archive, query, spec, path)
        state = {"totals": archive.totals(), "last_run": _last_run(archive)}
    if path is None:
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
        "index": {"documents": index_docs},
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


def _check_target(path: Path, force: bool) -> None:
    if path.is_dir():
        raise click.UsageError(f"{path} is a folder; give a file name with -o")
    if path.exists() and not force:
        raise click.UsageError(f"{path} exists; use --force to overwrite it")
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise click.UsageError(f"cannot write {path}: folder {folder} does not exist")
    if not os.access(folder, os.W_OK):
        raise click.UsageError(f"cannot write {path}: folder {folder} is not writable")


def _write(
    config: Config, archive: Archive, query: Query, spec: dict[str, Any], path: Path | None
) -> tuple[int, int]:
    from indexer.sync import open_index

    backend = open_index(config)
    try:
        total = backend.search(Query(**{**_query_args(query), "limit": 0})).total
        index_docs = backend.stats().documents
        fields = spec["field_list"]
        delimiter = "\t" if spec["delimiter"] == "tab" else spec["delimiter"]
        options = {"delimiter": delimiter, "bom": spec["bom"]} if spec["format"] == "csv" else {}
        progress = ProgressLine(enabled=path is not None and sys.stderr.isatty())
        rows = 0

        def write_rows(out: IO[bytes]) -> None:
            nonlocal rows
            writer = open_writer(spec["format"], out, fields, **options)
            for article in _articles(archive, backend.iter_matches(query)):
                record = article.to_dict()
                writer.write({name: record.get(name) for name in fields})
                rows += 1
                progress.show(f"exporting: {rows}/{total} rows", force=rows == total)
            writer.close()

        if path is None:
            write_rows(sys.stdout.buffer)
        else:
            _atomic_write(path, write_rows)
        progress.done()
        return rows, index_docs
    finally:
        backend.close()


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
