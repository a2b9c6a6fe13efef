"""People in roles: who held, took or left which role where, and which articles say so.
`arkiv people` and the web app's people page show this timeline."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crawler.gazetteer import get_gazetteer, normalise_name
from indexer.article import title_forms
from indexer.config import Config
from indexer.store.archive import PersonMention
from lokalarkiv.params import check_sources
from lokalarkiv.storage import open_archive

# A change as a reader says it.
CHANGE_WORDS = {
    "appointed": "appointed",
    "acting": "acting",
    "leaving": "leaving",
    "resigned": "resigned",
    "retired": "retired",
    "dismissed": "dismissed",
    "new_job": "new job",
}


@dataclass(frozen=True)
class PeopleFilter:
    """Which mentions to list. ``name`` matches any part of a name and ``role`` the head
    of a compound (case and å ä ö forgiven); ``municipality`` is resolved through the
    gazetteer; ``sources`` are source ids."""

    name: str = ""
    municipality: str | None = None
    sources: Sequence[str] = ()
    role: str | None = None
    changes_only: bool = False


def timeline(config: Config, wanted: PeopleFilter) -> list[PersonMention]:
    """Every mention that passes ``wanted``, by name and then date (undated last).

    Raises:
        QueryError: an unknown municipality or source (the message suggests the nearest).
    """
    place = get_gazetteer().municipality(wanted.municipality).name if wanted.municipality else None
    only = {source.lower() for source in check_sources(config, wanted.sources)}
    name = normalise_name(wanted.name) if wanted.name else ""
    role = normalise_name(wanted.role) if wanted.role else ""
    with open_archive(config) as archive:
        mentions = [
            m
            for m in archive.person_mentions()
            if (not name or name in normalise_name(m.person.name))
            and (not place or place in m.municipalities)
            and (not only or m.source.lower() in only)
            and (not role or _has_role(m, role))
            and (not wanted.changes_only or m.person.change)
        ]
    mentions.sort(key=lambda m: (normalise_name(m.person.name), m.published is None, m.published))
    return mentions


def _has_role(mention: PersonMention, wanted: str) -> bool:
    roles = [mention.person.new_role or "", *mention.person.roles]
    return any(role_matches(normalise_name(r), wanted) for r in roles if r)


def role_matches(title: str, wanted: str) -> bool:
    """``wanted`` (normalised) is the title, the head of a compound ("chef": "kommunchef"),
    or one of the shorter titles it is (:func:`indexer.article.title_forms`: "ledamot" for
    "ledamot i kulturnämnden", "kommunchef" for "tillförordnad kommunchef")."""
    return any(form.endswith(wanted) for form in title_forms(title))


def change_text(mention: PersonMention) -> str:
    """The change a mention reports, in words: "appointed → kommunchef (Vimmerby kommun)";
    empty when it reports none."""
    person = mention.person
    if not person.change:
        return ""
    change = CHANGE_WORDS.get(person.change, person.change)
    target, place = person.new_role or "", person.new_organisation
    if place:
        target = f"{target} ({place})" if target else place
    return f"{change} → {target}" if target else change


def mention_json(mention: PersonMention) -> dict[str, object]:
    """One mention as `arkiv people --json` and the web app's ``/api/people`` give it."""
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
