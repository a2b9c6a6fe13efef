"""HTML in, Article out: Trafilatura for the text, the page's own markup as stronger evidence.

No Scrapy here: the same function re-extracts pages from the archive's WARC files. The lead
and the body are told apart in ``crawler.lead``.
"""

from __future__ import annotations

import codecs
import logging
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from urllib.parse import urlsplit

import trafilatura
from lxml.etree import ParserError
from lxml.html import HtmlElement, HTMLParser, fromstring
from trafilatura import utils as trafilatura_utils
from trafilatura.metadata import extract_metadata
from trafilatura.utils import load_html, repair_faulty_html
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
from crawler.lead import lead_and_body
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
MIN_UNDATED_CHARS = 1500  # with weak date evidence only (or none), only long text counts
MAX_DATE_STAMPS = 2  # an article shows published and perhaps updated; a list shows many
# ... and a list has little text per stamp (a teaser: heading, a line, a date; the sample
# sites' fronts have 100-250 characters per stamp), a story with a few dated asides much more.
MIN_STORY_CHARS_PER_STAMP = 600
MIN_HEADLINE_WORDS = 3
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese):
# a headline there is one "word"; one of this many characters is no section name.
_UNSPACED = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]"
)
MIN_UNSPACED_HEADLINE_CHARS = 8
DATELINE_CHARS = 400  # a date printed this near the start of the text is the story's dateline
# A text of at least this many lines, this share of them shorter than this, is menus.
MIN_MENU_LINES = 50
MENU_SHARE = 2 / 3
MENU_LINE_CHARS = 30
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
    text = _main_text(tree, url)
    title, dates, authors = _title_dates_authors(tree, meta, url, source_name, now)
    lead, body = lead_and_body(tree, meta, title, text)
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


def _title_dates_authors(
    tree: HtmlElement, meta: PageMeta, url: str, source_name: str, now: datetime
) -> tuple[str, _Dates, list[str]]:
    """The headline, the dates and the authors, from the page's markup first."""
    title = _title(meta, None, source_name)
    dates = _dates(meta, None, url, now)
    authors = jsonld_authors(meta.jsonld) or meta.byline
    # Trafilatura's own metadata pass (title, byline, htmldate) repeats much of what the
    # page's markup already told us, so it runs only where the markup is silent.
    if not title or dates.source in ("url", "none"):
        fallback = extract_metadata(tree, url)
        title = title or _title(meta, fallback.title, source_name)
        dates = _dates(meta, fallback.date, url, now)
        authors = authors or _trafilatura_authors(fallback)
    return title, dates, authors or _meta_authors(meta)


def _parse(html: str) -> HtmlElement:
    if not html.strip():
        raise NotAnArticle("empty page")
    try:
        tree = load_html(html)
        if tree is not None and _too_deep(trafilatura_utils.HTML_PARSER):
            # libxml2 stops at 256 levels of nesting and drops the rest of the page; its
            # huge-tree mode goes to 2,048. Deeper still, the page is reported for what it is.
            tree = _parse_huge(repair_faulty_html(html, html[:50].lower()))
            if _too_deep(_HUGE):
                raise NotAnArticle(f"too_deep: HTML nested more than {MAX_HTML_DEPTH} levels")
    except (ParserError, ValueError) as exc:
        raise NotAnArticle(f"unparsable HTML: {exc}") from exc
    if tree is None:
        raise NotAnArticle("unparsable HTML")
    result: HtmlElement = tree
    return result


MAX_HTML_DEPTH = 2048  # libxml2's limit in huge-tree mode
# Trafilatura's parser options, with libxml2's huge-tree mode.
_HUGE = HTMLParser(
    collect_ids=False,
    default_doctype=False,
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    huge_tree=True,
)


def _parse_huge(html: str) -> HtmlElement:
    try:
        tree: HtmlElement = fromstring(html, parser=_HUGE)
    except ValueError:  # a str with an encoding declaration: lxml wants bytes
        tree = fromstring(html.encode("utf-8", "surrogatepass"), parser=_HUGE)
    return tree


def _too_deep(parser: HTMLParser) -> bool:
    """Did the parser's last run stop at libxml2's nesting limit ("Excessive depth")?"""
    return any("Excessive depth" in error.message for error in parser.error_log)


def _main_text(tree: HtmlElement, url: str) -> str:
    """The page's main text by Trafilatura, tables included (results, figures, timetables).

    Trafilatura's fast cascade first. Its full one also compares the text with readability's
    and jusText's and may take theirs: that costs about a quarter of the extraction time, and
    on the 181 real news pages of docs/BENCHMARKS.md (Zyte's benchmark) it changed five texts,
    three of them for the worse, and none on the sample sites. Where the fast text reads like
    a page's menus (the one it got badly wrong there), the full cascade runs after all.
    """
    text = _trafilatura_text(tree, url, fast=True)
    return _trafilatura_text(tree, url, fast=False) if reads_like_menus(text) else text


def _trafilatura_text(tree: HtmlElement, url: str, *, fast: bool) -> str:
    doc = trafilatura.bare_extraction(
        tree, url=url, with_metadata=False, include_comments=False, include_tables=True, fast=fast
    )
    return (getattr(doc, "text", None) or "").strip()


def reads_like_menus(text: str) -> bool:
    """Many lines, most of them a link's few words: navigation, not a story."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < MIN_MENU_LINES:
        return False
    short = sum(1 for line in lines if len(line.strip()) < MENU_LINE_CHARS)
    return short >= MENU_SHARE * len(lines)


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
        # A page whose only <time> says "updated" (WordPress marks its one date so) was
        # published then at the latest: that is its date.
        ("time", meta.time_published or meta.time_modified, meta.time_modified),
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
    size = len(body) + len(lead)
    if not meta.is_article_typed:
        # Without markup saying "article": a list of dated teasers is a section front or a
        # tag page, and a one- or two-word heading ("Kultur", "Om oss") names a page, not a
        # story. Where the page has much text for its date stamps, or a long text and a date
        # beside a short heading, the evidence is mixed and the page is kept.
        stamps = meta.date_stamps
        if stamps > MAX_DATE_STAMPS and size < stamps * MIN_STORY_CHARS_PER_STAMP:
            raise NotAnArticle(f"list page ({stamps} date stamps)")
        long_and_dated = size >= MIN_UNDATED_CHARS and _dated_by_page(dates, body)
        if not _reads_as_headline(title) and not long_and_dated:
            raise NotAnArticle(f"heading too short for a news story ({title!r})")
    if paywalled and size >= MIN_TEASER_CHARS and dates.published:
        return
    if meta.is_article_typed and size >= MIN_TEASER_CHARS:
        return
    if _dated_by_page(dates, body) and size >= MIN_BODY_CHARS:
        return
    if size >= MIN_UNDATED_CHARS and dates.published:
        return
    if not dates.published:
        raise NotAnArticle(f"no article markup and no publication date ({size} chars of text)")
    raise NotAnArticle(f"too little text for an article ({size} chars)")


def _reads_as_headline(title: str) -> bool:
    """A few words, or in a script without spaces between words, a run of characters."""
    if len(title.split()) >= MIN_HEADLINE_WORDS:
        return True
    return len(_UNSPACED.findall(title)) >= MIN_UNSPACED_HEADLINE_CHARS


def _dated_by_page(dates: _Dates, body: str) -> bool:
    """True when the page itself dates the story: in its markup, in its date lines, or by a
    date printed at the start of its text (not a date htmldate or the URL only suggests)."""
    if dates.source in ("jsonld", "meta", "time", "text"):
        return True
    return dates.published is not None and _shows_date(dates.published.date(), body)


def _shows_date(day: date, text: str) -> bool:
    """True when the text's start prints ``day`` in a numeric form (05/10/2018, 2018-10-05…)."""
    head = text[:DATELINE_CHARS]
    d, m, y = day.day, day.month, day.year
    forms = (
        f"{d:02d}/{m:02d}/{y}", f"{d}/{m}/{y}", f"{m:02d}/{d:02d}/{y}", f"{m}/{d}/{y}",
        f"{y}-{m:02d}-{d:02d}", f"{y}/{m:02d}/{d:02d}", f"{y}.{m:02d}.{d:02d}",
        f"{d:02d}.{m:02d}.{y}", f"{d}.{m}.{y}", f"{d:02d}-{m:02d}-{y}",
    )  # fmt: skip
    return any(form in head for form in forms)


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
