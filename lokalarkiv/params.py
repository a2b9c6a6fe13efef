"""What a search may ask for, defined once for every interface: the sort orders, the page
limits, the kinds and the filters, and the :class:`~indexer.search.query.Query` they make.

The CLI's options and the web app's parameters are both built from these names and bounds,
so a search means the same wherever it is typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from crawler.gazetteer import get_gazetteer, normalise_name, unknown_name
from indexer.config import Config
from indexer.errors import ConfigError, QueryError
from indexer.search.query import Query

SORTS = ("relevance", "newest", "oldest")
KINDS = ("personnel", "municipal")
DEFAULT_LIMIT = 10
MAX_LIMIT = 1000
MAX_OFFSET = 100_000
# The filter names, in the order the interfaces show them; each holds a tuple of values
# (any of which may match), except the two dates.
FILTER_NAMES = ("sources", "municipalities", "regions", "kinds", "languages", "roles", "people")
DATE_NAMES = ("date_from", "date_to")
SOURCE_HINT = (
    "Give a source id as `arkiv stats` (archived) or `arkiv sources` (configured) lists it."
)


@dataclass(frozen=True)
class Filters:
    """The filters of one search, as given (names not yet resolved through the gazetteer)."""

    date_from: date | None = None
    date_to: date | None = None
    sources: tuple[str, ...] = ()
    municipalities: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    roles: tuple[str, ...] = ()
    people: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> Filters:
        """Filters from a mapping of the names above (missing names are no filter; a date
        may be a ``date``, a ``datetime`` or an ISO ``YYYY-MM-DD`` string; a kind must be
        one of :data:`KINDS`)."""
        found: dict[str, Any] = {name: _day(values.get(name), name) for name in DATE_NAMES}
        for name in FILTER_NAMES:
            given = values.get(name) or ()
            found[name] = tuple(str(v) for v in ([given] if isinstance(given, str) else given))
        bad = [kind for kind in found["kinds"] if kind not in KINDS]
        if bad:
            raise QueryError(f"unknown kind {bad[0]!r}; kinds are: {', '.join(KINDS)}")
        return cls(**found)

    def as_dict(self) -> dict[str, Any]:
        """The filters that are set, as JSON-ready values (what a manifest records)."""
        out: dict[str, Any] = {}
        for name in (*DATE_NAMES, *FILTER_NAMES):
            value = getattr(self, name)
            if value:
                out[name] = value.isoformat() if isinstance(value, date) else list(value)
        return out


def build_query(text: str, filters: Filters | Mapping[str, Any], **page: Any) -> Query:
    """A Query from the words and filters: municipality and region names resolved through
    the gazetteer (so "jonkoping" means Jönköping, and an unknown name suggests the nearest
    ones). ``page``: sort, limit, offset, facets."""
    if not isinstance(filters, Filters):
        filters = Filters.from_mapping(filters)
    sort = page.get("sort", "relevance")
    if sort not in SORTS:
        raise QueryError(f"unknown sort {sort!r}; sorts are: {', '.join(SORTS)}")
    gazetteer = get_gazetteer()
    return Query(
        text=text,
        date_from=filters.date_from,
        date_to=filters.date_to,
        sources=filters.sources,
        municipalities=tuple(gazetteer.municipality(n).name for n in filters.municipalities),
        regions=tuple(gazetteer.region(n).name for n in filters.regions),
        kinds=filters.kinds,
        languages=tuple(lang.lower() for lang in filters.languages),
        roles=filters.roles,
        people=filters.people,
        **page,
    )


def check_sources(config: Config, sources: Sequence[str]) -> tuple[str, ...]:
    """The source ids given, as the archive spells them; an unknown one is one line that
    suggests the nearest, as an unknown kommun is.

    Known: every source the archive holds articles of and every source in the source list
    (``--sources``/ARKIV_SOURCES, else the shipped one). Without a local archive (a
    Meilisearch server searched from elsewhere) there is nothing to check against."""
    if not sources or not config.archive_path.exists():
        return tuple(sources)
    from lokalarkiv.storage import open_archive

    with open_archive(config) as archive:
        if all(archive.has_source(source) for source in sources):
            return tuple(sources)
        known = dict.fromkeys(archive.source_names())
    known.update(dict.fromkeys(_configured_sources(config)))
    return tuple(resolve_source(source, known) for source in sources)


def resolve_source(value: str, known: Iterable[str]) -> str:
    """The known source id that ``value`` names (any case, with or without å ä ö).

    Raises:
        QueryError: none does; the message suggests the nearest ids.
    """
    labels = {normalise_name(source): source for source in known}
    found = labels.get(normalise_name(value))
    if found is None:
        raise QueryError(unknown_name("source", value, labels), hint=SOURCE_HINT)
    return found


def _configured_sources(config: Config) -> list[str]:
    from crawler.sources import load_sources

    try:
        return [source.id for source in load_sources(config.sources_path)]
    except ConfigError:
        return []  # a broken source list is `arkiv crawl`'s to report, not search's


def _day(value: Any, name: str) -> date | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise QueryError(
            f"{name.replace('date_', '')} date {str(value)[:40]!r} is not a date",
            hint="Give dates as YYYY-MM-DD.",
        ) from None
