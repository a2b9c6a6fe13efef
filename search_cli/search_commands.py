"""`arkiv index`, `arkiv search` and `arkiv show`: the archive made searchable.

Nothing here imports Scrapy or Trafilatura: `arkiv search` must start fast.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from indexer.config import Config
from indexer.store.archive import Archive
from lokalarkiv.articles import article_json, article_versions
from lokalarkiv.params import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    SORTS,
    build_query,
    check_sources,
)
from lokalarkiv.searching import page_json, update_index
from lokalarkiv.searching import search as search_archive
from lokalarkiv.storage import open_archive, require_writable
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine, one_line, print_json
from search_cli.render import render_article, render_hits, render_versions
from search_cli.search_filters import QueryCommand, filter_options, query_words


def run_sync(config: Config, archive: Archive, rebuild: bool | str = False) -> Any:
    """The index brought up to date (lokalarkiv.searching.update_index), with a progress
    line on a terminal and a one-line notice on a rebuild (``rebuild``: a string is the
    reason, for that notice)."""
    line = ProgressLine()

    def progress(done: int, total: int) -> None:
        line.show(f"indexing: {done}/{total} changes", force=done == total)

    try:
        result = update_index(config, archive, rebuild=rebuild, progress=progress)
    finally:
        line.done()
    if result.rebuilt:
        click.echo(f"notice: rebuilt the search index from the archive: {result.rebuilt}", err=True)
    return result


@click.command()
@data_option
@backend_option
@click.option("--rebuild", is_flag=True, help="Build the index from scratch from the archive.")
def index(
    data_dir: Path | None, config_file: Path | None, backend: str | None, rebuild: bool
) -> None:
    """Bring the search index up to date with the archive.

    Pushes what changed since the last sync (new and changed articles, removals); running it
    again is a no-op. `arkiv crawl` runs it at its end.

    \b
    Example:
      arkiv index --data ./data
      arkiv index --data ./data --rebuild
    """
    config = make_config(config_file, data_dir=data_dir, backend=backend)
    require_writable(config, "index")
    started = time.monotonic()
    with open_archive(config, write=True) as archive:
        result = run_sync(config, archive, rebuild=rebuild)
        from lokalarkiv.watches import after_index  # SMTP and HTTP: not for `arkiv search`

        alerts = after_index(config, archive)
    for line in alerts.warnings():
        click.echo(f"warning: {one_line(line)}", err=True)
    for what, count in alerts.delivery.delivered.items():
        click.echo(f"delivered {count} new articles of saved search {one_line(what)}", err=True)
    click.echo(
        f"indexed {result.upserted} new or changed, removed {result.deleted};"
        f" the {config.backend} index holds {result.documents} articles"
        f" ({time.monotonic() - started:.1f} s)"
    )


@click.command(cls=QueryCommand)
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="[TEXT]...")
@filter_options
@click.option(
    "--sort",
    type=click.Choice(SORTS),
    default="relevance",
    show_default=True,
)
@click.option(
    "--limit", type=click.IntRange(0, MAX_LIMIT), default=DEFAULT_LIMIT, show_default=True
)
@click.option("--offset", type=click.IntRange(0, MAX_OFFSET), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON document (for jq and scripts).")
@click.option(
    "--exact-total",
    is_flag=True,
    help="Count every match exactly (a Meilisearch server may otherwise estimate a very"
    " large total, shown as 'about N').",
)
@data_option
@backend_option
def search(
    words: tuple[str, ...],
    data_dir: Path | None,
    config_file: Path | None,
    backend: str | None,
    sort: str,
    limit: int,
    offset: int,
    as_json: bool,
    exact_total: bool,
    **filters: Any,
) -> None:
    """Search the archive.

    TEXT: words (all must match; inflections and typos forgiven), "an exact phrase",
    -excluded words; the last word also matches as a prefix. Empty TEXT with filters lists
    every matching article, newest first. A word may start with -, the first one too
    (`arkiv search -kommunen storm`): only the options listed below are options.

    \b
    Examples:
      arkiv search säkerhetssamordnare --kommun Vimmerby --from 2024-01-01
      arkiv search '"kommunfullmäktige beslutade" -skola' --lan "Kalmar län" --json
      arkiv search -kommunen storm
    """
    config = make_config(config_file, data_dir=data_dir, backend=backend)
    filters["sources"] = check_sources(config, filters["sources"])
    query = build_query(
        query_words(words), filters, sort=sort, limit=limit, offset=offset, exact_total=exact_total
    )
    result = search_archive(config, query, reindex=run_sync)
    if as_json:
        print_json(page_json(result))
        return
    click.echo(render_hits(query, result.page, result.elapsed, result.stories))


@click.command()
@click.argument("article_id")
@click.option(
    "--versions", "show_versions", is_flag=True, help="Show what changed between versions."
)
@click.option("--json", "as_json", is_flag=True, help="The whole record and its versions as JSON.")
@data_option
def show(
    article_id: str,
    data_dir: Path | None,
    config_file: Path | None,
    show_versions: bool,
    as_json: bool,
) -> None:
    """Show one article: text, metadata and its history of versions.

    ARTICLE_ID is the id from `arkiv search` (a unique prefix of it is enough).

    \b
    Example:
      arkiv show 3f2a9c1b0e4d5a67 --versions
    """
    config = make_config(config_file, data_dir=data_dir)
    versions = article_versions(config, article_id)
    if as_json:
        print_json(article_json(versions))
        return
    click.echo(render_article(versions[-1]))
    click.echo(render_versions(versions, diffs=show_versions))
