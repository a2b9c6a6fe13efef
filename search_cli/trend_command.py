"""`arkiv trend`: attention over time, counts per day, week or month for one or more
queries (and their share of all articles), counted by the search index."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from lokalarkiv.params import Filters, check_sources
from lokalarkiv.trend import FORMATS, Trend, trend, trend_csv, trend_json
from search_cli.options import backend_option, data_option, make_config
from search_cli.output import print_json, scrub, table
from search_cli.search_commands import run_sync
from search_cli.search_filters import QueryCommand, filter_options


@click.command(cls=QueryCommand)
@click.argument("queries", nargs=-1, required=True)
@filter_options
@click.option(
    "--by", default="month", show_default=True, help="Count per day, week (ISO) or month."
)
@click.option("--share", is_flag=True, help="Also each count's fraction of the period's articles.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="table",
    show_default=True,
    help="A table for reading, csv or json for analysis (on standard output).",
)
@data_option
@backend_option
def trend_command(
    queries: tuple[str, ...],
    by: str,
    share: bool,
    fmt: str,
    data_dir: Path | None,
    config_file: Path | None,
    backend: str | None,
    **filters: Any,
) -> None:
    """Attention over time: how many articles match each QUERY per day, ISO week (Monday
    first) or month, on the Stockholm calendar; one column per QUERY (quote a query of
    several words). Counted by the search index, from the first match to the last (or
    --from .. --to). --share adds each count's fraction of all the period's articles that
    pass the same filters (with no filters, of every archived article).

    \b
    Examples:
      arkiv trend storm översvämning --by week --from 2025-01-01
      arkiv trend "ny kommunchef" --kommun Vimmerby --by month --share
      arkiv trend budget --by month --format csv > budget.csv
    """
    config = make_config(config_file, data_dir=data_dir, backend=backend)
    filters["sources"] = check_sources(config, filters["sources"])
    wanted = Filters.from_mapping(filters)
    result = trend(config, queries, wanted, by, share=share, reindex=run_sync)
    if fmt == "json":
        print_json(trend_json(result))
    elif fmt == "csv":
        sys.stdout.write(scrub(trend_csv(result)))
    elif not result.periods:
        click.echo("no matches", err=True)
    else:
        click.echo(render_trend(result))


def render_trend(result: Trend) -> str:
    """The table: a row per period, a count column per query and, with a share, the
    period's articles and each query's share in percent."""
    headers = [result.by, *result.queries]
    if result.totals is not None:
        headers += ["all", *(f"{q} %" for q in result.queries)]
    rows = []
    for p, span in enumerate(result.periods):
        row: list[Any] = [span.label, *(counts[p] for counts in result.counts)]
        if result.totals is not None:
            row.append(result.totals[p])
            row += [_percent(result.share(q, p)) for q in range(len(result.queries))]
        rows.append(row)
    return table(headers, rows)


def _percent(value: float | None) -> str:
    return "" if value is None else f"{100 * value:.2f}"
