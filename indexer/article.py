"""The article record that the crawler, the archive, the index and the CLI all share."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import unicodedata
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime
from typing import Any, TypeVar

KINDS = ("personnel", "municipal")
CHANGES = ("appointed", "acting", "leaving", "resigned", "retired", "dismissed", "new_job")


# ---------------------------------------------------------------- control characters
#
# Text from the web can carry characters that are not text but commands to whatever prints
# it: C0 controls (ESC starts a terminal escape: colours, a cleared screen, a window title,
# a hyperlink), DEL, C1 controls (U+009B is a one-character CSI on many terminals) and the
# bidirectional overrides and isolates, which reorder what a line shows. None of them belongs
# in a title, a byline or a body, so they are dropped on the way into the archive
# (:func:`clean_article`; the raw page stays in WARC) and the CLI drops them again from
# whatever it prints (an older archive may hold them).
#
# * A whole escape sequence goes, not just its ESC: "\x1b[31mRöd\x1b[0m" is "Röd", and an
#   OSC string ("\x1b]0;title\x07", ended by BEL or ESC \\) goes with its payload, which
#   is an order to the terminal, not text.
# * Line breaks: a body or lead keeps "\n" and "\t" ("\r\n", "\r", "\v" and "\f" become
#   "\n"); a one-line field (a title, a name) gets a space for each of them.
# * C1 characters in decoded text almost always mean windows-1252 bytes read as Latin-1
#   (browsers decode both labels as windows-1252), so U+0080-U+009F becomes the
#   windows-1252 character a browser shows ("\x96" is "–", "\x85" is "…"); the five
#   code points windows-1252 leaves undefined are dropped.
# * Text without any of these is returned as it is (the same object): clean text never
#   changes, so no content hash and no version changes for it.

_ESCAPE_SEQUENCE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI: colours, cursor moves, erasing the screen
    r"|\x1b[\]PX^_][^\x07\x1b]{0,2048}(?:\x07|\x1b\\)"  # OSC, DCS, SOS, PM, APC strings
    r"|\x1b[ -/]*[0-~]"  # any other escape sequence (ESC c resets the terminal)
)
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_UNSAFE = re.compile(f"[\\x00-\\x08\\x0b-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}]")
_UNSAFE_ONE_LINE = re.compile(f"[\\x00-\\x1f\\x7f-\\x9f{_BIDI_CONTROLS}]")


def _c1_as_cp1252(code: int) -> str | None:
    try:
        return bytes([code]).decode("cp1252")
    except UnicodeDecodeError:
        return None


_DROP: dict[int, str | None] = {
    **{code: None for code in range(0x20) if chr(code) not in "\t\n\r\v\f"},
    0x7F: None,
    **{code: _c1_as_cp1252(code) for code in range(0x80, 0xA0)},
    **{ord(ch): None for ch in _BIDI_CONTROLS},
}
_MULTILINE = str.maketrans({**_DROP, ord("\r"): "\n", ord("\v"): "\n", ord("\f"): "\n"})
_ONE_LINE = str.maketrans({**_DROP, **{ord(ch): " " for ch in "\t\n\r\v\f"}})


def is_clean_text(text: str) -> bool:
    """Whether ``text`` holds nothing :func:`clean_text` (multiline) would change."""
    return _UNSAFE.search(text) is None


def clean_text(text: str, *, multiline: bool = False) -> str:
    """``text`` without control characters, escape sequences and bidi overrides (see above).

    ``multiline`` keeps line breaks and tabs (a body); otherwise each becomes a space.
    """
    if not (_UNSAFE if multiline else _UNSAFE_ONE_LINE).search(text):
        return text
    if "\x1b" in text:
        text = _ESCAPE_SEQUENCE.sub("", text)
    text = text.replace("\r\n", "\n")
    return text.translate(_MULTILINE if multiline else _ONE_LINE)


def article_id(canonical_url: str) -> str:
    """Stable article id: the first 16 hex digits of SHA-1 over the canonical URL."""
    return hashlib.sha1(canonical_url.encode("utf-8")).hexdigest()[:16]


_ACTING_PREFIXES = ("tillförordnad ", "tillförordnade ", "tf ", "t.f. ")


def title_forms(title: str) -> list[str]:
    """A title and the shorter titles it is one of, for finding people by role: a
    "tillförordnad kommunchef" is a kommunchef, an "ordförande i socialnämnden" and a
    "kommunstyrelsens ordförande" are each an ordförande. The title itself comes first."""
    forms = [title]
    bare = next(
        (title[len(p) :] for p in _ACTING_PREFIXES if title.startswith(p)), title
    )  # "tillförordnad kommunchef" -> "kommunchef"
    bare = bare.split(" i ", 1)[0]  # "ledamot i kulturnämnden" -> "ledamot"
    words = bare.split()
    if bare.endswith("ordförande"):  # "kommunstyrelsens 1:e vice ordförande"
        genitive = [i for i, w in enumerate(words[:-1]) if w.endswith("s")]
        if genitive:
            words = words[genitive[-1] + 1 :]
    for form in (bare, " ".join(words)):
        if form and form not in forms:
            forms.append(form)
    return forms


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
    date_source: str = "none"  # jsonld, meta, time, text, htmldate, url or none
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
        """Every role any person in the story holds or takes, with the shorter titles each
        is one of (:func:`title_forms`), deduplicated, in order: what the role filter
        matches."""
        seen: dict[str, None] = {}
        for person in self.people:
            for role in [*person.roles, person.new_role]:
                if role:
                    seen.update(dict.fromkeys(title_forms(role)))
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
# What the page wrote (or enrichment made of it); cleaned of control characters on the way
# into the archive. Left as they are: the URLs (the id is derived from the canonical one;
# Scrapy percent-encodes them anyway), the HTTP validators (sent back verbatim in conditional
# requests), the source id from sources.toml and the archive's own bookkeeping.
_MULTILINE_FIELDS = ("lead", "body")
_ONE_LINE_FIELDS = ("source_name", "title", "date_source", "language", "section", "wire")
_ONE_LINE_LISTS = ("authors", "municipalities", "regions", "kinds")


def clean_article(article: Article) -> Article:
    """Drop control characters (:func:`clean_text`) from every text field of ``article`` that
    came from the page, people included, in place; returns the article."""
    for name in _MULTILINE_FIELDS:
        setattr(article, name, clean_text(getattr(article, name), multiline=True))
    for name in _ONE_LINE_FIELDS:
        value = getattr(article, name)
        if value is not None:
            setattr(article, name, clean_text(value))
    for name in _ONE_LINE_LISTS:
        setattr(article, name, [clean_text(value) for value in getattr(article, name)])
    for person in article.people:
        person.name = clean_text(person.name)
        person.roles = [clean_text(role) for role in person.roles]
        for attr in ("organisation", "change", "new_role", "new_organisation"):
            value = getattr(person, attr)
            if value is not None:
                setattr(person, attr, clean_text(value))
    return article


T = TypeVar("T")
_PLAIN = (int, float, date)  # bool is an int, datetime a date: nothing to clean in them
# An article's id is derived from its canonical URL, so that is never rewritten (it cannot
# hold a control character anyway: URLs are percent-encoded).
_KEEP_FIELDS = frozenset({"canonical_url"})


def clean_values(value: T) -> T:
    """``value`` with every string in it (in lists, tuples, dicts and dataclasses, however
    deep) cleaned as :func:`clean_text` cleans a body (line breaks and tabs kept): for what
    an archive written before that cleaning existed may hold, on its way to a terminal or a
    file. Clean data (what the archive stores now) is returned as it is, after one read: no
    copy."""
    if _is_clean(value):
        return value
    return _cleaned(value)  # type: ignore[no-any-return]


def _is_clean(value: Any) -> bool:
    if isinstance(value, str):
        return is_clean_text(value)
    if value is None or isinstance(value, _PLAIN):
        return True
    if isinstance(value, list | tuple):
        return all(_is_clean(item) for item in value)
    if isinstance(value, dict):
        return all(_is_clean(key) and _is_clean(item) for key, item in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(
            _is_clean(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and f.name not in _KEEP_FIELDS
        )
    return True


def _cleaned(value: Any) -> Any:
    if isinstance(value, str):
        return clean_text(value, multiline=True)
    if isinstance(value, list):
        return [_cleaned(item) for item in value]
    if isinstance(value, tuple):
        return tuple(_cleaned(item) for item in value)
    if isinstance(value, dict):
        return {_cleaned(key): _cleaned(item) for key, item in value.items()}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        changes = {
            f.name: _cleaned(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if f.init and f.name not in _KEEP_FIELDS
        }
        return dataclasses.replace(value, **changes)
    return value
