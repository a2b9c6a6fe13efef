"""`arkiv crawl`, `arkiv sources` and `arkiv stats`: gathering and what it gathered."""

from __future__ import annotations

import sqlite3
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from indexer.config import Config
from indexer.errors import ArchiveError, ArkivError, LockedError
from indexer.store.archive import Archive
from indexer.store.lock import CrawlLock
from lokalarkiv.params import resolve_source
from lokalarkiv.status import archive_stats, recent_runs, source_json
from lokalarkiv.storage import open_archive, require_writable
from search_cli.options import EXIT_ERROR, EXIT_LOCKED, EXIT_PARTIAL, data_option, make_config
from search_cli.output import counts_line, one_line, print_json, table

if TYPE_CHECKING:
    from crawler.sources import Source


def load_source_list(path: Path | None) -> list[Source]:
    """The source list (``None``: the shipped one)."""
    # crawler.sources is plain Python (no Scrapy); loading it here validates the file
    # before Scrapy starts, so a broken sources.toml is one clear line.
    from crawler.sources import load_sources

    return load_sources(path)


sources_option = click.option(
    "--sources",
    "sources_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ARKIV_SOURCES",
    help="The sources.toml (env ARKIV_SOURCES; default: the shipped list).",
)


def take_crawl_lock(config: Config) -> CrawlLock:
    """The archive's crawl lock, held; exits with code 4 when another process holds it."""
    lock = CrawlLock(config.data_dir)
    try:
        lock.acquire()
    except LockedError as exc:
        click.echo(f"Error: {exc}\nHint: {exc.hint}", err=True)
        sys.exit(EXIT_LOCKED)
    if lock.previous:
        click.echo(
            f"notice: took over a crawl lock left by process {lock.previous.get('pid')},"
            " which is no longer running",
            err=True,
        )
    return lock


@click.command()
@data_option
@sources_option
@click.option("--source", "only", multiple=True, help="Crawl only this source id (repeatable).")
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="KEY=VALUE",
    help="A Scrapy setting for this run, as `scrapy crawl -s` (e.g. -s DOWNLOAD_DELAY=2).",
)
@click.option(
    "--index/--no-index",
    "update_index",
    default=True,
    show_default=True,
    help="Update the search index at the end of the crawl.",
)
@click.option(
    "--full", is_flag=True, help="Fetch every article again, ignoring the revisit policy."
)
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only articles listed or published on or after this day (YYYY-MM-DD).",
)
@click.option("-v", "--verbose", count=True, help="-v: log each article; -vv: debug.")
def crawl(
    data_dir: Path | None,
    config_file: Path | None,
    sources_path: Path | None,
    only: tuple[str, ...],
    overrides: tuple[str, ...],
    update_index: bool,
    full: bool,
    since: datetime | None,
    verbose: int,
) -> None:
    """Crawl the sources into the archive (same as `scrapy crawl news`).

    Incremental: what the archive holds is fetched again only when a sitemap or feed says it
    changed or it is due for a revisit (young articles often, old ones rarely), and then
    with a conditional request. One crawl per archive at a time.

    \b
    Examples:
      arkiv crawl --data ./data --sources my-sources.toml
      arkiv crawl --source vimmerby-nyheter --since 2025-08-01
    """
    config = make_config(config_file, data_dir=data_dir, sources_path=sources_path)
    require_writable(config, "crawl")
    sources = load_source_list(config.sources_path)
    only = tuple(resolve_source(source, [s.id for s in sources]) for source in only)
    settings = {
        "ARKIV_INDEX": str(update_index),
        "ARKIV_FULL": str(full),
        "ARKIV_SINCE": since.date().isoformat() if since else "",
        "ARKIV_LOCK_HELD": "True",
        **dict(map(_parse_setting, overrides)),
    }

    from crawler.run import crawl_settings, run_crawl

    started = time.monotonic()
    lock = take_crawl_lock(config)
    try:
        run_id = run_crawl(
            crawl_settings(
                config,
                config_file=str(config_file) if config_file else None,
                only_sources=only,
                overrides=settings,
                log_level=("WARNING", "INFO", "DEBUG")[min(verbose, 2)],
                progress=sys.stderr.isatty(),
            )
        )
        if update_index:
            _deliver_alerts(config, run_id)
    finally:
        lock.release()
    _report_run(config, run_id, started)


def _deliver_alerts(config: Config, run_id: int | None) -> None:
    """Deliver what the crawl's index step queued for the saved searches (the crawl itself
    only queues: it does not import the application). Failures are warning lines, and the
    run's report gets an ``alerts`` entry: what was delivered, and what failed and stays
    queued for the next run."""
    if not config.archive_path.exists():
        return
    from lokalarkiv.watches import deliver
    from search_cli.watch_command import report_delivery

    try:
        with open_archive(config, write=True) as archive:
            delivery = deliver(config, archive)
            report_delivery(delivery)
            if run_id is not None and (delivery.delivered or delivery.failed):
                archive.annotate_run(
                    run_id, "alerts", {"delivered": delivery.delivered, "failed": delivery.failed}
                )
    except (ArkivError, sqlite3.Error) as exc:
        click.echo(f"warning: saved searches not delivered: {one_line(str(exc))}", err=True)


def _report_run(config: Config, run_id: int | None, started: float) -> None:
    """The run's one-line summary, a line per failed source, and the exit code its status
    calls for."""
    run = None
    if config.archive_path.exists():
        with Archive(config.archive_path, readonly=True) as archive:
            run = next((r for r in archive.runs(limit=5) if r.id == run_id), None)
    if run is None:
        raise ArchiveError(f"the crawl did not record a run in {config.archive_path}")
    report = run.report
    click.echo(
        f"crawl {run.status}: {summary(report)}"
        f" ({time.monotonic() - started:.1f} s, run {run.id}, archive {config.archive_path})"
    )
    for failed in report.get("failed_sources", []):
        errors = report["sources"][failed]["errors"]
        click.echo(f"source failed: {one_line(failed)} ({counts_line(errors)})", err=True)
    if report.get("config_error"):
        raise click.ClickException(one_line(report["config_error"]))
    if run.status == "failed":
        sys.exit(EXIT_ERROR)
    if run.status == "partial":
        sys.exit(EXIT_PARTIAL)


@click.command()
@data_option
@sources_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def sources(
    data_dir: Path | None, config_file: Path | None, sources_path: Path | None, as_json: bool
) -> None:
    """List the configured sources and their entry points.

    \b
    Example:
      arkiv sources
    """
    config = make_config(config_file, data_dir=data_dir, sources_path=sources_path)
    listed = load_source_list(config.sources_path)
    if as_json:
        print_json([source_json(s) for s in listed])
        return
    rows = [
        (
            s.id,
            s.name,
            s.kind,
            s.region,
            s.municipality or "-",
            len(s.sitemaps),
            len(s.feeds),
            len(s.sections),
            "yes" if s.enabled else "no",
        )
        for s in listed
    ]
    headers = ("id", "name", "kind", "region", "municipality", "sitemaps", "feeds", "sections")
    click.echo(table((*headers, "enabled"), rows))
    click.echo(f"\n{len(listed)} sources from {config.sources_path or 'the shipped list'}")


@click.command()
@data_option
@click.option("--runs", "run_count", default=5, show_default=True, help="Crawl runs to show.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of tables.")
def stats(data_dir: Path | None, config_file: Path | None, run_count: int, as_json: bool) -> None:
    """Counts in the archive: by source, language and month, and the last crawl runs.

    \b
    Example:
      arkiv stats --data ./data
    """
    config = make_config(config_file, data_dir=data_dir)
    data = archive_stats(config, run_count)
    if as_json:
        print_json(data)
        return
    totals = data["totals"]
    click.echo(
        f"{config.archive_path}: {totals['articles']} articles, {totals['versions']} versions,"
        f" {totals['gone']} gone from their sites\n"
    )
    for title, key in (("source", "by_source"), ("language", "by_language")):
        click.echo(table((title, "articles"), list(data[key].items())) + "\n")
    click.echo(table(("month", "articles"), list(data["by_month"].items())[:24]) + "\n")
    click.echo(table(("run", "started", "status", "new", "updated", "unchanged", "errors"), [
        (r["id"], r["started"][:19], r["status"],
         r["report"].get("articles", {}).get("new", 0),
         r["report"].get("articles", {}).get("updated", 0),
         r["report"].get("articles", {}).get("unchanged", 0),
         sum(r["report"].get("errors", {}).values()))
        for r in data["runs"]
    ]))  # fmt: skip


def summary(report: dict[str, Any]) -> str:
    """The counts of a run report in one line."""
    articles = report.get("articles", {})
    return (
        f"{report.get('http_requests', 0)} requests; {articles.get('new', 0)} new,"
        f" {articles.get('updated', 0)} updated, {articles.get('unchanged', 0)} unchanged,"
        f" {report.get('gone', 0)} gone; skipped {counts_line(report.get('skipped', {}))};"
        f" errors {counts_line(report.get('errors', {}))}"
    )


@click.command()
@data_option
@click.option("--limit", default=10, show_default=True, help="How many runs to list.")
@click.option("--json", "as_json", is_flag=True, help="The full reports as JSON.")
def runs(data_dir: Path | None, config_file: Path | None, limit: int, as_json: bool) -> None:
    """List recent crawl runs with their status and counts.

    \b
    Example:
      arkiv runs --limit 5
    """
    config = make_config(config_file, data_dir=data_dir)
    recent = recent_runs(config, limit)
    if as_json:
        print_json([{"id": r.id, "status": r.status, **r.report} for r in recent])
        return
    rows = [
        (r.id, r.started[:19], (r.finished or "")[:19], r.status, summary(r.report)) for r in recent
    ]
    click.echo(table(("run", "started (UTC)", "finished", "status", "counts"), rows))


@click.command()
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@data_option
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
def backup(target: Path, data_dir: Path | None, config_file: Path | None, force: bool) -> None:
    """Copy the archive database to TARGET, consistently, even while a crawl runs.

    Uses SQLite's online backup API. The WARC files are append-only and never rewritten
    once closed: copy them with rsync (see docs/SCHEDULING.md).

    \b
    Example:
      arkiv backup /backups/lokalarkiv-$(date +%F).sqlite3
    """
    config = make_config(config_file, data_dir=data_dir)
    if target.exists() and not force:
        raise click.UsageError(f"{target} exists; use --force to overwrite it")
    with open_archive(config) as archive:
        pages = archive.backup_to(target)
    click.echo(f"backed up {config.archive_path} to {target} ({pages} pages)")


def _parse_setting(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key.strip():
        raise click.BadParameter(f"expected KEY=VALUE, got {item!r}", param_hint="-s/--set")
    return key.strip(), value
