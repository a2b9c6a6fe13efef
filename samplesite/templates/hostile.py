"""The `hostile` scenario: two small sites that serve what a careless or hostile server can.

``python -m samplesite serve --scenario hostile`` serves these instead of the four news sites.

  fientliga-posten  /robots.txt            a normal robots.txt (Disallow /privat/)
                    /sitemap.xml.gz        gzip bomb: a urlset that expands without end (no
                                           Content-Encoding; BOMB_BYTES compressed, ~337:1)
                    /sitemap-kedja.xml?n=K sitemap index listing only ?n=K+1, for ever
                    /sitemap-lang.xml.gz   a urlset of LONG_ENTRIES tag-page URLs (past the
                                           protocol's 50,000)
                    /rss.xml               RSS of the articles, its rel="next" -> ?sida=K+1
                    /nyheter/              section front linking every page below
                    /sektion-a/ <-> /sektion-b/   302 loop, both ends linked (section pages)
                    /artikel/1-…, /artikel/2-…    ordinary articles (archived)
                    /artikel/3-…           ESCAPE_PATH: JSON-LD headline and author with
                                           terminal escapes, C0/C1 controls in the body
                    /artikel/4-…           DEEP_PATH: the story inside 10,000 nested <div>s
                    /artikel/5-…           FAIRLY_DEEP_PATH: the story inside 1,000 <div>s
                    /artikel/6-… <-> /artikel/7-…  302 loop, both ends linked (article URLs)
                    /artikel/8-…           Content-Encoding: gzip that expands past 64 MB
                    /artikel/9-…           a body that never ends (no Content-Length)
                    /artikel/10-…          SCRIPT_PATH: title, lead and body carrying <script>,
                                           quotes that break attributes (" ' >) and terminal
                                           escapes; the page itself runs a script that sets
                                           window.__pwned and opens an alert
  fientliga-posten-arkiv  (a second source on the same host) /sitemap-bred.xml: an index of
                    WIDE_SITEMAPS sitemaps, for the per-source count of sitemaps and feeds
  robotsbladet      /robots.txt answers ROBOTS_STATUS (500; the control port's
                    POST /robots/<status> changes it); /rss.xml and /nyheter/ list two articles

``HOSTILE_SITES`` and the path constants are the ground truth tests use.
"""

from __future__ import annotations

import json
import re
import threading
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import parse_qs

from samplesite.content import SiteArticle, SiteInfo
from samplesite.templates.base import FIXED_DATE, Ctx, Response, Site, e, page_number, x

BOMB_BYTES = 10_500_000  # the gzip bomb sitemap, compressed
LONG_ENTRIES = 60_000  # URLs in /sitemap-lang.xml.gz
WIDE_SITEMAPS = 40  # sitemaps in /sitemap-bred.xml
DEEP_LEVELS = 10_000
FAIRLY_DEEP_LEVELS = 1_000
ENDLESS_MAX_BYTES = 256 * 1024 * 1024  # the endless body stops here (or when the client goes)

ESC_RED = "\u001b[31m"
ESC_RESET = "\u001b[0m"
ESC_TITLE = "\u001b]0;pwned\u0007"  # an OSC sequence: sets a terminal's title
_TERMINAL_ESCAPES = re.compile(r"\x1b\[[0-9;]*m|\x1b\][^\x07]*\x07")
ESCAPE_HEADLINE = f"Fullmäktige {ESC_RED}röstade{ESC_RESET} om budgeten för 2026{ESC_TITLE}"
ESCAPE_AUTHOR = f"Eva {ESC_RED}Berg{ESC_TITLE}"
# The body's own controls: BEL, backspace, a C0 ESC sequence, C1 NEL and CSI, DEL.
ESCAPE_BODY_CONTROLS = ("\u0007", "\u0008", "\u001b[2J", "\u0085", "\u009b31m", "\u007f")

ARTICLE_PATHS = (
    "/artikel/1-kommunen-bygger-ny-skola",
    "/artikel/2-hamnen-far-nya-kajer",
)
ESCAPE_PATH = "/artikel/3-fullmaktige-rostade-om-budgeten"
DEEP_PATH = "/artikel/4-djupt-nastlad-sida"
FAIRLY_DEEP_PATH = "/artikel/5-ganska-djupt-nastlad-sida"
LOOP_PATHS = ("/artikel/6-slinga-a", "/artikel/7-slinga-b")
SECTION_LOOP_PATHS = ("/sektion-a/", "/sektion-b/")
GZIP_BOMB_PATH = "/artikel/8-packad-sida"
ENDLESS_PATH = "/artikel/9-andlos-sida"
SCRIPT_PATH = "/artikel/10-skript-i-rubriken"
# What a page that wants to run in a reader's browser (or terminal) puts in its text; a web
# page or terminal that shows it must show it as text. PWNED_MARKER is what it would set.
PWNED_MARKER = "__pwned"
SCRIPT_TEXT = f"<script>window.{PWNED_MARKER}=1;alert('pwned')</script>"
ATTRIBUTE_BREAK = '"\'><img src=x onerror="window.__pwned=2">'
SCRIPT_TITLE = (
    f"Skript i rubriken {SCRIPT_TEXT} {ESC_RED}röd{ESC_RESET} {ATTRIBUTE_BREAK}{ESC_TITLE}"
)
SCRIPT_LEAD = (
    f"Ingressen bär {SCRIPT_TEXT} och {ATTRIBUTE_BREAK} och {ESC_RED}färg{ESC_RESET} i texten."
)
SCRIPT_BODY_LINE = (
    f"Brödtexten bär också {SCRIPT_TEXT}, citat som bryter attribut {ATTRIBUTE_BREAK}"
    f" och terminalkoder{ESC_TITLE} {ESC_RED}röd{ESC_RESET} text."
)
# The page itself, around the article: scripts that run where the page is shown as a page.
LIVE_SCRIPTS = (
    f"<script>window.{PWNED_MARKER}=1;alert('pwned')</script>"
    '<img src="/finns-inte.png" onerror="window.__pwned=2;alert(2)" alt="">'
)
ROBOTS_ARTICLE_PATHS = (
    "/artikel/1-robotarna-tar-over-hamnen",
    "/artikel/2-nytt-bibliotek-i-centrum",
)

HOSTILE_SITES: dict[str, SiteInfo] = {
    s.id: s
    for s in (
        SiteInfo("fientliga-posten", "Fientliga Posten", "newspaper", "Kalmar län", "Kalmar",
                 "hostile", "fientligaposten.se", (("nyheter", "Nyheter"),), scenarios=False),
        SiteInfo("robotsbladet", "Robotsbladet", "newspaper", "Kalmar län", "Kalmar",
                 "hostile-robots", "robotsbladet.se", (("nyheter", "Nyheter"),), scenarios=False),
    )
}  # fmt: skip
ARCHIVE_SOURCE = "fientliga-posten-arkiv"  # the second source on fientliga-posten's host

PARAGRAPHS = (
    "Kommunfullmäktige i Kalmar fattade på måndagskvällen beslut om att bygga en ny "
    "grundskola i stadsdelen Norrliden. Skolan ska stå klar till höstterminen 2028 och ta "
    "emot omkring 450 elever från förskoleklass till årskurs sex.",
    "Beslutet togs efter en lång debatt där oppositionen ville skjuta upp bygget ett år. "
    "Kostnaden beräknas till 310 miljoner kronor, vilket är 40 miljoner mer än i den "
    "första kalkylen från förra våren.",
    "– Vi behöver platserna nu. Barnkullarna i norra Kalmar är större än på länge och de "
    "gamla paviljongerna håller inte många år till, säger kommunalrådet Anna Lindqvist.",
    "Bygget ska upphandlas under vintern och markarbetena väntas börja i maj. Under tiden "
    "får eleverna gå kvar i de tillfälliga lokalerna vid idrottsplatsen.",
)


@dataclass(frozen=True)
class _Story:
    path: str
    title: str
    author: str
    published: str
    paragraphs: tuple[str, ...] = PARAGRAPHS
    lead: str = ""


STORIES = {
    ARTICLE_PATHS[0]: _Story(ARTICLE_PATHS[0], "Kommunen bygger ny skola i Norrliden",
                             "Anna Berg", "2025-09-01T07:30:00+02:00"),
    ARTICLE_PATHS[1]: _Story(ARTICLE_PATHS[1], "Hamnen får nya kajer för 80 miljoner",
                             "Per Holm", "2025-09-02T08:15:00+02:00",
                             tuple(p.replace("grundskola", "kaj") for p in PARAGRAPHS)),
    ESCAPE_PATH: _Story(ESCAPE_PATH, ESCAPE_HEADLINE, ESCAPE_AUTHOR, "2025-09-03T09:00:00+02:00",
                        (*(p + ESCAPE_BODY_CONTROLS[i] + " Fortsättning följer."
                           for i, p in enumerate(PARAGRAPHS)),
                         "Kontrolltecken: " + " ".join(ESCAPE_BODY_CONTROLS) + " slut.")),
    DEEP_PATH: _Story(DEEP_PATH, "Djupt inne i sidan finns en nyhet om skolan", "Lena Ek",
                      "2025-09-04T10:00:00+02:00"),
    FAIRLY_DEEP_PATH: _Story(FAIRLY_DEEP_PATH, "Ganska djupt inne finns en nyhet om hamnen",
                             "Lena Ek", "2025-09-05T10:00:00+02:00"),
    SCRIPT_PATH: _Story(SCRIPT_PATH, SCRIPT_TITLE, "Eva Berg", "2025-09-08T09:00:00+02:00",
                        (SCRIPT_BODY_LINE, *(p.replace("grundskola", "skriptskola")
                                             for p in PARAGRAPHS)), lead=SCRIPT_LEAD),
    ROBOTS_ARTICLE_PATHS[0]: _Story(ROBOTS_ARTICLE_PATHS[0], "Robotarna tar över hamnen",
                                    "Karin Nyberg", "2025-09-06T06:00:00+02:00"),
    ROBOTS_ARTICLE_PATHS[1]: _Story(ROBOTS_ARTICLE_PATHS[1], "Nytt bibliotek byggs i centrum",
                                    "Karin Nyberg", "2025-09-07T06:00:00+02:00"),
}  # fmt: skip


def article_html(story: _Story, site_name: str, nesting: int = 0) -> bytes:
    """An article page: JSON-LD NewsArticle (its strings as JSON escapes), <h1>, paragraphs;
    the article inside ``nesting`` levels of <div>."""
    jsonld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": story.title,
            "datePublished": story.published,
            "author": {"@type": "Person", "name": story.author},
            "publisher": {"@type": "Organization", "name": site_name},
        },
        ensure_ascii=True,  # "\u001b" in the page's source, as a JSON encoder writes it
    ).replace("<", "\\u003c")  # and "</script>" in a headline cannot end the element
    paragraphs = "\n".join(f"<p>{e(p)}</p>" for p in story.paragraphs)
    visible_title = _TERMINAL_ESCAPES.sub("", story.title)
    lead = f'<p class="ingress">{e(story.lead)}</p>\n' if story.lead else ""
    article = (
        f"<article><h1>{e(visible_title)}</h1>"
        f'<p class="byline">Av {e(story.author)} · <time datetime="{story.published}">'
        f"{story.published[:10]}</time></p>\n{lead}{paragraphs}</article>"
        + (LIVE_SCRIPTS if story.path == SCRIPT_PATH else "")
    )
    return (
        '<!DOCTYPE html>\n<html lang="sv"><head><meta charset="utf-8">'
        f"<title>{e(visible_title)} – {e(site_name)}</title>"
        f'<script type="application/ld+json">{jsonld}</script></head><body>'
        f'<header><a href="/">{e(site_name)}</a></header><main>'
        + "<div>" * nesting
        + article
        + "</div>" * nesting
        + "</main></body></html>"
    ).encode("utf-8")


def endless_gzip(prefix: bytes, unit: bytes, size: int) -> bytes:
    """A gzip stream of at least ``size`` bytes that never ends: ``prefix``, then ``unit``
    over and over, and no end-of-stream marker (a server streaming a bomb). Built from one
    compressed megabyte repeated (each block starts afresh after a full flush), so making
    it costs next to nothing."""
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"  # gzip, deflate, no name, mtime 0
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    out = bytearray(header + deflate.compress(prefix) + deflate.flush(zlib.Z_FULL_FLUSH))
    block = unit * max(1, (1 << 20) // len(unit))
    compressed = deflate.compress(block) + deflate.flush(zlib.Z_FULL_FLUSH)
    while len(out) < size:
        out += compressed
    return bytes(out)


_URLSET = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
)


class HostileSite(Site):
    """fientliga-posten: every hostile case on one host."""

    template = "hostile"
    page_size = 100

    def __init__(self, info: SiteInfo, articles: list[SiteArticle]) -> None:
        super().__init__(info, [])
        self._lock = threading.Lock()
        self._bomb: bytes | None = None
        self._long: bytes | None = None
        self._ce_bomb: bytes | None = None

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            return self.robots(ctx, ["Disallow: /privat/"])
        if path == "/sitemap.xml.gz":
            return self.gzip_file(self.bomb())
        if path == "/sitemap-lang.xml.gz":
            return self.gzip_file(self.long_sitemap())
        if path == "/sitemap-kedja.xml":
            return self.index(ctx, [f"/sitemap-kedja.xml?n={_number(query, 'n') + 1}"])
        if path == "/sitemap-bred.xml":
            return self.index(ctx, [f"/sitemap-bred-{k}.xml" for k in range(WIDE_SITEMAPS)])
        if path.startswith("/sitemap-bred-") and path.endswith(".xml"):
            return self.xml(_urlset(ctx, [ARTICLE_PATHS[0]]).decode(), FIXED_DATE)
        if path == "/rss.xml":
            return self.rss(ctx, page_number(query, "sida"))
        if path in ("/", "/nyheter/"):
            return self.front(ctx)
        if path in SECTION_LOOP_PATHS:
            other = SECTION_LOOP_PATHS[1 - SECTION_LOOP_PATHS.index(path)]
            return self.redirect(other, 302)
        if path in LOOP_PATHS:
            return self.redirect(LOOP_PATHS[1 - LOOP_PATHS.index(path)], 302)
        if path == GZIP_BOMB_PATH:
            return Response(body=self.ce_bomb(), headers=[("Content-Encoding", "gzip")])
        if path == ENDLESS_PATH:
            return Response(stream=_endless_page)
        story = STORIES.get(path)
        if story is not None and path not in ROBOTS_ARTICLE_PATHS:
            nesting = {DEEP_PATH: DEEP_LEVELS, FAIRLY_DEEP_PATH: FAIRLY_DEEP_LEVELS}.get(path, 0)
            return self.html(article_html(story, self.info.name, nesting), FIXED_DATE)
        return self.not_found(ctx)

    # -- the pages ---------------------------------------------------------------------------
    def front(self, ctx: Ctx) -> Response:
        links = [
            *ARTICLE_PATHS, ESCAPE_PATH, DEEP_PATH, FAIRLY_DEEP_PATH, SCRIPT_PATH, *LOOP_PATHS,
            GZIP_BOMB_PATH, ENDLESS_PATH, *SECTION_LOOP_PATHS,
        ]  # fmt: skip
        items = "".join(f'<li><a href="{p}">{e(p)}</a></li>' for p in links)
        body = (
            '<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
            f"<title>Nyheter – {e(self.info.name)}</title></head><body>"
            f"<h1>Nyheter</h1><ul>{items}</ul></body></html>"
        )
        return self.html(body.encode(), FIXED_DATE)

    def rss(self, ctx: Ctx, page: int) -> Response:
        items = "".join(
            # (no control characters here: XML 1.0 forbids them, the feed would be invalid)
            f"<item><title>{x(_TERMINAL_ESCAPES.sub('', STORIES[p].title))}</title>"
            f"<link>{ctx.base}{p}</link><guid>{ctx.base}{p}</guid></item>"
            for p in (*ARTICLE_PATHS, ESCAPE_PATH)
        )
        feed = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom"><channel>'
            f"<title>{x(self.info.name)}</title><link>{ctx.base}/</link>"
            f'<atom:link rel="next" href="{ctx.base}/rss.xml?sida={page + 1}"/>'
            f"{items}</channel></rss>\n"
        )
        return self.xml(feed, FIXED_DATE, "application/rss+xml")

    def index(self, ctx: Ctx, paths: list[str]) -> Response:
        body = "".join(f"<sitemap><loc>{x(ctx.base + p)}</loc></sitemap>\n" for p in paths)
        return self.xml(
            '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
            f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</sitemapindex>\n',
            FIXED_DATE,
        )

    @staticmethod
    def gzip_file(body: bytes) -> Response:
        """A .gz file as such: no Content-Encoding, so no HTTP client decompresses it."""
        return Response(body=body, content_type="application/x-gzip")

    # -- the expensive bodies, made once ------------------------------------------------------
    def bomb(self) -> bytes:
        with self._lock:
            if self._bomb is None:
                unit = b"<url><loc>http://127.0.0.1/tagg/bomb</loc></url>\n"
                self._bomb = endless_gzip(_URLSET, unit, BOMB_BYTES)
            return self._bomb

    def long_sitemap(self) -> bytes:
        with self._lock:
            if self._long is None:
                rows = b"".join(
                    b"<url><loc>http://127.0.0.1/tagg/%d</loc></url>\n" % k
                    for k in range(LONG_ENTRIES)
                )
                self._long = zlib.compress(_URLSET + rows + b"</urlset>\n", 6, 16 + 15)
            return self._long

    def ce_bomb(self) -> bytes:
        """About 200 kB that a Content-Encoding: gzip client expands to more than 64 MB."""
        with self._lock:
            if self._ce_bomb is None:
                self._ce_bomb = endless_gzip(b"<!DOCTYPE html><html><body><p>", b"a " * 64, 200_000)
            return self._ce_bomb


def _number(query: str, name: str) -> int:
    try:
        return max(0, int(parse_qs(query).get(name, ["0"])[0]))
    except ValueError:
        return 0


def _urlset(ctx: Ctx, paths: list[str]) -> bytes:
    rows = "".join(f"<url><loc>{x(ctx.base + p)}</loc></url>\n" for p in paths)
    return _URLSET + rows.encode() + b"</urlset>\n"


def _endless_page() -> Iterator[bytes]:
    """An HTML page that goes on until the client hangs up (or ENDLESS_MAX_BYTES)."""
    yield b'<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8"></head><body>'
    chunk = b"<p>" + b"Det tar aldrig slut. " * 3000 + b"</p>\n"
    sent = 0
    while sent < ENDLESS_MAX_BYTES:
        yield chunk
        sent += len(chunk)


class RobotsFailSite(Site):
    """robotsbladet: robots.txt answers ``robots_status`` (500 unless the control port says
    otherwise); two articles listed in a feed and on a section page."""

    template = "hostile-robots"

    def __init__(self, info: SiteInfo, articles: list[SiteArticle]) -> None:
        super().__init__(info, [])
        self.robots_status = 500

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            if self.robots_status == 200:
                return self.robots(ctx, ["Disallow: /privat/"])
            return self.text("Internal Server Error\n", self.robots_status)
        if path == "/rss.xml":
            items = "".join(
                f"<item><title>{x(STORIES[p].title)}</title><link>{ctx.base}{p}</link></item>"
                for p in ROBOTS_ARTICLE_PATHS
            )
            return self.xml(
                f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
                f"<title>{x(self.info.name)}</title>{items}</channel></rss>\n",
                FIXED_DATE,
                "application/rss+xml",
            )
        if path in ("/", "/nyheter/"):
            items = "".join(f'<li><a href="{p}">{e(p)}</a></li>' for p in ROBOTS_ARTICLE_PATHS)
            page = f'<!DOCTYPE html><html lang="sv"><body><h1>Nyheter</h1><ul>{items}</ul></body>'
            return self.html(page.encode(), FIXED_DATE)
        if path in ROBOTS_ARTICLE_PATHS:
            return self.html(article_html(STORIES[path], self.info.name), FIXED_DATE)
        return self.not_found(ctx)


def hostile_sources(site_urls: dict[str, str]) -> str:
    """A sources.toml for the hostile scenario (ports change per run)."""
    host = site_urls["fientliga-posten"]
    robots = site_urls["robotsbladet"]
    patterns = "['^/artikel/\\d+-[a-z0-9-]+$']"
    common = (
        'kind = "newspaper"\nregion = "Kalmar län"\nmunicipality = "Kalmar"\n'
        f'article_patterns = {patterns}\nlanguage = "sv"\nenabled = true\n'
    )
    return "\n".join(
        [
            "# sources.toml for the samplesite hostile scenario (generated; ports change per run)",
            "",
            "[[source]]",
            'id = "fientliga-posten"',
            'name = "Fientliga Posten"',
            f'domains = ["{host.removeprefix("http://")}"]',
            f'sitemaps = ["{host}/sitemap.xml.gz", "{host}/sitemap-kedja.xml?n=0",'
            f' "{host}/sitemap-lang.xml.gz"]',
            f'feeds = ["{host}/rss.xml"]',
            f'sections = ["{host}/nyheter/"]',
            "section_depth = 1",
            common,
            "[[source]]",
            f'id = "{ARCHIVE_SOURCE}"',
            'name = "Fientliga Posten, arkivet"',
            f'domains = ["{host.removeprefix("http://")}"]',
            f'sitemaps = ["{host}/sitemap-bred.xml"]',
            common,
            "[[source]]",
            'id = "robotsbladet"',
            'name = "Robotsbladet"',
            f'domains = ["{robots.removeprefix("http://")}"]',
            f'feeds = ["{robots}/rss.xml"]',
            f'sections = ["{robots}/nyheter/"]',
            common,
        ]
    )
