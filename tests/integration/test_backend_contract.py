"""One contract for every search backend: the same fixture crawl, the same answers.

For each backend the fixture crawl is indexed from scratch with `arkiv index --backend B`, then
searched through the real CLI (`arkiv search --backend B --json`); exports go through the
backend's ``iter_matches`` (the library call `arkiv export` makes). Expectations come from
the archive (the source of truth) and the sample site's ground truth, and structured queries
(filters, facets, sorts, totals, deletions, exports) must give exactly the same articles as
the embedded Tantivy index.

Meilisearch runs against a real server only: set MEILI_URL (and MEILI_MASTER_KEY) to run it;
each session writes to its own index uids (``lokalarkiv-test-<tag>-...``), deleted at
teardown. Without a server those tests are skipped, with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import meilisearch
import pytest

from indexer.article import Article
from indexer.config import ARCHIVE_FILE, Config, load_config
from indexer.errors import BackendUnavailable, QueryError
from indexer.search.backends import open_backend
from indexer.search.backends.meilisearch.errors import Translate
from indexer.search.backends.meilisearch.filters import within_typos
from indexer.search.backends.meilisearch.settings import analyze, compound_parts
from indexer.search.query import Query
from indexer.search.sync import open_index, watermark_key
from indexer.store.archive import Archive
from samplesite.content import load_articles
from tests.helpers import FORGIVING_QUERIES, Crawl, RunningSite, run_arkiv

pytestmark = pytest.mark.integration

STOCKHOLM = ZoneInfo("Europe/Stockholm")
NO_SERVER = (
    "MEILI_URL not set: start a Meilisearch server and set MEILI_URL (and MEILI_MASTER_KEY) "
    "to run the live contract suite"
)
BACKENDS = [
    pytest.param("tantivy", id="tantivy"),
    pytest.param("meilisearch", id="meilisearch", marks=pytest.mark.meilisearch),
]
SESSION_TAG = uuid.uuid4().hex[:8]
SECRET = "not-the-key-0123456789abcdef"
SEED = "sakerhetssamordnaren-lamnar"


# ---------------------------------------------------------------------- backends


def meili_server_env() -> dict[str, str]:
    """The environment that points `arkiv` at the live server, or skip with the reason."""
    url = os.environ.get("MEILI_URL", "").strip()
    if not url:
        pytest.skip(NO_SERVER)
    import meilisearch

    client = meilisearch.Client(url, os.environ.get("MEILI_MASTER_KEY") or None, timeout=5)
    if not client.is_healthy():
        pytest.skip(
            f"MEILI_URL is set but the server there does not answer is_healthy(): start "
            f"Meilisearch at {url} (or fix MEILI_URL) to run the live contract suite"
        )
    return {"MEILI_URL": url, "MEILI_MASTER_KEY": os.environ.get("MEILI_MASTER_KEY", "")}


def _delete_index(env: dict[str, str]) -> None:
    import meilisearch
    from meilisearch.errors import MeilisearchError

    client = meilisearch.Client(env["MEILI_URL"], env.get("MEILI_MASTER_KEY") or None, timeout=30)
    try:
        task = client.delete_index(env["ARKIV_MEILI_INDEX"])
        client.wait_for_task(task.task_uid, timeout_in_ms=60_000)
    except MeilisearchError:
        pass  # teardown of a test index: nothing more to do


@contextmanager
def backend_env(backend: str, name: str) -> Iterator[dict[str, str]]:
    """Extra environment for `arkiv` on ``backend``; a Meilisearch index of its own, deleted
    afterwards."""
    if backend == "tantivy":
        yield {}
        return
    env = {**meili_server_env(), "ARKIV_MEILI_INDEX": f"lokalarkiv-test-{SESSION_TAG}-{name}"}
    try:
        yield env
    finally:
        _delete_index(env)


@dataclass
class Indexed:
    """The fixture crawl indexed into one backend."""

    backend: str
    data: Path
    env: dict[str, str]
    crawl: Crawl
    index_output: str

    def search(self, *args: str) -> dict[str, Any]:
        return search(self.data, self.backend, self.env, *args)

    def ids(self, *args: str) -> list[str]:
        return [hit["id"] for hit in self.search(*args)["hits"]]

    def config(self) -> Config:
        return load_config(env={**os.environ, **self.env}, data_dir=self.data, backend=self.backend)

    def live(self) -> list[Article]:
        return live_articles(self.data)


def search(data: Path, backend: str, env: dict[str, str], *args: str) -> dict[str, Any]:
    import json

    result = run_arkiv(
        "search", "--data", str(data), "--backend", backend, "--json", "--limit", "1000", *args,
        env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def live_articles(data: Path) -> list[Article]:
    with Archive(data / ARCHIVE_FILE) as archive:
        return list(archive.iter_articles())


def copy_without_index(source: Path, target: Path) -> None:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("index"))


@pytest.fixture(scope="module", params=BACKENDS)
def indexed(
    request: pytest.FixtureRequest, first_crawl: Crawl, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Indexed]:
    """The first fixture crawl, indexed from scratch into the backend."""
    backend: str = request.param
    with backend_env(backend, "first") as env:
        data = tmp_path_factory.mktemp(f"contract-{backend}") / "data"
        copy_without_index(first_crawl.data, data)
        result = run_arkiv("index", "--data", str(data), "--backend", backend, env=env)
        assert result.returncode == 0, result.stderr
        yield Indexed(backend, data, env, first_crawl, result.stdout)


# ---------------------------------------------------------------------- expectations


def newest_first(articles: list[Article]) -> list[str]:
    """Ids in the order of sort=newest: published descending, ties by id, undated last."""
    dated = [a for a in articles if a.published is not None]
    undated = [a for a in articles if a.published is None]
    dated.sort(key=lambda a: (a.published.timestamp() if a.published else 0, a.id), reverse=True)
    undated.sort(key=lambda a: a.id, reverse=True)
    return [a.id for a in dated + undated]


def oldest_first(articles: list[Article]) -> list[str]:
    dated = [a for a in articles if a.published is not None]
    undated = [a for a in articles if a.published is None]
    dated.sort(key=lambda a: (a.published.timestamp() if a.published else 0, a.id))
    undated.sort(key=lambda a: a.id)
    return [a.id for a in dated + undated]


def year(article: Article) -> str | None:
    return str(article.published.astimezone(STOCKHOLM).year) if article.published else None


def has_stem(article: Article, word_stem: str) -> bool:
    return word_stem in analyze(f"{article.title}\n{article.lead}\n{article.body}")


def seed_id(articles: list[Article]) -> str:
    return next(a.id for a in articles if SEED in a.canonical_url)


# ---------------------------------------------------------------------- the contract


def test_indexing_holds_every_live_article(indexed: Indexed) -> None:
    live = indexed.live()
    assert live
    assert f"indexed {len(live)} new or changed, removed 0" in indexed.index_output
    assert f"the {indexed.backend} index holds {len(live)} articles" in indexed.index_output
    again = run_arkiv(
        "index", "--data", str(indexed.data), "--backend", indexed.backend, env=indexed.env
    )
    assert again.returncode == 0, again.stderr
    assert "indexed 0 new or changed, removed 0" in again.stdout


def test_empty_query_lists_every_article_with_the_archives_facets(indexed: Indexed) -> None:
    live = indexed.live()
    everything = indexed.search("")
    assert everything["total"] == len(live)
    assert [h["id"] for h in everything["hits"]] == newest_first(live)
    facets = everything["facets"]
    assert facets["source"] == dict(Counter(a.source for a in live))
    assert facets["municipality"] == dict(Counter(m for a in live for m in set(a.municipalities)))
    assert facets["kind"] == dict(Counter(k for a in live for k in set(a.kinds)))
    assert facets["year"] == dict(Counter(y for a in live if (y := year(a))))
    # most frequent first, then by value
    counts = list(facets["source"].items())
    assert counts == sorted(counts, key=lambda kv: (-kv[1], kv[0]))


def test_filters_select_what_the_archive_says(indexed: Indexed) -> None:
    live = indexed.live()

    def expect(keep: Any) -> set[str]:
        return {a.id for a in live if keep(a)}

    for source in {a.source for a in live}:
        assert set(indexed.ids("", "--source", source)) == expect(lambda a, s=source: a.source == s)
    # (what enrichment finds decides which of these the fixture crawl exercises)
    for name, count in Counter(m for a in live for m in a.municipalities).most_common(3):
        found = set(indexed.ids("", "--kommun", name))
        assert found == expect(lambda a, n=name: n in a.municipalities)
        assert len(found) == count
    for kind in ("personnel", "municipal"):
        assert set(indexed.ids("", "--kind", kind)) == expect(lambda a, k=kind: k in a.kinds)
    assert set(indexed.ids("", "--lang", "en")) == expect(lambda a: a.language == "en")
    roles = Counter(r for a in live for r in a.roles).most_common(1)
    if roles:
        role = roles[0][0]
        assert set(indexed.ids("", "--role", role.upper())) == expect(lambda a: role in a.roles)
    people = Counter(p.name for a in live for p in a.people if p.name).most_common(1)
    if people:
        name = people[0][0]
        assert set(indexed.ids("", "--person", name)) == expect(
            lambda a: name in {p.name for p in a.people}
        )
    window = set(indexed.ids("", "--from", "2025-03-01", "--to", "2025-06-30"))
    assert window == expect(
        lambda a: (
            a.published is not None
            and date(2025, 3, 1) <= a.published.astimezone(STOCKHOLM).date() <= date(2025, 6, 30)
        )
    )
    assert 0 < len(window) < len(live)
    source, kind = live[0].source, "personnel"
    assert set(indexed.ids("", "--source", source, "--kind", kind, "--from", "2024-01-01")) == (
        expect(
            lambda a: (
                a.source == source
                and kind in a.kinds
                and a.published is not None
                and a.published.astimezone(STOCKHOLM).date() >= date(2024, 1, 1)
            )
        )
    )


def test_sort_orders_follow_the_dates(indexed: Indexed) -> None:
    live = indexed.live()
    assert indexed.ids("", "--sort", "newest") == newest_first(live)
    assert indexed.ids("", "--sort", "oldest") == oldest_first(live)
    # a text query sorted by date is in date order too
    kommun = indexed.search("kommun ", "--sort", "oldest")["hits"]
    published = [h["published"] for h in kommun if h["published"]]
    assert published == sorted(published)
    assert all(h["score"] == 0 for h in kommun)


def test_paging_reaches_every_hit_once(indexed: Indexed) -> None:
    live = indexed.live()
    whole = newest_first(live)
    pages = []
    for offset in range(0, len(whole), 7):
        page = indexed.search("", "--limit", "7", "--offset", str(offset))
        assert page["total"] == len(whole)
        pages.extend(h["id"] for h in page["hits"])
    assert pages == whole
    odd = indexed.search("", "--limit", "4", "--offset", "3")  # off the page grid
    assert [h["id"] for h in odd["hits"]] == whole[3:7]
    assert odd["total"] == len(whole)
    assert odd["facets"]["source"] == dict(Counter(a.source for a in live))


@pytest.mark.parametrize(
    "query",
    FORGIVING_QUERIES,
)
def test_forgiving_queries_find_the_seed_story(indexed: Indexed, query: str) -> None:
    assert seed_id(indexed.live()) in indexed.ids(query)[:3], query


def test_inflections_meet(indexed: Indexed) -> None:
    forms = [set(indexed.ids(word)) for word in ("kommun ", "kommunen ", "kommunens ")]
    assert forms[0]
    assert forms[0] == forms[1] == forms[2]
    # every article with a word whose stem is "kommun" is found (fuzzy matches may add more)
    assert {a.id for a in indexed.live() if has_stem(a, "kommun")} <= forms[0]


def test_phrase_exclusion_and_short_words(indexed: Indexed) -> None:
    everything = set(indexed.ids("kommun "))
    without = set(indexed.ids("kommun -Vimmerby"))
    assert without < everything
    by_id = {a.id: a for a in indexed.live()}
    for aid in without:
        article = by_id[aid]
        assert "vimmerby" not in f"{article.title} {article.lead} {article.body}".lower()
    assert indexed.search('"orange varning"')["total"] == 3  # the TT story on three papers
    assert indexed.search('"varning orange"')["total"] == 0
    assert indexed.search("Ekjsö")["total"] > 0  # one slip in a five-letter word
    assert indexed.search("Ekjö")["total"] == 0  # four letters: exact only


def test_hits_are_complete_with_highlighted_snippets(indexed: Indexed) -> None:
    document = indexed.search("storm")
    assert document["hits"]
    by_id = {a.id: a for a in indexed.live()}
    for hit in document["hits"]:
        article = by_id[hit["id"]]
        assert hit["title"] == article.title
        assert hit["url"] == article.canonical_url
        assert hit["source"] == article.source
        assert "<b>" in hit["snippet"]
        assert hit["score"] > 0
    top = indexed.search("Kalmar")["hits"][0]
    assert "kalmar" in (top["title"] + top["snippet"]).lower()  # exact above fuzzy


def test_same_structured_answers_as_the_embedded_index(indexed: Indexed) -> None:
    """Against the Tantivy index the crawl itself built (the reference)."""
    reference = indexed.crawl.data
    for args in (
        ("",),
        ("", "--kind", "personnel"),
        ("", "--sort", "oldest"),
        ("", "--from", "2025-01-01", "--lang", "sv"),
        ('"orange varning"',),
    ):
        ours = indexed.search(*args)
        theirs = search(reference, "tantivy", {}, *args)
        assert ours["total"] == theirs["total"], args
        ours_ids, theirs_ids = [h["id"] for h in ours["hits"]], [h["id"] for h in theirs["hits"]]
        if args[0]:  # relevance order is each engine's own; the matches are the same
            ours_ids, theirs_ids = sorted(ours_ids), sorted(theirs_ids)
        assert ours_ids == theirs_ids, args
        assert ours["facets"] == theirs["facets"], args


def test_counts_by_period_are_the_archives(indexed: Indexed) -> None:
    """`arkiv trend` on each backend: every article in the week of its Stockholm date, and a
    query's weekly counts what a search of each week's dates totals."""
    import json

    def trend(*args: str) -> list[dict[str, Any]]:
        result = run_arkiv(
            "trend", *args, "--by", "week", "--format", "json", "--data", str(indexed.data),
            "--backend", indexed.backend, env=indexed.env,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        periods: list[dict[str, Any]] = json.loads(result.stdout)["periods"]
        return periods

    expected = Counter(
        "{}-W{:02d}".format(*a.published.astimezone(STOCKHOLM).isocalendar()[:2])
        for a in indexed.live()
        if a.published
    )
    weeks = trend("")
    assert {p["period"]: p["counts"][""] for p in weeks if p["counts"][""]} == dict(expected)
    for period in trend("kommun"):
        dates = ("--from", period["from"], "--to", period["to"])
        assert period["counts"]["kommun"] == indexed.search("kommun", *dates)["total"], period


def test_export_iterates_every_match(indexed: Indexed) -> None:
    live = indexed.live()
    options: dict[str, Any] = {}
    config = indexed.config()
    if indexed.backend == "meilisearch":  # small pages, so that keyset paging is exercised
        options = {"iter_page_size": 3}
    backend = (
        open_backend(
            "meilisearch",
            index_dir=config.index_dir,
            url=config.meili_url,
            api_key=config.meili_key,
            index_uid=config.meili_index,
            **options,
        )
        if options
        else open_index(config)
    )
    try:
        assert [h.id for h in backend.iter_matches(Query())] == newest_first(live)
        assert [h.id for h in backend.iter_matches(Query(sort="oldest"))] == oldest_first(live)
        source = live[0].source
        assert {h.id for h in backend.iter_matches(Query(sources=(source,)))} == {
            a.id for a in live if a.source == source
        }
        some = (*[a.id for a in live if a.source == source][:2], live[-1].id)
        assert {h.id for h in backend.iter_matches(Query(sources=(source,), ids=some))} == {
            a.id for a in live if a.source == source and a.id in some
        }  # ids restrict, as the saved searches' check asks
        kommun = [h.id for h in backend.iter_matches(Query(text="kommun ", limit=1))]
        assert len(kommun) == len(set(kommun))
        assert set(kommun) == set(indexed.ids("kommun "))
        assert all(h.snippet.html() == "" for h in backend.iter_matches(Query(text="storm")))
    finally:
        backend.close()


def test_arkiv_export_writes_every_match(indexed: Indexed, tmp_path: Path) -> None:
    import json

    out = tmp_path / "all.jsonl"
    result = run_arkiv(
        "export", "", "--data", str(indexed.data), "--backend", indexed.backend,
        "--format", "jsonl", "--no-body", "-o", str(out), env=indexed.env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    live = indexed.live()
    assert sorted(row["id"] for row in rows) == sorted(a.id for a in live)


@pytest.mark.parametrize("backend", BACKENDS)
def test_a_later_crawl_updates_and_deletes(
    backend: str,
    first_crawl: Crawl,
    second_crawl: Crawl,
    sample_site: RunningSite,
    tmp_path: Path,
) -> None:
    """Index the first crawl, then let the archive move on to the second one: the next
    `arkiv index` sends only the changes (an edited article, a removed one)."""
    with backend_env(backend, "resync") as env:
        first = tmp_path / "first"
        copy_without_index(first_crawl.data, first)
        result = run_arkiv("index", "--data", str(first), "--backend", backend, env=env)
        assert result.returncode == 0, result.stderr

        def config_for(data: Path) -> Config:
            return load_config(env={**os.environ, **env}, data_dir=data, backend=backend)

        with Archive(first / ARCHIVE_FILE) as archive:
            mark = archive.get_meta(watermark_key(config_for(first)))
        assert mark is not None
        later = tmp_path / "later"
        copy_without_index(second_crawl.data, later)
        if backend == "tantivy":  # the same index, now beside the later archive
            shutil.copytree(first / "index", later / "index")
        with Archive(later / ARCHIVE_FILE) as archive:
            archive.set_meta(watermark_key(config_for(later)), mark)
            changes = list(archive.changes_since(int(mark)))
        removed = sum(1 for change in changes if change.article is None)
        assert removed >= 1
        result = run_arkiv("index", "--data", str(later), "--backend", backend, env=env)
        assert result.returncode == 0, result.stderr
        assert f"indexed {len(changes) - removed} new or changed, removed {removed};" in (
            result.stdout
        )

        live = live_articles(later)
        assert search(later, backend, env, "")["total"] == len(live)
        changed = next(a for a in load_articles() if a.edition2)
        aid = next(a.id for a in live if changed.slug in a.canonical_url)
        old, new = (
            _phrases(changed.version(1).visible_body),
            _phrases(changed.version(2).visible_body),
        )
        assert aid in _ids(search(later, backend, env, f'"{sorted(new - old)[0]}"'))
        assert aid not in _ids(search(later, backend, env, f'"{sorted(old - new)[0]}"'))
        gone = next(a for a in load_articles() if a.gone_in_edition2)
        with Archive(later / ARCHIVE_FILE) as archive:
            gone_id = next(
                a.id
                for a in archive.iter_articles(include_gone=True)
                if gone.slug in a.canonical_url
            )
        assert gone_id not in {a.id for a in live}
        assert gone_id not in _ids(search(later, backend, env, ""))
        assert gone_id not in _ids(search(later, backend, env, gone.title))
        # deleting what is not there is no error, and counts nothing
        index = open_index(config_for(later))
        try:
            assert index.delete([gone_id, "0000000000000000"]) == 0
            assert index.stats().documents == len(live)
        finally:
            index.close()


def _ids(document: dict[str, Any]) -> set[str]:
    return {hit["id"] for hit in document["hits"]}


def _phrases(text: str, n: int = 4) -> set[str]:
    import re

    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


# ---------------------------------------------------------------------- a server that fails


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def test_a_server_that_is_down_is_one_line_and_leaves_the_archive(
    first_crawl: Crawl, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    copy_without_index(first_crawl.data, data)
    url = f"http://127.0.0.1:{_closed_port()}"
    env = {"MEILI_URL": url, "MEILI_MASTER_KEY": SECRET, "ARKIV_MEILI_INDEX": "lokalarkiv"}
    config = load_config(env={**os.environ, **env}, data_dir=data, backend="meilisearch")
    with Archive(data / ARCHIVE_FILE) as archive:
        before = (archive.last_seq(), archive.get_meta(watermark_key(config)))
    for args in (("index",), ("search", "kommun")):
        result = run_arkiv(*args, "--data", str(data), "--backend", "meilisearch", env=env)
        assert result.returncode == 1, (args, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        lines = result.stderr.strip().splitlines()
        assert lines[0] == f"Error: cannot reach Meilisearch at {url}: Connection refused"
        assert lines[1].startswith("Hint: ")
        assert len(lines) == 2
        assert SECRET not in result.stdout + result.stderr
    with Archive(data / ARCHIVE_FILE) as archive:
        assert (archive.last_seq(), archive.get_meta(watermark_key(config))) == before
    assert before[1] is None  # the next `arkiv index` starts from the beginning


def test_meilisearch_without_a_url_says_so(first_crawl: Crawl) -> None:
    result = run_arkiv(
        "search", "x", "--data", str(first_crawl.data), "--backend", "meilisearch",
        env={"MEILI_URL": ""},
    )  # fmt: skip
    assert result.returncode == 1
    assert "Error: the meilisearch backend needs a server URL" in result.stderr
    assert "MEILI_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_meilisearch_url_without_a_scheme_is_one_line(first_crawl: Crawl) -> None:
    for url in ("meili.redaktionen.lan", "localhost:7700"):
        result = run_arkiv(
            "index", "--data", str(first_crawl.data), "--backend", "meilisearch",
            env={"MEILI_URL": url, "MEILI_MASTER_KEY": SECRET},
        )  # fmt: skip
        assert result.returncode == 1
        lines = result.stderr.strip().splitlines()
        assert lines[0] == (
            f"Error: MEILI_URL is not a usable Meilisearch URL: {url!r} has no http:// or "
            "https:// in front"
        )
        assert "Traceback" not in result.stderr
        assert SECRET not in result.stderr


# ---------------------------------------------------------------------- keys (live only)


@pytest.mark.meilisearch
def test_a_wrong_key_is_refused_without_showing_it(first_crawl: Crawl, tmp_path: Path) -> None:
    env = {**meili_server_env(), "ARKIV_MEILI_INDEX": f"lokalarkiv-test-{SESSION_TAG}-key"}
    if not env["MEILI_MASTER_KEY"]:
        pytest.skip("the server at MEILI_URL runs without a master key: every key is accepted")
    data = tmp_path / "data"
    copy_without_index(first_crawl.data, data)
    result = run_arkiv(
        "index", "--data", str(data), "--backend", "meilisearch",
        env={**env, "MEILI_MASTER_KEY": SECRET},
    )  # fmt: skip
    assert result.returncode == 1
    assert "refused the API key" in result.stderr
    assert "Traceback" not in result.stderr
    assert SECRET not in result.stdout + result.stderr


MEILI_ONLY = pytest.mark.parametrize(
    "indexed", [pytest.param("meilisearch", marks=pytest.mark.meilisearch)], indirect=True
)
SEARCH_KEY_ACTIONS = ["search"]
"""The actions of the read-only desks' key, as docs/MEILISEARCH.md creates it."""


def _admin(indexed: Indexed) -> Any:
    import meilisearch

    return meilisearch.Client(indexed.env["MEILI_URL"], indexed.env["MEILI_MASTER_KEY"] or None)


def _meili(indexed: Indexed, **options: Any) -> Any:
    config = indexed.config()
    return open_backend(
        "meilisearch",
        index_dir=config.index_dir,
        url=config.meili_url,
        api_key=options.pop("api_key", config.meili_key),
        index_uid=options.pop("index_uid", config.meili_index),
        **options,
    )


@MEILI_ONLY
def test_a_search_only_key_searches_and_exports_but_cannot_index(
    indexed: Indexed, tmp_path: Path
) -> None:
    import json

    if not indexed.env["MEILI_MASTER_KEY"]:
        pytest.skip("the server at MEILI_URL runs without a master key: keys are not checked")
    admin = _admin(indexed)
    key = admin.create_key(
        {
            "description": f"lokalarkiv test {SESSION_TAG}",
            "actions": SEARCH_KEY_ACTIONS,
            "indexes": [indexed.env["ARKIV_MEILI_INDEX"]],
            "expiresAt": None,
        }
    )
    try:
        env = {**indexed.env, "MEILI_MASTER_KEY": key.key}
        found = search(indexed.data, "meilisearch", env, "kommun ")
        assert found["total"] == indexed.search("kommun ")["total"]
        # export: the sync before it has nothing to send, and counting is a search
        out = tmp_path / "all.jsonl"
        exported = run_arkiv(
            "export", "", "--data", str(indexed.data), "--backend", "meilisearch",
            "--format", "jsonl", "--no-body", "-o", str(out), env=env,
        )  # fmt: skip
        assert exported.returncode == 0, exported.stderr
        rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        assert len(rows) == len(indexed.live())
        manifest = json.loads(out.with_name(out.name + ".manifest.json").read_text())
        assert manifest["index"]["documents"] == len(indexed.live())
        reader = _meili(indexed, api_key=key.key)
        reader.configure()
        assert reader.stats().documents == len(indexed.live())
        with pytest.raises(BackendUnavailable, match="may search the index"):
            reader.upsert(indexed.live()[:1])
        refused = run_arkiv(
            "index", "--rebuild", "--data", str(indexed.data), "--backend", "meilisearch", env=env
        )
        assert refused.returncode == 1
        assert "refused the API key" in refused.stderr
        assert key.key not in refused.stdout + refused.stderr + exported.stderr
    finally:
        admin.delete_key(key.key)


@MEILI_ONLY
def test_without_a_key_the_server_is_told_none_was_given(indexed: Indexed) -> None:
    if not indexed.env["MEILI_MASTER_KEY"]:
        pytest.skip("the server at MEILI_URL runs without a master key: no key is needed")
    with pytest.raises(BackendUnavailable, match=r"needs an API key \(none was given\)"):
        _meili(indexed, api_key=None).search(Query(text="kommun"))


@MEILI_ONLY
def test_a_refused_search_carries_the_servers_message_only(indexed: Indexed) -> None:
    # The client's own exception for a refused search, through the backend's translation.
    backend = _meili(indexed)
    config = indexed.config()
    client = meilisearch.Client(str(config.meili_url), config.meili_key or None)
    translated = Translate(
        url=backend.location,
        index_uid=backend.index_uid,
        doing="searching",
        write=False,
        timeout_s=30,
    )
    with pytest.raises(QueryError) as caught, translated:
        client.index(backend.index_uid).search("x", {"filter": "nosuchfield = 1"})
    assert str(caught.value).startswith("Meilisearch refused the search: invalid_search_filter: ")
    assert "up to date" not in str(caught.value)
    assert "Hint" not in str(caught.value)


@MEILI_ONLY
def test_facets_match_the_embedded_index_past_the_default_ones(indexed: Indexed) -> None:
    reference = open_backend("tantivy", index_dir=indexed.crawl.data / "index" / "tantivy")
    ours = _meili(indexed)
    try:
        names = ("person", "role", "region", "language", "source", "municipality")
        for query in (Query(facets=names, limit=0), Query(text="kommun ", facets=names, limit=0)):
            assert ours.search(query).facets == reference.search(query).facets, query.text
    finally:
        reference.close()


@MEILI_ONLY
def test_a_page_left_unsorted_is_refused(indexed: Indexed) -> None:
    """searchCutoffMs 0 makes the server give up ranking at once (every hit `skipped`)."""
    from indexer.search.backends.meilisearch.settings import SEARCH_CUTOFF_MS

    admin = _admin(indexed)
    index = admin.index(indexed.env["ARKIV_MEILI_INDEX"])
    assert index.get_settings()["searchCutoffMs"] == SEARCH_CUTOFF_MS
    assert not any(
        "skipped" in hit["_rankingScoreDetails"]
        for hit in index.search(
            "", {"sort": ["published_ts:desc"], "showRankingScoreDetails": True}
        )["hits"]
    )
    task = index.update_settings({"searchCutoffMs": 0})
    admin.wait_for_task(task.task_uid, timeout_in_ms=60_000)
    try:
        with pytest.raises(QueryError, match="ran out of time ranking"):
            _meili(indexed).search(Query(sort="newest"))
        with pytest.raises(QueryError, match="while reading every match"):
            list(_meili(indexed).iter_matches(Query()))
        result = run_arkiv(
            "search", "", "--sort", "oldest", "--data", str(indexed.data),
            "--backend", "meilisearch", env=indexed.env,
        )  # fmt: skip
        assert result.returncode == 1
        assert "searchCutoffMs" in result.stderr
        assert "Traceback" not in result.stderr
    finally:
        task = index.update_settings({"searchCutoffMs": SEARCH_CUTOFF_MS})
        admin.wait_for_task(task.task_uid, timeout_in_ms=60_000)


@MEILI_ONLY
def test_batches_capped_by_bytes_reach_the_server_whole(indexed: Indexed) -> None:
    from indexer.search.backends.meilisearch.settings import document

    live = indexed.live()
    one = max(len(json_bytes(document(a))) for a in live[:5])
    uid = f"{indexed.env['ARKIV_MEILI_INDEX']}-bytes"
    backend = _meili(indexed, index_uid=uid, batch_bytes=one * 2, batch_size=1000)
    try:
        backend.configure()
        assert backend.upsert(live, new=True) == len(live)
        assert backend.stats().documents == len(live)
        assert backend.search(Query(text="storm")).total == indexed.search("storm")["total"]
    finally:
        backend.destroy()


def json_bytes(value: Any) -> bytes:
    import json

    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


@MEILI_ONLY
def test_snippets_highlight_what_the_server_matched(indexed: Indexed) -> None:
    slip = indexed.search("Ekjsö")  # one slip, not on the first letter
    assert slip["total"] > 0
    assert any("<b>eksjö" in hit["snippet"].lower() for hit in slip["hits"])
    assert indexed.search("Fksjö")["total"] == 0  # the first letter: two typos, over budget
    # what the server matched for "storm" (5 letters: one typo, never on the first letter)
    for hit in indexed.search("storm ")["hits"]:
        for word in re.findall(r"<b>(.*?)</b>", hit["snippet"]):
            word_stem = analyze(word)[0]
            assert word_stem[0] == "s", (word, hit["snippet"])
            assert within_typos(word_stem, "storm", 1) or "storm" in compound_parts([word_stem])
