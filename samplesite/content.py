"""The sample sites' ground truth: site descriptions, articles loaded from TOML, scenario URLs."""

from __future__ import annotations

import re
import tomllib
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

STOCKHOLM = ZoneInfo("Europe/Stockholm")
CONTENT_DIR = Path(__file__).parent / "content" / "articles"
TRACKING_QUERY = "utm_source=facebook&utm_medium=social&fbclid=abc123"
# smalandsbygden scenario pages (samplesite.templates.scenarios) live under /arkiv/<slug>.html
RESERVED_SLUGS = frozenset(
    {"trasig-sida", "felkodad-sida", "jattesida", "langsam-sida", "serverfel", "tillfalligt-fel"}
)
SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_RELATIVE_RE = re.compile(
    r"^\s*(today|idag|i dag|yesterday|igår|i går|(\d+) days ago)\s+(\d{1,2})[:.](\d{2})\s*$",
    re.IGNORECASE,
)
_FINAL_PUNCT = ".!?:;…\"”»)'"


@dataclass(frozen=True)
class SiteInfo:
    """One fictional site: who publishes it and how it is laid out."""

    id: str
    name: str
    kind: str  # newspaper | municipality
    region: str
    municipality: str
    template: str  # vimmerby | kustbladet | smalandsbygden | jonkoping
    domain: str  # the fictional public domain (shown in footers and e-mail addresses)
    sections: tuple[tuple[str, str], ...]
    language: str = "sv"
    scenarios: bool = True  # False for the generated bench site: no broken sitemap, no 404 URL


SITES: dict[str, SiteInfo] = {
    s.id: s
    for s in (
        SiteInfo(
            "vimmerby-nyheter", "Vimmerby Nyheter", "newspaper", "Kalmar län", "Vimmerby",
            "vimmerby", "vimmerbynyheter.se",
            (("nyheter", "Nyheter"), ("sport", "Sport"), ("kultur", "Kultur"),
             ("naringsliv", "Näringsliv"), ("kommun", "Kommun"), ("opinion", "Opinion")),
        ),
        SiteInfo(
            "kustbladet", "Kustbladet", "newspaper", "Kalmar län", "Kalmar", "kustbladet",
            "kustbladet.se",
            (("nyheter", "Nyheter"), ("sport", "Sport"), ("kultur", "Kultur"),
             ("naringsliv", "Näringsliv"), ("kommun", "Kommun"), ("familj", "Familj")),
        ),
        SiteInfo(
            "smalandsbygden", "Smålandsbygden", "newspaper", "Jönköpings län", "Eksjö",
            "smalandsbygden", "smalandsbygden.se",
            (("nyheter", "Nyheter"), ("sport", "Sport"), ("kultur", "Kultur"),
             ("naringsliv", "Näringsliv"), ("kommun", "Kommun")),
        ),
        SiteInfo(
            "jonkoping-kommun", "Jönköpings kommun", "municipality", "Jönköpings län",
            "Jönköping", "jonkoping", "jonkoping.se",
            (("nyheter", "Nyheter"), ("kommun", "Kommun och politik")),
        ),
    )
}  # fmt: skip


def resolve_date(value: str | datetime | date, now: datetime | None = None) -> datetime:
    """Parse an ISO 8601 date or a relative "today 08:15" / "yesterday 14:32" into an aware time.

    Relative values are Europe/Stockholm wall time on the day of ``now`` (default: the present
    moment); "N days ago HH:MM" and the Swedish "idag"/"igår" are accepted too. Naive values
    are taken as Stockholm time.
    """
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=STOCKHOLM)
    if isinstance(value, date):
        return datetime.combine(value, time(0, 0), tzinfo=STOCKHOLM)
    m = _RELATIVE_RE.match(value)
    if m:
        word = m.group(1).lower()
        back = int(m.group(2)) if m.group(2) else (0 if word in ("today", "idag", "i dag") else 1)
        local = (now or datetime.now(STOCKHOLM)).astimezone(STOCKHOLM)
        day = local.date() - timedelta(days=back)
        return datetime.combine(day, time(int(m.group(3)), int(m.group(4))), tzinfo=STOCKHOLM)
    parsed = datetime.fromisoformat(value.strip())
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=STOCKHOLM)


def is_relative(value: str) -> bool:
    """True for the relative date forms ("today 08:15", "yesterday 14:32", …)."""
    return bool(_RELATIVE_RE.match(value))


@lru_cache(maxsize=8192)
def _parse_body(text: str) -> tuple[tuple[str, str], ...]:
    return tuple(parse_body(text))


def parse_body(text: str) -> list[tuple[str, str]]:
    """Split a body into blocks: ("p", text), ("q", "– quote") or ("h", sub-heading)."""
    blocks: list[tuple[str, str]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = [ln.strip() for ln in chunk.splitlines() if ln.strip()]
        if not lines:
            continue
        if len(lines) == 1 and not lines[0].startswith("– ") and lines[0][-1] not in _FINAL_PUNCT:
            blocks.append(("h", lines[0]))
            continue
        para: list[str] = []
        for line in lines:
            if line.startswith("– "):
                if para:
                    blocks.append(("p", " ".join(para)))
                    para = []
                blocks.append(("q", line))
            else:
                para.append(line)
        if para:
            blocks.append(("p", " ".join(para)))
    return blocks


@dataclass(frozen=True)
class ArticleVersion:
    """What an article says in one edition."""

    title: str
    lead: str
    body: str
    published: datetime
    updated: datetime | None
    blocks: list[tuple[str, str]]
    visible_blocks: list[tuple[str, str]]  # paywalled: up to and including the first paragraph

    @property
    def visible_body(self) -> str:
        """The body text that is actually in the HTML, paragraphs joined by blank lines."""
        return "\n\n".join(text for _, text in self.visible_blocks)

    @property
    def modified(self) -> datetime:
        """The newest date the article carries (updated, else published)."""
        return self.updated or self.published


@dataclass
class SiteArticle:
    """One article of one sample site, as loaded from its TOML file."""

    site: str
    slug: str
    section: str
    title: str
    lead: str
    body: str
    published: datetime  # resolved when loaded; pages re-resolve relative values when served
    published_raw: str
    authors: list[str] = field(default_factory=list)
    updated: datetime | None = None
    updated_raw: str = ""
    language: str = "sv"
    paywalled: bool = False
    wire: str = ""
    jsonld: bool | None = None
    edition: int = 1
    gone_in_edition2: bool = False
    alias: bool = False
    edition2: dict[str, str] = field(default_factory=dict)
    expected: dict[str, Any] = field(default_factory=dict)
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    source_file: str = ""
    charset_meta_only: bool = False  # smalandsbygden: charset only in a <meta> (iso-8859-1)
    site_info: SiteInfo | None = field(default=None, repr=False)  # set for sites not in SITES

    @property
    def info(self) -> SiteInfo:
        """The site the article belongs to."""
        return self.site_info or SITES[self.site]

    @cached_property
    def number(self) -> int:
        """A stable numeric id (kustbladet URLs, /a/<id> alias URLs)."""
        return 100000 + zlib.crc32(f"{self.site}/{self.slug}".encode()) % 900000

    @cached_property
    def path(self) -> str:
        """The article's main (canonical) URL path."""
        template = self.info.template
        d = self.published.astimezone(STOCKHOLM)
        if template == "kustbladet":
            return f"/artikel/{self.number}-{self.slug}"
        if template == "smalandsbygden":
            return f"/arkiv/{self.slug}.html"
        if template == "jonkoping":
            return f"/nyheter/{d:%Y}/{self.slug}.html"
        return f"/{self.section}/{d:%Y/%m/%d}/{self.slug}/"

    @cached_property
    def alias_path(self) -> str:
        """The second URL the same HTML is served under (path, maybe with a query)."""
        template = self.info.template
        if template == "kustbladet":
            return f"/a/{self.number}"
        if template == "smalandsbygden":
            return f"/visa.php?id={self.number}"
        if template == "jonkoping":
            return f"/nyheter/arkiv/{self.slug}.html"
        return f"/a/{self.number}/"

    @property
    def tracking_path(self) -> str:
        """The main path with click-tracking parameters appended."""
        return f"{self.path}?{TRACKING_QUERY}"

    def published_at(self, now: datetime | None = None) -> datetime:
        """The publication time as shown at ``now`` (relative values resolved against it)."""
        return resolve_date(self.published_raw, now) if self.published_raw else self.published

    def in_edition(self, n: int) -> bool:
        """True when the article is served (200) in edition ``n``."""
        return self.status(n) == 200

    def listed_in_edition(self, n: int) -> bool:
        """True when section pages link the article in edition ``n`` (gone ones still are)."""
        return self.edition <= n

    def status(self, n: int) -> int | None:
        """HTTP status of the main URL in edition ``n``: 200, 410, or None (does not exist)."""
        if self.edition > n:
            return None
        if n >= 2 and self.gone_in_edition2:
            return 410
        return 200

    def changed_in(self, n: int) -> bool:
        """True when edition ``n`` serves different text than edition 1."""
        return n >= 2 and bool(self.edition2)

    def version(self, n: int = 1, now: datetime | None = None) -> ArticleVersion:
        """Title, lead, body, dates as served in edition ``n`` (relative dates against ``now``)."""
        ch = self.edition2 if n >= 2 else {}
        updated_raw = ch.get("updated", self.updated_raw)
        updated = resolve_date(updated_raw, now) if updated_raw else None
        body = ch.get("body", self.body)
        blocks = list(_parse_body(body))
        visible = blocks
        if self.paywalled:
            first = next((i for i, (k, _) in enumerate(blocks) if k == "p"), len(blocks) - 1)
            visible = blocks[: first + 1]
        return ArticleVersion(
            title=ch.get("title", self.title),
            lead=ch.get("lead", self.lead),
            body=body,
            published=self.published_at(now),
            updated=updated,
            blocks=blocks,
            visible_blocks=visible,
        )

    def expected_record(self, n: int = 1, now: datetime | None = None) -> dict[str, Any]:
        """The ground truth for an archive after crawling edition ``n`` (JSON-friendly)."""
        v = self.version(n, now)
        return {
            "site": self.site,
            "slug": self.slug,
            "path": self.path,
            "alias_path": self.alias_path if self.alias else None,
            "status": self.status(n),
            "section": self.section,
            "title": v.title,
            "lead": v.lead,
            "body": v.visible_body,
            "full_body": "\n\n".join(text for _, text in v.blocks),
            "published": v.published.isoformat(),
            "updated": v.updated.isoformat() if v.updated else None,
            "authors": list(self.authors),
            "language": self.language,
            "paywalled": self.paywalled,
            "wire": self.wire or None,
            "changed": self.changed_in(n),
            "expected": self.expected,
        }


_KNOWN = {
    "site", "slug", "section", "title", "lead", "authors", "published", "updated", "language",
    "paywalled", "wire", "body", "jsonld", "edition", "gone_in_edition2", "alias", "edition2",
    "expected", "tags",
}  # fmt: skip


def _raw(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def parse_article(
    data: dict[str, Any], source: str = "", now: datetime | None = None
) -> SiteArticle:
    """Build a SiteArticle from one parsed TOML table; raise ValueError on bad content."""
    for key in ("site", "slug", "section", "title", "body", "published"):
        if key not in data:
            raise ValueError(f"{source}: missing required key {key!r}")
    if data["site"] not in SITES:
        raise ValueError(f"{source}: unknown site {data['site']!r} (one of {sorted(SITES)})")
    for key in ("slug", "section"):
        if not SLUG_RE.match(str(data[key])):
            raise ValueError(f"{source}: {key} {data[key]!r} is not [a-z0-9-]")
    ed2 = data.get("edition2", {})
    if not isinstance(ed2, dict):
        raise ValueError(f"{source}: [edition2] must be a table")
    updated_raw = _raw(data["updated"]) if data.get("updated") else ""
    published_raw = _raw(data["published"])
    authors = data.get("authors", [])
    if not isinstance(authors, list):
        raise ValueError(f"{source}: authors must be a list")
    edition = int(data.get("edition", 1))
    if edition not in (1, 2):
        raise ValueError(f"{source}: edition must be 1 or 2")
    try:
        published = resolve_date(published_raw, now)
        updated = resolve_date(updated_raw, now) if updated_raw else None
        edition2 = {str(k): _raw(v) for k, v in ed2.items()}
        if "updated" in edition2:
            resolve_date(edition2["updated"], now)
    except ValueError as exc:
        raise ValueError(f"{source}: bad date: {exc}") from exc
    jsonld = data.get("jsonld")
    return SiteArticle(
        site=data["site"],
        slug=data["slug"],
        section=data["section"],
        title=str(data["title"]).strip(),
        lead=str(data.get("lead", "")).strip(),
        body=str(data["body"]).strip(),
        published=published,
        published_raw=published_raw,
        authors=[str(a) for a in authors],
        updated=updated,
        updated_raw=updated_raw,
        language=str(data.get("language", "sv")),
        paywalled=bool(data.get("paywalled", False)),
        wire=str(data.get("wire", "") or ""),
        jsonld=None if jsonld is None else bool(jsonld),
        edition=edition,
        gone_in_edition2=bool(data.get("gone_in_edition2", False)),
        alias=bool(data.get("alias", False)),
        edition2=edition2,
        expected=dict(data.get("expected", {})),
        tags=[str(t) for t in data.get("tags", [])],
        extra={k: v for k, v in data.items() if k not in _KNOWN},
        source_file=source,
    )


def load_articles(
    folder: str | Path | None = None,
    *,
    paths: list[Path] | None = None,
    now: datetime | None = None,
) -> list[SiteArticle]:
    """Load every ``*.toml`` article of ``folder`` (default: the package's content/articles).

    ``paths`` names files explicitly instead. Articles come back sorted by site, newest first;
    slugs must be unique within a site. On smalandsbygden the oldest article is marked
    ``charset_meta_only`` (served with a bare text/html header and an iso-8859-1 meta tag).
    """
    if paths is None:
        base = Path(folder) if folder is not None else CONTENT_DIR
        paths = sorted(base.glob("*.toml")) if base.is_dir() else []
    articles: list[SiteArticle] = []
    seen: dict[tuple[str, str], str] = {}
    for p in paths:
        with p.open("rb") as fh:
            try:
                data = tomllib.load(fh)
            except tomllib.TOMLDecodeError as exc:
                raise ValueError(f"{p}: {exc}") from exc
        art = parse_article(data, str(p), now)
        key = (art.site, art.slug)
        if key in seen:
            raise ValueError(f"{p}: slug {art.slug!r} already used by {seen[key]}")
        if art.site == "smalandsbygden" and art.slug in RESERVED_SLUGS:
            raise ValueError(f"{p}: slug {art.slug!r} is reserved for a scenario page")
        seen[key] = str(p)
        articles.append(art)
    articles.sort(key=lambda a: (a.site, -a.published.timestamp(), a.slug))
    smal = [a for a in articles if a.site == "smalandsbygden" and a.edition == 1]
    if smal:
        smal[-1].charset_meta_only = True
    return articles


def expected_archive(
    articles: list[SiteArticle], edition: int, now: datetime | None = None
) -> list[dict[str, Any]]:
    """Ground truth for every article linked in ``edition`` (status 410 marks gone ones)."""
    return [a.expected_record(edition, now) for a in articles if a.listed_in_edition(edition)]
