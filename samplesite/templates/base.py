"""What every sample-site template shares: request context, responses, routing helpers, dates."""

from __future__ import annotations

import threading
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from html import escape
from typing import Literal
from urllib.parse import parse_qs
from xml.sax.saxutils import escape as xml_escape

from samplesite.content import STOCKHOLM, ArticleVersion, SiteArticle, SiteInfo

MONTHS = (
    "januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti", "september",
    "oktober", "november", "december",
)  # fmt: skip
MONTHS_ABBR = (
    "jan.", "feb.", "mars", "apr.", "maj", "juni", "juli", "aug.", "sep.", "okt.", "nov.", "dec.",
)  # fmt: skip
FIXED_DATE = datetime(2024, 1, 15, 10, 0, tzinfo=STOCKHOLM)  # Last-Modified of static pages
LinkKind = Literal["main", "alias", "tracking"]


@dataclass(frozen=True)
class Ctx:
    """Everything a page depends on besides the content: edition, clock, own address."""

    edition: int
    now: datetime
    base: str  # "http://127.0.0.1:PORT"
    switched_at: datetime | None = None  # when edition 2 began
    slow_seconds: float = 5.0
    crawl_delay: float | None = None


@dataclass
class Response:
    """A response before the server adds validators, compression and the log entry."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    last_modified: datetime | None = None  # set: ETag + Last-Modified, conditional requests
    compressible: bool = False
    delay: float = 0.0
    # A body sent in pieces, with no Content-Length, until it ends or the client hangs up.
    stream: Callable[[], Iterator[bytes]] | None = None


def iso(dt: datetime) -> str:
    """ISO 8601 in Stockholm time with offset, seconds precision."""
    return dt.astimezone(STOCKHOLM).replace(microsecond=0).isoformat()


def http_date(dt: datetime) -> str:
    """An HTTP date (RFC 9110, GMT)."""
    return format_datetime(dt.astimezone(UTC).replace(microsecond=0), usegmt=True)


def rfc822(dt: datetime) -> str:
    """An RSS pubDate (RFC 822 with numeric offset)."""
    return format_datetime(dt.astimezone(STOCKHOLM).replace(microsecond=0))


def sv_date(dt: datetime) -> str:
    """ "9 augusti 2025"."""
    d = dt.astimezone(STOCKHOLM)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}"


def sv_abbr(dt: datetime) -> str:
    """ "12 aug. 2025 14:32"."""
    d = dt.astimezone(STOCKHOLM)
    return f"{d.day} {MONTHS_ABBR[d.month - 1]} {d.year} {d:%H:%M}"


def ymd(dt: datetime) -> str:
    """ "2025-06-12" in Stockholm time."""
    return f"{dt.astimezone(STOCKHOLM):%Y-%m-%d}"


def hm(dt: datetime, sep: str = ".") -> str:
    """ "06.00" in Stockholm time."""
    d = dt.astimezone(STOCKHOLM)
    return f"{d:%H}{sep}{d:%M}"


def e(text: str) -> str:
    """HTML-escape text (quotes too)."""
    return escape(text, quote=True)


def x(text: str) -> str:
    """XML-escape text."""
    return xml_escape(text, {'"': "&quot;"})


def urlset(rows: list[tuple[str, datetime]], news: list[str] | None = None) -> str:
    """A sitemap <urlset> of (loc, lastmod) rows, with Google News elements when given."""
    body = "".join(
        f"<url><loc>{x(loc)}</loc><lastmod>{iso(mod)}</lastmod>{news[i] if news else ''}</url>\n"
        for i, (loc, mod) in enumerate(rows)
    )
    ns = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
    if news is not None:
        ns += ' xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {ns}>\n{body}</urlset>\n'


def body_html(blocks: list[tuple[str, str]], p_cls: str = "", h_tag: str = "h2") -> str:
    """Render body blocks as paragraphs, quote paragraphs and sub-headings."""
    out = []
    pc = f' class="{p_cls}"' if p_cls else ""
    for kind, text in blocks:
        if kind == "h":
            out.append(f"<{h_tag}>{e(text)}</{h_tag}>")
        elif kind == "q":
            out.append(f'<p class="quote{" " + p_cls if p_cls else ""}">{e(text)}</p>')
        else:
            out.append(f"<p{pc}>{e(text)}</p>")
    return "\n".join(out)


def page_number(query: str, param: str) -> int:
    """The page number in a query string (1 when absent or invalid)."""
    try:
        return max(1, int(parse_qs(query).get(param, ["1"])[0]))
    except ValueError:
        return 1


class Site:
    """One site: its articles, shared routing helpers; subclasses render the HTML."""

    template = "base"
    gzip = False
    page_param = "sida"
    page_size = 5
    encoding = "utf-8"

    def __init__(self, info: SiteInfo, articles: list[SiteArticle]) -> None:
        self.info = info
        self.articles = sorted(
            (a for a in articles if a.site == info.id),
            key=lambda a: (-a.published.timestamp(), a.slug),
        )
        self.by_path = {a.path: a for a in self.articles}
        self.by_alias = {a.alias_path: a for a in self.articles if a.alias}
        self.ed1 = [a for a in self.articles if a.edition == 1]  # chrome lists: never change
        self._pos = {a.path: i for i, a in enumerate(self.ed1)}
        self.sections = list(info.sections)
        for a in self.articles:
            if a.section not in {s for s, _ in self.sections}:
                self.sections.append((a.section, a.section.replace("-", " ").capitalize()))
        self._lock = threading.Lock()
        self._hits: dict[str, int] = {}
        ranked = sorted(self.ed1[:200], key=lambda a: (not a.alias, zlib.crc32(a.slug.encode())))
        self._most_read = ranked[:5]

    # -- state -----------------------------------------------------------------------------
    def hit(self, key: str) -> int:
        """Count a request to a stateful scenario URL; returns the count including this one."""
        with self._lock:
            self._hits[key] = self._hits.get(key, 0) + 1
            return self._hits[key]

    def reset(self) -> None:
        """Forget scenario state (the 503-once page answers 503 again)."""
        with self._lock:
            self._hits.clear()

    # -- lists -----------------------------------------------------------------------------
    def listed(self, edition: int, section: str | None = None) -> list[SiteArticle]:
        """Articles linked from lists in ``edition`` (gone ones included), newest first."""
        return [
            a
            for a in self.articles
            if a.listed_in_edition(edition) and (section is None or a.section == section)
        ]

    def live(self, edition: int) -> list[SiteArticle]:
        """Articles that answer 200 in ``edition`` (sitemaps and feeds), newest first."""
        return [a for a in self.articles if a.in_edition(edition)]

    def section_label(self, slug: str) -> str:
        """The visible name of a section."""
        return dict(self.sections).get(slug, slug.capitalize())

    def related(self, art: SiteArticle | None, k: int = 8) -> list[SiteArticle]:
        """Other edition-1 articles next to ``art`` (cyclic), so every article is linked."""
        n = len(self.ed1)
        i = self._pos.get(art.path, -1) if art else -1
        out = [self.ed1[(i + j) % n] for j in range(1, min(k, n) + 1) if n]
        return [a for a in out if a is not art]

    def most_read(self) -> list[SiteArticle]:
        """A stable "Mest läst" list of five: alias articles first, then a hash-ranked pick."""
        return self._most_read

    def href(self, art: SiteArticle, kind: LinkKind = "main") -> str:
        """The link to an article; alias articles can be linked by alias or tracking URL."""
        if art.alias and kind == "alias":
            return art.alias_path
        if art.alias and kind == "tracking":
            return art.tracking_path
        return art.path

    def pages(self, items: list[SiteArticle], page: int) -> tuple[list[SiteArticle], int]:
        """One page of a list and the number of pages."""
        total = max(1, -(-len(items) // self.page_size))
        return items[(page - 1) * self.page_size : page * self.page_size], total

    # -- dates -----------------------------------------------------------------------------
    def lastmod(self, art: SiteArticle, ctx: Ctx) -> datetime:
        """Last-Modified/lastmod of an article in ctx's edition."""
        v = art.version(ctx.edition, ctx.now)
        mod = v.modified
        # The page changed when the edition switched, whatever "updated" date it displays:
        # that is when its server would say it was last modified.
        if art.changed_in(ctx.edition) and ctx.switched_at:
            mod = max(mod, ctx.switched_at)
        return mod

    def list_lastmod(self, items: list[SiteArticle], ctx: Ctx) -> datetime:
        """Last-Modified of a list page: its newest item, or the edition switch."""
        mods = [self.lastmod(a, ctx) for a in items] or [FIXED_DATE]
        if ctx.edition >= 2 and ctx.switched_at:
            mods.append(ctx.switched_at)
        return max(mods)

    # -- responses -------------------------------------------------------------------------
    def html(self, body: bytes, lastmod: datetime | None, status: int = 200) -> Response:
        """An HTML response in the site's encoding."""
        return Response(
            status=status,
            body=body,
            content_type=f"text/html; charset={self.encoding}",
            last_modified=lastmod if status == 200 else None,
            compressible=self.gzip,
        )

    def xml(self, text: str, lastmod: datetime, ctype: str = "application/xml") -> Response:
        """An XML document (sitemap, feed)."""
        return Response(
            body=text.encode("utf-8"), content_type=f"{ctype}; charset=utf-8", last_modified=lastmod
        )

    def text(self, text: str, status: int = 200) -> Response:
        """A plain-text response (robots.txt)."""
        return Response(
            status=status,
            body=text.encode("utf-8"),
            content_type="text/plain; charset=utf-8",
            last_modified=FIXED_DATE if status == 200 else None,
        )

    def redirect(self, location: str, status: int = 301) -> Response:
        """A redirect with a tiny body."""
        return Response(
            status=status,
            body=f'<a href="{e(location)}">Flyttad</a>'.encode(),
            headers=[("Location", location)],
        )

    def robots(self, ctx: Ctx, lines: list[str]) -> Response:
        """robots.txt from rule lines (adds Crawl-delay when the server was asked to)."""
        rules = ["User-agent: *", *lines]
        if ctx.crawl_delay is not None:
            rules.append(f"Crawl-delay: {ctx.crawl_delay:g}")
        return self.text("\n".join(rules) + "\n")

    def article_response(self, art: SiteArticle, ctx: Ctx) -> Response:
        """200 with the article, 410 when gone in this edition, 404 when not yet published."""
        status = art.status(ctx.edition)
        if status is None:
            return self.not_found(ctx)
        if status == 410:
            return self.html(self.message_page("Artikeln är borttagen", ctx), None, 410)
        v = art.version(ctx.edition, ctx.now)
        return self.html(self.render_article(art, v, ctx), self.lastmod(art, ctx))

    def find_article(self, path: str, query: str) -> SiteArticle | None:
        """The article at a main path (any query) or at an alias path."""
        art = self.by_path.get(path)
        if art is None:
            art = self.by_alias.get(path) or self.by_alias.get(f"{path}?{query}")
        return art

    def not_found(self, ctx: Ctx) -> Response:
        """A 404 page in the site's look."""
        return self.html(self.message_page("Sidan kunde inte hittas", ctx), None, 404)

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        raise NotImplementedError

    def render_article(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """The article page."""
        raise NotImplementedError

    def message_page(self, message: str, ctx: Ctx) -> bytes:
        """A short page with one message (404, 410)."""
        return (
            f'<!DOCTYPE html><html lang="sv"><head><meta charset="{self.encoding}">'
            f"<title>{e(message)} – {e(self.info.name)}</title></head><body><h1>{e(message)}</h1>"
            f'<p><a href="/">Till startsidan</a></p></body></html>'
        ).encode(self.encoding, "xmlcharrefreplace")
