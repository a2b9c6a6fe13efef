"""`arkiv index`, `arkiv search` and `arkiv show`: the archive made searchable.

Nothing here imports Scrapy or Trafilatura: `arkiv search` must start fast.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from indexer.config import Config
from indexer.errors import BackendUnavailable
from indexer.search.query import Query, SearchPage
from indexer.store.archive import Archive
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import ProgressLine, print_json
from search_cli.render import Stories, render_article, render_hits, render_versions, version_changes
from search_cli.search_filters import (
    QueryCommand,
    build_query,
    check_sources,
    filter_options,
    query_words,
)
from search_cli.storage import (
    cannot_rebuild,
    data_writable,
    open_archive,
    require_writable,
    search_index,
)


def run_sync(config: Config, archive: Archive, rebuild: bool | str = False) -> Any:
    """The sync, with a progress line on a terminal and a one-line notice on a rebuild
    (``rebuild``: a string is the reason, for that notice).

    A local index that cannot be removed or made for the rebuild (a folder of something
    else, a folder left with only hidden files) gets a hint that names the folder: `arkiv`
    has no option to put the index elsewhere."""
    from indexer.search.sync import is_local, sync

    line = ProgressLine()

    def progress(done: int, total: int) -> None:
        line.show(f"indexing: {done}/{total} changes", force=done == total)

    try:
        result = sync(archive, config, rebuild=rebuild, progress=progress)
    except BackendUnavailable as exc:
        folder = config.index_dir
        if not is_local(config) or not _not_an_index(folder):
            raise
        raise BackendUnavailable(
            str(exc),
            hint=f"The index is built from the archive and lives in {folder}: if nothing of"
            f" yours is there, remove it (rm -r '{folder}') and run `arkiv index`.",
        ) from exc
    finally:
        line.done()
    if result.rebuilt:
        click.echo(f"notice: rebuilt the search index from the archive: {result.rebuilt}", err=True)
    return result


def _not_an_index(folder: Path) -> bool:
    """Something is where the local index belongs that a rebuild will not remove (the
    backend refuses to delete what does not look like an index): a file, or a folder without
    an index's description files (say, one left with only Tantivy's hidden lock files)."""
    if not folder.exists():
        return False
    if not folder.is_dir():
        return True
    return not any((folder / name).exists() for name in ("lokalarkiv-index.json", "meta.json"))


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
    type=click.Choice(["relevance", "newest", "oldest"]),
    default="relevance",
    show_default=True,
)
@click.option("--limit", type=click.IntRange(0, 1000), default=10, show_default=True)
@click.option("--offset", type=click.IntRange(0, 100_000), default=0, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="One JSON document (for jq and scripts).")
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
    query = build_query(query_words(words), filters, sort=sort, limit=limit, offset=offset)
    started = time.monotonic()
    page = _search(config, query)
    elapsed = time.monotonic() - started
    stories = _stories(config, page)
    if as_json:
        print_json(page_json(query, page, stories))
        return
    click.echo(render_hits(query, page, elapsed, stories))


def _stories(config: Config, page: SearchPage) -> Stories:
    """Which story each hit is a copy of, and where else it was published (wire copy on
    many papers shows as one story)."""
    if not page.hits or not config.archive_path.exists():
        return {}
    with open_archive(config) as archive:
        return archive.story_groups([hit.id for hit in page.hits])


def _search(config: Config, query: Query) -> SearchPage:
    """Search the index. A local one that is missing, of an older version or damaged is
    rebuilt from the archive first, where the data folder can be written; in a read-only
    one that is one line saying so (storage.cannot_rebuild)."""
    from indexer.search.sync import is_local

    try:
        with search_index(config) as backend:
            return backend.search(query)
    except BackendUnavailable as exc:
        if not is_local(config):
            raise
        if not data_writable(config):
            raise cannot_rebuild(config, exc) from exc
        reason = str(exc)  # missing or damaged: rebuilt, and run_sync's notice says why
    with open_archive(config, write=True) as archive:
        run_sync(config, archive, rebuild=reason)
    with search_index(config) as backend:
        return backend.search(query)


def page_json(query: Query, page: SearchPage, stories: Stories) -> dict[str, Any]:
    """The `--json` document of a search. Every hit is listed; ``story`` (the id of the
    story's first copy) groups copies of one story, ``also_in`` names its other copies."""
    return {
        "query": query.text,
        "total": page.total,
        "offset": query.offset,
        "limit": query.limit,
        "hits": [
            {
                "id": hit.id,
                "url": hit.url,
                "title": hit.title,
                "source": hit.source,
                "source_name": hit.source_name,
                "published": hit.published.isoformat() if hit.published else None,
                "municipalities": list(hit.municipalities),
                "regions": list(hit.regions),
                "kinds": list(hit.kinds),
                "language": hit.language,
                "paywalled": hit.paywalled,
                "snippet": hit.snippet.html(),
                "score": round(hit.score, 4),
                "story": stories[hit.id][0] if hit.id in stories else hit.id,
                "also_in": [
                    {"id": other, "source_name": name}
                    for other, name in (stories[hit.id][1] if hit.id in stories else [])
                    if other != hit.id
                ],
            }
            for hit in page.hits
        ],
        "facets": page.facets,
    }


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
    with open_archive(config) as archive:
        full_id = archive.resolve_id(article_id)
        versions = archive.versions(full_id)
    current = versions[-1]
    if as_json:
        record = current.to_dict()
        record["versions"] = [
            {
                "version": v.version,
                "fetched_at": v.fetched_at.isoformat() if v.fetched_at else None,
                "content_hash": v.content_hash,
                "changed": version_changes(versions[i - 1], v) if i else [],
            }
            for i, v in enumerate(versions)
        ]
        print_json(record)
        return
    click.echo(render_article(current))
    click.echo(render_versions(versions, diffs=show_versions))
