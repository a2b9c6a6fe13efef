"""How an :class:`~indexer.article.Article` is written into a version row and read back, and
the small conversions the archive's SQL needs (ISO times, signed fingerprints, WARC places).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection
from dataclasses import asdict
from datetime import datetime
from typing import Any

from indexer.article import Article
from indexer.store.schema import JSON_FIELDS
from indexer.store.warc import WarcRef


def among(column: str, values: Collection[str]) -> tuple[str, list[str]]:
    """An ``AND column IN (...)`` clause and its parameters, or nothing for no values."""
    if not values:
        return "", []
    return f"AND {column} IN ({', '.join('?' * len(values))})", list(values)


def warc_ref(row: sqlite3.Row) -> WarcRef | None:
    """The WARC record a row's ``warc_file``/``warc_offset``/``warc_length`` point at."""
    if row["warc_file"] is None:
        return None
    return WarcRef(row["warc_file"], int(row["warc_offset"] or 0), int(row["warc_length"] or 0))


def iso(moment: datetime) -> str:
    return moment.isoformat()


def signed(value: int | None) -> int | None:
    """A 64-bit unsigned fingerprint as SQLite's signed INTEGER."""
    return value - (1 << 64) if value is not None and value >= 1 << 63 else value


def unsigned(value: int) -> int:
    return value + (1 << 64) if value < 0 else value


def version_values(article: Article, fetched_at: str, warc: WarcRef | None) -> dict[str, Any]:
    """A version row's values for ``article``, as stored (JSON text, ISO dates, 0/1)."""
    values: dict[str, Any] = {
        "fetched_at": fetched_at,
        "content_hash": article.content_hash,
        "title": article.title,
        "lead": article.lead,
        "body": article.body,
        "authors": article.authors,
        "published": iso(article.published) if article.published else None,
        "updated": iso(article.updated) if article.updated else None,
        "date_source": article.date_source,
        "language": article.language,
        "language_score": article.language_score,
        "section": article.section,
        "municipalities": article.municipalities,
        "regions": article.regions,
        "kinds": article.kinds,
        "people": [asdict(p) for p in article.people],
        "paywalled": int(article.paywalled),
        "wire": article.wire,
        "warc_file": warc.file if warc else None,
        "warc_offset": warc.offset if warc else None,
        "warc_length": warc.length if warc else None,
        "fingerprint": signed(article.fingerprint),
    }
    for key in JSON_FIELDS:
        values[key] = json.dumps(values[key], ensure_ascii=False)
    return values


def article_from_row(row: sqlite3.Row) -> Article:
    """The article a row of :data:`indexer.store.schema.SELECT` holds."""
    data = {key: row[key] for key in row.keys()}  # noqa: SIM118 - sqlite3.Row is not a dict
    for key in JSON_FIELDS:
        data[key] = json.loads(data[key])
    data["paywalled"] = bool(data["paywalled"])
    data["gone"] = data.pop("gone_at") is not None
    if data.get("fingerprint") is not None:
        data["fingerprint"] = unsigned(data["fingerprint"])
    return Article.from_dict(data)
