"""Structured evidence a news page carries besides its text: JSON-LD, OpenGraph, <time>, bylines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from crawler.enrich.agencies import AGENCIES

ARTICLE_TYPES = frozenset(
    {
        "NewsArticle",
        "Article",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "AskPublicNewsArticle",
        "BlogPosting",
        "LiveBlogPosting",
        "Report",
    }
)
_LEAD_CLASSES = ("lead", "ingress", "preamble", "intro", "introduction", "standfirst", "summary")
# A lead class names the element itself: "lead", "article__lead", "ArticlePage-lead", or with a
# tail saying it is text ("article-lead-text"). Not "leaderboard", "lead-asset" (a lead image),
# "article-intro-container" (a box that holds the heading too) or "text-with-summary" fields
# whose "summary" tail names the whole body. What the element holds is checked too (_as_lead).
_CLASS_PARTS = re.compile(r"[-_\s]+")
_LEAD_TAILS = frozenset({"text", "paragraph"})
_HAVING = frozenset({"with", "has", "no", "without"})
_CLASSES = XPath(".//*/@class")  # descendants' classes; each knows its element (getparent)
_ENTRY_CANDIDATES = XPath("//@class[contains(., 'entry')]")  # then checked word by word
_ENTRY_CLASSES = frozenset({"hentry", "h-entry"})
_IDS = XPath(".//*/@id")
_LEAD_TAGS = frozenset({"p", "div", "span", "section", "h2", "h3", "h4", "strong", "b"})
MIN_LEAD_CHARS = 20  # "Next" or "3:45" in a lead-classed box is no ingress
MAX_LEAD_CHARS = 600  # longer, it is the story (or a box around it), not its ingress
MAX_STAMP_CHARS = 80  # "Publicerad 9 augusti 2025 kl 06.00 · Uppdaterad 12 augusti 14.32"
_DATE_CLASSES = ("datum", "dateline", "date", "published", "pubdate", "timestamp", "meta-time")
_BYLINE_CLASSES = ("byline", "author", "skribent", "reporter")
_PAYWALL_MARKERS = ("paywall", "premium-box", "plus-lock", "subscriber-only", "locked-content")
_PAYWALL_PHRASES = (
    "redan prenumerant",
    "bli prenumerant",
    "logga in för att läsa",
    "för att läsa hela artikeln",
    "läs hela artikeln",
    "endast för prenumeranter",
    "för prenumeranter",
    "lås upp artikeln",
)
_BYLINE_PREFIX = re.compile(r"^\s*(?:text|av|skriven av|reporter|publicerad av)\s*:?\s*", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|\boch\b|\band\b|\|)\s*")
_NAME = re.compile(r"^[A-ZÅÄÖÉÜ][\w'’.-]+(?:\s+(?:af|von|de|van|der)?\s*[A-ZÅÄÖÉÜ][\w'’.-]+){0,3}$")
_AGENCIES = frozenset(AGENCIES)


@dataclass(slots=True)
class PageMeta:
    """What the markup of one page says about it, before any text extraction."""

    canonical: str | None = None
    jsonld: dict[str, Any] = field(default_factory=dict)  # the first article-typed object
    jsonld_types: set[str] = field(default_factory=set)
    og: dict[str, str] = field(default_factory=dict)  # og:*, article:*, and named metas
    time_published: str | None = None
    time_modified: str | None = None
    h1: str | None = None
    lead: str | None = None
    byline: list[str] = field(default_factory=list)
    date_text: str = ""  # visible text where date lines live (article header, date elements)
    paywall_markup: bool = False
    date_stamps: int = 0  # <time> and date-classed elements in the main region
    entry_marked: bool = False  # one microformat entry (a blog post) holds the page's <h1>

    @property
    def is_article_typed(self) -> bool:
        """Markup says "this is an article": a JSON-LD article type, og:type=article (any case),
        or the page's one microformat entry (hentry, h-entry) around its heading."""
        og_type = self.og.get("og:type", "").strip().lower()
        return bool(self.jsonld_types & ARTICLE_TYPES) or og_type == "article" or self.entry_marked


def read_page_meta(tree: HtmlElement) -> PageMeta:
    """Read canonical link, JSON-LD, OpenGraph/meta, <time>, h1, lead, byline and paywall hints."""
    meta = PageMeta()
    for href in tree.xpath("//link[@rel='canonical']/@href")[:1]:
        meta.canonical = str(href).strip() or None
    for node in tree.xpath("//meta[@property or @name or @itemprop]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        value = (node.get("content") or "").strip()
        if key and value and key not in meta.og:
            meta.og[key] = value
    for obj in _jsonld_objects(tree):
        types = obj.get("@type")
        type_set = {types} if isinstance(types, str) else {str(t) for t in types or ()}
        meta.jsonld_types |= type_set
        if not meta.jsonld and type_set & ARTICLE_TYPES:
            meta.jsonld = obj
    scope = _article_scope(tree)
    _read_times(scope, meta)
    h1 = scope.xpath(".//h1") or tree.xpath("//h1")
    if h1:
        meta.h1 = _text(h1[0]) or None
        meta.entry_marked = _one_entry_around(tree, h1[0])
    classes = _CLASSES(scope)  # read once: the three lookups below filter the same list
    meta.lead = _marked_lead(classes)
    byline = _first_by_class(classes, _BYLINE_CLASSES)
    if byline:
        meta.byline = parse_byline(byline)
    dated_nodes = _by_class(classes, _DATE_CLASSES)
    header = scope.xpath(".//header") or []
    meta.date_text = "\n".join([*map(_text, dated_nodes), *(_text(h) for h in header[:2])])
    meta.paywall_markup = _has_paywall(classes, _IDS(scope))
    meta.date_stamps = _count_stamps([*scope.xpath(".//time"), *dated_nodes])
    return meta


def _one_entry_around(tree: HtmlElement, h1: HtmlElement) -> bool:
    """True when the page has one microformat entry (hAtom ``hentry``, microformats2
    ``h-entry``) and it holds the heading: a post page. A blog's front or a tag page lists
    many entries; a CMS's static page (WordPress: ``type-page``) is no post."""
    entries = [value for value in _ENTRY_CANDIDATES(tree) if _ENTRY_CLASSES & set(value.split())]
    if len(entries) != 1 or "type-page" in entries[0].split():
        return False
    entry = entries[0].getparent()
    return any(parent is entry for parent in h1.iterancestors())


def _count_stamps(nodes: list[HtmlElement]) -> int:
    """Date stamps among dated nodes: short texts, one per outermost node, each text once.

    A <time> inside a dated <span>, or "13" and "Aug" inside a dated "13 Aug" box, are parts of
    one stamp; the same text twice (a date repeated for small screens) is one stamp too. A
    long text is no stamp, whatever its class says ("latest-updates" around a list of teasers):
    the stamps inside it count one by one.
    """
    texts = {node: _text(node) for node in nodes}
    stamps = {node for node, text in texts.items() if 0 < len(text) <= MAX_STAMP_CHARS}
    outermost = {
        texts[node]
        for node in stamps
        if not any(parent in stamps for parent in node.iterancestors())
    }
    return len(outermost)


def parse_byline(text: str) -> list[str]:
    """Names from a byline such as "Text: Anna Lindqvist och Erik Berg" or "Av: TT"."""
    text = _BYLINE_PREFIX.sub("", " ".join(text.split()))
    text = re.split(r"\s+(?:foto|bild)\s*:", text, maxsplit=1, flags=re.I)[0]
    names = []
    for part in _NAME_SPLIT.split(text):
        part = _BYLINE_PREFIX.sub("", part).strip(" .·-–")
        if part in _AGENCIES or (_NAME.match(part) and len(part) <= 60):
            names.append(part)
    return names


def jsonld_authors(jsonld: dict[str, Any]) -> list[str]:
    """Author names from a JSON-LD object (a string, an object, or a list of either)."""
    raw = jsonld.get("author") or []
    items = raw if isinstance(raw, list) else [raw]
    names = []
    for item in items:
        name = item.get("name") if isinstance(item, dict) else item
        if isinstance(name, str) and name.strip():
            names.append(" ".join(name.split()))
    return names


def agency_of(authors: list[str]) -> str | None:
    """The news agency when a byline names one (TT, NTB, …), else None."""
    return next((a for a in authors if a in _AGENCIES), None)


def paywall_phrase_in(text: str) -> bool:
    """True when text has a typical Swedish paywall call to action."""
    lower = text.lower()
    return any(phrase in lower for phrase in _PAYWALL_PHRASES)


def _jsonld_objects(tree: HtmlElement) -> Iterator[dict[str, Any]]:
    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except (ValueError, TypeError):
            continue
        stack = data if isinstance(data, list) else [data]
        while stack:
            item = stack.pop(0)
            if not isinstance(item, dict):
                continue
            graph = item.get("@graph")
            if isinstance(graph, list):
                stack.extend(graph)
            yield item


def _article_scope(tree: HtmlElement) -> HtmlElement:
    for path in ("//article[.//h1]", "//main", "//*[@role='main']", "//body"):
        found = tree.xpath(path)
        if found:
            node: HtmlElement = found[0]
            return node
    return tree


def _read_times(scope: HtmlElement, meta: PageMeta) -> None:
    for node in scope.xpath(".//time[@datetime]"):
        hint = " ".join(
            filter(None, (node.get("itemprop"), node.get("class"), node.get("data-type")))
        ).lower()
        value = node.get("datetime", "").strip()
        if not value:
            continue
        if any(word in hint for word in ("modif", "updat", "uppdat", "ändr")):
            meta.time_modified = meta.time_modified or value
        else:
            meta.time_published = meta.time_published or value


def _by_class(classes: list[Any], names: tuple[str, ...]) -> list[HtmlElement]:
    """Elements whose class attribute contains one of ``names`` (case-insensitive).

    ``classes`` holds the class attributes of a scope (``_CLASSES``); only the elements of
    those that match are looked up (an element object per element of a page is what cost).
    """
    pattern = _any_of(names)
    return [value.getparent() for value in classes if pattern.search(value.lower())]


@cache
def _any_of(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, names)))


def _first_by_class(classes: list[Any], names: tuple[str, ...]) -> str | None:
    for node in _by_class(classes, names):
        text = _text(node)
        if text:
            return text
    return None


def _marked_lead(classes: list[Any]) -> str | None:
    """The text of the first element the page marks as its ingress, if it reads as one."""
    for node in _by_class(classes, _LEAD_CLASSES):
        if node.tag in _LEAD_TAGS and _names_a_lead(node.get("class", "")):
            text = _as_lead(node)
            if text:
                return text
    return None


def _names_a_lead(classes: str) -> bool:
    """True when one class of the element is a lead class, as its last part or before a tail
    ("article__lead", "lead-text"), and not a kind of thing that has one ("text-with-summary")."""
    for token in classes.split():
        parts = [p for p in _CLASS_PARTS.split(token.lower()) if p]
        while len(parts) > 1 and parts[-1] in _LEAD_TAILS:
            parts.pop()
        if parts and parts[-1] in _LEAD_CLASSES and not _HAVING & set(parts[:-1]):
            return True
    return False


def _as_lead(node: HtmlElement) -> str | None:
    """The node's visible text when it reads as an ingress: a few words to a few sentences,
    at most one paragraph (a box of paragraphs is the story, not its ingress)."""
    if len(node.xpath(".//p")) > 1:
        return None
    words = [
        t
        for t in node.xpath(".//text()[not(ancestor::script or ancestor::style)]")
        if isinstance(t, str)
    ]
    text = " ".join(" ".join(words).split())
    if not MIN_LEAD_CHARS <= len(text) <= MAX_LEAD_CHARS:
        return None
    return text


def _has_paywall(classes: list[Any], ids: list[Any]) -> bool:
    """True when a class or id in the scope names a paywall (case-sensitive, as written)."""
    pattern = _any_of(_PAYWALL_MARKERS)
    return any(pattern.search(value) for value in (*classes, *ids))


def _text(node: HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())
