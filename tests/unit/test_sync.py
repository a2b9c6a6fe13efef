"""Sync from a real archive into a real Tantivy index: fresh builds, batches, replacements."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

import indexer.search.sync as sync_module
from indexer.article import Article
from indexer.config import Config
from indexer.search.backends.tantivy import TantivyBackend
from indexer.search.backends.tantivy.schema import compounds, pairs, stems
from indexer.search.query import Query
from indexer.search.sync import is_local, sync, watermark_key
from indexer.search.textsearch import find_compound_heads
from indexer.store.archive import Archive

WHEN = datetime(2025, 8, 9, 6, 0, tzinfo=UTC)


def article(n: int, body: str = "") -> Article:
    url = f"https://e.se/nyheter/{n}"
    return Article(
        url=url,
        canonical_url=url,
        source="e",
        source_name="E-tidningen",
        title=f"Artikel nummer {n}",
        lead="Ingress.",
        body=body or f"Kommunstyrelsen i Vimmerby beslutade om ärende {n}.",
        published=WHEN,
        language="sv",
        fetched_at=WHEN,
    )


@pytest.fixture
def config(tmp_path: Path) -> Config:
    return Config(data_dir=tmp_path / "data")


@pytest.fixture
def archive(config: Config) -> Iterator[Archive]:
    with Archive(config.archive_path) as opened:
        yield opened


def search_total(config: Config, text: str) -> int:
    with TantivyBackend(config.index_dir) as backend:
        return backend.search(Query(text=text, facets=())).total


def test_first_sync_streams_batches_and_skips_removed_articles(
    archive: Archive, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync_module, "FRESH_BATCH_SIZE", 3)
    for n in range(8):
        archive.add_version(article(n))
    assert archive.mark_gone("https://e.se/nyheter/5")
    progress: list[tuple[int, int]] = []

    result = sync(archive, config, batch_size=2, progress=lambda d, t: progress.append((d, t)))

    assert (result.upserted, result.deleted, result.documents) == (7, 0, 7)
    assert result.watermark == archive.last_seq()
    assert archive.get_meta(watermark_key(config)) == str(archive.last_seq())
    assert [done for done, _ in progress] == [3, 6, 8]  # one commit per 3, not per 2
    assert {total for _, total in progress} == {8}
    assert search_total(config, "artikel") == 7
    assert search_total(config, "ärende 5") == 0

    again = sync(archive, config)
    assert (again.upserted, again.deleted, again.documents) == (0, 0, 7)


def test_sync_after_a_fresh_build_replaces_instead_of_adding(
    archive: Archive, config: Config
) -> None:
    for n in range(4):
        archive.add_version(article(n))
    assert sync(archive, config).documents == 4

    archive.add_version(article(2, body="Nu handlar texten om en ny badplats vid sjön."))
    archive.mark_gone("https://e.se/nyheter/3")
    result = sync(archive, config)

    assert (result.upserted, result.deleted, result.documents) == (1, 1, 3)
    assert search_total(config, "badplats") == 1
    assert search_total(config, "ärende 2") == 0
    assert search_total(config, "ärende") == 2


def test_rebuild_gives_the_same_index_as_incremental_syncs(
    archive: Archive, config: Config
) -> None:
    for n in range(6):
        archive.add_version(article(n))
        sync(archive, config)
    incremental = search_total(config, "vimmerby")

    rebuilt = sync(archive, config, rebuild=True)

    assert rebuilt.rebuilt
    assert rebuilt.documents == 6
    assert search_total(config, "vimmerby") == incremental == 6


@pytest.mark.parametrize(
    "text",
    [
        "Säkerhetssamordnaren, kommunchefen/socialnämnden och (räddningstjänsten).",
        "KOMMUNALRÅDET Anna-Karin Ek; förskolechef & gymnasieskolans rektor",
        "Ett förråd, ett stadsbibliotek, 2025-08-09, e-post: info@vimmerby.se",
    ],
)
def test_the_cached_compound_finder_equals_stemming_every_word(text: str) -> None:
    finder = compounds()
    expected = find_compound_heads(stems(text), finder.heads)
    assert expected  # the cases do hold compounds
    # from the stems the index makes for its pair tokens, as documents are built
    assert finder.in_stems(pairs().stems(text)) == expected
    assert finder.in_stems(pairs().stems(text)) == expected  # and from the cache


def test_watermark_keys_and_locality_come_from_the_backends(tmp_path: Path) -> None:
    local = Config(data_dir=tmp_path / "data")
    assert watermark_key(local) == f"index_watermark:tantivy:{local.index_dir}"
    assert is_local(local)
    server = Config(
        data_dir=tmp_path / "data",
        backend="meilisearch",
        meili_url="http://127.0.0.1:7700",
        meili_index="arkiv",
    )
    assert watermark_key(server) == "index_watermark:meilisearch:http://127.0.0.1:7700/arkiv"
    assert not is_local(server)


def test_a_backend_that_leaves_articles_unread_is_refused(
    archive: Archive, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    archive.add_version(article(1))

    class Lazy(TantivyBackend):
        def upsert(self, articles: Iterable[Article], *, new: bool = False) -> int:
            return 0  # reads nothing: the sync would lose the batch's removals and seq

    monkeypatch.setattr(sync_module, "open_index", lambda config: Lazy(config.index_dir))
    with pytest.raises(RuntimeError, match="left articles unread"):
        sync(archive, config)
