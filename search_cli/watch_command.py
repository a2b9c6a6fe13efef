"""`arkiv watch`: saved searches that alert ("bevakningar") — add, list, remove, deliver."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from lokalarkiv.params import Filters, check_sources
from lokalarkiv.storage import open_archive, require_writable
from lokalarkiv.watches import (
    DeliveryReport,
    add_watch,
    deliver,
    feed_path,
    list_watches,
    remove_watch,
    watch_json,
)
from search_cli.options import data_option, make_config
from search_cli.output import one_line, print_json, table
from search_cli.search_filters import QueryCommand, filter_options, query_words


@click.group()
def watch() -> None:
    """Saved searches that alert: each is checked after every index update (`arkiv crawl`,
    `arkiv index`) and its new articles go to its Atom feed in the web app
    (/feeds/TOKEN.atom), an e-mail digest ([smtp] in arkiv.toml) and a webhook.

    New means first archived (or newly matching) since the search's last check, whatever
    the publication date; each new article is delivered once.

    \b
    Examples:
      arkiv watch add kommunchef kommunchef --kommun Vimmerby --email red@example.se
      arkiv watch add storm storm --webhook https://example.se/hook
      arkiv watch list
      arkiv watch rm storm
    """


@watch.command(cls=QueryCommand)
@click.argument("name")
@click.argument("words", nargs=-1, type=click.UNPROCESSED, metavar="[QUERY]...")
@filter_options
@click.option("--email", help="Send a digest of each run's new articles to this address.")
@click.option("--webhook", help="POST each run's new articles as JSON to this URL.")
@data_option
def add(
    name: str,
    words: tuple[str, ...],
    email: str | None,
    webhook: str | None,
    data_dir: Path | None,
    config_file: Path | None,
    **filters: Any,
) -> None:
    """Save a search as NAME. What it matches now does not alert; what is new from now on
    does. QUERY and the filters are those of `arkiv search`.

    \b
    Example:
      arkiv watch add kommunchef kommunchef --kommun Vimmerby --email red@example.se
    """
    config = make_config(config_file, data_dir=data_dir)
    if filters.get("sources"):
        filters["sources"] = check_sources(config, filters["sources"])
    saved = add_watch(
        config, name, query_words(words), Filters.from_mapping(filters), email, webhook
    )
    click.echo(f"saved search {one_line(saved.name)!r}; its feed: {feed_path(saved)}")


@watch.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@data_option
def list_command(as_json: bool, data_dir: Path | None, config_file: Path | None) -> None:
    """List the saved searches and their feeds.

    \b
    Example:
      arkiv watch list --json
    """
    config = make_config(config_file, data_dir=data_dir)
    watches = list_watches(config)
    if as_json:
        print_json([watch_json(w) for w in watches])
        return
    rows = [
        (
            one_line(w.name),
            one_line(w.query) or "-",
            one_line(" ".join(f"{k}={v}" for k, v in w.filters.items())) or "-",
            one_line(" ".join(w.channels)) or "feed only",
            feed_path(w),
        )
        for w in watches
    ]
    click.echo(table(("name", "query", "filters", "delivery", "feed"), rows))


@watch.command("rm")
@click.argument("name")
@data_option
def rm(name: str, data_dir: Path | None, config_file: Path | None) -> None:
    """Remove the saved search NAME (its undelivered alerts too).

    \b
    Example:
      arkiv watch rm storm
    """
    config = make_config(config_file, data_dir=data_dir)
    remove_watch(config, name)
    click.echo(f"removed saved search {one_line(name)!r}")


@watch.command("deliver")
@data_option
def deliver_command(data_dir: Path | None, config_file: Path | None) -> None:
    """Deliver the alerts still queued (a failed e-mail or webhook), now rather than after
    the next index update.

    \b
    Example:
      arkiv watch deliver
    """
    config = make_config(config_file, data_dir=data_dir)
    require_writable(config, "watch deliver")
    with open_archive(config, write=True) as archive:
        report_delivery(deliver(config, archive))


def report_delivery(report: DeliveryReport) -> None:
    """A line per delivery made, and a warning line per one that failed."""
    for what, count in report.delivered.items():
        click.echo(f"delivered {count} new articles of saved search {one_line(what)}", err=True)
    for line in report.failed:
        click.echo(f"warning: {one_line(line)}", err=True)
