"""Meilisearch index settings, documents, Swedish analysis, snippets and error translation.

No server: these are the pure parts, and the client's own exception and task objects built
directly (the way the client builds them from a response).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from meilisearch.errors import (
    MeilisearchApiError,
    MeilisearchCommunicationError,
    MeilisearchTimeoutError,
)
from meilisearch.models.task import Task

from indexer.article import Article, Person
from indexer.errors import BackendUnavailable, ConfigError, IndexingError, QueryError
from indexer.search.backends import open_backend
from indexer.search.backends.meilisearch import (
    MeilisearchBackend,
    safe_url,
    task_error,
    translate_error,
)
from indexer.search.backends.meilisearch.filters import make_snippet, text_query
from indexer.search.backends.meilisearch.settings import (
    DISPLAYED,
    FACET_ATTRIBUTES,
    MAX_TOTAL_HITS,
    MAX_VALUES_PER_FACET,
    SCHEMA_VERSION,
    SEARCH_CUTOFF_MS,
    SEARCHABLE,
    SYNONYM_GROUPS,
    analyze,
    compound_parts,
    document,
    id_key,
    index_settings,
    settings_changes,
    stop_words,
    synonyms,
)
from indexer.search.query import FACETS, MAX_LIMIT, MAX_OFFSET

STOCKHOLM = ZoneInfo("Europe/Stockholm")
URL = "http://127.0.0.1:7700"
SECRET = "masterKey-sekret-0123456789"


def make_article(**changes: Any) -> Article:
    values: dict[str, Any] = {
        "url": "https://example.se/nyheter/1",
        "canonical_url": "https://example.se/nyheter/1",
        "source": "vimmerby-tidning",
        "source_name": "Vimmerby Tidning",
        "title": "Kommunens säkerhetssamordnare lämnar",
        "lead": "Vimmerby kommuns säkerhetssamordnare går till Jönköping.",
        "body": "Anna Westerbäck har varit säkerhetssamordnaren i kommunen sedan 2019.",
        "published": datetime(2025, 3, 4, 6, 30, tzinfo=STOCKHOLM),
        "language": "sv",
        "municipalities": ["Vimmerby", " Vimmerby ", "Jönköping"],
        "regions": ["Kalmar län"],
        "kinds": ["personnel"],
        "people": [
            Person(name="Anna Westerbäck", roles=["säkerhetssamordnare"], change="leaving"),
            Person(name=" ", roles=["kommunchef"]),
        ],
        "first_seen": datetime(2025, 3, 4, 7, 0, tzinfo=UTC),
    }
    values.update(changes)
    return Article(**values)


# ---------------------------------------------------------------------- settings


def test_settings_are_the_projects() -> None:
    settings = index_settings()
    assert settings["searchableAttributes"] == [
        "title_sv",
        "lead_sv",
        "people_sv",
        "body_sv",
        "parts_sv",
    ]
    assert set(settings["filterableAttributes"]) >= {
        "published_ts",
        "source",
        "municipalities",
        "regions",
        "kinds",
        "language",
        "roles",
        "people",
        "year",
        "id",
        "id_key",
        "schema",
    }
    assert set(FACET_ATTRIBUTES) == set(FACETS)
    assert set(FACET_ATTRIBUTES.values()) <= set(settings["filterableAttributes"])
    assert set(settings["sortableAttributes"]) == {"published_ts", "id_key", "recency"}
    rules = settings["rankingRules"]
    assert rules[0] == "sort"  # a date sort is the order, as in the Tantivy backend
    assert rules[-1] == "recency:desc"  # the recency tie-break
    assert rules[1:-1] == ["words", "typo", "proximity", "attribute", "exactness"]
    assert settings["typoTolerance"]["minWordSizeForTypos"] == {"oneTypo": 5, "twoTypos": 9}
    assert settings["typoTolerance"]["enabled"] is True
    assert settings["pagination"]["maxTotalHits"] == MAX_TOTAL_HITS >= MAX_OFFSET + MAX_LIMIT
    assert settings["faceting"]["maxValuesPerFacet"] >= 290  # every municipality
    assert settings["localizedAttributes"] == [{"attributePatterns": ["*_sv"], "locales": ["swe"]}]
    # the stems are displayed only so that _matchesPosition covers them; hits never ask for them
    assert set(settings["displayedAttributes"]) == set(DISPLAYED) | set(SEARCHABLE)
    assert not set(DISPLAYED) & set(SEARCHABLE)
    assert settings["searchCutoffMs"] == SEARCH_CUTOFF_MS >= 5000  # not the default 1500
    assert settings["faceting"]["maxValuesPerFacet"] == MAX_VALUES_PER_FACET >= 10 * 300
    # what hits and the export keyset read must be displayed, or the server drops it
    assert {"id", "published", "published_ts", "id_key", "lead", "body"} <= set(DISPLAYED)


def test_stop_words_are_stems_and_spare_content_words() -> None:
    words = set(stop_words())
    assert {"och", "i", "på", "att", "dess"} <= words  # "dessa" is indexed as "dess"
    assert not {"år", "kommun", "möt", "beslut"} & words
    assert list(stop_words()) == sorted(words)


def test_synonyms_go_both_ways_in_stem_form() -> None:
    table = synonyms()
    assert "kommundirektör" in table["kommunchef"]
    assert "kommunchef" in table["kommundirektör"]
    assert {"brandkår", "brandförsv"} <= set(table["räddningstjänst"])
    assert "räddningstjänst" in table["brandkår"]
    # the query reaches the server stemmed, so an inflected form meets the synonym
    assert text_query("kommundirektören ").q.strip() in table
    for group in SYNONYM_GROUPS:  # keys are what a query sends for each entry
        for entry in group:
            assert " ".join(analyze(entry)) in table
    for key, values in table.items():
        assert key not in values
        for value in values:
            assert key in table[value]


def _server_shape(settings: dict[str, Any]) -> dict[str, Any]:
    """What GET /settings returns for these settings: sets sorted, nested defaults added,
    and keys we never set."""
    current = json.loads(json.dumps(settings))
    current["displayedAttributes"] = list(reversed(current["displayedAttributes"]))
    current["filterableAttributes"] = sorted(current["filterableAttributes"], reverse=True)
    current["stopWords"] = sorted(current["stopWords"], reverse=True)
    current["synonyms"] = {k: list(reversed(v)) for k, v in current["synonyms"].items()}
    current["typoTolerance"]["disableOnNumbers"] = False
    current["faceting"]["sortFacetValuesBy"]["*"] = "count"
    current["distinctAttribute"] = None
    current["proximityPrecision"] = "byWord"
    current["embedders"] = {}
    return current


def test_settings_are_applied_only_where_they_differ() -> None:
    wanted = index_settings()
    assert settings_changes(_server_shape(wanted), wanted) == {}
    fresh_index: dict[str, Any] = {
        "searchableAttributes": ["*"],
        "displayedAttributes": ["*"],
        "filterableAttributes": [],
        "sortableAttributes": [],
        "rankingRules": ["words", "typo", "proximity", "attribute", "sort", "exactness"],
        "stopWords": [],
        "synonyms": {},
        "typoTolerance": {
            "enabled": True,
            "minWordSizeForTypos": {"oneTypo": 5, "twoTypos": 9},
            "disableOnWords": [],
            "disableOnAttributes": [],
        },
        "faceting": {"maxValuesPerFacet": 100, "sortFacetValuesBy": {"*": "alpha"}},
        "pagination": {"maxTotalHits": 1000},
        "localizedAttributes": None,
    }
    changes = settings_changes(fresh_index, wanted)
    assert set(changes) == set(wanted) - {"typoTolerance"}
    assert changes["faceting"] == wanted["faceting"]
    # order matters where Meilisearch gives it a meaning
    shuffled = _server_shape(wanted)
    shuffled["searchableAttributes"] = list(reversed(shuffled["searchableAttributes"]))
    shuffled["rankingRules"] = [*shuffled["rankingRules"][1:], "sort"]
    assert set(settings_changes(shuffled, wanted)) == {"searchableAttributes", "rankingRules"}
    # a server answering in the granular filterable form (v1.14+) is the same
    granular = _server_shape(wanted)
    granular["filterableAttributes"] = [
        {
            "attributePatterns": [name],
            "features": {"facetSearch": True, "filter": {"equality": True, "comparison": True}},
        }
        for name in wanted["filterableAttributes"]
    ]
    assert settings_changes(granular, wanted) == {}
    granular["filterableAttributes"][0]["features"]["filter"]["comparison"] = False
    assert set(settings_changes(granular, wanted)) == {"filterableAttributes"}
    # a changed nested value is sent whole
    loose = _server_shape(wanted)
    loose["typoTolerance"]["minWordSizeForTypos"]["oneTypo"] = 4
    assert settings_changes(loose, wanted) == {"typoTolerance": wanted["typoTolerance"]}
    # the returned changes are copies: changing them leaves the project's settings alone
    changes["faceting"]["maxValuesPerFacet"] = 1
    assert index_settings()["faceting"]["maxValuesPerFacet"] != 1


# ---------------------------------------------------------------------- documents


def test_document_from_an_article() -> None:
    article = make_article()
    doc = document(article)
    assert doc["id"] == article.id
    assert doc["url"] == article.canonical_url
    assert doc["title"] == article.title
    assert doc["municipalities"] == ["Vimmerby", "Jönköping"]  # stripped, deduplicated
    assert doc["people"] == ["Anna Westerbäck"]  # blank names dropped
    assert doc["roles"] == ["säkerhetssamordnare", "kommunchef"]
    assert doc["published"] == "2025-03-04T06:30:00+01:00"
    assert doc["published_ts"] == int(datetime(2025, 3, 4, 5, 30, tzinfo=UTC).timestamp())
    assert doc["recency"] == doc["published_ts"]
    assert doc["year"] == "2025"
    assert doc["id_key"] == int(article.id[:13], 16)
    assert doc["schema"] == SCHEMA_VERSION
    assert doc["title_sv"] == "kommun säkerhetssamordn lämn"
    assert doc["people_sv"] == [" ".join(analyze("Anna Westerbäck"))]
    assert "kommun" in doc["body_sv"].split()  # "kommunen"
    assert set(doc["parts_sv"].split()) >= {"samordn"}  # säkerhetssamordnare's head
    json.dumps(doc)  # JSON-ready


def test_undated_article_has_no_date_fields_but_a_recency() -> None:
    doc = document(make_article(published=None))
    assert "published_ts" not in doc
    assert "year" not in doc
    assert "published" not in doc
    assert doc["recency"] == int(datetime(2025, 3, 4, 7, 0, tzinfo=UTC).timestamp())
    bare = document(make_article(published=None, first_seen=None))
    assert bare["recency"] == 0


def test_year_is_the_stockholm_year() -> None:
    new_year = datetime(2024, 12, 31, 23, 30, tzinfo=UTC)  # 00:30 on 1 January in Stockholm
    assert document(make_article(published=new_year))["year"] == "2025"


def test_inflections_meet_between_documents_and_queries() -> None:
    for form in ("kommun", "kommunen", "kommunens", "kommuner", "kommunerna"):
        doc = document(make_article(body=f"Det gäller {form} i länet."))
        assert "kommun" in doc["body_sv"].split()
        assert text_query(f"{form} ").q == "kommun "


def test_compound_parts_and_id_key() -> None:
    assert compound_parts(analyze("säkerhetssamordnaren förråd kommunchefen")) == {
        "samordn",
        "chef",
    }
    assert id_key("ffffffffffffffff") == 2**52 - 1  # exact in a JSON double
    assert id_key("not-hex") >= 0


# ---------------------------------------------------------------------- snippets


def test_snippet_highlights_inflected_forms_and_escapes_html() -> None:
    row = {
        "lead": "Ingress.",
        "body": "I <Vimmerby> & kommunen beslutade kommunens styrelse om budgeten.",
    }
    snippet = make_snippet(row, text_query("kommun budget ")).html()
    assert "<b>kommunen</b>" in snippet
    assert "<b>kommunens</b>" in snippet
    assert "<b>budgeten</b>" in snippet
    assert "&lt;Vimmerby&gt; &amp;" in snippet
    assert "<Vimmerby>" not in snippet


def test_snippet_highlights_prefix_typo_and_compound_matches() -> None:
    row = {"body": "Anna Westerbäck blir säkerhetssamordnare i Eksjö."}
    assert "<b>Westerbäck</b>" in make_snippet(row, text_query("Westerbak ")).html()
    assert "<b>säkerhetssamordnare</b>" in make_snippet(row, text_query("säkerhetssam")).html()
    assert "<b>säkerhetssamordnare</b>" in make_snippet(row, text_query("samordnare ")).html()


def test_snippet_window_and_fallbacks() -> None:
    long_body = ("Ord " * 200) + "stormen drog in. " + ("Mer " * 200)
    snippet = make_snippet({"body": long_body}, text_query("storm ")).html()
    assert snippet.startswith("… ")
    assert snippet.endswith(" …")
    assert "<b>stormen</b>" in snippet
    assert len(snippet.replace("<b>", "").replace("</b>", "")) <= 240 + 4
    # no match in body: the lead; no match anywhere: the plain start of the lead
    assert make_snippet({"body": "x", "lead": "Stormen kom."}, text_query("storm ")).html() == (
        "<b>Stormen</b> kom."
    )
    assert (
        make_snippet({"body": "x y", "lead": "A & b"}, text_query("storm ")).html() == "A &amp; b"
    )
    assert make_snippet({"body": "x y", "lead": ""}, text_query("")).html() == "x y"


# ---------------------------------------------------------------------- errors


def api_error(status: int, code: str, message: str) -> MeilisearchApiError:
    """The client's exception for an error response, built as the client builds it."""
    response = requests.Response()
    response.status_code = status
    response._content = json.dumps(
        {"message": message, "code": code, "type": "auth", "link": f"https://docs/{code}"}
    ).encode()
    return MeilisearchApiError("error", response)


def failed_task(code: str, message: str) -> Task:
    return Task(
        uid=41,
        index_uid="lokalarkiv",
        status="failed",
        type="documentAdditionOrUpdate",
        enqueued_at="2025-03-04T06:30:00.000000Z",
        error={"code": code, "message": message, "type": "invalid_request", "link": "x"},
    )


def translate(exc: Any, write: bool = False) -> Exception:
    return translate_error(exc, url=URL, index_uid="lokalarkiv", doing="searching", write=write)


def test_connection_refused_is_backend_unavailable_naming_the_url() -> None:
    exc = MeilisearchCommunicationError(
        "HTTPConnectionPool(host='127.0.0.1', port=7700): Max retries exceeded with url: "
        '/indexes/lokalarkiv/search (Caused by NewConnectionError("HTTPConnection(host='
        "'127.0.0.1', port=7700): Failed to establish a new connection: [Errno 111] "
        'Connection refused"))'
    )
    error = translate(exc)
    assert isinstance(error, BackendUnavailable)
    assert str(error) == f"cannot reach Meilisearch at {URL}: Connection refused"
    assert "MEILI_URL" in error.hint


def test_http_timeout_is_backend_unavailable() -> None:
    error = translate(MeilisearchTimeoutError("Read timed out. (read timeout=30)"))
    assert isinstance(error, BackendUnavailable)
    assert "did not answer in time while searching" in str(error)


@pytest.mark.parametrize("code", ["invalid_api_key", "missing_authorization_header"])
def test_a_refused_key_names_the_problem_never_the_key(code: str) -> None:
    error = translate(api_error(403 if code == "invalid_api_key" else 401, code, "Nope."))
    assert isinstance(error, BackendUnavailable)
    assert "API key" in str(error)
    assert code in str(error)
    assert "MEILI_MASTER_KEY" in error.hint
    assert SECRET not in str(error) + error.hint


def test_missing_index_says_how_to_build_it() -> None:
    error = translate(api_error(404, "index_not_found", "Index `lokalarkiv` not found."))
    assert isinstance(error, BackendUnavailable)
    assert "no index 'lokalarkiv'" in str(error)
    assert "arkiv index --backend meilisearch" in error.hint


def test_a_refused_search_is_a_query_error_with_code_and_message() -> None:
    error = translate(api_error(400, "invalid_search_filter", "Attribute `x` is not\nfilterable."))
    assert isinstance(error, QueryError)
    assert str(error) == (
        "Meilisearch refused the search: invalid_search_filter: Attribute `x` is not filterable."
    )


def test_other_api_errors_depend_on_reading_or_writing() -> None:
    exc = api_error(413, "payload_too_large", "The provided payload reached the size limit.")
    assert isinstance(translate(exc, write=True), IndexingError)
    assert isinstance(translate(exc, write=False), BackendUnavailable)
    assert "payload_too_large: The provided payload" in str(translate(exc, write=True))


def test_a_failed_task_carries_meilisearchs_code_and_message() -> None:
    error = task_error(
        failed_task("invalid_document_id", "Document identifier `a b` is invalid."),
        "adding 3 documents",
    )
    assert isinstance(error, IndexingError)
    assert str(error) == (
        "Meilisearch task 41 (adding 3 documents) failed: invalid_document_id: "
        "Document identifier `a b` is invalid."
    )
    assert "arkiv index" in error.hint


def test_urls_lose_their_credentials() -> None:
    assert safe_url("https://user:pw@meili.example.se:7700/x") == "https://meili.example.se:7700/x"
    assert safe_url(URL) == URL


# ---------------------------------------------------------------------- construction


def test_opening_contacts_nothing_and_never_shows_the_key(tmp_path: Path) -> None:
    backend = open_backend(
        "meilisearch",
        index_dir=tmp_path / "index",
        url="http://user:pw@127.0.0.1:7700/",
        api_key=SECRET,
        index_uid="arkiv-test",
    )
    assert isinstance(backend, MeilisearchBackend)
    assert SECRET not in repr(backend)
    assert "pw" not in repr(backend)
    assert backend.location == "http://127.0.0.1:7700"
    assert not (tmp_path / "index").exists()  # the index lives on the server
    backend.close()
    backend.close()


def test_a_url_is_required(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="needs a server URL") as caught:
        MeilisearchBackend(tmp_path, url=None)
    assert "MEILI_URL" in caught.value.hint
    with pytest.raises(ConfigError):
        MeilisearchBackend(tmp_path, url=URL, batch_size=0)


def test_a_server_that_is_not_there_is_one_clear_error(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    backend = MeilisearchBackend(tmp_path, url=f"http://127.0.0.1:{port}", api_key=SECRET)
    with pytest.raises(BackendUnavailable) as caught:
        backend.configure()
    assert str(caught.value).startswith(f"cannot reach Meilisearch at http://127.0.0.1:{port}: ")
    assert "\n" not in str(caught.value)
    assert SECRET not in str(caught.value)
