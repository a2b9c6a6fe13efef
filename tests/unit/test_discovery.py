"""Sitemaps, news sitemaps, sitemap indexes, RSS and Atom feeds."""

import gzip
import time

import pytest

from crawler.discovery import InvalidListing, parse_listing
from samplesite.templates.hostile import endless_gzip

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


# ---------------------------------------------------------------- hostile listings

URLSET = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'


def urls(n: int) -> bytes:
    return b"".join(b"<url><loc>https://e.se/a/%d</loc></url>" % k for k in range(n))


def test_gzip_bomb_is_too_large_and_stops_early() -> None:
    # about 70 MB of valid sitemap XML from 200 kB, with no end: past the 50 MB cap
    bomb = endless_gzip(URLSET, b"<url><loc>https://e.se/x</loc></url>\n", 200_000)
    started = time.perf_counter()
    with pytest.raises(InvalidListing) as info:
        parse_listing(bomb)
    assert info.value.kind == "too_large"
    assert "gzip expands past 50 MB" in info.value.reason
    assert time.perf_counter() - started < 5


def test_size_cap_applies_plain_and_gzipped() -> None:
    body = URLSET + urls(100) + b"</urlset>"
    assert len(parse_listing(body, max_bytes=len(body)).entries) == 100
    for data in (body, gzip.compress(body)):
        with pytest.raises(InvalidListing) as info:
            parse_listing(data, max_bytes=len(body) - 1)
        assert info.value.kind == "too_large"


def test_entry_cap_cuts_the_listing_and_says_so() -> None:
    listing = parse_listing(URLSET + urls(10) + b"</urlset>", max_entries=3)
    assert [e.url for e in listing.entries] == [f"https://e.se/a/{k}" for k in range(3)]
    assert listing.truncated
    assert not parse_listing(URLSET + urls(3) + b"</urlset>", max_entries=3).truncated


def test_an_endless_gzip_under_the_size_cap_is_broken() -> None:
    endless = endless_gzip(URLSET, b"<url><loc>https://e.se/x</loc></url>\n", 20_000)
    with pytest.raises(InvalidListing, match="broken gzip"):
        parse_listing(endless)


def test_multi_member_gzip_and_leading_whitespace() -> None:
    body = b"\n  \n" + URLSET + urls(4) + b"</urlset>"
    middle = len(body) // 2
    listing = parse_listing(gzip.compress(body[:middle]) + gzip.compress(body[middle:]))
    assert len(listing.entries) == 4


def test_gzip_cut_short_is_broken() -> None:
    data = gzip.compress(URLSET + urls(50) + b"</urlset>")
    with pytest.raises(InvalidListing) as info:
        parse_listing(data[: len(data) // 2])
    assert info.value.kind == "invalid_listing"
    assert "broken gzip" in info.value.reason


def test_only_the_roots_children_are_sitemap_entries_and_rss_1_0_items_count() -> None:
    nested = URLSET + b"<x><url><loc>https://e.se/no</loc></url></x>" + urls(1) + b"</urlset>"
    assert [e.url for e in parse_listing(nested).entries] == ["https://e.se/a/0"]
    rdf = b"""<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"
      xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
      <channel><title>x</title></channel>
      <item><link>https://e.se/r/1</link><dc:date>2025-08-09T06:00:00+02:00</dc:date></item>
    </rdf:RDF>"""
    listing = parse_listing(rdf)
    assert listing.kind == "rss"
    assert listing.entries[0].url == "https://e.se/r/1"
    assert listing.entries[0].modified is not None


def test_a_page_is_refused_at_its_root_element() -> None:
    with pytest.raises(InvalidListing, match=r"root element <html>"):
        parse_listing(b"<html><body>" + b"<p>x</p>" * 100_000 + b"</body></html>")
