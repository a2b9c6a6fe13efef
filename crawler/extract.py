"""HTML in, Article out: Trafilatura for the text, the page's own markup as stronger evidence.

No Scrapy here: the same function re-extracts pages from the archive's WARC files.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from urllib.parse import urlsplit

import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html
from w3lib.encoding import html_to_unicode

from crawler.dates import (
    STOCKHOLM,
    date_in_url,
    find_date_lines,
    parse_iso_datetime,
    parse_swedish_date,
    to_stockholm,
)
from crawler.language import detect_language
from crawler.page_meta import (
    PageMeta,
    agency_of,
    jsonld_authors,
    parse_byline,
    paywall_phrase_in,
    read_page_meta,
)
from crawler.urls import canonicalize_url
from indexer.article import Article

# Trafilatura logs "not enough text" and the like at ERROR; for a crawler that meets section
# fronts all the time that is noise, and our own NotAnArticle carries the reason instead.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

MIN_BODY_CHARS = 300  # an article with a date and this much text is an article
MIN_TEASER_CHARS = 80  # a paywalled teaser may be short
MIN_UNDATED_CHARS = 1500  # without any date evidence, only long text counts
MAX_DATE_STAMPS = 2  # an article shows published and perhaps updated; a list shows many
MIN_HEADLINE_WORDS = 3
_SITE_SUFFIX = re.compile(r"\s+[|–—-]\s+[^|–—-]{2,60}$")


class NotAnArticle(Exception):
    """The page is not an article (a section front, tag page, search page, empty page…)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class _Dates:
    published: datetime | None
    updated: datetime | None
    source: str


def decode_html(body: bytes, content_type: str | None = None) -> str:
    """Decode a response body the way browsers do: HTTP charset, BOM, <meta>, then sniffing.

    Never raises. Old Swedish sites often declare UTF-8 yet hold Latin-1 bytes (an "ä" as
    0xE4); where UTF-8 decoding fails, each bad byte is read as windows-1252 instead, so
    å ä ö survive. Bytes undefined even there become U+FFFD.
    """
    encoding, text = html_to_unicode(content_type, body)
    if "\ufffd" in text and encoding.replace("-", "").lower() == "utf8":
        repaired = body.decode("utf-8", errors=_CP1252_FALLBACK)
        if repaired.count("\ufffd") < text.count("\ufffd"):
            text = repaired
    return str(text)


def _cp1252_per_byte(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeDecodeError):
        raise error
    bad = error.object[error.start : error.end]
    return bytes(bad).decode("cp1252", errors="replace"), error.end


_CP1252_FALLBACK = "lokalarkiv-cp1252-per-byte"
codecs.register_error(_CP1252_FALLBACK, _cp1252_per_byte)


def extract_article(
    html: str | bytes,
    url: str,
    *,
    source_id: str = "",
    source_name: str = "",
    fetched_at: datetime | None = None,
) -> Article:
    """Extract one article from a page.

    Args:
        html: the page, decoded (str) or raw bytes (decoded as browsers would).
        url: the URL the page was fetched from (after redirects).
        source_id: id of the source in sources.toml.
        source_name: the source's display name.
        fetched_at: when the page was fetched; "idag"/"igår" count from here (default: now).

    Returns:
        The Article, with content fields filled; enrichment and the archive fill the rest.

    Raises:
        NotAnArticle: the page is empty, unparsable, or not an article; ``reason`` says why.
    """
    now = fetched_at or datetime.now(UTC)
    if isinstance(html, bytes):
        html = decode_html(html)
    tree = _parse(html)
    meta = read_page_meta(tree)
    # Trafilatura's own metadata pass (title, byline, htmldate) repeats much of what the
    # page's markup already told us, so it runs only where the markup is silent.
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=False
    )
    text = (getattr(doc, "text", None) or "").strip()
    title = _title(meta, None, source_name)
    dates = _dates(meta, None, url, now)
    authors = jsonld_authors(meta.jsonld) or meta.byline
    if not title or dates.source in ("url", "none"):
        fallback = extract_metadata(tree, url)
        title = title or _title(meta, fallback.title, source_name)
        dates = _dates(meta, fallback.date, url, now)
        authors = authors or _trafilatura_authors(fallback)
    authors = authors or _meta_authors(meta)

    lead = _lead(meta)
    body = _strip_repeats(text, title, lead)
    paywalled = _paywalled(meta, text)
    _check_is_article(meta, title, body, lead, paywalled, dates)
    canonical = _own_canonical(meta.canonical, url)
    language, score = detect_language(f"{title}. {lead} {body}")
    return Article(
        url=url,
        canonical_url=canonical or canonicalize_url(url),
        source=source_id,
        source_name=source_name,
        title=title,
        lead=lead,
        body=body,
        authors=authors,
        published=dates.published,
        updated=dates.updated,
        date_source=dates.source,
        language=language,
        language_score=score,
        section=_section(meta),
        paywalled=paywalled,
        wire=agency_of(authors),
        fetched_at=now,
    )


def _parse(html: str) -> HtmlElement:
    if not html.strip():
        raise NotAnArticle("empty page")
    try:
        tree = load_html(html)
    except (ParserError, ValueError) as exc:
        raise NotAnArticle(f"unparsable HTML: {exc}") from exc
    if tree is None:
        raise NotAnArticle("unparsable HTML")
    result: HtmlElement = tree
    return result


def _own_canonical(link: str | None, url: str) -> str:
    """The page's canonical link, when it points into the same site.

    A canonical link to another site (wire copy pointing at the agency, a syndication
    partner) would merge different papers' copies into one archive record; those copies
    are kept apart and grouped as duplicates instead.
    """
    if not link:
        return ""
    canonical = canonicalize_url(link, base=url)
    here, there = urlsplit(canonicalize_url(url)), urlsplit(canonical)
    same = (here.hostname or "").removeprefix("www.") == (there.hostname or "").removeprefix("www.")
    return canonical if same and here.port == there.port else ""


def _title(meta: PageMeta, fallback: str | None, source_name: str) -> str:
    for candidate in (meta.jsonld.get("headline"), meta.h1, meta.og.get("og:title"), fallback):
        if isinstance(candidate, str) and candidate.strip():
            title = " ".join(candidate.split())
            if source_name and title.endswith(source_name):
                title = _SITE_SUFFIX.sub("", title)
            return title
    return ""


def _lead(meta: PageMeta) -> str:
    for candidate in (
        meta.lead,
        meta.jsonld.get("description"),
        meta.og.get("og:description"),
        meta.og.get("description"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            return " ".join(candidate.split())
    return ""


def _strip_repeats(text: str, title: str, lead: str) -> str:
    """Trafilatura often keeps the headline and the ingress as the first lines of the text;
    the record holds them apart, so drop them from the body."""
    for repeated in (title, lead):
        if not repeated:
            continue
        first, _, rest = text.partition("\n")
        if " ".join(first.split()) == repeated:
            text = rest.lstrip()
        elif text.startswith(repeated):
            text = text[len(repeated) :].lstrip()
    return text


def _paywalled(meta: PageMeta, text: str) -> bool:
    free = meta.jsonld.get("isAccessibleForFree")
    if free is False or (isinstance(free, str) and free.lower() == "false"):
        return True
    return meta.paywall_markup or paywall_phrase_in(text[-600:])


def _dates(meta: PageMeta, trafilatura_date: str | None, url: str, now: datetime) -> _Dates:
    """Pick published/updated from the strongest evidence present."""
    candidates: list[tuple[str, str | None, str | None]] = [
        ("jsonld", _str(meta.jsonld.get("datePublished")), _str(meta.jsonld.get("dateModified"))),
        (
            "meta",
            meta.og.get("article:published_time") or meta.og.get("datepublished"),
            meta.og.get("article:modified_time") or meta.og.get("datemodified"),
        ),
        ("time", meta.time_published, meta.time_modified),
    ]
    for name, published_raw, updated_raw in candidates:
        published = parse_iso_datetime(published_raw) if published_raw else None
        if published:
            updated = parse_iso_datetime(updated_raw) if updated_raw else None
            return _Dates(to_stockholm(published), _later(updated, published), name)
    if meta.date_text:
        lines = find_date_lines(meta.date_text, now)
        published = lines.published or parse_swedish_date(meta.date_text, now)
        if published:
            return _Dates(published, _later(lines.updated, published), "text")
    if trafilatura_date:
        published = parse_iso_datetime(trafilatura_date)
        if published:
            return _Dates(published, None, "htmldate")
    day = date_in_url(url)
    if day:
        return _Dates(datetime.combine(day, time(), tzinfo=STOCKHOLM), None, "url")
    return _Dates(None, None, "none")


def _later(updated: datetime | None, published: datetime) -> datetime | None:
    return to_stockholm(updated) if updated and updated > published else None


def _check_is_article(
    meta: PageMeta, title: str, body: str, lead: str, paywalled: bool, dates: _Dates
) -> None:
    if not title:
        raise NotAnArticle("no title")
    if not meta.is_article_typed:
        # Without markup saying "article": a list of dated teasers is a section front or a
        # tag page, and a one- or two-word heading ("Kultur", "Om oss") names a page, not a story.
        if meta.date_stamps > MAX_DATE_STAMPS:
            raise NotAnArticle(f"list page ({meta.date_stamps} date stamps)")
        if len(title.split()) < MIN_HEADLINE_WORDS:
            raise NotAnArticle(f"heading too short for a news story ({title!r})")
    size = len(body) + len(lead)
    if paywalled and size >= MIN_TEASER_CHARS and dates.published:
        return
    if meta.is_article_typed and size >= MIN_TEASER_CHARS:
        return
    if dates.source in ("jsonld", "meta", "time", "text") and size >= MIN_BODY_CHARS:
        return
    if size >= MIN_UNDATED_CHARS and dates.published:
        return
    if not dates.published:
        raise NotAnArticle(f"no article markup and no publication date ({size} chars of text)")
    raise NotAnArticle(f"too little text for an article ({size} chars)")


def _section(meta: PageMeta) -> str | None:
    value = meta.jsonld.get("articleSection") or meta.og.get("article:section")
    if isinstance(value, list):
        value = value[0] if value else None
    return str(value).strip() or None if value else None


def _trafilatura_authors(doc: object) -> list[str]:
    raw = getattr(doc, "author", None)
    return parse_byline(raw.replace(";", ",")) if isinstance(raw, str) else []


def _meta_authors(meta: PageMeta) -> list[str]:
    raw = meta.og.get("author") or meta.og.get("article:author") or ""
    return parse_byline(raw) if raw and not raw.startswith("http") else []


def _str(value: object) -> str | None:
    return value if isinstance(value, str) else None
