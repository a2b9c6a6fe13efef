"""Saved searches in the web app: the Atom feed of each (``/feeds/{token}.atom``, its token
the only key) and the "Bevaka" form that saves the search on screen."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from lokalarkiv.watch_feed import feed_xml
from web.app import route, state

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


routes = [route("/feeds/{token}.atom", feed)]
