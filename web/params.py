"""A search's URL parameters, the same for every page and its JSON twin, made into a
:class:`~indexer.search.query.Query` through :mod:`lokalarkiv.params` (one definition of
sorts, kinds, limits and filters for the CLI and the web).

``q`` the query text; ``from`` / ``to`` dates; ``source``, ``kommun``, ``lan``, ``kind``,
``language``, ``role``, ``person`` (each repeatable); ``sort``; ``limit``; ``offset``.
``lang`` is the language of the pages, not a filter.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from starlette.datastructures import QueryParams

from indexer.config import Config
from indexer.errors import QueryError
from indexer.search.query import Query
from lokalarkiv.params import DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET, build_query, check_sources

MAX_QUERY_CHARS = 500
MAX_VALUE_CHARS = 200
MAX_VALUES = 20
# URL parameter -> lokalarkiv.params filter name, in the order the search page shows them
FILTER_PARAMS = {
    "source": "sources",
    "kommun": "municipalities",
    "lan": "regions",
    "kind": "kinds",
    "language": "languages",
    "role": "roles",
    "person": "people",
}
# facet name (the index's) -> URL parameter it filters by
FACET_PARAMS = {
    "source": "source",
    "municipality": "kommun",
    "region": "lan",
    "kind": "kind",
    "language": "language",
    "role": "role",
    "person": "person",
}
ALL_FACETS = ("year", *FACET_PARAMS)
SEARCH_PARAMS = ("q", "from", "to", *FILTER_PARAMS, "sort", "limit", "offset")


def query_text(params: QueryParams) -> str:
    text = params.get("q", "")
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(
            f"the query is {len(text)} characters long; at most {MAX_QUERY_CHARS} are searched",
            hint="Shorten the query.",
        )
    return text


def filter_values(params: QueryParams) -> dict[str, Any]:
    """The filters of a request, as :meth:`lokalarkiv.params.Filters.from_mapping` takes them
    (bounded in number and length)."""
    values: dict[str, Any] = {"date_from": params.get("from"), "date_to": params.get("to")}
    for param, name in FILTER_PARAMS.items():
        given = [v.strip() for v in params.getlist(param) if v.strip()]
        if len(given) > MAX_VALUES or any(len(v) > MAX_VALUE_CHARS for v in given):
            raise QueryError(
                f"too many or too long values for {param!r}",
                hint=f"Give at most {MAX_VALUES} values of {MAX_VALUE_CHARS} characters.",
            )
        values[name] = tuple(dict.fromkeys(given))
    return values


def whole_number(params: QueryParams, name: str, default: int, top: int) -> int:
    raw = params.get(name, "")
    if raw == "":
        return default
    if not raw.isdigit() or len(raw) > 9:
        raise QueryError(f"{name} must be a whole number, not {raw[:20]!r}")
    value = int(raw)
    if value > top:
        raise QueryError(
            f"{name} {value} is above the maximum {top}", hint="Use the export to get every match."
        )
    return value


def search_query(
    config: Config,
    params: QueryParams,
    *,
    facets: Sequence[str] | None = ALL_FACETS,
    limit: int | None = None,
    offset: int | None = None,
    sort: str | None = None,
) -> Query:
    """The Query a request asks for (``limit``/``offset``/``sort`` given here win over the
    request's own). Its total may be an estimate unless the request says ``exact=1``.

    Raises:
        QueryError: a bad value; the message says which.
    """
    filters = filter_values(params)
    filters["sources"] = check_sources(config, filters["sources"])
    exact = params.get("exact", "0")
    if exact not in ("0", "1"):
        raise QueryError(f"exact must be 1 (count every match) or 0, not {exact[:20]!r}")
    # None: the facets `arkiv search` asks for, so that /api/search is its document
    chosen = {} if facets is None else {"facets": tuple(facets)}
    return build_query(
        query_text(params),
        filters,
        sort=sort or params.get("sort") or "relevance",
        limit=whole_number(params, "limit", DEFAULT_LIMIT, MAX_LIMIT) if limit is None else limit,
        offset=whole_number(params, "offset", 0, MAX_OFFSET) if offset is None else offset,
        exact_total=exact == "1",
        **chosen,
    )


def link(path: str, params: Sequence[tuple[str, str]], **changes: str | None) -> str:
    """``path`` with ``params`` (pairs, repeated names allowed), ``changes`` replacing every
    value of their name (None: removed). Only ever a path of this app: no open redirect."""
    kept = [(k, v) for k, v in params if k not in changes and v != ""]
    kept += [(k, v) for k, v in changes.items() if v is not None and v != ""]
    return f"{path}?{urlencode(kept)}" if kept else path


def without(params: Sequence[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    """``params`` with one name=value pair (and the offset) removed."""
    return [(k, v) for k, v in params if (k, v) != (name, value) and k != "offset"]
