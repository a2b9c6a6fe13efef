"""Attention over time: /trend draws how many articles match each of several queries per
day, ISO week or month (an SVG chart made on the server, with its data table and a CSV
download); /api/trend is its JSON (or CSV) twin, /api/count-by-period the one-query form.
Every number comes from :mod:`lokalarkiv.trend`, counted by the search index."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from indexer.errors import QueryError
from indexer.search.periods import PERIODS, check_by
from lokalarkiv.params import Filters, build_query, check_sources
from lokalarkiv.trend import MAX_QUERIES, Trend, count_trend, trend_csv, trend_json
from web.app import render, route, state
from web.chart import chart
from web.params import FILTER_PARAMS, MAX_QUERY_CHARS, filter_values, link, query_text

QUERY_BOXES = 3
"""Query boxes the form offers (one more than given, at least this many)."""


def trend_request(request: Request, *, several: bool = True) -> tuple[list[str], Filters, str]:
    """The queries (``q``, repeatable; empty ones dropped), the filters and ``by`` of a
    request, checked."""
    params = request.query_params
    texts = [text.strip() for text in params.getlist("q") if text.strip()]
    if not several:
        texts = [query_text(params)]
    if len(texts) > MAX_QUERIES or any(len(text) > MAX_QUERY_CHARS for text in texts):
        raise QueryError(
            f"at most {MAX_QUERIES} queries of {MAX_QUERY_CHARS} characters are compared",
            hint="Compare fewer queries.",
        )
    values = filter_values(params)
    values["sources"] = check_sources(state(request).config, values["sources"])
    return texts or [""], Filters.from_mapping(values), check_by(params.get("by", "month"))


def counted(request: Request, texts: list[str], filters: Filters, by: str) -> Trend:
    with state(request).searchers.backend() as backend:
        return count_trend(
            backend, texts, filters, by, share=request.query_params.get("share") == "1"
        )


def article_links(request: Request, result: Trend) -> list[list[str]]:
    """For each query and period, the search page listing that period's matches."""
    kept = [(k, v) for k, v in request.query_params.multi_items() if k in (*FILTER_PARAMS, "lang")]
    return [
        [
            link(
                "/",
                kept,
                q=text or None,
                sort="oldest",
                **{"from": span.start.isoformat(), "to": span.end.isoformat()},
            )
            for span in result.periods
        ]
        for text in result.queries
    ]


def trend_page(request: Request) -> Response:
    """GET /trend: the form, and once anything is asked the chart and its table."""
    params = request.query_params
    context: dict[str, Any] = {
        "queries": [],
        "periods": PERIODS,
        "by": params.get("by", "month"),
        "share": params.get("share") == "1",
        "date_from": params.get("from", ""),
        "date_to": params.get("to", ""),
        "filters": _filters_shown(params),
        "result": None,
        "error": None,
    }
    try:
        texts, filters, by = trend_request(request)
        context["queries"] = [t for t in texts if t]
        if "q" in params or params.get("by"):
            result = counted(request, texts, filters, by)
            hrefs = article_links(request, result)
            pairs = list(params.multi_items())
            context.update(
                result=result,
                chart=chart(result, hrefs),
                hrefs=hrefs,
                csv_href=link("/api/trend", pairs, format="csv", lang=None),
                json_href=link("/api/trend", pairs, lang=None),
            )
    except QueryError as exc:
        context["error"] = (str(exc), exc.hint)
        return render(request, "trend.html", _boxes(context), status=400)
    return render(request, "trend.html", _boxes(context))


def _boxes(context: dict[str, Any]) -> dict[str, Any]:
    given = context["queries"]
    return {**context, "boxes": [*given, *[""] * max(1, QUERY_BOXES - len(given))][:MAX_QUERIES]}


def _filters_shown(params: QueryParams) -> list[tuple[str, str]]:
    return [(k, v) for k, v in params.multi_items() if k in FILTER_PARAMS and v.strip()]


def api_trend(request: Request) -> Response:
    """/api/trend?q=&q=&by=&share=1[&format=csv]: the chart's numbers, as `arkiv trend
    --format json` (or csv) writes them."""
    texts, filters, by = trend_request(request)
    result = counted(request, texts, filters, by)
    fmt = request.query_params.get("format", "json")
    if fmt == "csv":
        return Response(
            trend_csv(result),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="trend-{by}.csv"'},
        )
    if fmt != "json":
        raise QueryError(f"format must be json or csv, not {fmt[:20]!r}")
    return JSONResponse(trend_json(result))


def api_count_by_period(request: Request) -> Response:
    """/api/count-by-period?by=day|week|month: matches of ``q`` per period, from the first
    match to the last (or the from/to given), zeros included."""
    texts, filters, by = trend_request(request, several=False)
    with state(request).searchers.backend() as backend:
        total = backend.search(build_query(texts[0], filters, facets=(), limit=0)).total
        result = count_trend(backend, texts, filters, by)
    rows = [
        {
            "period": span.label,
            "from": span.start.isoformat(),
            "to": span.end.isoformat(),
            "count": count,
        }
        for span, count in zip(result.periods, result.counts[0], strict=True)
    ]
    return JSONResponse(
        {"query": texts[0], "filters": filters.as_dict(), "by": by, "total": total, "periods": rows}
    )


routes = [
    route("/trend", trend_page),
    route("/api/trend", api_trend),
    route("/api/count-by-period", api_count_by_period),
]
