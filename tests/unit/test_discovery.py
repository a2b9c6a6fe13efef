"""Sitemaps, news sitemaps, sitemap indexes, RSS and Atom feeds."""

import gzip

import pytest

from crawler.discovery import InvalidListing, parse_listing

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://e.se/nyheter/2025/08/09/a/</loc>
    <news:news><news:publication><news:name>E</news:name><news:language>sv</news:language>
    </news:publication><news:publication_date>2025-08-09T06:00:00+02:00</news:publication_date>
    <news:title>Rubrik</news:title></news:news></url>
  <url><loc>https://e.se/b</loc><lastmod>2025-08-10</lastmod></url>
</urlset>"""


def test_news_sitemap_entries_and_dates() -> None:
    listing = parse_listing(NEWS_SITEMAP)
    assert listing.kind == "urlset"
    assert [e.url for e in listing.entries] == [
        "https://e.se/nyheter/2025/08/09/a/",
        "https://e.se/b",
    ]
    first, second = listing.entries
    assert first.modified is not None
    assert first.modified.isoformat() == "2025-08-09T06:00:00+02:00"
    assert second.modified is not None
    assert second.modified.date().isoformat() == "2025-08-10"


def test_sitemap_index_gzipped() -> None:
    body = gzip.compress(
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://e.se/s1.xml</loc></sitemap></sitemapindex>"
    )
    listing = parse_listing(body)
    assert listing.kind == "sitemapindex"
    assert listing.entries[0].url == "https://e.se/s1.xml"


def test_rss() -> None:
    body = """<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>
      <item><title>Å</title><link>https://e.se/artikel/1-a</link>
      <pubDate>Sat, 09 Aug 2025 06:00:00 +0200</pubDate></item>
      <item><guid>https://e.se/artikel/2-b</guid></item></channel></rss>""".encode()
    listing = parse_listing(body)
    assert [e.url for e in listing.entries] == [
        "https://e.se/artikel/1-a",
        "https://e.se/artikel/2-b",
    ]
    assert listing.entries[0].modified is not None


def test_atom() -> None:
    body = b"""<feed xmlns="http://www.w3.org/2005/Atom"><entry><title>x</title>
      <link rel="alternate" href="https://k.se/nyheter/2025/a.html"/>
      <updated>2025-06-13T10:00:00+02:00</updated></entry></feed>"""
    listing = parse_listing(body)
    assert listing.kind == "atom"
    assert listing.entries[0].url == "https://k.se/nyheter/2025/a.html"


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<urlset><url><loc>https://e.se/a</loc>",  # truncated
        b"<html><body>not a sitemap</body></html>",
        b"\x1f\x8bnot really gzip",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ],
)
def test_invalid_listings_raise_with_a_reason(body: bytes) -> None:
    with pytest.raises(InvalidListing) as info:
        parse_listing(body)
    assert info.value.reason
