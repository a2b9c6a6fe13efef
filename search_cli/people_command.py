"""`arkiv people`: who held, took or left which role where, and which articles say so."""

from __future__ import annotations

from pathlib import Path

import click

from lokalarkiv.people import PeopleFilter, change_text, mention_json, timeline
from search_cli.options import data_option, make_config
from search_cli.output import one_line, print_json, scrub


@click.command()
@click.argument("name", required=False, default="")
@click.option("--kommun", "municipality", help="Only stories about this municipality.")
@click.option(
    "--source", "sources", multiple=True, help="Only stories of this source id (repeatable)."
)
@click.option("--role", help="Only this role (e.g. kommunchef); compounds match their head.")
@click.option("--changes-only", is_flag=True, help="Only mentions that report a change.")
@click.option("--json", "as_json", is_flag=True, help="The timeline as JSON.")
@data_option
def people(
    name: str,
    municipality: str | None,
    sources: tuple[str, ...],
    role: str | None,
    changes_only: bool,
    as_json: bool,
    data_dir: Path | None,
    config_file: Path | None,
) -> None:
    """A timeline of people in roles: appointments, departures, new jobs, with dates and the
    article ids that say so.

    NAME matches any part of a name (case and å ä ö forgiven): "westerback", "Håkan".

    \b
    Examples:
      arkiv people Westerback
      arkiv people --role kommunchef --kommun Vimmerby
      arkiv people --changes-only --source vimmerby-nyheter
    """
    config = make_config(config_file, data_dir=data_dir)
    wanted = PeopleFilter(name, municipality, sources, role, changes_only)
    mentions = scrub(timeline(config, wanted))  # what the web wrote, made safe to print
    if as_json:
        print_json([mention_json(m) for m in mentions])
        return
    if not mentions:
        click.echo("no one found", err=True)
        return
    current = None
    for mention in mentions:
        person = mention.person
        if person.name != current:
            current = person.name
            click.echo(click.style(one_line(person.name), bold=True))
        when = mention.published.strftime("%Y-%m-%d") if mention.published else "undated"
        parts = [", ".join(person.roles) or "?", person.organisation or "", change_text(mention)]
        click.echo(f"  {when}  {one_line(' · '.join(filter(None, parts)))}")
        click.echo(f"              {mention.article_id}  {one_line(mention.title)}")
