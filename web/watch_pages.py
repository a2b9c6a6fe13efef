"""Saved searches in the web app: the Atom feed of each (``/feeds/{token}.atom``, its token
the only key) and the "Bevaka" form that saves the search on screen (``POST /watches``)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from indexer.errors import ArchiveError, QueryError
from lokalarkiv.params import check_sources
from lokalarkiv.watch_feed import feed_xml
from lokalarkiv.watches import add_watch, feed_path
from web.app import render, route, state
from web.params import filter_values, link, query_text

FEED_TYPE = "application/atom+xml; charset=utf-8"


def feed(request: Request) -> Response:
    """GET /feeds/{token}.atom: the latest articles new to that saved search."""
    token = str(request.path_params["token"])
    config = state(request).config
    base = (config.app_url or str(request.base_url)).rstrip("/")
    body = feed_xml(config, token, base)
    if body is None:
        return PlainTextResponse("no such feed\n", status_code=404)
    return Response(body, media_type=FEED_TYPE, headers={"Cache-Control": "no-store"})


async def save_watch(request: Request) -> Response:
    """POST /watches: save the search of the page the form was on (its query string in
    ``search``) under ``name``, with an optional ``email`` for digests. Refused without a
    valid CSRF token. A webhook is the CLI's only: the server would POST wherever a form
    said."""
    body = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(body, keep_blank_values=True))
    web = state(request)
    if not web.csrf.valid(form.get("csrf", "")):
        return PlainTextResponse("invalid or missing CSRF token\n", status_code=403)
    params = QueryParams(form.get("search", ""))
    context: dict[str, Any] = {
        "name": form.get("name", ""),
        "back": link("/", list(params.multi_items())),
        "saved": None,
        "feed": "",
        "error": None,
    }
    try:
        filters = filter_values(params)
        filters["sources"] = check_sources(web.config, filters["sources"])
        saved = await run_in_threadpool(
            add_watch, web.config, form.get("name", ""), query_text(params), filters,
            form.get("email") or None, None, refresh_index=False,
        )  # fmt: skip
    except (QueryError, ArchiveError) as exc:
        context["error"] = (str(exc), exc.hint)
        return render(request, "watch.html", context, status=400)
    base = (web.config.app_url or str(request.base_url)).rstrip("/")
    context.update(saved=saved, feed=base + feed_path(saved))
    return render(request, "watch.html", context)


routes = [
    route("/feeds/{token}.atom", feed),
    route("/watches", save_watch, methods=["POST"]),
]
