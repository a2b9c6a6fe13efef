"""The article page (metadata, text, people, versions and a word-level diff of any two), and
the page as it was fetched, read from its WARC record and served inert."""

from __future__ import annotations

import difflib
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from indexer.article import Article
from indexer.config import Config
from indexer.errors import ArchiveError, QueryError
from indexer.store.warc import WarcRef, read_response
from lokalarkiv.articles import article_versions, paragraphs, version_changes
from lokalarkiv.storage import open_archive
from web.app import NotFound, render, route, state
from web.security import ARCHIVED_CSP, ID_PATTERN

MAX_RECORD_BYTES = 8 * 1024 * 1024  # a stored record (compressed) larger than this is not shown
MAX_PAGE_BYTES = 16 * 1024 * 1024  # nor a page that inflates to more
_WORDS = re.compile(r"\S+|\n")
_CHARSET = re.compile(r"charset=([\w.:-]{1,40})", re.IGNORECASE)


def versions_of(config: Config, article_id: str) -> list[Article]:
    """Every version of the article, oldest first.

    Raises:
        NotFound: not an id (16 hex digits), or no such article.
    """
    if not ID_PATTERN.fullmatch(article_id):
        raise NotFound("not an article id (16 hexadecimal digits)")
    try:
        found = article_versions(config, article_id)
    except ArchiveError:
        if not config.archive_path.exists():
            raise
        raise NotFound(f"no article {article_id}") from None
    if not found:
        raise NotFound(f"no article {article_id}")
    return found


def chosen(versions: list[Article], value: str | None, default: int) -> Article:
    """The version a parameter names (its number), or the default one."""
    if value in (None, ""):
        return versions[default]
    if not value.isdigit() or len(value) > 6:
        raise QueryError(f"a version is a number, not {value[:20]!r}")
    for version in versions:
        if version.version == int(value):
            return version
    raise NotFound(f"the article has no version {value}")


def word_diff(old: Article, new: Article) -> list[tuple[str, str]]:
    """The text (title, lead, body) from ``old`` to ``new`` word by word: (op, words) with op
    "equal", "delete" or "insert"; a paragraph break is the word "\\n"."""
    a = _WORDS.findall("\n".join(paragraphs(old)))
    b = _WORDS.findall("\n".join(paragraphs(new)))
    out: list[tuple[str, str]] = []
    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op in ("delete", "replace"):
            out.append(("delete", " ".join(a[i1:i2])))
        if op in ("insert", "replace"):
            out.append(("insert", " ".join(b[j1:j2])))
        if op == "equal":
            out.append(("equal", " ".join(a[i1:i2])))
    return out


def diff_lines(diff: list[tuple[str, str]]) -> list[list[tuple[str, str]]]:
    """The diff cut into paragraphs (at the "\\n" words) for showing."""
    rows: list[list[tuple[str, str]]] = [[]]
    for op, text in diff:
        pieces = text.split("\n")
        for n, piece in enumerate(pieces):
            if n:
                rows.append([])
            if piece.strip():
                rows[-1].append((op, piece.strip()))
    return [row for row in rows if row]


def other_copies(config: Config, article_id: str) -> list[tuple[str, str]]:
    with open_archive(config) as archive:
        groups = archive.story_groups([article_id])
    _, copies = groups.get(article_id, (article_id, []))
    return [(cid, name) for cid, name in copies if cid != article_id]


def article_context(request: Request, article_id: str) -> dict[str, Any]:
    config = state(request).config
    versions = versions_of(config, article_id)
    current = versions[-1]
    params = request.query_params
    old = chosen(versions, params.get("a"), max(0, len(versions) - 2))
    new = chosen(versions, params.get("b"), len(versions) - 1)
    shown = chosen(versions, params.get("version"), len(versions) - 1)
    return {
        "article": current,
        "versions": versions,
        "changes": [
            version_changes(versions[i - 1], v) if i else [] for i, v in enumerate(versions)
        ],
        "old": old,
        "new": new,
        "diff": diff_lines(word_diff(old, new)) if old.version != new.version else [],
        "diff_changes": version_changes(old, new),
        "shown": shown,
        "body": [p for p in current.body.split("\n") if p.strip()],
        "copies": other_copies(config, current.id),
        "original_href": current.url if current.url.startswith(("https://", "http://")) else "",
        "archived_href": f"/article/{current.id}/archived?version={shown.version}",
    }


def article_page(request: Request) -> Response:
    """GET /article/{id}: the article with its versions; ``a``/``b`` choose two to compare,
    ``version`` the fetched page shown."""
    context = article_context(request, request.path_params["article_id"])
    return render(request, "article.html", context)


def archived_page(request: Request) -> Response:
    """GET /article/{id}/archived?version=N: the page as fetched, from the WARC record the
    archive holds for that version (nothing of the request says where to read), served so
    that nothing in it runs or loads: a sandboxing CSP with no sources."""
    config = state(request).config
    versions = versions_of(config, request.path_params["article_id"])
    version = chosen(versions, request.query_params.get("version"), len(versions) - 1)
    body, media = read_page(config, version)
    return Response(
        body,
        media_type=media,
        headers={
            "content-security-policy": ARCHIVED_CSP,
            "x-frame-options": "SAMEORIGIN",
            "cache-control": "private, max-age=3600",
        },
    )


def read_page(config: Config, version: Article) -> tuple[bytes, str]:
    """The fetched page's body and the media type to serve it as (HTML as HTML, anything
    else as plain text), bounded in size.

    Raises:
        NotFound: no record, or one too large or outside the WARC folder.
    """
    if not version.warc_file or version.warc_offset is None or not version.warc_length:
        raise NotFound("no fetched page is stored for this version")
    if version.warc_length > MAX_RECORD_BYTES:
        raise NotFound("the fetched page is too large to show here")
    folder = config.warc_dir.resolve()
    path = (folder / version.warc_file).resolve()
    if not path.is_relative_to(folder):
        raise NotFound("the stored record lies outside the WARC folder")
    ref = WarcRef(version.warc_file, version.warc_offset, version.warc_length)
    stored = read_response(config.warc_dir, ref)
    if len(stored.body) > MAX_PAGE_BYTES:
        raise NotFound("the fetched page is too large to show here")
    kind = next((v for k, v in stored.headers if k.lower() == "content-type"), "text/html")
    charset = _CHARSET.search(kind)
    suffix = f"; charset={charset.group(1)}" if charset else ""
    if "html" in kind.lower():
        return stored.body, f"text/html{suffix}"
    return stored.body, f"text/plain{suffix}"


routes = [
    route("/article/{article_id}", article_page),
    route("/article/{article_id}/archived", archived_page),
]
