"""Canonical URLs: tracking parameters dropped, spelling normalised, ids stable."""

import pytest

from crawler.urls import canonicalize_url, url_path
from indexer.article import article_id


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://Example.se/nyheter/a?utm_source=facebook&utm_medium=social&fbclid=abc",
            "https://example.se/nyheter/a",
        ),
        ("https://example.se:443/a#kommentarer", "https://example.se/a"),
        ("http://example.se:80/a", "http://example.se/a"),
        ("http://127.0.0.1:8101/a?b=2&a=1", "http://127.0.0.1:8101/a?a=1&b=2"),
        ("https://example.se/a?sida=2&gclid=x", "https://example.se/a?sida=2"),
        ("https://example.se", "https://example.se/"),
        ("mailto:red@example.se", ""),
        ("javascript:void(0)", ""),
    ],
)
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize_url(url) == expected


def test_relative_links_resolve_against_the_page() -> None:
    assert canonicalize_url("../b?utm_campaign=x", base="https://e.se/n/a/") == "https://e.se/n/b"


def test_same_article_two_spellings_one_id() -> None:
    a = canonicalize_url("https://e.se/artikel/12-slug?utm_source=x")
    b = canonicalize_url("https://E.SE/artikel/12-slug#top")
    assert article_id(a) == article_id(b)


def test_url_path_includes_query() -> None:
    assert url_path("https://e.se/a/b?x=1") == "/a/b?x=1"
