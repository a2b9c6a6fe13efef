"""Serve the fictional sites on 127.0.0.1, one port each, plus a control port.

Scenario URL map (paths relative to each site's ``site_urls[id]``)::

  vimmerby-nyheter  /robots.txt           Disallow /sok/ and /konto/, two Sitemap: lines
                    /sitemap_index.xml    -> /sitemap-news.xml (Google News, newest half),
                                             /sitemap-<year>.xml (older), /sitemap-pages.xml
                                             (fronts, tags, Kontakt, Om oss), /sitemap-broken.xml
                    /sitemap-broken.xml   invalid XML (truncated document)
                    /nyheter/2025/08/01/artikeln-har-tagits-bort/   in the news sitemap, 404
                    /<section>/?sida=N    section fronts, <link rel=next>, "Äldre artiklar"
                    /<section>/yyyy/mm/dd/<slug>/   articles (JSON-LD NewsArticle, OpenGraph)
                    /a/<id>/              alias of an `alias = true` article (canonical -> main)
                    /amne/<tag>/          tag pages (non-article), linked from articles
                    /sok/?q=              search, linked from every page, disallowed by robots
                    /kontakt/ /om-oss/ /prenumerera/ /tjanster/<x>/   non-article pages
                    gzip on HTML when the request accepts it
  kustbladet        /robots.txt           Disallow /admin/ (linked from the footer)
                    /rss.xml              RSS 2.0 (alias articles linked with utm/fbclid)
                    /<section>/?page=N    section fronts; /nyheter/ links /gammal/<slug>
                    /artikel/<id>-<slug>  articles: dates only as "Publicerad 9 augusti 2025
                                          kl 06.00" / "Uppdaterad 12 aug. 2025 14:32"
                    /a/<id>               alias; /gammal/<slug> -> 301 to the article
                    /kommun/<x>/ /kontakt /om-kustbladet /tjanster/<x>   non-article pages
  smalandsbygden    (windows-1252 everywhere; no robots.txt (404), no sitemap, no feed)
                    /  -> /<section>.html?sida=N -> /arkiv/<slug>.html (two levels)
                    /visa.php?id=<id>     alias; /ort/<x>.html, /kontakt.html non-article
                    oldest article: bare "text/html" header, charset only in an iso-8859-1 meta
                    /loop-a.html <-> /loop-b.html   302 redirect loop
                    /arkiv/trasig-sida.html      malformed, truncated HTML with a real story
                    /arkiv/felkodad-sida.html    declared utf-8, invalid byte sequences
                    /arkiv/jattesida.html        about 3 MB
                    /arkiv/langsam-sida.html     sleeps slow_seconds, then 200
                    /arkiv/serverfel.html        500 always
                    /arkiv/tillfalligt-fel.html  503 (Retry-After: 1) first, then 200
                    (all seven linked from /nyheter.html, "Från redaktionen")
  jonkoping-kommun  /sitemap.xml          urlset incl. /, /nyheter.html, /kontakt.html,
                                          /om-kommunen.html; /nyheter.atom (Atom)
                    /nyheter/<yyyy>/<slug>.html   "Publicerad: 2025-06-12", JSON-LD WebPage
                    /nyheter/arkiv/<slug>.html    alias
  bench-tidning     (--generate N) the vimmerby layout, no broken sitemap or 404 entry;
                    sitemaps split by year into chunks of at most 1000 URLs

Alias articles are also linked as <main path>?utm_source=facebook&utm_medium=social&fbclid=abc123
(front pages, "Fler nyheter", sitemaps, feeds) and by alias path ("Mest läst").
Every 200 response has ETag (hash of the body) and Last-Modified; a matching If-None-Match, or
(without If-None-Match) an If-Modified-Since not older than Last-Modified, gives 304.
Edition 2 (``set_edition(2)``/``POST /edition/2``): [edition2] text and dates, 410 Gone for
``gone_in_edition2`` (still listed on section pages), ``edition = 2`` articles appear.
Article pages' surrounding lists use edition-1 data only, so unchanged articles keep their ETag.

Scenario ``hostile`` (``SampleSite(scenario="hostile")``, ``serve --scenario hostile``): two
sites serving what a hostile server can instead of the four above (gzip bomb sitemap, endless
sitemap chain, robots.txt answering 500, terminal escapes in JSON-LD, 10,000 nested <div>s,
redirect loops linked at both ends, …): see samplesite.templates.hostile.

Control port: GET /log, POST /log/clear, POST /edition/1|2, POST /reset, GET /sources.toml,
GET /expected?edition=N (ground truth as JSON), POST /robots/<status> (the hostile scenario's
robotsbladet answers robots.txt with that status).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import threading
import time
from datetime import datetime
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qs, urlsplit

from samplesite.content import STOCKHOLM, SiteArticle, SiteInfo, expected_archive, load_articles
from samplesite.templates import Ctx, Response, Site, make_site
from samplesite.templates.base import http_date

# template -> (sitemaps, feeds, section_depth, article_patterns, ignore_patterns)
_LAYOUT: dict[str, tuple[list[str], list[str], int, list[str], list[str]]] = {
    "vimmerby": (
        ["/sitemap_index.xml"], [], 1,
        [r"^/[a-z0-9-]+/\d{4}/\d{2}/\d{2}/[a-z0-9-]+/", r"^/a/\d+/"], [r"^/sok", r"^/konto/"],
    ),
    "kustbladet": (
        [], ["/rss.xml"], 1,
        [r"^/artikel/\d+-[a-z0-9-]+", r"^/a/\d+", r"^/gammal/[a-z0-9-]+"], [r"^/admin"],
    ),
    "smalandsbygden": (
        [], [], 2,
        [r"^/arkiv/[a-z0-9-]+\.html", r"^/visa\.php\?id=\d+", r"^/loop-[ab]\.html"], [],
    ),
    "jonkoping": (
        ["/sitemap.xml"], ["/nyheter.atom"], 1,
        [r"^/nyheter/\d{4}/[a-z0-9-]+\.html", r"^/nyheter/arkiv/[a-z0-9-]+\.html"], [r"^/edit/"],
    ),
}  # fmt: skip


def _toml_str(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def _toml_list(items: list[str], literal: bool = False) -> str:
    if literal:
        return "[" + ", ".join(f"'{i}'" for i in items) + "]"
    return "[" + ", ".join(_toml_str(i) for i in items) + "]"


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def handle_error(self, request: Any, _client_address: Any) -> None:
        """Stay quiet when a client goes away mid-response (crawlers abort big pages)."""


class SampleSite:
    """The sample sites (or the generated bench site) and a control server, on loopback."""

    def __init__(
        self,
        edition: int = 1,
        slow_seconds: float = 5.0,
        articles: list[SiteArticle] | None = None,
        generated: int = 0,
        *,
        crawl_delay: float | None = None,
        seed: int = 20250809,
        scenario: str = "news",
    ) -> None:
        if scenario not in ("news", "hostile"):
            raise ValueError(f"unknown scenario {scenario!r} (news or hostile)")
        self.scenario = scenario
        if scenario == "hostile":
            from samplesite.templates.hostile import HOSTILE_SITES

            articles = []
            infos: list[SiteInfo] = list(HOSTILE_SITES.values())
        elif generated:
            from samplesite.generate import bench_site

            info, articles = bench_site(generated, seed, articles)
            infos = [info]
        else:
            from samplesite.content import SITES

            articles = load_articles() if articles is None else articles
            infos = list(SITES.values())
        self.articles: list[SiteArticle] = articles
        self.sites: dict[str, Site] = {i.id: make_site(i, articles) for i in infos}
        self.edition = edition
        self.switched_at: datetime | None = datetime.now(STOCKHOLM) if edition >= 2 else None
        self.slow_seconds = slow_seconds
        self.crawl_delay = crawl_delay
        self.site_urls: dict[str, str] = {}
        self.control_url = ""
        self._servers: list[_Server] = []
        self._lock = threading.Lock()
        self._log: list[dict[str, Any]] = []

    # -- lifecycle -------------------------------------------------------------------------
    def start(self) -> SampleSite:
        """Bind every site and the control server to 127.0.0.1 (free ports), serve in threads."""
        for site_id, site in self.sites.items():
            handler = type("Handler", (_SiteHandler,), {"sample": self, "site": site})
            srv = _Server(("127.0.0.1", 0), handler)
            self.site_urls[site_id] = f"http://127.0.0.1:{srv.server_address[1]}"
            self._servers.append(srv)
        ctl = _Server(("127.0.0.1", 0), type("Control", (_ControlHandler,), {"sample": self}))
        self.control_url = f"http://127.0.0.1:{ctl.server_address[1]}"
        self._servers.append(ctl)
        for srv in self._servers:
            threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.1},
                             daemon=True).start()  # fmt: skip
        return self

    def stop(self) -> None:
        """Stop serving and close the ports."""
        for srv in self._servers:
            srv.shutdown()
            srv.server_close()
        self._servers.clear()

    def __enter__(self) -> SampleSite:
        return self.start()

    def __exit__(
        self, _et: type[BaseException] | None, _ev: BaseException | None, _tb: TracebackType | None
    ) -> None:
        self.stop()

    # -- state -----------------------------------------------------------------------------
    def set_edition(self, n: int) -> None:
        """Switch every site to edition ``n`` (1 or 2)."""
        if n not in (1, 2):
            raise ValueError("edition must be 1 or 2")
        with self._lock:
            if n != self.edition:
                self.switched_at = (
                    datetime.now(STOCKHOLM).replace(microsecond=0) if n == 2 else None
                )
            self.edition = n

    def reset(self) -> None:
        """Forget scenario state (the 503-once page answers 503 again)."""
        for site in self.sites.values():
            site.reset()

    def set_robots_status(self, status: int) -> None:
        """The hostile scenario: the HTTP status robotsbladet's robots.txt answers with."""
        for site in self.sites.values():
            if hasattr(site, "robots_status"):
                site.robots_status = status

    @property
    def requests(self) -> list[dict[str, Any]]:
        """A snapshot of the request log."""
        with self._lock:
            return list(self._log)

    def clear_log(self) -> None:
        """Empty the request log."""
        with self._lock:
            self._log.clear()

    def record(self, entry: dict[str, Any]) -> None:
        """Append one request to the log."""
        with self._lock:
            self._log.append(entry)

    def ctx(self, site_id: str) -> Ctx:
        """The request context for one site, now."""
        with self._lock:
            edition, switched = self.edition, self.switched_at
        return Ctx(edition, datetime.now(STOCKHOLM), self.site_urls[site_id], switched,
                   self.slow_seconds, self.crawl_delay)  # fmt: skip

    def expected(self, edition: int | None = None) -> list[dict[str, Any]]:
        """Ground truth per listed article for ``edition`` (default: the current one), with URLs."""
        out = expected_archive(self.articles, edition or self.edition)
        for rec in out:
            base = self.site_urls.get(rec["site"], "")
            rec["url"] = base + rec["path"]
        return out

    def sources_toml(self) -> str:
        """A sources.toml (docs/SOURCES.md) covering the running sites."""
        if self.scenario == "hostile":
            from samplesite.templates.hostile import hostile_sources

            return hostile_sources(self.site_urls)
        out = ["# sources.toml for the samplesite fixture (generated; ports change per run)", ""]
        for site_id, site in self.sites.items():
            info = site.info
            base = self.site_urls.get(site_id, "http://127.0.0.1:0")
            sitemaps, feeds, depth, patterns, ignore = _LAYOUT[info.template]
            if info.template == "smalandsbygden":
                sections = ["/"]
            elif info.template == "jonkoping":
                sections = []
            else:
                used = {a.section for a in site.articles}
                sections = [f"/{s}/" for s, _ in site.sections if s in used]
            out += [
                "[[source]]",
                f"id = {_toml_str(site_id)}",
                f"name = {_toml_str(info.name)}",
                f"kind = {_toml_str(info.kind)}",
                f"region = {_toml_str(info.region)}",
                f"municipality = {_toml_str(info.municipality)}",
                f"domains = {_toml_list([base.removeprefix('http://')])}",
                f"sitemaps = {_toml_list([base + p for p in sitemaps])}",
                f"feeds = {_toml_list([base + p for p in feeds])}",
                f"sections = {_toml_list([base + p for p in sections])}",
                f"section_depth = {depth}",
                f"article_patterns = {_toml_list(patterns, literal=True)}",
                f"ignore_patterns = {_toml_list(ignore, literal=True)}",
                f"language = {_toml_str(info.language)}",
                "enabled = true",
                "",
            ]
        return "\n".join(out)


def _not_modified(headers: Any, etag: str, last_modified: datetime) -> bool:
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = {t.strip().removeprefix("W/") for t in inm.split(",")}
        return "*" in tags or etag in tags
    ims = headers.get("If-Modified-Since")
    if ims:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError):
            return False
        if since.tzinfo is None:
            return False
        return last_modified.replace(microsecond=0) <= since
    return False


class _QuietHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    timeout = 20
    sample: SampleSite

    def log_message(self, format: str, *args: Any) -> None:
        """No per-request logging to stderr."""

    def send(self, status: int, body: bytes, headers: list[tuple[str, str]], head: bool) -> None:
        """Write a whole response."""
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not head and body:
            self.wfile.write(body)


class _SiteHandler(_QuietHandler):
    server_version = "nginx"
    sys_version = ""
    site: Site

    def do_GET(self) -> None:
        """Serve a page."""
        self.serve(head=False)

    def do_HEAD(self) -> None:
        """Serve headers only."""
        self.serve(head=True)

    def serve(self, head: bool) -> None:
        """Route, apply validators and compression, write, log."""
        arrived = time.time()
        url = urlsplit(self.path)
        try:
            resp = self.site.handle(url.path or "/", url.query, self.sample.ctx(self.site.info.id))
        except Exception as exc:  # a bug in a template must not kill the test run
            resp = Response(500, f"Internal error: {exc!r}".encode(), "text/plain; charset=utf-8")
        if resp.delay:
            time.sleep(resp.delay)
        if resp.stream is not None:
            self.stream(resp, arrived, head)
            return
        status, body = resp.status, resp.body
        headers = [("Content-Type", resp.content_type), *resp.headers]
        if status == 200 and resp.last_modified is not None:
            etag = '"' + hashlib.sha1(body).hexdigest()[:24] + '"'
            headers += [("ETag", etag), ("Last-Modified", http_date(resp.last_modified))]
            headers.append(("Cache-Control", "max-age=60"))
            if _not_modified(self.headers, etag, resp.last_modified):
                status, body = 304, b""
                headers = [h for h in headers if h[0] != "Content-Type"]
        if resp.compressible and status == 200:
            headers.append(("Vary", "Accept-Encoding"))
            if "gzip" in (self.headers.get("Accept-Encoding") or ""):
                body = gzip.compress(body, compresslevel=5, mtime=0)
                headers.append(("Content-Encoding", "gzip"))
        # Logged before the answer is written, so a client that reads the log right after
        # its response always finds its request there.
        self.sample.record(
            {
                "site": self.site.info.id,
                "method": self.command,
                "path": self.path,
                "status": status,
                "user_agent": self.headers.get("User-Agent"),
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "time": time.time(),  # answered (about to be written)
                "arrived": arrived,
                "bytes": len(body),
            }
        )
        try:
            self.send(status, body, headers, head)
        except OSError:  # the client hung up (size limit, timeout); the request is logged
            self.close_connection = True

    def stream(self, resp: Response, arrived: float, head: bool) -> None:
        """A body with no Content-Length, written until it ends or the client hangs up."""
        self.record({"status": resp.status, "arrived": arrived, "bytes": None})
        self.close_connection = True
        try:
            self.send_response(resp.status)
            self.send_header("Content-Type", resp.content_type)
            self.send_header("Connection", "close")
            self.end_headers()
            if not head:
                for chunk in resp.stream():  # type: ignore[misc]
                    self.wfile.write(chunk)
        except OSError:  # the client hung up: what this page is for
            pass

    def record(self, fields: dict[str, Any]) -> None:
        """Log this request (before its answer is written: a client that reads the log right
        after its response always finds its request there)."""
        self.sample.record(
            {
                "site": self.site.info.id,
                "method": self.command,
                "path": self.path,
                "user_agent": self.headers.get("User-Agent"),
                "if_none_match": self.headers.get("If-None-Match"),
                "if_modified_since": self.headers.get("If-Modified-Since"),
                "time": time.time(),  # answered (about to be written)
                **fields,
            }
        )


class _ControlHandler(_QuietHandler):
    def reply(self, status: int, data: object, ctype: str = "application/json") -> None:
        """Send JSON (or text when ``data`` is a str)."""
        if isinstance(data, str):
            body = data.encode()
        else:
            body = json.dumps(data, ensure_ascii=False).encode()
        self.send(status, body, [("Content-Type", f"{ctype}; charset=utf-8")], False)

    def do_GET(self) -> None:
        """GET /log, /sources.toml, /expected?edition=N, /."""
        url = urlsplit(self.path)
        s = self.sample
        if url.path == "/log":
            self.reply(200, s.requests)
        elif url.path == "/sources.toml":
            self.reply(200, s.sources_toml(), "application/toml")
        elif url.path == "/expected":
            ed = parse_qs(url.query).get("edition", [str(s.edition)])[0]
            self.reply(200, s.expected(int(ed)) if ed in ("1", "2") else [])
        elif url.path == "/":
            self.reply(200, {"edition": s.edition, "sites": s.site_urls})
        else:
            self.reply(404, {"error": "not found"})

    def do_POST(self) -> None:
        """POST /log/clear, /edition/1, /edition/2, /reset."""
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        path = urlsplit(self.path).path
        if path == "/log/clear":
            self.sample.clear_log()
        elif path in ("/edition/1", "/edition/2"):
            self.sample.set_edition(int(path[-1]))
        elif path == "/reset":
            self.sample.reset()
        elif path.startswith("/robots/") and path[8:].isdigit():
            self.sample.set_robots_status(int(path[8:]))
        else:
            self.reply(404, {"error": "not found"})
            return
        self.reply(200, {"ok": True, "edition": self.sample.edition})
