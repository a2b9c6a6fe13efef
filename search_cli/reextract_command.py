"""`arkiv reextract`: extraction and enrichment run again over the archive's WARC records."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from indexer.errors import ArkivError
from indexer.store.archive import Archive
from lokalarkiv.params import resolve_source
from lokalarkiv.storage import open_archive, require_writable
from search_cli.crawl_commands import load_source_list, sources_option, take_crawl_lock
from search_cli.options import data_option, make_config
from search_cli.output import ProgressLine
from search_cli.search_commands import run_sync

if TYPE_CHECKING:
    from crawler.reextract import ReextractCounts
    from crawler.sources import Source


@click.command()
@data_option
@sources_option
@click.option("--source", "only", multiple=True, help="Only this source id (repeatable).")
@click.option("--dry-run", is_flag=True, help="Count what would change; write nothing.")
@click.option(
    "--index/--no-index",
    "update_index",
    default=True,
    show_default=True,
    help="Update the search index at the end.",
)
@click.option(
    "-v", "--verbose", count=True, help="Name each article changed, added or now rejected."
)
def reextract(
    data_dir: Path | None,
    config_file: Path | None,
    sources_path: Path | None,
    only: tuple[str, ...],
    dry_run: bool,
    update_index: bool,
    verbose: int,
) -> None:
    """Run extraction and enrichment again over the archived pages, fetching nothing.

    Reads the latest WARC record of every archived article and of every page the crawl
    judged not an article, and processes it as the crawl does (the sources' home
    municipalities as priors). A new version is kept only where the result changed (text,
    dates, authors, language, places, kinds, people, wire); a page now judged an article
    becomes one; an article now rejected is kept as it was. Ends by updating the search
    index. Takes the crawl lock (exit code 4 while a crawl runs).

    \b
    Examples:
      arkiv reextract --data ./data
      arkiv reextract --source vimmerby-nyheter --dry-run -v
    """
    config = make_config(config_file, data_dir=data_dir, sources_path=sources_path)
    if not dry_run:
        require_writable(config, "reextract")
    sources = load_source_list(config.sources_path)
    started = time.monotonic()
    with open_archive(config, write=not dry_run) as archive:  # a dry run writes nothing
        known = [*(s.id for s in sources), *archive.source_names()]
        only = tuple(resolve_source(source, known) for source in only)
        lock = None if dry_run else take_crawl_lock(config)
        try:
            counts = _run(archive, config.warc_dir, sources, only, dry_run, verbose)
            index_note = ""
            if update_index and not dry_run:
                try:
                    run_sync(config, archive)
                except ArkivError as exc:
                    click.echo(
                        f"warning: search index not updated: {exc} (run `arkiv index` later)",
                        err=True,
                    )
                    index_note = "; search index not updated"
        finally:
            if lock is not None:
                lock.release()
    elapsed = time.monotonic() - started
    head = "reextract dry run (nothing written)" if dry_run else "reextract ok"
    click.echo(
        f"{head}: {summary(counts)}{index_note}"
        f" ({elapsed:.1f} s, {counts.read / max(elapsed, 1e-6):.0f} records/s,"
        f" archive {config.archive_path})"
    )


def _run(
    archive: Archive,
    warc_dir: Path,
    sources: list[Source],
    only: tuple[str, ...],
    dry_run: bool,
    verbose: int,
) -> ReextractCounts:
    # Trafilatura and the enrichment data load only for this command (search starts fast).
    from crawler.reextract import reextract

    line = ProgressLine()
    would = "would be " if dry_run else ""
    labels = {
        "changed": f"{would}updated",
        "new_article": f"{would}new article",
        "rejected": "now rejected (kept as it was)",
    }

    def event(kind: str, url: str, detail: str) -> None:
        if kind == "error":
            line.echo(f"warning: cannot re-extract {url}: {detail}")
        elif kind == "notice":
            line.echo(f"notice: source {url} {detail}")
        elif verbose:
            line.echo(f"{labels[kind]}: {url}" + (f" ({detail})" if detail else ""))

    def progress(counts: ReextractCounts, total: int) -> None:
        line.show(
            f"re-extracting: {counts.read}/{total} records · changed {counts.changed}"
            f" · new articles {counts.new_articles} · errors {counts.errors}",
            force=counts.read == total,
        )

    try:
        return reextract(
            archive,
            warc_dir,
            sources,
            only=only,
            dry_run=dry_run,
            event=event,
            progress=progress,
        )
    finally:
        line.done()


def summary(counts: ReextractCounts) -> str:
    """The counts of a re-extraction in one line."""
    rejected = f", {counts.rejected} now rejected (kept)" if counts.rejected else ""
    return (
        f"{counts.read} records read; {counts.changed} changed, {counts.unchanged} unchanged,"
        f" {counts.new_articles} newly articles, {counts.not_articles} still not articles"
        f"{rejected}; errors {counts.errors or 'none'}"
    )
