"""`arkiv people`: who held, took or left which role where, and which articles say so."""

from __future__ import annotations

from pathlib import Path

import click

from crawler.enrich.gazetteer import get_gazetteer, normalise_name
from indexer.store.archive import PersonMention
from search_cli.options import data_option, make_config
from search_cli.output import one_line, print_json, scrub
from search_cli.search_filters import check_sources
from search_cli.storage import open_archive

_CHANGE_WORDS = {
    "appointed": "appointed",
    "acting": "acting",
    "leaving": "leaving",
    "resigned": "resigned",
    "retired": "retired",
    "dismissed": "dismissed",
    "new_job": "new job",
}


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
    place = get_gazetteer().municipality(municipality).name if municipality else None
    only = {source.lower() for source in check_sources(config, sources)}
    wanted_name = normalise_name(name) if name else ""
    wanted_role = normalise_name(role) if role else ""
    with open_archive(config) as archive:
        mentions = [
            m
            for m in archive.person_mentions()
            if (not wanted_name or wanted_name in normalise_name(m.person.name))
            and (not place or place in m.municipalities)
            and (not only or m.source.lower() in only)
            and (not wanted_role or _has_role(m, wanted_role))
            and (not changes_only or m.person.change)
        ]
    mentions.sort(key=lambda m: (normalise_name(m.person.name), m.published is None, m.published))
    mentions = scrub(mentions)  # what the web wrote, made safe to print (output.scrub)
    if as_json:
        print_json([_as_dict(m) for m in mentions])
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
        parts = [", ".join(person.roles) or "?"]
        if person.organisation:
            parts.append(person.organisation)
        if person.change:
            change = _CHANGE_WORDS.get(person.change, person.change)
            target, place = person.new_role or "", person.new_organisation
            if place:
                target = f"{target} ({place})" if target else place
            parts.append(f"{change} → {target}" if target else change)
        click.echo(f"  {when}  {one_line(' · '.join(parts))}")
        click.echo(f"              {mention.article_id}  {one_line(mention.title)}")


def _has_role(mention: PersonMention, wanted: str) -> bool:
    roles = [mention.person.new_role or "", *mention.person.roles]
    return any(normalise_name(r).endswith(wanted) for r in roles if r)


def _as_dict(mention: PersonMention) -> dict[str, object]:
    person = mention.person
    return {
        "name": person.name,
        "roles": person.roles,
        "organisation": person.organisation,
        "change": person.change,
        "new_role": person.new_role,
        "new_organisation": person.new_organisation,
        "published": mention.published.isoformat() if mention.published else None,
        "article_id": mention.article_id,
        "title": mention.title,
        "source": mention.source,
        "municipalities": mention.municipalities,
    }
