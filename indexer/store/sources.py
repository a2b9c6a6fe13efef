"""What the archive holds by source and by story: the sources' names, the copies of one story
across sources (``duplicate_of``), and the counts `arkiv stats` shows.
"""

from __future__ import annotations

from typing import Literal

from indexer.store.connection import ArchiveConnection


class SourcesAndStories(ArchiveConnection):
    """The part of :class:`indexer.store.archive.Archive` that groups and counts articles."""

    def story_groups(self, ids: list[str]) -> dict[str, tuple[str, list[tuple[str, str]]]]:
        """For each id: the id of its story's first copy, and every copy of that story in the
        archive as (id, source name), first copy first. Single articles are their own group."""
        marks = ", ".join("?" * len(ids))
        query = f"SELECT id, duplicate_of FROM articles WHERE id IN ({marks})"
        rows = self._db.execute(query, ids) if ids else []
        roots = {row["id"]: row["duplicate_of"] or row["id"] for row in rows}
        copies: dict[str, list[tuple[str, str]]] = {root: [] for root in roots.values()}
        if copies:
            marks = ", ".join("?" * len(copies))
            rows = self._db.execute(
                "SELECT id, source_name, COALESCE(duplicate_of, id) AS root FROM articles"
                f" WHERE gone_at IS NULL AND (id IN ({marks}) OR duplicate_of IN ({marks}))"
                " ORDER BY first_seen, id",
                [*copies, *copies],
            )
            for row in rows:
                copies[row["root"]].append((row["id"], row["source_name"]))
        return {aid: (root, copies[root]) for aid, root in roots.items()}

    def has_source(self, source: str) -> bool:
        """Whether the archive holds an article of this source id (as spelt)."""
        row = self._db.execute("SELECT 1 FROM articles WHERE source = ? LIMIT 1", (source,))
        return row.fetchone() is not None

    def source_names(self) -> dict[str, str]:
        """The name each source id was archived under."""
        rows = self._db.execute("SELECT source, MAX(source_name) FROM articles GROUP BY source")
        return {str(row[0]): str(row[1]) for row in rows}

    def counts(self, by: Literal["source", "language", "month"]) -> list[tuple[str, int]]:
        """Article counts (gone ones excluded) grouped by source, language or published month."""
        column = {
            "source": "a.source",
            "language": "COALESCE(v.language, '?')",
            "month": "COALESCE(substr(v.published, 1, 7), 'undated')",
        }[by]
        rows = self._db.execute(
            f"SELECT {column} AS k, COUNT(*) AS n FROM articles a JOIN versions v"
            " ON v.article_id = a.id AND v.version = a.version WHERE a.gone_at IS NULL"
            " GROUP BY k ORDER BY " + ("k DESC" if by == "month" else "n DESC, k")
        )
        return [(str(r["k"]), int(r["n"])) for r in rows]

    def totals(self) -> dict[str, int]:
        """Articles, versions, and gone articles in the archive."""
        one = self._db.execute(
            "SELECT (SELECT COUNT(*) FROM articles WHERE gone_at IS NULL),"
            " (SELECT COUNT(*) FROM versions), (SELECT COUNT(*) FROM articles"
            " WHERE gone_at IS NOT NULL)"
        ).fetchone()
        return {"articles": one[0], "versions": one[1], "gone": one[2]}
