"""Where articles are listed: sitemaps (plain, Google News, indexes) and RSS/Atom feeds."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from lxml import etree

from crawler.dates import parse_iso_datetime

# The sitemap protocol's own limits: 50 MB uncompressed, 50,000 URLs per file. A listing is
# decompressed and parsed as a stream, so memory stays flat whatever a server sends: a gzip
# that expands without end stops at the size cap, a longer listing at the entry cap.
MAX_LISTING_BYTES = 50 * 1024 * 1024
MAX_LISTING_ENTRIES = 50_000
_CHUNK = 256 * 1024  # bytes decompressed (or fed to the parser) at a time
# root element -> the element holding one entry
_ENTRY_TAGS = {"sitemapindex": "sitemap", "urlset": "url", "rss": "item", "rdf": "item",
               "feed": "entry"}  # fmt: skip
_KIND_OF_ROOT: dict[str, Literal["sitemapindex", "urlset", "rss", "atom"]] = {
    "sitemapindex": "sitemapindex", "urlset": "urlset", "rss": "rss", "rdf": "rss", "feed": "atom",
}  # fmt: skip


class InvalidListing(Exception):
    """A sitemap or feed that cannot be read; ``reason`` says why and ``kind`` how the crawl
    counts it: ``invalid_listing`` (not XML, not a listing, broken gzip) or ``too_large``
    (more than MAX_LISTING_BYTES once decompressed)."""

    def __init__(self, reason: str, kind: str = "invalid_listing") -> None:
        super().__init__(reason)
        self.reason = reason
        self.kind = kind


@dataclass(frozen=True, slots=True)
class Entry:
    """One listed URL and the date the listing gives for it (lastmod, pubDate, updated)."""

    url: str
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    """What a sitemap or feed lists. ``truncated``: it had more entries than the cap, and
    only the first ones were read."""

    kind: Literal["sitemapindex", "urlset", "rss", "atom"]
    entries: list[Entry]
    truncated: bool = False


def parse_listing(
    body: bytes, max_bytes: int = MAX_LISTING_BYTES, max_entries: int = MAX_LISTING_ENTRIES
) -> Listing:
    """Parse a sitemap, sitemap index, news sitemap, RSS 2.0, RSS 1.0 or Atom feed, plain or
    gzip-compressed.

    Read as a stream: at most ``max_bytes`` are decompressed, at most ``max_entries``
    entries are read (the listing is then ``truncated``), and each entry's elements are
    freed once read, so memory stays flat whatever the body expands to.

    Raises:
        InvalidListing: not XML, not one of those formats, broken gzip, or too large.
    """
    if body[:2] == b"\x1f\x8b":
        # Measured first, decompressing only (fast, nothing kept): whatever it holds, a gzip
        # that expands past the cap is too large before any of it is parsed.
        for _ in _decompressed(body, max_bytes):
            pass
    reader = _ListingReader(max_entries)
    try:
        for chunk in _decompressed(body, max_bytes):
            if reader.feed(chunk):
                return reader.listing(truncated=True)
        return reader.close()
    except etree.XMLSyntaxError as exc:
        raise InvalidListing(f"invalid XML: {exc}") from exc


class _ListingReader:
    """Feeds an lxml pull parser and makes an Entry of each entry element as it ends."""

    def __init__(self, max_entries: int) -> None:
        # No entities (no XXE, no billion laughs), no network, libxml2's default size limits.
        self.parser = etree.XMLPullParser(
            events=("start", "end"), resolve_entities=False, no_network=True, huge_tree=False
        )
        self.max_entries = max_entries
        self.entries: list[Entry] = []
        self.root: etree._Element | None = None
        self.root_tag = ""
        self.entry_tag = ""
        self.open_entries = 0  # entry elements started and not yet ended
        self.started = False  # leading whitespace dropped: an XML declaration must come first

    def feed(self, chunk: bytes) -> bool:
        """Parse one more chunk; True once an entry past ``max_entries`` is met."""
        if not self.started:
            chunk = chunk.lstrip()
            if not chunk:
                return False
            self.started = True
        self.parser.feed(chunk)
        return self._drain()

    def close(self) -> Listing:
        """The end of the body: the whole listing."""
        if not self.started:
            raise InvalidListing("empty document")
        self.parser.close()
        self._drain()
        if self.root is None:
            raise InvalidListing("empty document")
        return self.listing(truncated=False)

    def listing(self, truncated: bool) -> Listing:
        return Listing(_KIND_OF_ROOT[self.root_tag], self.entries, truncated)

    def _drain(self) -> bool:
        for event, elem in self.parser.read_events():
            if not isinstance(elem.tag, str):
                continue
            name = etree.QName(elem).localname
            if event == "start":
                if self.root is None:
                    self._begin(elem, name)
                elif name == self.entry_tag and self._is_entry(elem):
                    self.open_entries += 1
                continue
            if elem is self.root:
                continue
            if name == self.entry_tag and self._is_entry(elem):
                self.open_entries -= 1
                entry = self._entry(elem)
                if entry is not None:
                    if len(self.entries) >= self.max_entries:
                        return True  # one more than the cap: the rest is not read
                    self.entries.append(entry)
            if self.open_entries == 0:
                # Read, or of no interest: free it and the finished siblings before it.
                elem.clear(keep_tail=False)
                parent = elem.getparent()
                while parent is not None and elem.getprevious() is not None:
                    del parent[0]
        return False

    def _begin(self, root: etree._Element, name: str) -> None:
        tag = name.lower()
        if tag not in _ENTRY_TAGS:
            raise InvalidListing(f"not a sitemap or feed (root element <{tag}>)")
        self.root, self.root_tag, self.entry_tag = root, tag, _ENTRY_TAGS[tag]

    def _is_entry(self, elem: etree._Element) -> bool:
        # Sitemap and Atom entries are the root's children; RSS items may sit deeper
        # (RSS 2.0 keeps them under <channel>).
        return self.root_tag in ("rss", "rdf") or elem.getparent() is self.root

    def _entry(self, node: etree._Element) -> Entry | None:
        if self.root_tag in ("sitemapindex", "urlset"):
            loc = _child_text(node, "loc")
            if not loc:
                return None
            return Entry(loc, _iso(_child_text(node, "lastmod") or _news_date(node)))
        if self.root_tag in ("rss", "rdf"):
            link = _child_text(node, "link") or _guid_link(node)
            if not link:
                return None
            return Entry(link, _rfc822(_child_text(node, "pubDate") or _child_text(node, "date")))
        link = _atom_link(node)
        if not link:
            return None
        return Entry(link, _iso(_child_text(node, "updated") or _child_text(node, "published")))


def _decompressed(body: bytes, max_bytes: int) -> Iterator[bytes]:
    """The body in chunks, gunzipped when it is gzip (told by its magic number: a
    sitemap.xml.gz comes without Content-Encoding), never more than ``max_bytes`` in all."""
    megabytes = max_bytes // 1024 // 1024
    if body[:2] != b"\x1f\x8b":
        if len(body) > max_bytes:
            raise InvalidListing(f"larger than {megabytes} MB", kind="too_large")
        for start in range(0, len(body), _CHUNK):
            yield body[start : start + _CHUNK]
        return
    total = 0
    data = body
    while data[:2] == b"\x1f\x8b":  # each member of a multi-member gzip file
        inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
        pending = data
        while True:
            try:
                out = inflater.decompress(pending, _CHUNK)
            except zlib.error as exc:
                raise InvalidListing(f"broken gzip: {exc}") from exc
            pending = inflater.unconsumed_tail
            if out:
                total += len(out)
                if total > max_bytes:
                    raise InvalidListing(
                        f"gzip expands past {megabytes} MB ({len(body):,} bytes compressed)",
                        kind="too_large",
                    )
                yield out
            if inflater.eof or (not out and not pending):
                break
        if not inflater.eof:
            raise InvalidListing("broken gzip: the compressed data ends before its end marker")
        data = inflater.unused_data


def _children(node: etree._Element, name: str) -> list[etree._Element]:
    return [c for c in node if isinstance(c.tag, str) and etree.QName(c).localname == name]


def _child_text(node: etree._Element, name: str) -> str | None:
    for child in _children(node, name):
        text = (child.text or "").strip()
        if text:
            return text
    return None


def _news_date(node: etree._Element) -> str | None:
    for news in _children(node, "news"):
        return _child_text(news, "publication_date")
    return None


def _guid_link(item: etree._Element) -> str | None:
    for guid in _children(item, "guid"):
        text = (guid.text or "").strip()
        if guid.get("isPermaLink", "true") != "false" and text.startswith("http"):
            return text
    return None


def _atom_link(entry: etree._Element) -> str | None:
    links = _children(entry, "link")
    for link in links:
        href = link.get("href")
        if link.get("rel", "alternate") == "alternate" and href:
            return str(href)
    return str(links[0].get("href") or "") or None if links else None


def _iso(value: str | None) -> datetime | None:
    return parse_iso_datetime(value) if value else None


def _rfc822(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return parse_iso_datetime(value)
