"""Unit tests for samplesite: the fictional news sites served on loopback."""

from __future__ import annotations

import gzip
import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import datetime, timedelta
from email.message import Message
from pathlib import Path
from typing import Any

import pytest

from samplesite.content import (
    CONTENT_DIR,
    SITES,
    STOCKHOLM,
    SiteArticle,
    expected_archive,
    load_articles,
    parse_body,
    resolve_date,
)
from samplesite.server import SampleSite

ROOT = Path(__file__).resolve().parents[2]
TIMEOUT = 10
VN, KB, SB, JK = "vimmerby-nyheter", "kustbladet", "smalandsbygden", "jonkoping-kommun"

FIXTURES = {
    "vn-alias.toml": """
site = "vimmerby-nyheter"
slug = "sakerhetssamordnaren-lamnar"
section = "nyheter"
title = "Säkerhetssamordnaren lämnar Vimmerby för Jönköping"
lead = "Håkan Westerback går vidare till regionen efter sex år."
authors = ["Anna Lindqvist"]
published = "2025-08-09T06:00:00+02:00"
updated = "2025-08-09T10:14:00+02:00"
alias = true
body = \"\"\"Håkan Westerback har sedan 2019 ansvarat för krisberedskapen i Vimmerby kommun.

– Det har varit sex fantastiska år, säger Håkan Westerback.

Rekryteringen börjar direkt

Kommunen räknar med att ha en ersättare på plats till årsskiftet.\"\"\"
[edition2]
body = \"\"\"Håkan Westerback har sedan 2019 ansvarat för krisberedskapen i Vimmerby kommun.

Kommunen har redan fått tolv ansökningar till tjänsten.\"\"\"
updated = "2025-08-10T09:00:00+02:00"
[expected]
kinds = ["personnel"]
people = [{ name = "Håkan Westerback", roles = ["säkerhetssamordnare"], change = "new_job" }]
""",
    "vn-plus.toml": """
site = "vimmerby-nyheter"
slug = "ny-rektor-pa-gymnasiet"
section = "nyheter"
title = "Ny rektor på Vimmerby gymnasium"
lead = "Sara Holm blir ny rektor efter Per Ek."
authors = ["Erik Berg", "Anna Lindqvist"]
published = "today 08:15"
paywalled = true
body = \"\"\"Sara Holm kommer närmast från Hultsfred.

Hon tillträder den 1 januari och efterträder Per Ek.\"\"\"
""",
    "vn-new.toml": """
site = "vimmerby-nyheter"
slug = "brand-i-industrilokal"
section = "sport"
title = "Brand i industrilokal i Vimmerby"
lead = "Räddningstjänsten larmades till Tallholmen."
published = "yesterday 23:40"
edition = 2
body = "Ingen person skadades i branden."
""",
    "vn-old.toml": """
site = "vimmerby-nyheter"
slug = "regeringen-satsar"
section = "nyheter"
title = "Regeringen satsar på idrottshallar"
lead = "Kommuner får stöd för att rusta upp idrottshallar."
authors = ["TT"]
wire = "TT"
jsonld = false
published = "2024-07-01T11:00:00+02:00"
body = "Stödet omfattar 500 miljoner kronor under tre år."
""",
    "kb-alias.toml": """
site = "kustbladet"
slug = "hamnchefen-gar-i-pension"
section = "nyheter"
title = "Hamnchefen i Kalmar går i pension"
lead = "Efter 22 år lämnar Lars Nyberg hamnen."
authors = ["Karin Ström", "Per Nyberg"]
published = "2025-08-12T07:30:00+02:00"
updated = "2025-08-12T14:32:00+02:00"
alias = true
body = "Lars Nyberg har lett Kalmar hamn sedan 2003."
""",
    "kb-gone.toml": """
site = "kustbladet"
slug = "nytt-kallbadhus"
section = "nyheter"
title = "Nytt kallbadhus i Borgholm"
lead = "Kallbadhuset öppnar i december."
authors = ["Sara Lund"]
published = "2025-06-01T09:00:00+02:00"
gone_in_edition2 = true
body = "Bygget har kostat 14 miljoner kronor."
""",
    "sb-rel.toml": """
site = "smalandsbygden"
slug = "olycka-pa-riksvag-32"
section = "nyheter"
title = "Trafikolycka på riksväg 32 söder om Eksjö"
lead = "Två bilar kolliderade vid Bruzaholm."
authors = ["Lena Sjöberg"]
published = "today 08:15"
alias = true
body = "Räddningstjänst och ambulans är på plats. Vägen är avstängd."
""",
    "sb-old.toml": """
site = "smalandsbygden"
slug = "ny-vardcentral-i-eksjo"
section = "sport"
title = "Ny vårdcentral öppnar i Eksjö"
lead = "Regionen öppnar en ny vårdcentral på Österlånggatan."
authors = ["Gunnar Åberg"]
published = "2025-03-14T08:12:00+01:00"
body = "Vårdcentralen får tolv anställda."
""",
    "jk-1.toml": """
site = "jonkoping-kommun"
slug = "ny-stadsarkitekt"
section = "nyheter"
title = "Jönköpings kommun får ny stadsarkitekt"
lead = "Maria Ek blir ny stadsarkitekt."
authors = ["Kommunikationsavdelningen"]
published = "2025-06-12T10:00:00+02:00"
updated = "2025-06-13T08:30:00+02:00"
alias = true
body = "Maria Ek kommer närmast från Linköpings kommun."
""",
}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, Message, bytes]:
    """GET without following redirects; HTTP errors come back as (status, headers, body)."""
    req = urllib.request.Request(url, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=TIMEOUT) as r:
            return r.status, r.headers, r.read()
    except urllib.error.HTTPError as err:
        with err:
            return err.code, err.headers, err.read()


def post(url: str) -> Any:
    req = urllib.request.Request(url, data=b"", method="POST")
    with urllib.request.urlopen(req, timeout=TIMEOUT) as r:
        return json.loads(r.read())


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> list[SiteArticle]:
    folder = tmp_path_factory.mktemp("articles")
    for name, text in FIXTURES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return load_articles(folder)


@pytest.fixture(scope="module")
def site(articles: list[SiteArticle]) -> Iterator[SampleSite]:
    with SampleSite(articles=articles, slow_seconds=0.3) as s:
        yield s


@pytest.fixture
def fresh(articles: list[SiteArticle]) -> Iterator[SampleSite]:
    with SampleSite(articles=articles, slow_seconds=0.3) as s:
        yield s


def art(articles: list[SiteArticle], slug: str) -> SiteArticle:
    return next(a for a in articles if a.slug == slug)


def test_resolve_date_relative_and_iso() -> None:
    now = datetime(2025, 3, 30, 12, 0, tzinfo=STOCKHOLM)  # the day DST starts
    assert resolve_date("today 08:15", now) == datetime(2025, 3, 30, 8, 15, tzinfo=STOCKHOLM)
    y = resolve_date("yesterday 14:32", now)
    assert (y.day, y.hour, y.minute, y.utcoffset()) == (29, 14, 32, timedelta(hours=1))
    assert resolve_date("2025-08-09T06:00:00+02:00").isoformat() == "2025-08-09T06:00:00+02:00"
    assert resolve_date("2025-08-09T06:00:00").tzinfo is STOCKHOLM


def test_parse_body_blocks() -> None:
    blocks = parse_body("Första stycket.\n\n– Ett citat, säger hon.\n\nMellanrubrik\n\nSista.")
    assert [k for k, _ in blocks] == ["p", "q", "h", "p"]


def test_paths_and_editions(articles: list[SiteArticle]) -> None:
    a = art(articles, "sakerhetssamordnaren-lamnar")
    assert a.path == "/nyheter/2025/08/09/sakerhetssamordnaren-lamnar/"
    assert a.alias_path == f"/a/{a.number}/"
    kb = art(articles, "hamnchefen-gar-i-pension")
    assert re.fullmatch(r"/artikel/\d+-hamnchefen-gar-i-pension", kb.path)
    assert art(articles, "ny-stadsarkitekt").path == "/nyheter/2025/ny-stadsarkitekt.html"
    assert art(articles, "olycka-pa-riksvag-32").path == "/arkiv/olycka-pa-riksvag-32.html"
    new, gone = art(articles, "brand-i-industrilokal"), art(articles, "nytt-kallbadhus")
    assert (new.status(1), new.status(2), gone.status(1), gone.status(2)) == (None, 200, 200, 410)
    assert a.version(2).updated == resolve_date("2025-08-10T09:00:00+02:00")
    assert "tolv ansökningar" in a.version(2).body
    assert "tolv" not in a.version(1).body
    plus = art(articles, "ny-rektor-pa-gymnasiet").version(1)
    assert plus.visible_body == "Sara Holm kommer närmast från Hultsfred."
    ed1 = {r["slug"] for r in expected_archive(articles, 1)}
    ed2 = {r["slug"]: r["status"] for r in expected_archive(articles, 2)}
    assert "brand-i-industrilokal" not in ed1
    assert ed2["brand-i-industrilokal"] == 200
    assert ed2["nytt-kallbadhus"] == 410


def test_real_content_loads() -> None:
    if not list(CONTENT_DIR.glob("*.toml")):
        pytest.skip("no articles in samplesite/content/articles yet")
    loaded = load_articles()
    assert {a.site for a in loaded} <= set(SITES)


def test_page_weight(site: SampleSite, articles: list[SiteArticle]) -> None:
    paths = {VN: ["/", "/nyheter/", "/amne/vimmerby/", "/kontakt/"], KB: ["/", "/nyheter/"],
             SB: ["/", "/nyheter.html"], JK: ["/", "/nyheter.html"]}  # fmt: skip
    for a in articles:
        if a.in_edition(1):
            paths[a.site].append(a.path)
    for site_id, ps in paths.items():
        for p in ps:
            status, _, body = fetch(site.site_urls[site_id] + p)
            assert status == 200, (site_id, p)
            assert 60_000 <= len(body) <= 150_000, (site_id, p, len(body))


def test_smalandsbygden_is_windows_1252(site: SampleSite, articles: list[SiteArticle]) -> None:
    status, headers, body = fetch(site.site_urls[SB] + "/nyheter.html")
    assert status == 200
    assert headers["Content-Type"] == "text/html; charset=windows-1252"
    assert "Smålandsbygden".encode("cp1252") in body
    assert b"\xc3\xa5" not in body
    assert all(ch in body for ch in (b"\xe5", b"\xe4", b"\xf6"))  # å ä ö as single bytes
    meta_only = next(a for a in articles if a.charset_meta_only)
    status, headers, body = fetch(site.site_urls[SB] + meta_only.path)
    assert headers["Content-Type"] == "text/html"
    assert b'content="text/html; charset=iso-8859-1"' in body
    assert meta_only.title.encode("cp1252") in body


def test_validators_and_304(site: SampleSite, articles: list[SiteArticle]) -> None:
    url = site.site_urls[VN] + art(articles, "sakerhetssamordnaren-lamnar").path
    status, headers, body = fetch(url)
    etag, lastmod = headers["ETag"], headers["Last-Modified"]
    assert status == 200
    assert etag
    assert lastmod
    assert fetch(url)[2] == body  # deterministic
    status, _, body304 = fetch(url, {"If-None-Match": etag})
    assert (status, body304) == (304, b"")
    assert fetch(url, {"If-Modified-Since": lastmod})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    assert fetch(url, {"If-None-Match": '"other"', "If-Modified-Since": lastmod})[0] == 200
    status, headers, gz = fetch(url, {"Accept-Encoding": "gzip"})
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz) == body


def test_edition_switch(fresh: SampleSite, articles: list[SiteArticle]) -> None:
    changed = fresh.site_urls[VN] + art(articles, "sakerhetssamordnaren-lamnar").path
    same = fresh.site_urls[VN] + art(articles, "regeringen-satsar").path
    gone = fresh.site_urls[KB] + art(articles, "nytt-kallbadhus").path
    new = art(articles, "brand-i-industrilokal")
    etags = {u: fetch(u)[1]["ETag"] for u in (changed, same)}
    assert fetch(fresh.site_urls[VN] + new.path)[0] == 404
    post(fresh.control_url + "/edition/2")
    assert fresh.edition == 2
    status, headers, body = fetch(changed)
    assert status == 200
    assert headers["ETag"] != etags[changed]
    assert "tolv ansökningar".encode() in body
    assert b'"dateModified": "2025-08-10T09:00' in body
    assert fetch(same)[1]["ETag"] == etags[same]
    assert fetch(gone)[0] == 410
    assert new.path.encode() in fetch(fresh.site_urls[VN] + "/sitemap-news.xml")[2]
    assert new.path.encode() in fetch(fresh.site_urls[VN] + "/sport/")[2]
    assert (
        art(articles, "nytt-kallbadhus").path.encode()
        in fetch(fresh.site_urls[KB] + "/nyheter/")[2]
    )
    assert fetch(fresh.site_urls[VN] + new.path)[0] == 200
    fresh.set_edition(1)
    assert fetch(gone)[0] == 200


def test_robots(site: SampleSite) -> None:
    status, _, body = fetch(site.site_urls[VN] + "/robots.txt")
    text = body.decode()
    assert status == 200
    assert "Disallow: /sok/" in text
    assert "Disallow: /konto/" in text
    assert f"Sitemap: {site.site_urls[VN]}/sitemap_index.xml" in text
    assert b'href="/sok/?q=' in fetch(site.site_urls[VN] + "/")[2]
    assert "Disallow: /admin/" in fetch(site.site_urls[KB] + "/robots.txt")[2].decode()
    for url in site.site_urls.values():
        assert b"Crawl-delay" not in fetch(url + "/robots.txt")[2]


def test_redirects(site: SampleSite, articles: list[SiteArticle]) -> None:
    kb = art(articles, "nytt-kallbadhus")
    assert f"/gammal/{kb.slug}".encode() in fetch(site.site_urls[KB] + "/nyheter/")[2]
    status, headers, _ = fetch(site.site_urls[KB] + f"/gammal/{kb.slug}")
    assert (status, headers["Location"]) == (301, kb.path)
    status, headers, _ = fetch(site.site_urls[SB] + "/loop-a.html")
    assert (status, headers["Location"]) == (302, "/loop-b.html")
    assert fetch(site.site_urls[SB] + "/loop-b.html")[1]["Location"] == "/loop-a.html"


def test_sitemaps_and_feeds(site: SampleSite, articles: list[SiteArticle]) -> None:
    base = site.site_urls[VN]
    index = ET.fromstring(fetch(base + "/sitemap_index.xml")[2])
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [e.text or "" for e in index.findall("s:sitemap/s:loc", ns)]
    assert f"{base}/sitemap-news.xml" in locs
    assert f"{base}/sitemap-broken.xml" in locs
    urls: list[str] = []
    for loc in locs:
        status, _, body = fetch(loc)
        assert status == 200
        if loc.endswith("broken.xml"):
            with pytest.raises(ET.ParseError):
                ET.fromstring(body)
            continue
        urls += [e.text or "" for e in ET.fromstring(body).findall("s:url/s:loc", ns)]
    missing = base + "/nyheter/2025/08/01/artikeln-har-tagits-bort/"
    assert missing in urls
    assert fetch(missing)[0] == 404
    alias = art(articles, "sakerhetssamordnaren-lamnar")
    assert base + alias.tracking_path in urls
    assert base + alias.path in urls
    rss = ET.fromstring(fetch(site.site_urls[KB] + "/rss.xml")[2])
    assert len(rss.findall("channel/item")) == 2
    atom = ET.fromstring(fetch(site.site_urls[JK] + "/nyheter.atom")[2])
    assert len(atom.findall("{http://www.w3.org/2005/Atom}entry")) == 1
    jk = fetch(site.site_urls[JK] + "/sitemap.xml")[2]
    assert b"/kontakt.html" in jk
    assert b"/om-kommunen.html" in jk


def test_alias_urls_share_html(site: SampleSite, articles: list[SiteArticle]) -> None:
    for a in articles:
        if not a.alias:
            continue
        base = site.site_urls[a.site]
        main = fetch(base + a.path)[2]
        for other in (a.alias_path, a.tracking_path):
            status, _, body = fetch(base + other)
            assert (status, body) == (200, main), (a.site, other)
        assert f'rel="canonical" href="{base}{a.path}"'.encode() in main


def test_bad_input_pages(fresh: SampleSite) -> None:
    base = fresh.site_urls[SB]
    listing = fetch(base + "/nyheter.html")[2]
    for p in ("trasig-sida", "felkodad-sida", "jattesida", "langsam-sida", "serverfel"):
        assert f"/arkiv/{p}.html".encode() in listing
    assert fetch(base + "/arkiv/serverfel.html")[0] == 500
    status, headers, _ = fetch(base + "/arkiv/tillfalligt-fel.html")
    assert (status, headers["Retry-After"]) == (503, "1")
    assert fetch(base + "/arkiv/tillfalligt-fel.html")[0] == 200
    assert len(fetch(base + "/arkiv/jattesida.html")[2]) > 2_500_000
    status, headers, body = fetch(base + "/arkiv/felkodad-sida.html")
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    body = fetch(base + "/arkiv/trasig-sida.html")[2]
    assert b"Lekplatsen har kostat" in body
    assert not body.rstrip().endswith(b"</html>")
    t0 = time.monotonic()
    assert fetch(base + "/arkiv/langsam-sida.html")[0] == 200
    assert time.monotonic() - t0 >= 0.3


def test_request_log_and_control(fresh: SampleSite) -> None:
    fetch(fresh.site_urls[VN] + "/robots.txt", {"User-Agent": "testbot/1.0"})
    with urllib.request.urlopen(fresh.control_url + "/log", timeout=TIMEOUT) as r:
        log = json.loads(r.read())
    entry = log[-1]
    assert (entry["site"], entry["path"], entry["status"]) == (VN, "/robots.txt", 200)
    assert entry["user_agent"] == "testbot/1.0"
    assert entry["method"] == "GET"
    assert fresh.requests[-1]["path"] == "/robots.txt"
    post(fresh.control_url + "/log/clear")
    assert fresh.requests == []
    with urllib.request.urlopen(fresh.control_url + "/sources.toml", timeout=TIMEOUT) as r:
        assert tomllib.loads(r.read().decode())["source"]


def test_sources_toml(site: SampleSite, articles: list[SiteArticle]) -> None:
    data = tomllib.loads(site.sources_toml())
    sources = {s["id"]: s for s in data["source"]}
    assert set(sources) == set(SITES)
    assert sources[SB]["section_depth"] == 2
    for sid, src in sources.items():
        for key in ("id", "name", "kind", "region", "domains"):
            assert src[key], (sid, key)
        assert src["domains"] == [site.site_urls[sid].removeprefix("http://")]
        entry = src["sitemaps"] + src["feeds"] + src["sections"]
        assert entry
        assert all(u.startswith(site.site_urls[sid] + "/") for u in entry)
        patterns = [re.compile(p) for p in src["article_patterns"]]
        for a in articles:
            if a.site == sid:
                for p in (a.path, a.alias_path, a.tracking_path):
                    assert any(r.search(p) for r in patterns), (sid, p)
        assert not any(r.search("/nyheter/") or r.search("/nyheter.html") for r in patterns)
    assert any(re.search(p, "/sok/?q=x") for p in sources[VN]["ignore_patterns"])


def test_every_article_is_linked(site: SampleSite, articles: list[SiteArticle]) -> None:
    for sid, base in site.site_urls.items():
        wanted = {a.path for a in articles if a.site == sid and a.in_edition(1)}
        seen: set[str] = set()
        queue = ["/"]
        while queue and len(seen) < 150 and not wanted <= seen:
            path = queue.pop(0)
            seen.add(path)
            status, _, body = fetch(base + path)
            if status != 200 or path.startswith("/arkiv/"):
                continue
            for href in re.findall(rb'href="(/[^"#]*)"', body):
                h = href.decode("ascii").replace("&amp;", "&")
                if h not in seen and h not in queue and not h.startswith(("/sok", "/konto")):
                    if h.startswith(("/loop-", "/arkiv/langsam", "/arkiv/jatte", "/tjanster")):
                        continue
                    queue.append(h)
        assert wanted <= seen, (sid, wanted - seen)


def test_generated_bench_site() -> None:
    with SampleSite(generated=1100, articles=[]) as s:
        ((sid, base),) = s.site_urls.items()
        assert sid == "bench-tidning"
        ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
        index = ET.fromstring(fetch(base + "/sitemap_index.xml")[2])
        total = 0
        for loc in index.findall("s:sitemap/s:loc", ns):
            urls = ET.fromstring(fetch(loc.text or "")[2]).findall("s:url/s:loc", ns)
            assert len(urls) <= 1000
            if "pages" not in (loc.text or ""):
                total += len(urls)
        assert total == 1100
        paths = [a.path for a in s.sites[sid].articles[::55]]
        t0 = time.monotonic()
        for p in paths:
            status, _, body = fetch(base + p)
            assert status == 200
            assert 60_000 <= len(body) <= 150_000
            assert 3000 <= len(s.sites[sid].by_path[p].body) <= 5500
        assert time.monotonic() - t0 < 5
        assert tomllib.loads(s.sources_toml())["source"][0]["id"] == sid


def test_cli_serve(tmp_path: Path) -> None:
    folder = tmp_path / "articles"
    folder.mkdir()
    for name, text in FIXTURES.items():
        (folder / name).write_text(text, encoding="utf-8")
    sources = tmp_path / "sources.toml"
    cmd = [sys.executable, "-m", "samplesite", "serve", "--content", str(folder),
           "--write-sources", str(sources)]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    try:
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 20)
        assert ready, "no address line within 20 s"
        info = json.loads(proc.stdout.readline())
        assert set(info["sites"]) == set(SITES)
        assert info["sources"] == str(sources)
        assert tomllib.loads(sources.read_text(encoding="utf-8"))["source"]
        assert fetch(info["sites"][VN] + "/robots.txt")[0] == 200
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=10)
        assert proc.returncode == 0
        assert err == b""
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
