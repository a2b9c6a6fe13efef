"""The application: routes, templates, error pages and the security middleware put together
(:func:`create_app`), and the helpers every page uses to render."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from indexer.config import Config
from indexer.errors import ArchiveError, ArkivError, QueryError
from web.i18n import LANGUAGES, format_number, format_when, in_words, translator
from web.markup import snippet_markup
from web.params import link
from web.searchers import Searchers
from web.security import Access, Authenticator, BodyTooLarge, Csrf, Guard

HERE = Path(__file__).resolve().parent
LANG_COOKIE = "arkiv_lang"


class NotFound(Exception):
    """What a page asked for is not in the archive (an unknown id, a version it lacks)."""


@dataclass(frozen=True)
class WebState:
    """What every request handler needs: the configuration, the templates, the CSRF signer."""

    config: Config
    templates: Jinja2Templates
    csrf: Csrf
    searchers: Searchers


def state(request: Request) -> WebState:
    found: WebState = request.app.state.web
    return found


def page_lang(request: Request) -> str:
    """``?lang=`` first, then the saved choice (a cookie set by the settings form), then
    Swedish."""
    for value in (request.query_params.get("lang"), request.cookies.get(LANG_COOKIE)):
        if value in LANGUAGES:
            return value
    return "sv"


def nav(request: Request, path: str, **params: str | None) -> str:
    """A link to a page of this app, keeping ``?lang=`` when the request had it."""
    lang = request.query_params.get("lang")
    extra = {"lang": lang} if lang in LANGUAGES else {}
    return link(path, [], **{**extra, **params})


def render(request: Request, template: str, context: dict[str, Any], status: int = 200) -> Response:
    """A page: the template with the page's language, its words, date formats and links."""
    lang = page_lang(request)
    pairs = list(request.query_params.multi_items())
    helpers = {
        "lang": lang,
        "t": translator(lang),
        "when": lambda moment, time=True: format_when(moment, lang, time=time),
        "num": lambda value: format_number(int(value), lang),
        "here": lambda **changes: link(request.url.path, pairs, **changes),
        "nav": lambda path, **params: nav(request, path, **params),
        "snippet": snippet_markup,
        "words": lambda text: in_words(text, lang),
        "csrf_token": state(request).csrf.token,
        "path": request.url.path,
        "other_lang": "en" if lang == "sv" else "sv",
    }
    return state(request).templates.TemplateResponse(
        request, template, {**helpers, **context}, status_code=status
    )


def is_api(request: Request) -> bool:
    return request.url.path == "/api" or request.url.path.startswith("/api/")


def error_response(request: Request, status: int, message: str, hint: str = "") -> Response:
    """An error as JSON (``{"error", "hint"}``) for the API, as a page otherwise."""
    if is_api(request):
        return JSONResponse({"error": message, "hint": hint}, status_code=status)
    return render(
        request, "error.html", {"status": status, "message": message, "hint": hint}, status
    )


async def _query_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ArkivError)
    return error_response(request, 400, _line(str(exc)), _line(exc.hint))


async def _not_found(request: Request, exc: Exception) -> Response:
    t = translator(page_lang(request))
    return error_response(request, 404, _line(str(exc)) or t("Not found"))


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error_response(request, 404, translator(page_lang(request))("Not found"))
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code)


async def _arkiv_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ArkivError)
    return error_response(request, 503, _line(str(exc)), _line(exc.hint))


async def _server_error(request: Request, exc: Exception) -> Response:
    if isinstance(exc, BodyTooLarge):
        return PlainTextResponse("request body too large\n", status_code=413)
    # (Starlette's outermost middleware logs the traceback; the client sees none of it)
    t = translator(page_lang(request))
    return error_response(
        request, 500, t("Server error"), t("Something went wrong; the server log says what.")
    )


def _line(text: str) -> str:
    """One line of at most 300 characters (a message may quote what the request held)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= 300 else flat[:299] + "…"


def make_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every archived string is hostile: escaped unless marked safe
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    return Jinja2Templates(env=env)


def create_app(
    config: Config, access: Access | None = None, secret: str | None = None
) -> Starlette:
    """The web app over the archive and index ``config`` names. ``access``: who may use it
    (None: anyone who can reach it); ``secret``: the key CSRF tokens are signed with (None:
    one made now)."""
    from web import api, pages_article, pages_more, pages_search, pages_trend, watch_pages

    routes = [
        *pages_search.routes,
        *pages_article.routes,
        *pages_more.routes,
        *pages_trend.routes,
        *api.routes,
        *watch_pages.routes,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    web = WebState(config, make_templates(), Csrf(secret), Searchers(config))

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            web.searchers.close()

    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        middleware=[Middleware(Guard, auth=Authenticator(access or Access()))],
        exception_handlers={
            QueryError: _query_error,
            NotFound: _not_found,
            ArchiveError: _arkiv_error,
            ArkivError: _arkiv_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.router.redirect_slashes = False  # a redirect built from the Host header: none
    app.state.web = web
    return app


def route(path: str, endpoint: Any, methods: list[str] | None = None) -> Route:
    return Route(path, endpoint, methods=methods or ["GET", "HEAD"])
