"""The search page: one box for the query language, filters with counts, ranked hits with
their snippets, copies of one story shown once, sort and pages. The URL holds it all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from indexer.errors import QueryError
from indexer.search.query import Hit
from lokalarkiv.params import KINDS, SORTS
from lokalarkiv.searching import SearchResult, search
from web.app import render, route, state
from web.params import ALL_FACETS, FACET_PARAMS, FILTER_PARAMS, link, search_query, without

FACET_VALUES_SHOWN = 8
FACET_TITLES = {
    "year": "Year",
    "source": "Source",
    "municipality": "Municipality",
    "region": "Region",
    "kind": "Kind",
    "language": "Language",
    "role": "Role",
    "person": "Person",
}


@dataclass
class Group:
    """A hit and the other copies of its story (in the archive, and further down this page)."""

    hit: Hit
    copies: list[tuple[str, str]] = field(default_factory=list)  # (id, source name)


def group_hits(result: SearchResult) -> list[Group]:
    """The page's hits with copies of one story folded into the first of them shown."""
    groups: dict[str, Group] = {}
    for hit in result.page.hits:
        root, copies = result.stories.get(hit.id, (hit.id, []))
        if root in groups:
            continue  # a copy of a story already on the page: listed under it
        groups[root] = Group(hit, [(cid, name) for cid, name in copies if cid != hit.id])
    return list(groups.values())


def facet_rows(request: Request, result: SearchResult) -> list[dict[str, Any]]:
    """For each facet: its values with counts, each a link that adds (or, when set,
    removes) the filter."""
    pairs = [(k, v) for k, v in request.query_params.multi_items() if k != "offset"]
    rows = []
    for name in ALL_FACETS:
        counts = result.page.facets.get(name) or {}
        if not counts:
            continue
        values = []
        for value, count in list(counts.items())[:FACET_VALUES_SHOWN]:
            if name == "year":
                href = link(
                    request.url.path, pairs, **{"from": f"{value}-01-01", "to": f"{value}-12-31"}
                )
                active = request.query_params.get("from") == f"{value}-01-01"
            else:
                param = FACET_PARAMS[name]
                active = value in request.query_params.getlist(param)
                kept = without(pairs, param, value) if active else pairs
                href = link(request.url.path, kept + ([] if active else [(param, value)]))
            values.append({"value": value, "count": count, "href": href, "active": active})
        rows.append({"name": name, "title": FACET_TITLES[name], "values": values})
    return rows


def active_filters(request: Request) -> list[tuple[str, str]]:
    """The filters set, as (parameter, value): shown as checked boxes in the form."""
    return [
        (k, v) for k, v in request.query_params.multi_items() if k in FILTER_PARAMS and v.strip()
    ]


def pages(request: Request, total: int, offset: int, limit: int) -> dict[str, str | None]:
    pairs = list(request.query_params.multi_items())
    previous = max(0, offset - limit) if offset > 0 else None
    following = offset + limit if limit and offset + limit < total else None
    return {
        "previous": None
        if previous is None
        else link(request.url.path, pairs, offset=str(previous)),
        "next": None if following is None else link(request.url.path, pairs, offset=str(following)),
    }


def search_page(request: Request) -> Response:
    """GET /: the search page (an empty box first; results once anything is asked)."""
    config = state(request).config
    context: dict[str, Any] = {
        "q": request.query_params.get("q", ""),
        "sorts": SORTS,
        "sort": request.query_params.get("sort", "relevance"),
        "kinds": KINDS,
        "date_from": request.query_params.get("from", ""),
        "date_to": request.query_params.get("to", ""),
        "filters": active_filters(request),
        "result": None,
        "error": None,
    }
    try:
        query = search_query(config, request.query_params)
        with state(request).searchers.backend() as backend:
            result = search(config, query, backend=backend)
    except QueryError as exc:
        context["error"] = (str(exc), exc.hint)
        return render(request, "search.html", context, status=400)
    context.update(
        result=result,
        groups=group_hits(result),
        facets=facet_rows(request, result),
        pages=pages(request, result.page.total, query.offset, query.limit),
        first=query.offset + 1,
        last=query.offset + len(result.page.hits),
        search_params=link(
            "", list(request.query_params.multi_items()), offset=None, limit=None, lang=None
        ).lstrip("?"),
        export_href=link(
            "/export", list(request.query_params.multi_items()), offset=None, limit=None
        ),
        trend_href=link(
            "/trend", list(request.query_params.multi_items()), offset=None, limit=None, sort=None
        ),
    )
    return render(request, "search.html", context)


routes = [route("/", search_page)]
