"""The article record that the crawler, the archive, the index and the CLI all share."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any

KINDS = ("personnel", "municipal")
CHANGES = ("appointed", "acting", "leaving", "resigned", "retired", "dismissed", "new_job")
DATE_SOURCES = ("jsonld", "meta", "time", "text", "htmldate", "url", "none")


def article_id(canonical_url: str) -> str:
    """Stable article id: the first 16 hex digits of SHA-1 over the canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


@dataclass(slots=True)
class Person:
    """A person a story names in a role, and what changed for them."""

    name: str
    roles: list[str] = field(default_factory=list)
    organisation: str | None = None
    change: str | None = None  # one of CHANGES, or None where the story reports no change
    new_role: str | None = None
    new_organisation: str | None = None

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Person:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(slots=True)
class Article:
    """One article as extracted from a page, plus the archive's bookkeeping.

    Extraction fills the content fields; enrichment fills municipalities, regions, kinds,
    people, wire; the archive fills version, first_seen, last_seen, the HTTP validators and
    the WARC location. Datetimes are timezone-aware.
    """

    url: str
    canonical_url: str
    source: str
    source_name: str = ""
    title: str = ""
    lead: str = ""
    body: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    updated: datetime | None = None
    date_source: str = "none"
    language: str | None = None
    language_score: float = 0.0
    section: str | None = None
    municipalities: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    paywalled: bool = False
    wire: str | None = None
    duplicate_of: str | None = None
    # archive bookkeeping
    version: int = 0
    first_seen: datetime | None = None
    last_seen: datetime | None = None
    fetched_at: datetime | None = None
    etag: str | None = None
    last_modified: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    warc_length: int | None = None
    gone: bool = False
    fingerprint: int | None = None  # SimHash of the text, to group copies of one story

    @property
    def id(self) -> str:
        return article_id(self.canonical_url)

    @property
    def content_hash(self) -> str:
        """Hash of the text a reader sees; a change here makes a new version."""
        text = "\x1f".join((self.title, self.lead, self.body))
        text = " ".join(unicodedata.normalize("NFC", text).split())
        return hashlib.sha256(text.encode("utf-8")).hexdigest()

    @property
    def roles(self) -> list[str]:
        """Every role any person in the story holds or takes, deduplicated, in order."""
        seen: dict[str, None] = {}
        for person in self.people:
            for role in [*person.roles, person.new_role]:
                if role:
                    seen.setdefault(role, None)
        return list(seen)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict: datetimes as ISO 8601 strings, people as dicts, id included.

        Built field by field (lists copied, people as dicts) rather than with
        ``dataclasses.asdict``, whose recursive deep copy was half the cost of an export row.
        """
        data: dict[str, Any] = {}
        for name in _ARTICLE_FIELDS:
            value = getattr(self, name)
            if isinstance(value, datetime):
                value = value.isoformat()
            elif isinstance(value, list):
                value = [asdict(v) if isinstance(v, Person) else v for v in value]
            data[name] = value
        data["id"] = self.id
        data["content_hash"] = self.content_hash
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """Inverse of :meth:`to_dict`; unknown keys (id, content_hash) are ignored."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        for key in ("published", "updated", "first_seen", "last_seen", "fetched_at"):
            if isinstance(kwargs.get(key), str):
                kwargs[key] = datetime.fromisoformat(kwargs[key])
        kwargs["people"] = [
            p if isinstance(p, Person) else Person.from_dict(p) for p in kwargs.get("people", [])
        ]
        return cls(**kwargs)


_ARTICLE_FIELDS = tuple(f.name for f in fields(Article))
