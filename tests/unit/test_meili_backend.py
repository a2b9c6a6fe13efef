"""The Meilisearch backend against the real client, with only the server's answer stubbed.

A small HTTP server on 127.0.0.1 stands in for Meilisearch: for each case it answers what the
server documents for that one request (the JSON of a search, a task, an error), and records
what the client sent. Everything between the backend and the socket (our code, the
``meilisearch`` client, ``requests``) is the real thing. Each case of issue 20 is here; the
live contract suite (tests/integration/test_backend_contract.py, MEILI_URL) has the same ones
against a real server.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from indexer.article import Article
from indexer.config import load_config
from indexer.errors import BackendUnavailable, ConfigError, IndexingError, QueryError
from indexer.search.backends.meilisearch import FACET_SIZE, MeilisearchBackend, degraded
from indexer.search.backends.meilisearch.filters import make_snippet, matched_stems, text_query
from indexer.search.backends.meilisearch.settings import (
    MAX_TOTAL_HITS,
    MAX_VALUES_PER_FACET,
    SEARCH_CUTOFF_MS,
    document,
    index_settings,
    stem_fields,
)
from indexer.search.query import Query, order_facet
from tests.helpers import run_arkiv

STOCKHOLM = ZoneInfo("Europe/Stockholm")
UID = "lokalarkiv"
KEY = "search-only-key-0123456789abcdef"
ENQUEUED = "2025-03-04T06:30:00.000000Z"

Answer = tuple[int, Any] | tuple[int, Any, float]
"""(status, JSON body) or (status, JSON body, seconds to wait before answering)."""


@dataclass
class Request:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Stub:
    """The stand-in server: ``routes`` maps (method, path) to an answer or a function of the
    request giving one; anything else is Meilisearch's 404 ``not_found``."""

    url: str
    routes: dict[tuple[str, str], Answer | Callable[[Request], Answer]] = field(
        default_factory=dict
    )
    requests: list[Request] = field(default_factory=list)

    def sent(self, method: str, path: str) -> list[Request]:
        return [r for r in self.requests if r.method == method and r.path == path]


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            request = Request(
                self.command,
                urlsplit(self.path).path,
                {k.lower(): v for k, v in self.headers.items()},
                self.rfile.read(length) if length else b"",
            )
            stub.requests.append(request)
            route = stub.routes.get((request.method, request.path))
            if route is None:
                answer: Answer = (404, error("not_found", "Not found.", "invalid_request"))
            elif callable(route):
                answer = route(request)
            else:
                answer = route
            if len(answer) == 3:
                time.sleep(answer[2])
            body = json.dumps(answer[1]).encode()
            try:
                self.send_response(answer[0])
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up waiting
                pass

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _answer

    return Handler


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    the_stub = Stub(url=f"http://127.0.0.1:{server.server_address[1]}")
    server.RequestHandlerClass = _handler(the_stub)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield the_stub
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------------- the server's JSON


def error(code: str, message: str, kind: str = "invalid_request") -> dict[str, str]:
    """Meilisearch's error body (docs: errors)."""
    return {
        "message": message,
        "code": code,
        "type": kind,
        "link": f"https://docs.meilisearch.com/errors#{code}",
    }


INVALID_KEY = (403, error("invalid_api_key", "The provided API key is invalid.", "auth"))
MISSING_KEY = (
    401,
    error(
        "missing_authorization_header",
        "The Authorization header is missing. It must use the bearer authorization method.",
        "auth",
    ),
)


def search_answer(hits: list[dict[str, Any]], total: int, **extra: Any) -> dict[str, Any]:
    """A search response with exhaustive pagination (page / hitsPerPage)."""
    return {
        "hits": hits,
        "query": "",
        "processingTimeMs": 1,
        "hitsPerPage": max(len(hits), 1),
        "page": 1,
        "totalPages": 1,
        "totalHits": total,
        **extra,
    }


def task_info(uid: int, kind: str = "documentAdditionOrUpdate") -> dict[str, Any]:
    """The 202 answer to a write."""
    return {
        "taskUid": uid,
        "indexUid": UID,
        "status": "enqueued",
        "type": kind,
        "enqueuedAt": ENQUEUED,
    }


def task(uid: int, status: str = "succeeded", **extra: Any) -> dict[str, Any]:
    """GET /tasks/{uid}."""
    return {
        "uid": uid,
        "indexUid": UID,
        "status": status,
        "type": "documentAdditionOrUpdate",
        "details": {},
        "error": None,
        "duration": "PT0.1S",
        "enqueuedAt": ENQUEUED,
        "startedAt": ENQUEUED,
        "finishedAt": ENQUEUED,
        **extra,
    }


def sorted_details(ts: int) -> dict[str, Any]:
    return {"sort": {"order": 0, "published_ts": {"order": "desc", "value": ts}}}


SKIPPED = {"skipped": {"order": 0}}
"""``_rankingScoreDetails`` of a hit the server appended unsorted after searchCutoffMs."""


def backend(stub: Stub, **options: Any) -> MeilisearchBackend:
    values: dict[str, Any] = {"url": stub.url, "api_key": KEY, "index_uid": UID}
    values.update(options)
    return MeilisearchBackend(Path("unused"), **values)


def make_article(number: int, body: str = "Stormen drog in över Kalmar.") -> Article:
    return Article(
        url=f"https://example.se/nyheter/{number}",
        canonical_url=f"https://example.se/nyheter/{number}",
        source="kalmar-posten",
        source_name="Kalmar Posten",
        title=f"Nyhet {number}",
        lead="Ingress.",
        body=body,
        published=datetime(2025, 3, 4, 6, 30, tzinfo=STOCKHOLM),
        language="sv",
    )


# ---------------------------------------------------------------------- 1. the URL


@pytest.mark.parametrize("url", ["meili.redaktionen.lan", "localhost", "localhost:7700", "http//x"])
def test_a_url_without_a_scheme_is_one_line_naming_the_setting(url: str) -> None:
    with pytest.raises(ConfigError) as caught:
        MeilisearchBackend(Path("unused"), url=url)
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("MEILI_URL (or meili_url in arkiv.toml) is not a usable")
    assert repr(url) in message
    assert "http://" in caught.value.hint
    with pytest.raises(ConfigError, match=r"^MEILI_URL is not a usable Meilisearch URL"):
        load_config(env={"MEILI_URL": url, "ARKIV_BACKEND": "meilisearch"})


def test_the_setting_named_is_where_the_url_came_from(tmp_path: Path) -> None:
    toml = tmp_path / "arkiv.toml"
    toml.write_text('backend = "meilisearch"\nmeili_url = "meili.redaktionen.lan:7700"\n')
    with pytest.raises(ConfigError, match=rf"^meili_url in {toml} is not a usable") as caught:
        load_config(config_file=toml, env={})
    assert "http://meili.redaktionen.lan:7700" in caught.value.hint
    # the embedded backend does not care what MEILI_URL holds
    assert load_config(env={"MEILI_URL": "localhost"}).backend == "tantivy"
    # no password in the message
    with pytest.raises(ConfigError) as bad_port:
        load_config(env={"MEILI_URL": "http://u:pw@h:77x", "ARKIV_BACKEND": "meilisearch"})
    assert "pw" not in str(bad_port.value)


def test_arkiv_says_it_in_one_line_without_a_traceback(tmp_path: Path) -> None:
    result = run_arkiv(
        "search", "kommun", "--data", str(tmp_path), "--backend", "meilisearch",
        env={"MEILI_URL": "meili.redaktionen.lan", "MEILI_MASTER_KEY": KEY},
    )  # fmt: skip
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert lines[0].startswith("Error: MEILI_URL is not a usable Meilisearch URL")
    assert KEY not in result.stderr


# ---------------------------------------------------------------------- 2. a search-only key


def search_only_server(stub: Stub, documents: int) -> None:
    """What a key with only the `search` action on the index gets (every other route: 403)."""
    stub.routes[("POST", f"/indexes/{UID}/search")] = lambda r: (
        200,
        search_answer([], documents if "schema !=" not in r.json().get("filter", "") else 0),
    )
    for method, path in (
        ("GET", "/version"),
        ("GET", f"/indexes/{UID}"),
        ("GET", f"/indexes/{UID}/settings"),
        ("GET", f"/indexes/{UID}/stats"),
        ("GET", "/stats"),
        ("POST", f"/indexes/{UID}/documents"),
        ("POST", f"/indexes/{UID}/documents/delete"),
        ("DELETE", f"/indexes/{UID}"),
    ):
        stub.routes[(method, path)] = INVALID_KEY


def test_a_search_only_key_counts_and_syncs_nothing_without_stats_get(stub: Stub) -> None:
    search_only_server(stub, documents=1234)
    index = backend(stub)
    index.configure()  # the schema is checked by a search; the settings are left be
    stats = index.stats()
    assert stats.documents == 1234
    assert not stub.sent("GET", f"/indexes/{UID}/stats")  # stats.get is never needed
    assert not stub.sent("GET", "/stats")
    assert index.upsert([]) == 0  # a sync with nothing to send is no error
    assert index.delete([]) == 0
    assert not stub.sent("POST", f"/indexes/{UID}/documents")
    assert all(r.headers["authorization"] == f"Bearer {KEY}" for r in stub.requests)


def test_a_search_only_key_cannot_write_and_says_so(stub: Stub) -> None:
    search_only_server(stub, documents=3)
    index = backend(stub)
    index.configure()
    with pytest.raises(BackendUnavailable, match="may search the index 'lokalarkiv' but not"):
        index.upsert([make_article(1)])
    assert not stub.sent("POST", f"/indexes/{UID}/documents")
    with pytest.raises(BackendUnavailable, match="but not change it"):
        index.delete(["0123456789abcdef"])


def test_a_wrong_key_is_refused_at_the_first_request(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/search")] = INVALID_KEY
    with pytest.raises(BackendUnavailable, match="refused the API key") as caught:
        backend(stub).configure()
    assert KEY not in str(caught.value) + caught.value.hint


# ---------------------------------------------------------------------- 3. facets


def test_facets_show_the_top_values_exactly_as_the_embedded_index_does(stub: Stub) -> None:
    # the server's count-ordered distribution: most frequent first, ties in its own order
    people = {f"Person {n:05d}": 5000 - n // 3 for n in range(2000)}
    server_order = sorted(people.items(), key=lambda kv: (-kv[1], [-ord(c) for c in kv[0]]))
    stub.routes[("POST", f"/indexes/{UID}/search")] = (
        200,
        search_answer([], 99, facetDistribution={"people": dict(server_order)}),
    )
    page = backend(stub).search(Query(facets=("person",), limit=0))
    shown = page.facets["person"]
    assert len(shown) == FACET_SIZE == 300
    assert shown == dict(list(order_facet(people.items()).items())[:FACET_SIZE])
    assert MAX_VALUES_PER_FACET > 10 * FACET_SIZE  # the server counts far more than is shown
    assert index_settings()["faceting"]["maxValuesPerFacet"] == MAX_VALUES_PER_FACET


# ---------------------------------------------------------------------- 4. degraded pages


def hit(number: int, details: dict[str, Any]) -> dict[str, Any]:
    ts = 1_741_000_000 - number
    return {
        "id": f"{number:016x}",
        "id_key": number,
        "published_ts": ts,
        "url": f"https://example.se/{number}",
        "title": f"Nyhet {number}",
        "source": "kalmar-posten",
        "published": "2025-03-04T06:30:00+01:00",
        "_rankingScoreDetails": details,
    }


def test_a_page_the_server_left_unsorted_is_asked_again(stub: Stub) -> None:
    answers = iter(
        [
            [hit(1, sorted_details(1)), hit(2, SKIPPED)],  # cut by searchCutoffMs
            [hit(1, sorted_details(1)), hit(2, sorted_details(2))],
        ]
    )
    stub.routes[("POST", f"/indexes/{UID}/search")] = lambda r: (
        200,
        search_answer(next(answers), 2),
    )
    page = backend(stub).search(Query(sort="newest", limit=2))
    assert [h.title for h in page.hits] == ["Nyhet 1", "Nyhet 2"]
    sent = stub.sent("POST", f"/indexes/{UID}/search")
    assert len(sent) == 2
    assert sent[0].json()["showRankingScoreDetails"] is True


def test_a_page_left_unsorted_twice_is_refused(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/search")] = (
        200,
        search_answer([hit(1, sorted_details(1)), hit(2, SKIPPED)], 2),
    )
    with pytest.raises(QueryError, match=f"searchCutoffMs {SEARCH_CUTOFF_MS} ms") as caught:
        backend(stub).search(Query(sort="oldest", limit=2))
    assert "\n" not in str(caught.value)
    with pytest.raises(QueryError, match="while reading every match"):
        list(backend(stub).iter_matches(Query()))
    assert degraded([{"_rankingScoreDetails": SKIPPED}])
    assert not degraded([{"_rankingScoreDetails": sorted_details(1)}, {}])


def estimate_answer(hits: list[dict[str, Any]], estimate: int, **extra: Any) -> dict[str, Any]:
    """A search response of offset / limit: the server's estimate, no exhaustive count."""
    return {"hits": hits, "query": "", "processingTimeMs": 1, "offset": 0, "limit": 2,
            "estimatedTotalHits": estimate, **extra}  # fmt: skip


def test_a_large_total_may_be_the_servers_estimate(stub: Stub) -> None:
    rows = [hit(1, sorted_details(1)), hit(2, sorted_details(2))]
    stub.routes[("POST", f"/indexes/{UID}/search")] = (200, estimate_answer(rows, 770_000))
    page = backend(stub).search(Query(sort="newest", limit=2, offset=4, exact_total=False))
    assert (page.total, page.total_exact) == (770_000, False)
    [sent] = stub.sent("POST", f"/indexes/{UID}/search")  # one request, no exact count
    assert (sent.json()["offset"], sent.json()["limit"]) == (4, 2)
    assert "page" not in sent.json()
    assert "hitsPerPage" not in sent.json()


def test_a_page_that_ends_the_result_gives_the_exact_total(stub: Stub) -> None:
    rows = [hit(1, sorted_details(1))]
    stub.routes[("POST", f"/indexes/{UID}/search")] = (200, estimate_answer(rows, 9))
    page = backend(stub).search(Query(sort="newest", limit=2, offset=4, exact_total=False))
    assert (page.total, page.total_exact) == (5, True)  # 4 before, 1 here, and no more


def test_the_total_is_exact_unless_an_estimate_is_allowed(stub: Stub) -> None:
    rows = [hit(1, sorted_details(1)), hit(2, sorted_details(2))]
    answers = iter([search_answer(rows, MAX_TOTAL_HITS), search_answer([], MAX_TOTAL_HITS,
        facetDistribution={"schema": {"6": 770_000}})])  # fmt: skip
    stub.routes[("POST", f"/indexes/{UID}/search")] = lambda r: (200, next(answers))
    page = backend(stub).search(Query(sort="newest", limit=2))
    assert (page.total, page.total_exact) == (770_000, True)
    first, count = stub.sent("POST", f"/indexes/{UID}/search")
    assert first.json()["hitsPerPage"] == 2  # exhaustive, and past the cap a count by facet
    assert count.json()["facets"] == ["schema"]


def test_the_cutoff_is_set_deliberately() -> None:
    assert index_settings()["searchCutoffMs"] == SEARCH_CUTOFF_MS
    assert 1500 < SEARCH_CUTOFF_MS < 30_000  # above the default, inside the HTTP timeout


# ---------------------------------------------------------------------- 5. batch bytes


def writing_server(stub: Stub) -> None:
    uids = iter(range(100, 1000))

    def added(request: Request) -> Answer:
        return 202, task_info(next(uids))

    stub.routes[("POST", f"/indexes/{UID}/documents")] = added
    for uid in range(100, 1000):
        stub.routes[("GET", f"/tasks/{uid}")] = (200, task(uid))


def test_batches_are_capped_by_their_serialised_size(stub: Stub) -> None:
    writing_server(stub)
    body = "Kommunens säkerhetssamordnare lämnar. " * 400  # ~15 kB, twice in each document
    articles = [make_article(n, body) for n in range(12)]
    one = len(json.dumps(document(articles[0]), ensure_ascii=False).encode())
    cap = one * 3 + one // 2
    assert backend(stub, batch_bytes=cap, batch_size=1000).upsert(articles) == 12
    sent = stub.sent("POST", f"/indexes/{UID}/documents")
    assert len(sent) == 4  # 3 documents a request fit under the cap
    assert all(len(r.body) <= cap for r in sent)
    ids = [doc["id"] for r in sent for doc in r.json()]
    assert ids == [a.id for a in articles]
    assert sent[0].json()[0]["body_sv"]  # the whole document, stems and all
    assert sent[0].headers["content-type"] == "application/json"
    # a document larger than the cap goes alone; the count cap still holds
    stub.requests.clear()
    assert backend(stub, batch_bytes=10, batch_size=5).upsert(articles[:2]) == 2
    assert [len(r.json()) for r in stub.sent("POST", f"/indexes/{UID}/documents")] == [1, 1]
    stub.requests.clear()
    backend(stub, batch_size=5).upsert(articles)
    assert [len(r.json()) for r in stub.sent("POST", f"/indexes/{UID}/documents")] == [5, 5, 2]


def test_a_payload_the_server_refuses_is_one_line_with_the_limit_named(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/documents")] = (
        413,
        error(
            "payload_too_large",
            "The provided payload reached the size limit. The maximum accepted payload size is 100 MB.",
        ),
    )
    with pytest.raises(IndexingError, match="payload_too_large: The provided payload") as caught:
        backend(stub).upsert([make_article(1)])
    assert "--http-payload-size-limit" in caught.value.hint


# ---------------------------------------------------------------------- 6. messages


def test_without_a_key_no_authorization_header_is_sent(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/search")] = MISSING_KEY
    for key in (None, ""):
        stub.requests.clear()
        with pytest.raises(BackendUnavailable) as caught:
            backend(stub, api_key=key).search(Query(text="kommun"))
        assert "needs an API key (none was given)" in str(caught.value)
        assert "authorization" not in stub.requests[0].headers
        assert "Bearer None" not in json.dumps(stub.requests[0].headers)


def test_a_refused_search_loses_the_clients_version_hint(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/search")] = (
        400,
        error(
            "invalid_search_filter",
            "Attribute `x` is not filterable. Available filterable attributes are: `id`.",
        ),
    )
    with pytest.raises(QueryError) as caught:
        backend(stub).search(Query(text="kommun"))
    assert str(caught.value) == (
        "Meilisearch refused the search: invalid_search_filter: Attribute `x` is not "
        "filterable. Available filterable attributes are: `id`."
    )
    assert "up to date" not in str(caught.value)


def test_an_http_timeout_is_not_a_task_still_running(stub: Stub) -> None:
    writing_server(stub)
    stub.routes[("GET", "/tasks/100")] = (200, task(100), 2.5)  # answers after the timeout
    with pytest.raises(BackendUnavailable) as caught:
        backend(stub, http_timeout_s=1).upsert([make_article(1)])
    assert str(caught.value) == (
        f"Meilisearch at {stub.url} did not answer within 1 s while writing documents"
    )
    assert "still" not in str(caught.value)


def test_a_task_still_running_is_not_an_http_timeout(stub: Stub) -> None:
    writing_server(stub)
    stub.routes[("GET", "/tasks/100")] = (200, task(100, status="processing"))
    with pytest.raises(IndexingError) as caught:
        backend(stub, task_timeout_s=0.3).upsert([make_article(1)])
    assert str(caught.value) == (
        "Meilisearch task 100 (adding 1 documents) is still processing after 0.3 s; "
        "run `arkiv index` again"
    )


# ---------------------------------------------------------------------- 7. snippets


def positions(field_name: str, text: str, *stems: str) -> dict[str, list[dict[str, int]]]:
    """``_matchesPosition`` for these stems in one ``*_sv`` field (byte offsets, as the
    server gives them)."""
    encoded = text.encode()
    bounds = []
    for word_stem in stems:
        start = encoded.index(word_stem.encode())
        bounds.append({"start": start, "length": len(word_stem.encode())})
    return {field_name: bounds}


def test_snippets_highlight_what_the_server_matched(stub: Stub) -> None:
    body = "Eva Hergman och Anna Bergman leder kommunens nya räddningstjänst."
    body_sv = stem_fields("", "", body)["body_sv"]
    row = {
        "id": "0123456789abcdef",
        "title": "Rubrik",
        "lead": "",
        "body": body,
        # the query "Bergman": exact only (a first-letter typo counts as two, over budget)
        "_matchesPosition": positions("body_sv", body_sv, "bergman"),
        "_rankingScoreDetails": {"words": {"order": 0, "matchingWords": 1, "maxMatchingWords": 1}},
    }
    stub.routes[("POST", f"/indexes/{UID}/search")] = (200, search_answer([row], 1))
    page = backend(stub).search(Query(text="Bergman"))
    snippet = page.hits[0].snippet.html()
    assert "<b>Bergman</b>" in snippet
    assert "<b>Hergman</b>" not in snippet
    sent = stub.sent("POST", f"/indexes/{UID}/search")[0].json()
    assert sent["showMatchesPosition"] is True
    assert not any(name.endswith("_sv") for name in sent["attributesToRetrieve"])


def test_snippets_follow_the_servers_synonyms_prefixes_and_compound_heads() -> None:
    body = "Kommundirektören och säkerhetssamordnaren i Vimmerby kommun."
    fields = stem_fields("", "", body)
    synonym = {
        "body": body,
        "_matchesPosition": positions("body_sv", fields["body_sv"], "kommundirektör"),
    }
    snippet = make_snippet(synonym, text_query("kommunchef "), matched_stems(synonym)).html()
    assert "<b>Kommundirektören</b>" in snippet
    prefix = {
        "body": body,
        "_matchesPosition": positions("body_sv", fields["body_sv"], "säkerhetssam"),
    }
    snippet = make_snippet(prefix, text_query("säkerhetssam"), matched_stems(prefix)).html()
    assert "<b>säkerhetssamordnaren</b>" in snippet
    head = {"body": body, "_matchesPosition": positions("parts_sv", fields["parts_sv"], "samordn")}
    snippet = make_snippet(head, text_query("samordnare "), matched_stems(head)).html()
    assert "<b>säkerhetssamordnaren</b>" in snippet
    assert "<b>Vimmerby</b>" not in snippet
    # matched nowhere in the text (say, only in a name): no highlight at all
    nothing = {"body": body, "_matchesPosition": {}}
    assert "<b>" not in make_snippet(nothing, text_query("vimerby "), matched_stems(nothing)).html()


def test_without_positions_the_first_letter_counts_twice() -> None:
    row = {"body": "Eva Hergman och Anna Bergman. Vesterbäck och Westerbäck."}
    assert matched_stems(row) is None
    snippet = make_snippet(row, text_query("Bergman ")).html()  # 7 letters: one typo
    assert "<b>Bergman</b>" in snippet
    assert "<b>Hergman</b>" not in snippet  # first letter: two typos
    snippet = make_snippet(row, text_query("Westerbäck ")).html()  # 10 letters: two typos
    assert "<b>Vesterbäck</b>" in snippet
    assert "<b>Westerbäck</b>" in snippet


# ---------------------------------------------------------------------- configure, as admin


def test_configure_creates_the_index_and_sends_the_settings_that_differ(stub: Stub) -> None:
    created: list[bool] = []

    def searched(request: Request) -> Answer:
        if not created:
            return 404, error("index_not_found", f"Index `{UID}` not found.")
        return 200, search_answer([], 0)

    def create(request: Request) -> Answer:
        created.append(True)
        return 202, task_info(1, "indexCreation")

    stub.routes.update(
        {
            ("POST", f"/indexes/{UID}/search"): searched,
            ("GET", "/version"): (
                200,
                {"pkgVersion": "1.16.0", "commitSha": "x", "commitDate": "x"},
            ),
            ("POST", "/indexes"): create,
            ("GET", "/tasks/1"): (200, task(1)),
            ("GET", f"/indexes/{UID}/settings"): (200, {"searchCutoffMs": None}),
            ("PATCH", f"/indexes/{UID}/settings"): (202, task_info(2, "settingsUpdate")),
            ("GET", "/tasks/2"): (200, task(2)),
        }
    )
    backend(stub).configure()
    assert stub.sent("POST", "/indexes")[0].json() == {"uid": UID, "primaryKey": "id"}
    sent = stub.sent("PATCH", f"/indexes/{UID}/settings")[0].json()
    assert sent["searchCutoffMs"] == SEARCH_CUTOFF_MS
    assert sent["faceting"]["maxValuesPerFacet"] == MAX_VALUES_PER_FACET
    assert "body_sv" in sent["displayedAttributes"]
    # an index already holding the project's settings gets none sent
    stub.requests.clear()
    stub.routes[("GET", f"/indexes/{UID}")] = (200, {"uid": UID, "primaryKey": "id"})
    stub.routes[("GET", f"/indexes/{UID}/settings")] = (200, index_settings())
    backend(stub).configure()
    assert not stub.sent("PATCH", f"/indexes/{UID}/settings")
    assert not stub.sent("POST", "/indexes")


def test_an_old_server_is_refused_with_the_version_needed(stub: Stub) -> None:
    stub.routes[("POST", f"/indexes/{UID}/search")] = (200, search_answer([], 0))
    stub.routes[("GET", "/version")] = (200, {"pkgVersion": "1.9.0"})
    with pytest.raises(BackendUnavailable, match=r"Meilisearch 1\.9\.0 .* needs 1\.10 or newer"):
        backend(stub).configure()


# ---------------------------------------------------------------------- counts by period


def test_counts_by_period_are_one_count_search_per_period(stub: Stub) -> None:
    """No day, week or month attribute to facet on: the first and the last match by two
    date-sorted searches, then one count per period on ``published_ts`` between Stockholm
    midnights."""
    times = [
        datetime(2024, 12, 31, 23, 59, tzinfo=STOCKHOLM),  # December, but week 2025-W01
        datetime(2025, 1, 1, 0, 0, 30, tzinfo=STOCKHOLM),  # 2024-12-31 in UTC
        datetime(2025, 1, 20, 12, 0, tzinfo=STOCKHOLM),
        datetime(2025, 3, 31, 0, 30, tzinfo=STOCKHOLM),  # summer time: 22:30 UTC the day before
    ]
    rows = [
        {"id": f"{n:016x}", "published": t.isoformat(), "published_ts": int(t.timestamp())}
        for n, t in enumerate(times)
    ]

    def answer(request: Request) -> Answer:
        asked = request.json()
        found = rows
        for op, value in re.findall(r"published_ts (>=|<) (\d+)", asked.get("filter") or ""):
            found = [r for r in found if (r["published_ts"] >= int(value)) == (op == ">=")]
        if (asked.get("sort") or [""])[0] == "published_ts:desc":
            found = found[::-1]
        return (200, search_answer(found[: asked.get("hitsPerPage", 0)], len(found)))

    stub.routes[("POST", f"/indexes/{UID}/search")] = answer
    index = backend(stub)
    assert index.count_by_period(Query(text=""), "month") == [
        (date(2024, 12, 1), 1),
        (date(2025, 1, 1), 2),
        (date(2025, 3, 1), 1),
    ]
    stub.requests.clear()
    weeks = index.count_by_period(Query(text="", date_to=date(2025, 3, 31)), "week")
    assert weeks == [(date(2024, 12, 30), 2), (date(2025, 1, 20), 1), (date(2025, 3, 31), 1)]
    searches = stub.sent("POST", f"/indexes/{UID}/search")
    assert len(searches) == 2 + 14  # the two ends, then every week from 30 Dec to 31 Mar
    summer = int(datetime(2025, 3, 31, tzinfo=STOCKHOLM).timestamp())
    assert f"published_ts >= {summer}" in searches[-1].json()["filter"]
    assert index.count_by_period(Query(text="", date_from=date(2026, 1, 1)), "day") == []
    with pytest.raises(QueryError, match="'year'"):
        index.count_by_period(Query(text=""), "year")
