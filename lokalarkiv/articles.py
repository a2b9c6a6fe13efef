"""One article and its history: every version, what changed from one to the next, and the
JSON record `arkiv show --json` prints and the web app's article page serves."""

from __future__ import annotations

import difflib
from typing import Any

from indexer.article import Article
from indexer.config import Config
from lokalarkiv.storage import open_archive

# What else a version can change (a re-extraction may change only these).
METADATA_FIELDS = (
    "authors", "published", "updated", "language", "section", "municipalities", "regions",
    "kinds", "people", "paywalled", "wire",
)  # fmt: skip


def article_versions(config: Config, article_id: str) -> list[Article]:
    """Every version of the article ``article_id`` names (a unique prefix is enough), oldest
    first; the last is the current one.

    Raises:
        ArchiveError: no archive, or no article (or more than one) with that id.
    """
    with open_archive(config) as archive:
        return archive.versions(archive.resolve_id(article_id))


def version_changes(old: Article, new: Article) -> list[str]:
    """Which parts changed from one version to the next: the text with word counts, then
    the metadata fields by name."""
    changes = []
    for name in ("title", "lead", "body"):
        before, after = getattr(old, name).split(), getattr(new, name).split()
        if before != after:
            matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
            added = sum(j2 - j1 for op, _, _, j1, j2 in matcher.get_opcodes() if op != "equal")
            removed = sum(i2 - i1 for op, i1, i2, _, _ in matcher.get_opcodes() if op != "equal")
            changes.append(f"{name} (+{added}/-{removed} words)")
    changes += [name for name in METADATA_FIELDS if getattr(old, name) != getattr(new, name)]
    return changes


def same_response(old: Article, new: Article) -> bool:
    """``new`` was made by `arkiv reextract` from the response ``old`` was extracted from."""
    where = (new.warc_file, new.warc_offset)
    return where[0] is not None and where == (old.warc_file, old.warc_offset)


def paragraphs(article: Article) -> list[str]:
    """The title, lead and body as the non-empty lines a diff compares."""
    text = "\n".join([article.title, article.lead, article.body])
    return [row for row in text.split("\n") if row.strip()]


def article_json(versions: list[Article]) -> dict[str, Any]:
    """The current version's whole record, with the list of versions and what each
    changed."""
    record = versions[-1].to_dict()
    record["versions"] = [
        {
            "version": v.version,
            "fetched_at": v.fetched_at.isoformat() if v.fetched_at else None,
            "content_hash": v.content_hash,
            "changed": version_changes(versions[i - 1], v) if i else [],
        }
        for i, v in enumerate(versions)
    ]
    return record
