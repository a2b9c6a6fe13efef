"""Terminal rendering of search results and articles (plain text; bold on a terminal)."""

from __future__ import annotations

import difflib
import textwrap

import click

from indexer.article import Article
from indexer.search.query import Query, SearchPage, Snippet
from lokalarkiv.articles import paragraphs, same_response, version_changes
from lokalarkiv.searching import Stories
from search_cli.output import one_line, scrub

_WIDTH = 88


def render_hits(query: Query, page: SearchPage, elapsed: float, stories: Stories) -> str:
    """A result list: title, source, date, municipalities, snippet, id; then facet counts.
    Copies of one story (wire copy on several papers) show once, with where else it ran.
    Whatever came from the index or the archive is made safe first (output.scrub)."""
    page, stories, text = scrub(page), scrub(stories), one_line(query.text)
    first = query.offset + 1
    shown = f"{first}–{query.offset + len(page.hits)} of " if page.hits else ""
    quoted = text if text.startswith('"') else f'"{text}"'
    described = f" for {quoted}" if text else ""
    total = page.total if page.total_exact else f"about {page.total}"
    lines = [f"{shown}{total} articles{described} ({elapsed * 1000:.0f} ms)", ""]
    shown_stories: set[str] = set()
    for number, hit in enumerate(page.hits, start=first):
        story, copies = stories.get(hit.id, (hit.id, []))
        if story in shown_stories:
            continue  # another copy of a story already listed above
        shown_stories.add(story)
        when = hit.published.strftime("%Y-%m-%d %H:%M") if hit.published else "undated"
        about = ", ".join(hit.municipalities) or "-"
        tags = " · ".join(filter(None, [", ".join(hit.kinds), "Plus" if hit.paywalled else ""]))
        lines.append(f"{number:>3}. {click.style(one_line(hit.title), bold=True)}")
        meta = f"{hit.source_name or hit.source} · {when} · {about}"
        lines.append(f"     {meta}{' · ' + tags if tags else ''}")
        if hit.snippet:
            plain = one_line(hit.snippet.text)
            for row in textwrap.wrap(plain, _WIDTH - 5):
                lines.append(f"     {_bold_matches(row, hit.snippet)}")
        lines.append(f"     id {hit.id} · {hit.url}")
        others = [name for other, name in copies if other != hit.id]
        if others:
            lines.append(f"     also in {len(others)}: {', '.join(others)}")
        lines.append("")
    if page.total > query.offset + len(page.hits) and page.hits:
        lines.append(f"More: --offset {query.offset + len(page.hits)}\n")
    for name, counts in page.facets.items():
        if counts:
            top = " · ".join(f"{value} {count}" for value, count in list(counts.items())[:8])
            lines.append(f"{name + ':':<14}{top}")
    return "\n".join(lines).rstrip()


def render_article(article: Article) -> str:
    """The whole article with its metadata, for `arkiv show` (made safe first: scrub)."""
    article = scrub(article)

    def when(value: object) -> str:
        return value.isoformat(" ", "minutes") if hasattr(value, "isoformat") else "-"

    meta = [
        ("id", article.id),
        ("source", f"{article.source_name or article.source} ({article.source})"),
        ("url", article.url),
        ("published", f"{when(article.published)}  (from {article.date_source})"),
        ("updated", when(article.updated) if article.updated else "-"),
        ("authors", ", ".join(article.authors) or "-"),
        ("language", f"{article.language or '?'} ({article.language_score:.2f})"),
        ("municipalities", ", ".join(article.municipalities) or "-"),
        ("regions", ", ".join(article.regions) or "-"),
        ("kinds", ", ".join(article.kinds) or "-"),
        ("paywalled", "yes (teaser only)" if article.paywalled else "no"),
        ("wire", article.wire or "-"),
        ("status", "gone from its site" if article.gone else "online when last fetched"),
    ]
    if article.people:
        meta.append(
            (
                "people",
                "; ".join(
                    f"{p.name} ({', '.join(p.roles) or '?'}{', ' + p.change if p.change else ''})"
                    for p in article.people
                ),
            )
        )
    lines = [click.style(one_line(article.title), bold=True), ""]
    meta = [(key, one_line(value)) for key, value in meta]
    lines += [f"{key + ':':<16}{value}" for key, value in meta]
    lines.append("")
    if article.lead:
        lines += [*textwrap.wrap(article.lead, _WIDTH), ""]
    for paragraph in article.body.split("\n"):
        if paragraph.strip():
            lines += [*textwrap.wrap(paragraph, _WIDTH), ""]
    return "\n".join(lines).rstrip() + "\n"


def render_versions(versions: list[Article], diffs: bool = False) -> str:
    """The version history; with ``diffs``, a unified diff of each change (made safe
    first: scrub)."""
    versions = scrub(versions)
    lines = [f"Versions ({len(versions)}):"]
    for i, version in enumerate(versions):
        fetched = version.fetched_at.isoformat(" ", "seconds") if version.fetched_at else "?"
        what = ", ".join(version_changes(versions[i - 1], version)) if i else "first seen"
        if i and same_response(versions[i - 1], version):
            what += " (re-extracted from the same response)"
        lines.append(f"  v{version.version}  {fetched}  {what}")
        if diffs and i:
            old, new = versions[i - 1], version
            diff = difflib.unified_diff(
                paragraphs(old),
                paragraphs(new),
                f"v{old.version}",
                f"v{new.version}",
                lineterm="",
            )
            lines += [f"    {row}" for row in diff]
    return "\n".join(lines)


def _bold_matches(row: str, snippet: Snippet) -> str:
    """Bold the words of a wrapped snippet row that were marked in the snippet."""
    matched = {one_line(word).lower() for word in snippet.marked()}
    return " ".join(
        click.style(word, bold=True) if word.strip('.,:;!?”"()–-').lower() in matched else word
        for word in row.split(" ")
    )
