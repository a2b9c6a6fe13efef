"""Reading articles: current versions (as :class:`~indexer.article.Article` or as stored
rows), every version of one, the change feed a search index syncs by, and the people named.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from indexer.article import Article, Person
from indexer.errors import ArchiveError
from indexer.store.connection import ArchiveConnection
from indexer.store.rows import article_from_row
from indexer.store.schema import CURRENT, SELECT, column_sql

_IDS_PER_QUERY = 10_000  # ids looked up by one statement, at most (see current_rows)


@dataclass(frozen=True, slots=True)
class Change:
    """One entry of the change feed: the article now, or None where it is gone."""

    seq: int
    id: str
    article: Article | None


@dataclass(frozen=True, slots=True)
class PersonMention:
    """One person in one article: who, in which role, what changed, and where it says so."""

    person: Person
    article_id: str
    published: datetime | None
    title: str
    source: str
    municipalities: list[str]


class ArticleReads(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that reads articles."""

    def get(self, aid: str) -> Article | None:
        """The current version of an article, or None."""
        row = self._db.execute(f"{CURRENT} WHERE a.id = ?", (aid,)).fetchone()
        return article_from_row(row) if row else None

    def get_many(self, ids: list[str]) -> dict[str, Article]:
        """The current versions of these articles, by id (missing ids are left out)."""
        found: dict[str, Article] = {}
        for start in range(0, len(ids), 500):  # SQLite's bound-parameter limit
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self._db.execute(f"{CURRENT} WHERE a.id IN ({marks})", chunk):
                found[row["id"]] = article_from_row(row)
        return found

    def current_rows(
        self, ids: Sequence[str], columns: Sequence[str]
    ) -> dict[str, tuple[Any, ...]]:
        """The current versions of these articles as stored, by id (missing ids are left
        out), no :class:`Article` built: for readers that turn rows straight into output
        (`arkiv export`).

        Each entry of ``columns`` is a column name of
        :data:`~indexer.store.schema.ROW_COLUMNS`, whose value comes as the archive holds it
        (JSON lists as text, times as ISO 8601 text, 0/1 flags), or an SQLite expression
        over them written with ``{name}`` placeholders (trusted code only: it is SQL), so
        that SQLite can shape a value (quote it, make it bytes) while it reads it.
        """
        select = ", ".join(["a.id", *(column_sql(c) for c in columns)])
        found: dict[str, tuple[Any, ...]] = {}
        cursor = self._db.cursor()
        cursor.row_factory = None  # plain tuples: no sqlite3.Row per row
        # As many ids a statement as SQLite binds (32,766 since 3.32, 999 before), in id
        # order: fewer, larger lookups walk the index one way, about a tenth faster than 900
        # at a time in the order asked.
        size = min(_IDS_PER_QUERY, self._db.getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
        ids = sorted(ids)
        for start in range(0, len(ids), size):
            chunk = ids[start : start + size]
            marks = ", ".join("?" * len(chunk))
            cursor.execute(
                f"SELECT {select} FROM articles a JOIN versions v ON v.article_id = a.id"
                f" AND v.version = a.version WHERE a.id IN ({marks})",
                chunk,
            )
            for row in cursor:
                found[row[0]] = row[1:]
        return found

    def resolve_id(self, prefix: str) -> str:
        """The full id of the one article whose id starts with ``prefix``.

        Raises:
            ArchiveError: no article, or several, match.
        """
        prefix = prefix.strip().lower()
        if not prefix or any(c not in "0123456789abcdef" for c in prefix):
            raise ArchiveError(
                f"{prefix!r} is not an article id (16 hex digits, as `arkiv search` shows)",
                hint="Copy the id from `arkiv search` output.",
            )
        rows = self._db.execute(
            "SELECT id FROM articles WHERE id >= ? AND id < ? ORDER BY id LIMIT 2",
            (prefix, prefix + "g"),
        ).fetchall()
        if not rows:
            raise ArchiveError(
                f"no article with id {prefix!r} in {self.path}",
                hint="Find ids with `arkiv search`.",
            )
        if len(rows) > 1:
            raise ArchiveError(
                f"id prefix {prefix!r} matches several articles",
                hint="Give more digits of the id.",
            )
        return str(rows[0][0])

    def versions(self, aid: str) -> list[Article]:
        """Every version of an article, oldest first."""
        rows = self._db.execute(f"{SELECT} WHERE a.id = ? ORDER BY v.version", (aid,))
        return [article_from_row(row) for row in rows]

    def iter_articles(self, include_gone: bool = False) -> Iterator[Article]:
        """Every article's current version, in id order, streamed."""
        where = "" if include_gone else "WHERE a.gone_at IS NULL"
        for row in self._db.execute(f"{CURRENT} {where} ORDER BY a.id"):
            yield article_from_row(row)

    def person_mentions(self) -> Iterator[PersonMention]:
        """Every person named in a role in the current version of an online article."""
        rows = self._db.execute(
            "SELECT a.id, v.published, v.title, a.source, v.municipalities, v.people"
            " FROM articles a JOIN versions v ON v.article_id = a.id AND v.version = a.version"
            " WHERE a.gone_at IS NULL AND v.people != '[]' ORDER BY v.published, a.id"
        )
        for row in rows:
            published = datetime.fromisoformat(row["published"]) if row["published"] else None
            for person in json.loads(row["people"]):
                yield PersonMention(
                    Person.from_dict(person),
                    row["id"],
                    published,
                    row["title"],
                    row["source"],
                    json.loads(row["municipalities"]),
                )

    def changes_since(self, seq: int) -> Iterator[Change]:
        """The change feed past ``seq``, in order: what a search index must catch up on."""
        rows = self._db.execute(f"{CURRENT} WHERE a.seq > ? ORDER BY a.seq", (seq,))
        for row in rows:
            article = None if row["gone_at"] else article_from_row(row)
            yield Change(row["seq"], row["id"], article)

    def count_changes_since(self, seq: int) -> int:
        return int(
            self._db.execute("SELECT COUNT(*) FROM articles WHERE seq > ?", (seq,)).fetchone()[0]
        )
