"""The lead and the body of a page's article text, each line held once.

Trafilatura gives the article text; the page's markup offers leads (its ingress element, its
JSON-LD, OpenGraph and <meta> descriptions). ``lead_and_body`` picks the lead the page shows and
cuts the lines the body repeats of it and of the headline.
"""

from __future__ import annotations

import html as html_entities
import re
from collections.abc import Iterator
from itertools import islice

from lxml.etree import XPath
from lxml.html import HtmlElement

from crawler.page_meta import MAX_LEAD_CHARS, PageMeta

__all__ = ["lead_and_body"]

_WORD = re.compile(r"\w+")
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|…|\[\.\.\.\]|\[…\])\s*$")
_PAGE_TEXT = XPath("string(//body)", smart_strings=False)
_VISIBLE_TEXT = XPath(
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]",
    smart_strings=False,
)


def lead_and_body(tree: HtmlElement, meta: PageMeta, title: str, text: str) -> tuple[str, str]:
    """The lead and the body, each line of the page's article text held once.

    The lead is what the page shows as its ingress: the element it marks as one, else its
    description (JSON-LD, OpenGraph, <meta name=description>) where that text is visible on
    the page; a description the reader never sees is no part of the article. Trafilatura often
    keeps the headline and the ingress among the lines of the text (first, or in a teaser of
    the story itself): such lines are cut from the body. A lead that the body holds inside a
    paragraph (a description that is the first sentence of the first paragraph) is no lead of
    its own: the body keeps it and the lead is empty. Texts are compared word by word
    (``\\w+``, any case), so spacing, punctuation and entities do not matter.
    """
    body = _strip_title(text, title)
    title_words = _words(title)
    body_words: _Words | None = None
    page = _PageText(tree)
    for candidate, marked in _lead_candidates(meta):
        words = _words(_ELLIPSIS.sub("", candidate))
        if _ELLIPSIS.search(candidate):
            words = words[:-1]  # a cut description: its last word may be cut too
        if not words or _contains(title_words, words):
            continue
        body_words = body_words or _Words(body)
        if body_words.find(words) is not None:
            rest = _without_runs(body, words)
            return (candidate, rest) if rest is not None else ("", body)
        if not marked and not page.shows(words):
            continue  # a description the page does not show
        return candidate, body
    return "", body


def _lead_candidates(meta: PageMeta) -> Iterator[tuple[str, bool]]:
    """(text, marked as the ingress by the page) for each lead the markup offers, best first."""
    if meta.lead:
        yield " ".join(meta.lead.split()), True
    for candidate in (
        meta.jsonld.get("description"),
        meta.og.get("og:description"),
        meta.og.get("description"),
    ):
        if isinstance(candidate, str) and candidate.strip():
            # JSON-LD and some CMSs hold descriptions with their entities escaped once more
            text = " ".join(html_entities.unescape(candidate).split())
            if len(text) <= MAX_LEAD_CHARS:  # longer, it is the story's start, not its lead
                yield text, False


def _strip_title(text: str, title: str) -> str:
    """The text without the headline as its first line (Trafilatura often keeps it)."""
    first, _, rest = text.partition("\n")
    if title and _words(first) == _words(title):
        return rest.lstrip()
    return text


def _words(text: str) -> list[str]:
    lower = text.lower()
    if len(lower) == len(text):  # lower-casing kept every character in its place
        return _WORD.findall(lower)
    return [word.lower() for word in _WORD.findall(text)]


def _contains(words: list[str], part: list[str]) -> bool:
    return f" {' '.join(part)} " in f" {' '.join(words)} "


class _Words:
    """The words of a text (``\\w+``, lower case), to find a run of words and where it lies."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.joined = f" {' '.join(_words(text))} "

    def find(self, part: list[str]) -> tuple[int, int] | None:
        """Start and end offset in the text of the first run of these words, or None."""
        at = self.joined.find(f" {' '.join(part)} ")
        if at < 0:
            return None
        first = self.joined.count(" ", 0, at)
        spans = [m.span() for m in islice(_WORD.finditer(self.text), first + len(part))]
        return spans[first][0], spans[-1][1]


class _PageText:
    """The text a reader of the page sees, read only when a lead candidate needs it."""

    def __init__(self, tree: HtmlElement) -> None:
        self.tree = tree
        self.all: str | None = None  # all text of <body>, scripts included: quick to read
        self.visible: _Words | None = None

    def shows(self, words: list[str]) -> bool:
        """True when the visible text (not scripts or styles) holds this run of words.

        The longest words are looked up in all of <body>'s text first; the visible text is
        read only when they are all there.
        """
        self.all = _PAGE_TEXT(self.tree) if self.all is None else self.all
        for word in sorted(words, key=len, reverse=True)[:3]:
            if not re.search(re.escape(word), self.all, re.IGNORECASE):
                return False
        self.visible = self.visible or _Words(" ".join(_VISIBLE_TEXT(self.tree)))
        return self.visible.find(words) is not None


def _without_runs(text: str, words: list[str]) -> str | None:
    """The text without each whole-line run of ``words``; None when the first run lies
    inside a line (the text holds those words as part of a paragraph)."""
    first = True
    while (found := _Words(text).find(words)) is not None:
        rest = _without_lines(text, *found)
        if rest is None:
            return None if first else text
        text, first = rest, False
    return text


def _without_lines(text: str, start: int, end: int) -> str | None:
    """The text without ``text[start:end]`` when that is whole lines, else None."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end < 0 else line_end
    if _WORD.search(text, line_start, start) or _WORD.search(text, end, line_end):
        return None
    return (text[:line_start] + text[line_end:].lstrip()).strip()
