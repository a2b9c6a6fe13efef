"""Structured evidence a news page carries besides its text: JSON-LD, OpenGraph, <time>, bylines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml.html import HtmlElement

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
_LEAD_CLASSES = ("lead", "ingress", "preamble", "intro", "standfirst", "summary")
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
_AGENCIES = frozenset({"TT", "NTB", "Reuters", "AFP", "AP", "Omni", "Ritzau", "DPA"})


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

    @property
    def is_article_typed(self) -> bool:
        """Markup says "this is an article" (JSON-LD article type or og:type=article)."""
        return bool(self.jsonld_types & ARTICLE_TYPES) or self.og.get("og:type") == "article"


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
    meta.lead = _first_by_class(scope, _LEAD_CLASSES)
    byline = _first_by_class(scope, _BYLINE_CLASSES)
    if byline:
        meta.byline = parse_byline(byline)
    dated_nodes = _by_class(scope, _DATE_CLASSES)
    header = scope.xpath(".//header") or []
    meta.date_text = "\n".join([*map(_text, dated_nodes), *(_text(h) for h in header[:2])])
    meta.paywall_markup = _has_paywall(scope)
    # Distinct texts: a <time> inside a dated <span> is one stamp, not two.
    stamps = {_text(node) for node in (*scope.xpath(".//time"), *dated_nodes)}
    meta.date_stamps = len(stamps - {""})
    return meta


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


def _by_class(scope: HtmlElement, names: tuple[str, ...]) -> list[HtmlElement]:
    """Elements whose class attribute contains one of ``names`` (case-insensitive)."""
    return [
        node
        for node in scope.xpath(".//*[@class]")
        if any(name in node.get("class", "").lower() for name in names)
    ]


def _first_by_class(scope: HtmlElement, names: tuple[str, ...]) -> str | None:
    for node in _by_class(scope, names):
        text = _text(node)
        if text:
            return text
    return None


def _has_paywall(scope: HtmlElement) -> bool:
    condition = " or ".join(
        f"contains(@class, '{m}') or contains(@id, '{m}')" for m in _PAYWALL_MARKERS
    )
    return bool(scope.xpath(f".//*[{condition}]"))


def _text(node: HtmlElement) -> str:
    return " ".join(" ".join(node.itertext()).split())
