"""The Atom feed (RFC 4287) of a saved search: the latest articles new to it.

Built with ElementTree, which escapes text and attribute values; characters XML 1.0 cannot
hold at all (control characters) are dropped first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from indexer.config import Config
from indexer.store.archive import AlertEntry, WatchInfo
from lokalarkiv.storage import open_archive
from lokalarkiv.watch_delivery import snippet

ATOM = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text(parent: ET.Element, tag: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    element.text = _NOT_XML.sub("", text)
    return element


def _link(parent: ET.Element, href: str, rel: str, title: str = "") -> None:
    attributes = {"href": _NOT_XML.sub("", href), "rel": rel}
    if title:
        attributes["title"] = _NOT_XML.sub("", title)
    ET.SubElement(parent, f"{{{ATOM}}}link", attributes)


def _when(value: str | None, fallback: str) -> str:
    """An RFC 3339 time (Atom's dates) from an archive's ISO time."""
    try:
        moment = datetime.fromisoformat(value or fallback)
    except ValueError:
        moment = datetime.fromisoformat(fallback)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def feed_xml(config: Config, token: str, app_url: str) -> bytes | None:
    """The feed of the saved search whose token is ``token`` (None: there is none).
    ``app_url``: the web app's address, for the links to its article pages."""
    if not token or not config.archive_path.exists():
        return None
    with open_archive(config) as archive:
        watch = archive.watch_by_token(token)
        if watch is None:
            return None
        entries = archive.alerts(watch, FEED_ENTRIES)
    return render_feed(watch, entries, app_url.rstrip("/"))


def render_feed(watch: WatchInfo, entries: list[AlertEntry], app_url: str) -> bytes:
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _text(feed, "id", f"urn:lokalarkiv:watch:{watch.id}:{watch.created}")
    _text(feed, "title", f"Bevakning: {watch.name}")
    _text(feed, "subtitle", watch.query or "(alla artiklar)")
    updated = entries[0].found if entries else watch.created
    _text(feed, "updated", _when(updated, watch.created))
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    _text(author, "name", "Lokalarkiv")
    _link(feed, f"{app_url}/feeds/{watch.token}.atom", "self")
    _text(feed, "generator", "Lokalarkiv")
    for entry in entries:
        item = ET.SubElement(feed, f"{{{ATOM}}}entry")
        _text(item, "id", f"urn:lokalarkiv:article:{entry.article_id}")
        _text(item, "title", entry.title, type="text")
        _text(item, "updated", _when(entry.found, watch.created))
        if entry.published:
            _text(item, "published", _when(entry.published, entry.found))
        source = ET.SubElement(item, f"{{{ATOM}}}author")
        _text(source, "name", entry.source_name or entry.source)
        _link(item, f"{app_url}/article/{entry.article_id}", "alternate", "Lokalarkiv")
        _link(item, entry.url, "related", entry.source_name)
        _text(item, "category", "", term=entry.source, label=entry.source_name)
        _text(item, "summary", snippet(entry.lead), type="text")
    body: bytes = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return body
