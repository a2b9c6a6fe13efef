"""`arkiv serve` over HTTP: a real server (a subprocess on 127.0.0.1) over the archive the
real spider made of the sample site, asked with httpx as a browser or a script would.

The search API must be the CLI's document; filters, articles, versions and the fetched page
work; bad input is one line (400/404), never a traceback; archived text, however hostile,
arrives escaped and archived scripts cannot run; access control and CSRF refuse.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from indexer.store.archive import Archive
from indexer.store.warc import WarcRef, read_response
from samplesite.templates.hostile import SCRIPT_PATH, SCRIPT_TEXT
from tests.helpers import BOLD, ROOT, Crawl, article, assert_safe, run_arkiv, run_on_terminal
from tests.web_server import Served, free_port, serving
from web.security import ARCHIVED_CSP

pytestmark = pytest.mark.integration

QUERIES = [
    ("Westerbak", {}),  # a typo in the name
    ("kommun", {"kommun": "Vimmerby"}),
    ("", {"kommun": "vimmerby", "sort": "newest", "limit": "5"}),
    ("olycka", {"sort": "oldest", "offset": "1"}),
]
CLI_FLAGS = {"kommun": "--kommun", "sort": "--sort", "limit": "--limit", "offset": "--offset"}


@pytest.fixture(scope="module")
def web(second_crawl: Crawl) -> Iterator[Served]:
    """The app over the sample site crawled twice (its second edition made versions)."""
    with serving(second_crawl.data) as served:
        yield served
        assert "Traceback" not in served.stderr()


@pytest.fixture(scope="module")
def hostile_web(hostile_crawl: Crawl) -> Iterator[Served]:
    with serving(hostile_crawl.data) as served:
        yield served


def get(served: Served, path: str, **kwargs: object) -> httpx.Response:
    return httpx.get(served.url + path, timeout=30, **kwargs)  # type: ignore[arg-type]


def changed_article(data: Path) -> str:
    """The id of an article the second crawl found changed (two versions)."""
    with sqlite3.connect(data / "archive.sqlite3") as db:
        row = db.execute(
            "SELECT article_id FROM versions GROUP BY article_id HAVING COUNT(*) > 1 LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


@pytest.mark.parametrize(("text", "params"), QUERIES)
def test_the_search_api_is_the_cli_document(
    web: Served, second_crawl: Crawl, text: str, params: dict[str, str]
) -> None:
    answer = get(web, "/api/search", params={"q": text, **params})
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    flags = [arg for name, value in params.items() for arg in (CLI_FLAGS[name], value)]
    cli = run_arkiv("search", "--json", "--data", str(second_crawl.data), *flags, "--", text)
    assert cli.returncode == 0, cli.stderr
    assert answer.json() == json.loads(cli.stdout)


def test_exact_totals_on_request(web: Served) -> None:
    for params in ({}, {"exact": "1"}, {"exact": "0"}):
        answer = get(web, "/api/search", params={"q": "kommun", **params})
        assert answer.status_code == 200
        assert answer.json()["total_exact"] is True  # the embedded index always counts
    for path in ("/api/search", "/"):
        refused = get(web, path, params={"q": "kommun", "exact": "yes"})
        assert refused.status_code == 400
        assert "exact must be 1" in refused.text


def test_the_search_page_forgives_a_typo_and_highlights(web: Served) -> None:
    page = get(web, "/", params={"q": "Westerbak"})
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text
    assert "Säkerhetssamordnaren lämnar" in page.text
    assert "1 träff" in page.text
    assert re.search(r"på \d+,\d{3} s", page.text)
    assert re.search(r'<p class="snippet">[^<]*(?:<mark>[^<]+</mark>[^<]*)+</p>', page.text)
    assert 'name="q" type="search" value="Westerbak"' in page.text


def test_filters_come_with_counts_and_narrow_the_search(web: Served) -> None:
    everything = get(web, "/api/search", params={"q": "", "limit": "0"}).json()
    vimmerby = get(web, "/api/search", params={"kommun": "Vimmerby", "limit": "0"}).json()
    assert 0 < vimmerby["total"] < everything["total"]
    page = get(web, "/", params={"q": ""}).text
    facet = re.search(
        r'<a href="/\?kommun=Vimmerby">Vimmerby</a> <span class="count">(\d+)</span>', page
    )
    assert facet is not None, page
    assert int(facet.group(1)) == vimmerby["total"]
    narrowed = get(web, "/?q=&kommun=Vimmerby").text
    assert 'name="kommun" value="Vimmerby" checked' in narrowed
    assert f"{vimmerby['total']} träffar" in narrowed
    english = get(web, "/?q=&kommun=Vimmerby&lang=en").text
    assert '<html lang="en">' in english
    assert f"{vimmerby['total']} hits" in english
    assert 'href="/people?lang=en"' in english


def test_copies_of_one_story_are_shown_once(web: Served) -> None:
    hits = get(web, "/api/search", params={"limit": "100"}).json()["hits"]
    shared = [h for h in hits if h["also_in"]]
    assert shared, "the sample site publishes wire copies on several papers"
    page = get(web, "/", params={"limit": "100"}).text
    story = shared[0]["story"]
    shown = sum(
        page.count(f'href="/article/{h["id"]}">{h["title"]}') for h in hits if h["story"] == story
    )
    assert shown == 1
    assert re.search(r"även i \d+ tidning", page)


def test_the_article_page_its_versions_and_a_diff(web: Served, second_crawl: Crawl) -> None:
    aid = changed_article(second_crawl.data)
    api = get(web, f"/api/article/{aid}").json()
    cli = run_arkiv("show", aid, "--json", "--data", str(second_crawl.data))
    assert api == json.loads(cli.stdout)
    assert [v["version"] for v in api["versions"]] == [1, 2]
    page = get(web, f"/article/{aid}", params={"a": "1", "b": "2"})
    assert page.status_code == 200
    assert "Ändringar från version 1 till 2" in page.text
    assert "<ins>" in page.text
    assert "<del>" in page.text
    diff = get(web, f"/api/article/{aid}/diff", params={"a": "1", "b": "2"}).json()
    inserted = " ".join(d["text"] for d in diff["diff"] if d["op"] == "insert")
    assert inserted
    assert inserted.split()[0] in page.text
    same = get(web, f"/article/{aid}", params={"a": "2", "b": "2"}).text
    assert "<ins>" not in same
    assert get(web, f"/article/{aid}", params={"a": "7"}).status_code == 404


def test_the_fetched_page_is_its_warc_record_served_inert(web: Served, second_crawl: Crawl) -> None:
    aid = changed_article(second_crawl.data)
    page = get(web, f"/article/{aid}").text
    frame = re.search(r'<iframe class="archived" sandbox="" [^>]*src="([^"]+)"', page)
    assert frame is not None
    archived = get(web, frame.group(1).replace("&amp;", "&"))
    assert archived.status_code == 200
    assert archived.headers["content-security-policy"] == ARCHIVED_CSP
    assert archived.headers["x-frame-options"] == "SAMEORIGIN"
    assert archived.headers["x-content-type-options"] == "nosniff"
    with sqlite3.connect(second_crawl.data / "archive.sqlite3") as db:
        ref = db.execute(
            "SELECT warc_file, warc_offset, warc_length FROM versions WHERE article_id = ?"
            " AND version = 2", (aid,)
        ).fetchone()  # fmt: skip
    assert archived.content == read_response(second_crawl.data / "warc", WarcRef(*ref)).body
    first = get(web, f"/article/{aid}/archived", params={"version": "1"})
    assert first.status_code == 200
    assert first.content != archived.content
    # where to read is never taken from the request
    for bad in ("?version=../../etc", "?version=1&file=../../archive.sqlite3", "?offset=0"):
        answer = get(web, f"/article/{aid}/archived{bad}")
        assert answer.status_code in (200, 400), bad
        assert b"SQLite format" not in answer.content


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/article/zzzz", 404),
        ("/article/0123456789abcdef", 404),
        ("/article/..%2F..%2Fetc%2Fpasswd", 404),
        ("/article/0123456789abcdef/archived", 404),
        ("/no/such/page", 404),
        ("/?limit=5000", 400),
        ("/?from=igår", 400),
        ("/?q=" + "a" * 501, 400),
        ("/?kind=sport", 400),
        ("/?source=no-such-paper", 400),
        ("/people?kommun=Atlantis", 400),
        ("/export/download?format=xls", 400),
        ("/export/manifest?q=x&kind=sport", 400),
    ],
)
def test_bad_requests_are_one_line_never_a_traceback(web: Served, path: str, status: int) -> None:
    page = get(web, path)
    assert page.status_code == status
    assert "Traceback" not in page.text
    message = re.search(r'<p class="error" role="alert">([^<]*)</p>', page.text)
    assert message is not None
    assert "\n" not in message.group(1)
    api = get(web, "/api" + path if not path.startswith("/?") else "/api/search" + path[1:])
    if api.status_code != 404 or path.startswith("/article"):
        assert api.status_code == status
        body = api.json()
        assert set(body) == {"error", "hint"}, body
        assert body["error"], body


def test_every_response_carries_the_security_headers(web: Served) -> None:
    for path in ("/", "/api/search?q=x", "/static/style.css", "/nothing", "/status", "/people"):
        headers = get(web, path).headers
        csp = headers["content-security-policy"]
        assert "script-src 'self'" in csp, path
        assert "unsafe-inline" not in csp, path
        assert "frame-ancestors 'none'" in csp, path
        assert headers["x-content-type-options"] == "nosniff", path
        assert headers["referrer-policy"] == "no-referrer", path


def test_the_researchers_endpoints_count_by_the_index(web: Served) -> None:
    total = get(web, "/api/count", params={"kommun": "Vimmerby"}).json()["total"]
    assert total == get(web, "/api/search", params={"kommun": "Vimmerby"}).json()["total"]
    by_month = get(web, "/api/count-by-period", params={"kommun": "Vimmerby", "by": "month"}).json()
    assert by_month["periods"]
    assert sum(p["count"] for p in by_month["periods"]) <= total
    dated = sum(p["count"] for p in by_month["periods"])
    by_week = get(web, "/api/count-by-period", params={"kommun": "Vimmerby", "by": "week"}).json()
    assert sum(p["count"] for p in by_week["periods"]) == dated
    assert all(re.fullmatch(r"\d{4}-W\d\d", p["period"]) for p in by_week["periods"])
    sample = get(web, "/api/sample", params={"n": "3", "seed": "7"}).json()
    again = get(web, "/api/sample", params={"n": "3", "seed": "7"}).json()
    assert len(sample["hits"]) == 3
    assert sample["hits"] == again["hits"]
    assert len({h["id"] for h in sample["hits"]}) == 3
    assert get(web, "/api/sample", params={"n": "101"}).status_code == 400
    assert get(web, "/api/count-by-period", params={"by": "year"}).status_code == 400


def test_people_and_status_pages(web: Served, second_crawl: Crawl) -> None:
    people = get(web, "/people", params={"name": "westerback"}).text
    assert "Håkan Westerback" in people
    listed = get(web, "/api/people", params={"name": "westerback"}).json()
    cli = run_arkiv("people", "westerback", "--json", "--data", str(second_crawl.data))
    assert listed["mentions"] == json.loads(cli.stdout)
    assert f'href="/article/{listed["mentions"][0]["article_id"]}"' in people
    status = get(web, "/api/status").json()
    assert status["index"]["documents"] == status["totals"]["articles"]
    assert {row["source"] for row in status["sources"]} >= {"vimmerby-nyheter"}
    assert "Senaste körning" in get(web, "/status").text


def test_an_index_rebuilt_while_serving_is_searched(first_crawl: Crawl, tmp_path: Path) -> None:
    """The app keeps indexes open between requests; a rebuild (new files under the index
    folder) must not leave it searching the old, deleted ones."""
    data = tmp_path / "data"
    shutil.copytree(first_crawl.data, data)
    with serving(data) as served:
        before = get(served, "/api/count", params={"q": "stormen"}).json()["total"]
        assert get(served, "/api/count", params={"q": "stormen"}).json()["total"] == before
        with Archive(data / "archive.sqlite3") as archive:
            archive.add_version(article("https://e-tidningen.se/ny", "e-tidningen", "Stormen",
                                        "Stormen drog in över kusten i natt."))  # fmt: skip
        indexed = run_arkiv("index", "--rebuild", "--data", str(data))
        assert indexed.returncode == 0, indexed.stderr
        assert get(served, "/api/count", params={"q": "stormen"}).json()["total"] == before + 1
        page = get(served, "/", params={"q": "stormen"}).text
        assert 'href="/article/' in page
        assert "drog in över kusten" in page


def test_forms_that_change_state_need_a_csrf_token(web: Served) -> None:
    refused = httpx.post(f"{web.url}/settings", data={"lang": "en", "next": "/people"})
    assert refused.status_code == 403
    forged = httpx.post(f"{web.url}/settings", data={"lang": "en", "csrf": "1.2.3"})
    assert forged.status_code == 403
    token = re.search(r'name="csrf" value="([^"]+)"', get(web, "/").text)
    assert token is not None
    accepted = httpx.post(f"{web.url}/settings",
                          data={"lang": "en", "next": "/people", "csrf": token.group(1)})  # fmt: skip
    assert accepted.status_code == 303
    assert accepted.headers["location"] == "/people"
    assert '<html lang="en">' in get(web, "/people", cookies=accepted.cookies).text
    for target in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
        away = httpx.post(f"{web.url}/settings", data={"next": target, "csrf": token.group(1)})
        assert away.headers["location"] == "/", target
    big = httpx.post(f"{web.url}/settings", content=b"a" * 20_000)
    assert big.status_code == 413


def test_a_public_host_without_access_control_is_refused(second_crawl: Crawl) -> None:
    result = run_arkiv("serve", "--data", str(second_crawl.data), "--host", "0.0.0.0",
                       "--port", str(free_port()), timeout=30)  # fmt: skip
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "[web]" in lines[0]
    assert "arkiv serve --hash-password" in lines[0]


def test_access_control_with_a_token_and_a_user(second_crawl: Crawl, tmp_path: Path) -> None:
    token, password = "token-" + "x" * 30, "ett långt lösenord"
    hashes = [subprocess.run([sys.executable, "-m", "search_cli", "serve", "--hash-password"],
                             input=secret + "\n", capture_output=True, text=True, check=False,
                             cwd=ROOT, timeout=60)
              for secret in (token, password)]  # fmt: skip
    assert all(h.returncode == 0 and h.stdout.startswith("scrypt$") for h in hashes)
    config = tmp_path / "arkiv.toml"
    config.write_text(
        f'[web]\ntokens = ["{hashes[0].stdout.strip()}"]\n'
        f'[web.users]\nredaktionen = "{hashes[1].stdout.strip()}"\n', encoding="utf-8"
    )  # fmt: skip
    with serving(second_crawl.data, "--config", str(config), "--host", "0.0.0.0",
                 ready_status=401) as served:  # fmt: skip
        url = served.url + "/api/search?q=Westerbak"
        bare = httpx.get(url)
        assert bare.status_code == 401
        assert "Basic" in bare.headers["www-authenticate"]
        assert httpx.get(url, headers={"Authorization": f"Bearer {token}"}).status_code == 200
        assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert httpx.get(url, auth=("redaktionen", password)).status_code == 200
        assert httpx.get(url, auth=("redaktionen", "fel")).status_code == 401
        assert httpx.get(served.url + "/", auth=("okänd", password)).status_code == 401


def test_the_hostile_article_arrives_escaped(hostile_web: Served, hostile_crawl: Crawl) -> None:
    found = get(hostile_web, "/api/search", params={"q": "skriptskola"}).json()
    hit = next(h for h in found["hits"] if h["url"].endswith(SCRIPT_PATH))
    assert SCRIPT_TEXT in hit["title"]  # the archive keeps what the page said, as text
    pages = [get(hostile_web, "/", params={"q": "skriptskola"}),
             get(hostile_web, f"/article/{hit['id']}"),
             get(hostile_web, "/", params={"q": "rubriken"})]  # fmt: skip
    for page in pages:
        assert page.status_code == 200
        raw = page.text
        assert "<script" not in raw, raw
        assert "<img" not in raw, raw
        assert not re.search(r"<[^>]*\son\w+=", raw)  # no element gained an event handler
        assert "\"'><img" not in raw
        assert "&#34;&#39;&gt;&lt;img src=x onerror=" in raw
        assert "&lt;script&gt;window.__pwned=1" in raw
        assert "\x1b" not in raw
        assert "\x07" not in raw
    article = pages[1].text
    assert "Ingressen bär &lt;script&gt;" in article  # the lead
    assert "Brödtexten bär också &lt;script&gt;" in article  # the body
    archived = get(hostile_web, f"/article/{hit['id']}/archived")
    assert b"<script>window.__pwned=1" in archived.content  # the page as fetched ...
    assert archived.headers["content-security-policy"] == ARCHIVED_CSP  # ... cannot run it


def test_the_hostile_article_on_a_terminal(hostile_crawl: Crawl) -> None:
    for words in ("skriptskola", "rubriken"):
        code, out, err = run_on_terminal("search", words, "--data", str(hostile_crawl.data))
        assert code == 0, err
        assert "Skript i rubriken" in out
        assert_safe(BOLD.sub("", out), words)
        assert "\x1b]0;" not in out
        assert "\x1b[31m" not in out


def test_export_bytes_are_arkiv_exports(web: Served, second_crawl: Crawl, tmp_path: Path) -> None:
    page = get(web, "/export", params={"q": "kommun", "kommun": "Vimmerby"})
    assert page.status_code == 200
    assert 'value="csv"' in page.text
    assert 'value="parquet"' in page.text
    for fmt in ("csv", "jsonl", "parquet"):
        out = tmp_path / f"cli.{fmt}"
        cli = run_arkiv("export", "kommun", "--kommun", "Vimmerby", "--format", fmt, "-o",
                        str(out), "--data", str(second_crawl.data))  # fmt: skip
        assert cli.returncode == 0, cli.stderr
        served = get(web, f"/export/download?q=kommun&kommun=Vimmerby&format={fmt}")
        assert served.status_code == 200
        assert served.content == out.read_bytes(), fmt
        assert quote(fmt) in served.headers["content-disposition"]
        if fmt == "csv":
            made = json.loads(Path(f"{out}.manifest.json").read_text(encoding="utf-8"))
            twin = get(web, "/export/manifest?q=kommun&kommun=Vimmerby&format=csv").json()
            again = get(web, "/api/export/manifest?q=kommun&kommun=Vimmerby&format=csv").json()
            for manifest in (twin, again):  # (the times of the two runs may differ)
                manifest.pop("started")
                manifest.pop("finished")
            assert twin == again
            for key in ("query", "filters", "format", "fields", "with_body", "rows", "order"):
                assert twin[key] == made[key], key
            assert twin["file"]["sha256"] == made["file"]["sha256"]
            assert twin["file"]["bytes"] == made["file"]["bytes"] == len(served.content)
