"""Where articles are listed: sitemaps (plain, Google News, indexes) and RSS/Atom feeds."""

from __future__ import annotations

import gzip
import zlib
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Literal

from lxml import etree

from crawler.dates import parse_iso_datetime

_MAX_XML_BYTES = 50 * 1024 * 1024  # the sitemap protocol's own limit


class InvalidListing(Exception):
    """A sitemap or feed that cannot be read; ``reason`` says why."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class Entry:
    """One listed URL and the date the listing gives for it (lastmod, pubDate, updated)."""

    url: str
    modified: datetime | None = None


@dataclass(frozen=True, slots=True)
class Listing:
    kind: Literal["sitemapindex", "urlset", "rss", "atom"]
    entries: list[Entry]


def parse_listing(body: bytes) -> Listing:
    """Parse a sitemap, sitemap index, news sitemap, RSS 2.0 or Atom feed.

    Raises:
        InvalidListing: not XML, not one of those formats, or too large.
    """
    root = _xml_root(body)
    tag = etree.QName(root).localname.lower()
    if tag in ("sitemapindex", "urlset"):
        child = "sitemap" if tag == "sitemapindex" else "url"
        entries = [
            Entry(loc, _iso(_child_text(node, "lastmod") or _news_date(node)))
            for node in _children(root, child)
            if (loc := _child_text(node, "loc"))
        ]
        return Listing("sitemapindex" if tag == "sitemapindex" else "urlset", entries)
    if tag == "rss" or tag == "rdf":
        items = root.iter("{*}item")
        return Listing(
            "rss",
            [
                Entry(link, _rfc822(_child_text(item, "pubDate") or _child_text(item, "date")))
                for item in items
                if (link := _child_text(item, "link") or _guid_link(item))
            ],
        )
    if tag == "feed":
        entries = []
        for entry in _children(root, "entry"):
            link = _atom_link(entry)
            if link:
                when = _child_text(entry, "updated") or _child_text(entry, "published")
                entries.append(Entry(link, _iso(when)))
        return Listing("atom", entries)
    raise InvalidListing(f"not a sitemap or feed (root element <{tag}>)")


def _xml_root(body: bytes) -> etree._Element:
    if body[:2] == b"\x1f\x8b":
        try:
            body = gzip.decompress(body)
        except (OSError, EOFError, zlib.error) as exc:
            raise InvalidListing(f"broken gzip: {exc}") from exc
    if len(body) > _MAX_XML_BYTES:
        raise InvalidListing(f"larger than {_MAX_XML_BYTES // 1024 // 1024} MB")
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False)
    try:
        root = etree.fromstring(body.strip(), parser=parser)
    except etree.XMLSyntaxError as exc:
        raise InvalidListing(f"invalid XML: {exc}") from exc
    if root is None:
        raise InvalidListing("empty document")
    return root


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
