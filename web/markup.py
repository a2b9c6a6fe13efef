"""The one place archived text becomes markup other than by escaping: a hit's snippet, whose
highlighted words are shown in ``<mark>``. Nothing else of the snippet survives as markup:
its text is unescaped and escaped again, so even a snippet that carried a tag would show it
as text."""

from __future__ import annotations

import html
import re

from markupsafe import Markup, escape

from indexer.search.query import Snippet

_HIGHLIGHT = re.compile(r"(<b>|</b>)")


def snippet_html(snippet: Snippet) -> str:
    """The snippet as the backend's HTML (the matches in ``<b>``, everything else escaped)."""
    return snippet.html()


def snippet_markup(snippet: Snippet) -> Markup:
    """The snippet as safe markup: its text escaped, the matches in ``<mark>``, no other
    tag. Unbalanced or nested highlight tags cannot open anything: each one only toggles."""
    out: list[str] = []
    inside = False
    for part in _HIGHLIGHT.split(snippet_html(snippet)):
        if part == "<b>":
            if not inside:
                out.append("<mark>")
                inside = True
        elif part == "</b>":
            if inside:
                out.append("</mark>")
                inside = False
        elif part:
            out.append(str(escape(html.unescape(part))))
    if inside:
        out.append("</mark>")
    return Markup("".join(out))
