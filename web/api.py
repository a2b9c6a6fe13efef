"""The JSON API: the twin of every page (the same parameters, the documents the CLI's --json
prints), and for researchers counts, counts by period and random samples, all answered by
the search index (never by reading articles in Python). Counts by period and the trend
are in :mod:`web.pages_trend`."""

from __future__ import annotations

import random
import time
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from indexer.search.query import Query, SearchPage
from lokalarkiv.articles import article_json, version_changes
from lokalarkiv.params import MAX_LIMIT, MAX_OFFSET, Filters, build_query, check_sources
from lokalarkiv.people import mention_json
from lokalarkiv.searching import SearchResult, page_json, search, story_groups
from web import exports
from web.app import render, route, state
from web.pages_article import chosen, versions_of, word_diff
from web.pages_more import people_mentions, status_data
from web.params import filter_values, query_text, search_query, whole_number

MAX_SAMPLE = 100


def api_search(request: Request) -> Response:
    """/api/search: the document `arkiv search --json` prints for the same query."""
    config = state(request).config
    query = search_query(config, request.query_params, facets=None)
    with state(request).searchers.backend() as backend:
        return JSONResponse(page_json(search(config, query, backend=backend)))


def api_article(request: Request) -> Response:
    """/api/article/{id}: the document `arkiv show --json` prints."""
    versions = versions_of(state(request).config, request.path_params["article_id"])
    return JSONResponse(article_json(versions))


def api_diff(request: Request) -> Response:
    """/api/article/{id}/diff?a=&b=: what changed between two versions, word by word."""
    versions = versions_of(state(request).config, request.path_params["article_id"])
    old = chosen(versions, request.query_params.get("a"), max(0, len(versions) - 2))
    new = chosen(versions, request.query_params.get("b"), len(versions) - 1)
    return JSONResponse(
        {
            "id": versions[-1].id,
            "a": old.version,
            "b": new.version,
            "changed": version_changes(old, new),
            "diff": [{"op": op, "text": text} for op, text in word_diff(old, new)],
        }
    )


def api_people(request: Request) -> Response:
    """/api/people: the timeline as `arkiv people --json` lists it, a page at a time."""
    shown, offset, total = people_mentions(request, MAX_LIMIT)
    return JSONResponse(
        {"total": total, "offset": offset, "mentions": [mention_json(m) for m in shown]}
    )


def api_status(request: Request) -> Response:
    return JSONResponse(status_data(request))


def base_filters(request: Request) -> tuple[str, Filters]:
    values = filter_values(request.query_params)
    values["sources"] = check_sources(state(request).config, values["sources"])
    return query_text(request.query_params), Filters.from_mapping(values)


def counting(text: str, filters: Filters, **page: Any) -> Query:
    return build_query(text, filters, facets=(), **{"limit": 0, **page})


def api_count(request: Request) -> Response:
    """/api/count: how many articles match."""
    text, filters = base_filters(request)
    with state(request).searchers.backend() as backend:
        total = backend.search(counting(text, filters)).total
    return JSONResponse({"query": text, "filters": filters.as_dict(), "total": total})


def api_sample(request: Request) -> Response:
    """/api/sample?n=&seed=: ``n`` matches drawn at random (the same ``seed``, the same
    draw while the index is unchanged), as /api/search lists hits."""
    config = state(request).config
    n = whole_number(request.query_params, "n", 10, MAX_SAMPLE)
    seed = whole_number(request.query_params, "seed", random.randrange(1 << 30), 1 << 62)
    text, filters = base_filters(request)
    started = time.monotonic()
    with state(request).searchers.backend() as backend:
        total = backend.search(counting(text, filters)).total
        reachable = min(total, MAX_OFFSET + 1)
        offsets = sorted(random.Random(seed).sample(range(reachable), min(n, reachable)))
        hits = [
            hit
            for k in offsets
            for hit in backend.search(
                counting(text, filters, sort="oldest", limit=1, offset=k)
            ).hits
        ]
    page = SearchPage(total, hits, {})
    query = counting(text, filters, limit=len(hits))
    document = page_json(
        SearchResult(query, page, story_groups(config, page), time.monotonic() - started)
    )
    return JSONResponse({**document, "seed": seed, "n": n})


def api_export_manifest(request: Request) -> Response:
    return exports.manifest_page(request)


ENDPOINTS = (
    (
        "/api/search",
        "q, from, to, source, kommun, lan, kind, language, role, person, sort, limit, offset",
    ),
    ("/api/article/{id}", ""),
    ("/api/article/{id}/diff", "a, b"),
    ("/api/people", "name, role, kommun, source, changes, limit, offset"),
    ("/api/status", ""),
    ("/api/count", "q and the filters of /api/search"),
    ("/api/count-by-period", "by=day|week|month, q and the filters"),
    ("/api/trend", "q (repeatable, at most 10), by=day|week|month, share=1, format=csv, filters"),
    ("/api/sample", "n (at most 100), seed, q and the filters"),
    ("/api/export/manifest", "format, body, q and the filters"),
)


def api_index(request: Request) -> Response:
    """/api: the endpoints (as JSON, or as a page for a browser)."""
    if "text/html" in request.headers.get("accept", ""):
        return render(request, "api.html", {"endpoints": ENDPOINTS})
    return JSONResponse({"endpoints": [{"path": p, "parameters": a} for p, a in ENDPOINTS]})


routes = [
    route("/api", api_index),
    route("/api/search", api_search),
    route("/api/article/{article_id}", api_article),
    route("/api/article/{article_id}/diff", api_diff),
    route("/api/people", api_people),
    route("/api/status", api_status),
    route("/api/count", api_count),
    route("/api/sample", api_sample),
    route("/api/export/manifest", api_export_manifest),
]
