"""The people timeline, the status of the archive and its crawls, the export form, and the
settings form (the one form that changes state, so far: it shows the CSRF check at work)."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from indexer.errors import QueryError
from indexer.store.archive import PersonMention, RunInfo
from lokalarkiv.people import PeopleFilter, change_text, timeline
from lokalarkiv.status import archive_stats, recent_runs
from web import exports
from web.app import LANG_COOKIE, render, route, state
from web.i18n import LANGUAGES
from web.params import MAX_VALUE_CHARS, link, whole_number

PEOPLE_PAGE = 200


def people_filter(request: Request) -> PeopleFilter:
    params = request.query_params
    values = {k: params.get(k, "").strip() for k in ("name", "role", "kommun", "source")}
    if any(len(v) > MAX_VALUE_CHARS for v in values.values()):
        raise QueryError(f"a filter value is longer than {MAX_VALUE_CHARS} characters")
    return PeopleFilter(
        name=values["name"],
        municipality=values["kommun"] or None,
        sources=[values["source"]] if values["source"] else [],
        role=values["role"] or None,
        changes_only=params.get("changes") == "1",
    )


def people_mentions(request: Request, top: int) -> tuple[list[PersonMention], int, int]:
    """The mentions of the timeline a request asks for: (a page of them, offset, total)."""
    mentions = timeline(state(request).config, people_filter(request))
    offset = whole_number(request.query_params, "offset", 0, 10_000_000)
    limit = whole_number(request.query_params, "limit", top, top)
    return mentions[offset : offset + limit], offset, len(mentions)


def people_page(request: Request) -> Response:
    """GET /people: who held, took or left which role, each entry linking to its article."""
    params = request.query_params
    shown, offset, total = people_mentions(request, PEOPLE_PAGE)
    pairs = list(params.multi_items())
    following = offset + PEOPLE_PAGE if offset + PEOPLE_PAGE < total else None
    return render(
        request,
        "people.html",
        {
            "form": {k: params.get(k, "") for k in ("name", "role", "kommun", "source")},
            "changes_only": params.get("changes") == "1",
            "mentions": shown,
            "change_text": change_text,
            "total": total,
            "next": None if following is None else link("/people", pairs, offset=str(following)),
        },
    )


def source_rows(runs: list[RunInfo]) -> list[dict[str, Any]]:
    """Each source with the most recent run that crawled it: its result, errors and time."""
    rows: dict[str, dict[str, Any]] = {}
    for run in runs:  # newest first
        for source, report in (run.report.get("sources") or {}).items():
            if source in rows or not isinstance(report, dict):
                continue
            rows[source] = {
                "source": source,
                "status": report.get("status", run.status),
                "articles": report.get("articles", {}),
                "errors": sum(
                    v for v in (report.get("errors") or {}).values() if isinstance(v, int)
                ),
                "run": run.id,
                "when": run.finished or run.started,
            }
    return sorted(rows.values(), key=lambda row: row["source"])


def status_data(request: Request) -> dict[str, Any]:
    """What the status page and ``/api/status`` show."""
    config = state(request).config
    stats = archive_stats(config, run_count=1)
    runs = recent_runs(config, limit=20)
    try:
        with state(request).searchers.backend() as backend:
            index = backend.stats()
        index_info: dict[str, Any] = {
            "backend": config.backend,
            "documents": index.documents,
            "size_bytes": index.size_bytes,
        }
    except Exception as exc:  # the page shows what is wrong instead of failing
        index_info = {"backend": config.backend, "error": " ".join(str(exc).split())[:300]}
    return {
        "totals": stats["totals"],
        "by_source": stats["by_source"],
        "index": index_info,
        "sources": source_rows(runs),
        "runs": [
            {
                "id": r.id,
                "started": r.started,
                "finished": r.finished,
                "status": r.status,
                "report": r.report,
            }
            for r in runs
        ],
    }


def status_page(request: Request) -> Response:
    """GET /status: sources and their last run, archive and index counts, the last crawl."""
    return render(request, "status.html", {"status": status_data(request)})


def export_page(request: Request) -> Response:
    """GET /export: the result set of a search (its parameters) to download."""
    return exports.export_page(request)


async def settings(request: Request) -> Response:
    """POST /settings: save the language of the pages (a cookie), then back to ``next``, a
    path of this app only. Refused without a valid CSRF token."""
    body = (await request.body()).decode("utf-8", "replace")
    form = dict(parse_qsl(body, keep_blank_values=True))
    if not state(request).csrf.valid(form.get("csrf", "")):
        return PlainTextResponse("invalid or missing CSRF token\n", status_code=403)
    lang = form.get("lang", "sv")
    target = safe_next(form.get("next", "/"))
    response = RedirectResponse(target, status_code=303)
    if lang in LANGUAGES:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=365 * 86400, httponly=True, samesite="strict"
        )
    return response


def safe_next(target: str) -> str:
    """A path of this app to go back to: anything else (another host, a scheme, "//host",
    a backslash some browsers read as a slash) becomes "/"."""
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    if any(ord(c) < 0x20 for c in target):
        return "/"
    return target


routes = [
    route("/people", people_page),
    route("/status", status_page),
    route("/export", export_page),
    route("/export/download", exports.export_download),
    route("/export/manifest", exports.manifest_page),
    route("/settings", settings, methods=["POST"]),
]
