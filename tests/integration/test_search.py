"""Search through the real CLI, over the real Tantivy index that the fixture crawl built."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from indexer.store.archive import Archive
from samplesite.content import load_articles
from tests.helpers import FORGIVING_QUERIES, ROOT, Crawl, RunningSite, run_arkiv

pytestmark = pytest.mark.integration


def search(data: Path, *args: str) -> dict[str, Any]:
    result = run_arkiv("search", "--data", str(data), "--json", "--limit", "100", *args)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def ids(document: dict[str, Any]) -> list[str]:
    return [hit["id"] for hit in document["hits"]]


def article_id_of(crawl: Crawl, site: RunningSite, slug: str) -> str:
    return next(
        a.id for url, a in crawl.articles.items() if url.rstrip("/").endswith(slug) or slug in url
    )


SEED = "sakerhetssamordnaren-lamnar"


@pytest.mark.parametrize(
    "query",
    FORGIVING_QUERIES,
)
def test_forgiving_queries_find_the_seed_story(
    first_crawl: Crawl, sample_site: RunningSite, query: str
) -> None:
    found = ids(search(first_crawl.data, query))
    assert article_id_of(first_crawl, sample_site, SEED) in found[:3], query


def test_inflections_meet(first_crawl: Crawl) -> None:
    # A trailing space ends the last word, which otherwise also matches as a prefix.
    words = ("kommun ", "kommunen ", "kommunens ")
    forms = [set(ids(search(first_crawl.data, w))) for w in words]
    assert forms[0]
    assert forms[0] == forms[1] == forms[2]


def test_short_words_need_exact_spelling(first_crawl: Crawl) -> None:
    # "Eksjö" with one slip in a five-letter word still matches; a four-letter word does not.
    assert search(first_crawl.data, "Ekjsö")["total"] > 0
    assert search(first_crawl.data, "Ekjö")["total"] == 0


def test_exact_match_ranks_above_fuzzy(first_crawl: Crawl) -> None:
    hits = search(first_crawl.data, "Kalmar")["hits"]
    assert hits
    assert "kalmar" in (hits[0]["title"] + hits[0]["snippet"]).lower()


def test_phrase_and_exclusion(first_crawl: Crawl) -> None:
    everything = set(ids(search(first_crawl.data, "kommun")))
    without = set(ids(search(first_crawl.data, "kommun -Vimmerby")))
    assert without < everything
    with Archive(first_crawl.data / "archive.sqlite3") as archive:
        for aid in without:
            article = archive.get(aid)
            assert article is not None
            assert "vimmerby" not in f"{article.title} {article.lead} {article.body}".lower()
    phrase = search(first_crawl.data, '"orange varning"')
    assert phrase["total"] == 3  # the TT story on three papers
    assert search(first_crawl.data, '"varning orange"')["total"] == 0


def test_broken_syntax_degrades_to_words(first_crawl: Crawl) -> None:
    for text in ('"unbalanced storm', "storm AND OR (", "title:storm", "storm^2 *"):
        result = run_arkiv("search", "--data", str(first_crawl.data), text)
        assert result.returncode == 0, (text, result.stderr)
        assert "Traceback" not in result.stderr


def test_filters_narrow_and_facets_add_up(first_crawl: Crawl) -> None:
    everything = search(first_crawl.data, "")
    assert everything["total"] == len(first_crawl.articles)
    assert sum(everything["facets"]["source"].values()) == everything["total"]
    assert sum(everything["facets"]["year"].values()) == everything["total"]
    for source, count in everything["facets"]["source"].items():
        narrowed = search(first_crawl.data, "", "--source", source)
        assert narrowed["total"] == count
        assert {h["source"] for h in narrowed["hits"]} == {source}
    english = search(first_crawl.data, "", "--lang", "en")
    assert [h["title"] for h in english["hits"]] == [
        a.title for a in first_crawl.articles.values() if a.language == "en"
    ]
    window = search(first_crawl.data, "", "--from", "2025-03-01", "--to", "2025-06-30")
    assert 0 < window["total"] < everything["total"]
    for hit in window["hits"]:
        assert date(2025, 3, 1) <= date.fromisoformat(hit["published"][:10]) <= date(2025, 6, 30)
    combined = search(first_crawl.data, "kommun", "--source", "kustbladet", "--from", "2025-01-01")
    assert (
        combined["total"] <= search(first_crawl.data, "kommun", "--source", "kustbladet")["total"]
    )


def test_sort_orders(first_crawl: Crawl) -> None:
    newest = [h["published"] for h in search(first_crawl.data, "", "--sort", "newest")["hits"]]
    oldest = [h["published"] for h in search(first_crawl.data, "", "--sort", "oldest")["hits"]]
    assert newest == sorted(newest, reverse=True)
    assert oldest == sorted(oldest)
    # an empty query lists newest first by default
    assert [h["published"] for h in search(first_crawl.data, "")["hits"]] == newest


def test_json_is_complete(first_crawl: Crawl) -> None:
    document = search(first_crawl.data, "storm")
    assert {"total", "hits", "facets"} <= set(document)
    for hit in document["hits"]:
        assert {
            "id",
            "url",
            "title",
            "source",
            "published",
            "municipalities",
            "kinds",
            "snippet",
        } <= set(hit)
        assert "<b>" in hit["snippet"]


def test_terminal_output(first_crawl: Crawl) -> None:
    result = run_arkiv("search", "--data", str(first_crawl.data), "Westerback")
    assert result.returncode == 0
    assert "Säkerhetssamordnaren" in result.stdout
    assert "source:" in result.stdout
    assert re.search(r"id [0-9a-f]{16}", result.stdout)


def test_second_sync_is_a_no_op(first_crawl: Crawl) -> None:
    result = run_arkiv("index", "--data", str(first_crawl.data))
    assert result.returncode == 0, result.stderr
    assert "indexed 0 new or changed, removed 0" in result.stdout


def _phrases(text: str, n: int = 4) -> set[str]:
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i : i + n]) for i in range(len(words) - n + 1)}


def test_updated_article_found_by_new_text_and_gone_one_vanishes(
    second_crawl: Crawl, sample_site: RunningSite
) -> None:
    changed = next(a for a in load_articles() if a.edition2)
    old, new = _phrases(changed.version(1).visible_body), _phrases(changed.version(2).visible_body)
    aid = article_id_of(second_crawl, sample_site, changed.slug)
    assert aid in ids(search(second_crawl.data, f'"{sorted(new - old)[0]}"'))
    assert aid not in ids(search(second_crawl.data, f'"{sorted(old - new)[0]}"'))
    gone = next(a for a in load_articles() if a.gone_in_edition2)
    gone_id = article_id_of(second_crawl, sample_site, gone.slug)
    assert gone_id not in ids(search(second_crawl.data, ""))
    assert gone_id not in ids(search(second_crawl.data, gone.title))


def test_corrupt_index_is_rebuilt(first_crawl: Crawl, tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    for file in (data / "index" / "tantivy").iterdir():
        if file.is_file():
            file.write_bytes(b"\x00garbage\x00")
    result = run_arkiv("search", "--data", str(data), "--json", "Westerback")
    assert result.returncode == 0, result.stderr
    assert "notice:" in result.stderr
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["total"] >= 1
    # and `arkiv index` on a missing index rebuilds it too
    shutil.rmtree(data / "index")
    rebuilt = run_arkiv("index", "--data", str(data))
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert f"holds {len(first_crawl.articles)} articles" in rebuilt.stdout


def test_unknown_municipality_suggests_names(first_crawl: Crawl) -> None:
    result = run_arkiv("search", "--data", str(first_crawl.data), "x", "--kommun", "Vimerby")
    assert result.returncode == 1
    assert "Vimmerby" in result.stderr
    assert "Traceback" not in result.stderr
    ok = run_arkiv("search", "--data", str(first_crawl.data), "x", "--kommun", "jonkoping")
    assert ok.returncode == 0, ok.stderr


def test_show_article_and_versions(second_crawl: Crawl, sample_site: RunningSite) -> None:
    changed = next(a for a in load_articles() if a.edition2)
    aid = article_id_of(second_crawl, sample_site, changed.slug)
    result = run_arkiv("show", "--data", str(second_crawl.data), aid[:8], "--versions")
    assert result.returncode == 0, result.stderr
    assert changed.version(2).title in result.stdout
    assert "v1" in result.stdout
    assert "v2" in result.stdout
    assert "body (+" in result.stdout
    record = json.loads(run_arkiv("show", "--data", str(second_crawl.data), aid, "--json").stdout)
    assert record["id"] == aid
    assert [v["version"] for v in record["versions"]] == [1, 2]
    missing = run_arkiv("show", "--data", str(second_crawl.data), "0000000000000000")
    assert missing.returncode == 1
    assert "no article" in missing.stderr


def test_search_path_imports_neither_scrapy_nor_trafilatura(first_crawl: Crawl) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from search_cli.cli import arkiv\n"
        f"r = CliRunner().invoke(arkiv, ['search', '--data', {str(first_crawl.data)!r}, 'storm'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('scrapy', 'trafilatura', 'twisted')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
