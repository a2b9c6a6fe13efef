"""`arkiv export`: every match of a search, as CSV, JSON Lines or Parquet, with a manifest.

The export itself is :mod:`lokalarkiv.exporting`'s (the web app's downloads are the same
bytes); here are its flags, where the file goes and what the terminal is told. A file is
written under a temporary name and renamed when complete. A target that is not a regular
file is never replaced: a character device or a FIFO is written to directly (without a
manifest: there is no "beside" to put it), anything else is refused.
"""

from __future__ import annotations

import json
import os
import stat
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from indexer.config import Config
from indexer.errors import QueryError
from lokalarkiv.exporting import (
    BINARY_FORMATS,
    FORMATS,
    ExportResult,
    ExportSpec,
    OutputError,
    atomic_write,
    chosen_fields,
    export_manifest,
    manifest_bytes,
    open_export,
    write_device,
)
from lokalarkiv.params import Filters, check_sources
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine
from search_cli.search_commands import run_sync
from search_cli.search_filters import QueryCommand, filter_options, query_words


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
    settings = _settings(given, manifest_path, output)
    spec = _export_spec(settings)
    path, stream = _target(settings["output"], spec, force)
    started = datetime.now(UTC)
    result = _write(config, spec, path, stream)
    if path is None:
        return
    if stream:
        click.echo(
            f"exported {result.rows} articles to {path} ({spec.format}); no manifest:"
            f" {path} is not a regular file",
            err=True,
        )
        return
    _finish(config, spec, result, path, started)


def _settings(
    given: dict[str, Any], manifest_path: Path | None, output: str | None
) -> dict[str, Any]:
    """The export's parameters: from the command line, or from a manifest (flags win)."""
    settings = dict(given)
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
        settings = {**old, **{k: v for k, v in given.items() if v not in (None, "", {})}}
        output = output or default_output
    if not settings["format"]:
        raise click.UsageError("give --format csv, jsonl or parquet")
    if not output:
        raise click.UsageError("give -o FILE (or -o - for standard output)")
    settings["output"] = output
    return settings


def _export_spec(settings: dict[str, Any]) -> ExportSpec:
    """The ExportSpec of these parameters; --fields as a comma-separated list."""
    with_body = True if settings["with_body"] is None else settings["with_body"]
    fields = None
    if settings["fields"]:
        fields = tuple(f.strip() for f in settings["fields"].split(",") if f.strip())
    try:
        chosen_fields(fields, with_body)
    except QueryError as exc:
        raise click.BadParameter(str(exc), param_hint="--fields") from exc
    return ExportSpec(
        text=settings["text"],
        filters=Filters.from_mapping(settings["filters"]),
        format=settings["format"],
        fields=fields,
        with_body=with_body,
        delimiter=settings["delimiter"] or ",",
        bom=bool(settings["bom"]),
    )


def _target(output: str, spec: ExportSpec, force: bool) -> tuple[Path | None, bool]:
    """Where the export goes: (None, False) for standard output, else :func:`check_target`."""
    if output == "-":
        if spec.format in BINARY_FORMATS:
            raise click.UsageError(
                f"{spec.format} cannot be written to standard output; give -o FILE"
            )
        return None, False
    return check_target(Path(output), force)


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


def _write(config: Config, spec: ExportSpec, path: Path | None, stream: bool) -> ExportResult:
    """Write the export to standard output (``path`` None), a device or FIFO (``stream``)
    or a file (hashed for the manifest), with a progress line on a terminal."""
    line = ProgressLine(enabled=path is not None and sys.stderr.isatty())

    def progress(rows: int, total: int) -> None:
        line.show(f"exporting: {rows}/{total} rows", force=rows == total)

    try:
        with open_export(config, spec, reindex=run_sync) as export:
            if path is None:
                result = export.write(sys.stdout.buffer, progress=progress, sha256=False)
            elif stream:
                result = write_device(
                    path, lambda fh: export.write(fh, progress=progress, sha256=False)
                )
            else:
                result = atomic_write(path, lambda fh: export.write(fh, progress=progress))
    except OutputError as exc:
        raise click.ClickException(str(exc)) from exc
    line.done()
    if result.warning:
        click.echo(f"warning: {result.warning}", err=True)
    return result


def _finish(
    config: Config, spec: ExportSpec, result: ExportResult, path: Path, started: datetime
) -> None:
    """The manifest beside the file, and what was written."""
    manifest = export_manifest(
        config, spec, result, file_name=path.name, file_bytes=path.stat().st_size, started=started
    )
    manifest_file = path.with_name(path.name + ".manifest.json")
    try:
        atomic_write(manifest_file, lambda fh: fh.write(manifest_bytes(manifest)))
    except OutputError as exc:
        raise click.ClickException(str(exc)) from exc
    size = path.stat().st_size / 1e6
    if result.rows:
        click.echo(
            f"exported {result.rows} articles to {path} ({spec.format}, {size:.1f} MB)", err=True
        )
    else:
        click.echo(f"no article matched; wrote an empty {spec.format} file to {path}", err=True)
    click.echo(f"manifest: {manifest_file}", err=True)
