"""The web app's parts that need no archive: snippet markup, password hashes and access
control, CSRF tokens, redirects, periods, dates, the [web] table, and the middleware (through
Starlette's test client, over an empty data folder)."""

from __future__ import annotations

import asyncio
import base64
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from indexer.config import Config, load_config
from indexer.errors import ConfigError
from indexer.search.periods import label, period_end, periods
from indexer.search.query import Snippet
from web import security
from web.app import create_app
from web.i18n import format_number, format_when, in_words
from web.markup import snippet_markup
from web.pages_more import safe_next
from web.security import (
    Access,
    Authenticator,
    Csrf,
    access_from_config,
    hash_password,
    is_loopback,
    verify_password,
)


@pytest.mark.parametrize(
    ("text", "spans", "markup"),
    [
        ("a storm i <kommunen>", [(2, 7)], "a <mark>storm</mark> i &lt;kommunen&gt;"),
        (
            "<script>alert(1)</script> x",
            [(26, 27)],
            "&lt;script&gt;alert(1)&lt;/script&gt; <mark>x</mark>",
        ),
        (
            "\"'><img src=x onerror=y> <b>",
            [(0, 2)],
            "<mark>&#34;&#39;</mark>&gt;&lt;img src=x onerror=y&gt; &lt;b&gt;",
        ),
        ("</b>z<mark>w</mark>", [(4, 5)], "&lt;/b&gt;<mark>z</mark>&lt;mark&gt;w&lt;/mark&gt;"),
        ("", [], ""),
    ],
)
def test_a_snippet_keeps_only_its_highlight(
    text: str, spans: list[tuple[int, int]], markup: str
) -> None:
    for quotes in (False, True):
        assert str(snippet_markup(Snippet.of(text, spans, escape_quotes=quotes))) == markup


def test_password_hashes() -> None:
    stored = hash_password("hemligt ord")
    assert stored.startswith("scrypt$14$8$1$")
    assert stored != hash_password("hemligt ord")  # salted
    assert verify_password("hemligt ord", stored)
    assert not verify_password("hemligt ord ", stored)
    assert not verify_password("hemligt ord", "plain text")
    assert not verify_password("x", "scrypt$14$8$1$!!$!!")


def test_access_from_the_web_table() -> None:
    stored = hash_password("t")
    access = access_from_config({"tokens": [stored], "users": {"eva": stored}})
    assert access.configured
    assert not access_from_config({}).configured
    for bad in ({"token": [stored]}, {"tokens": ["plain"]}, {"users": {"eva": 1}},
                {"tokens": stored}):  # fmt: skip
        with pytest.raises(ConfigError):
            access_from_config(bad)


def test_the_authenticator_takes_bearer_and_basic() -> None:
    stored = hash_password("pass")
    auth = Authenticator(Access((stored,), {"eva": stored}))
    basic = base64.b64encode(b"eva:pass").decode()
    assert auth.allows("Bearer pass")
    assert auth.allows(f"Basic {basic}")
    assert auth.allows(f"Basic {basic}")  # remembered
    assert not auth.allows("Bearer nope")
    assert not auth.allows(f"Basic {base64.b64encode(b'bo:pass').decode()}")
    assert not auth.allows("Basic !!!")
    assert not auth.allows("")
    assert Authenticator(Access()).allows("")


def test_csrf_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    csrf = Csrf("key")
    token = csrf.token()
    assert csrf.valid(token)
    assert not Csrf("other key").valid(token)
    stamp, nonce, signature = token.split(".")
    assert not csrf.valid(f"{stamp}.{nonce}x.{signature}")
    assert not csrf.valid("")
    later = security.time.time() + security.CSRF_MAX_AGE + 5
    monkeypatch.setattr(security.time, "time", lambda: later)
    assert not csrf.valid(token)


@pytest.mark.parametrize(
    ("target", "expected"),
    [("/people?name=a", "/people?name=a"), ("//evil.example", "/"), ("https://evil", "/"),
     ("/\\evil", "/"), ("people", "/"), ("/x\r\nSet-Cookie: a", "/")],
)  # fmt: skip
def test_redirects_stay_in_the_app(target: str, expected: str) -> None:
    assert safe_next(target) == expected


def test_loopback_hosts() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "192.168.1.2", "example.se", "::"))


def test_periods() -> None:
    # (the periods of /api/count-by-period are indexer.search.periods', as arkiv trend's)
    months = periods(date(2024, 11, 20), date(2025, 2, 3), "month")
    assert [label(m, "month") for m in months] == ["2024-11", "2024-12", "2025-01", "2025-02"]
    assert (months[1], period_end(months[1], "month")) == (date(2024, 12, 1), date(2024, 12, 31))
    weeks = periods(date(2024, 12, 31), date(2025, 1, 7), "week")
    assert [label(w, "week") for w in weeks] == ["2025-W01", "2025-W02"]
    assert weeks[0] == date(2024, 12, 30)
    assert len(periods(date(2024, 2, 27), date(2024, 3, 1), "day")) == 4


def test_dates_and_numbers_as_readers_write_them() -> None:
    moment = datetime(2025, 8, 9, 4, 0, tzinfo=UTC)  # 06.00 in Stockholm (summer time)
    assert format_when(moment, "sv") == "9 augusti 2025 kl 06.00"
    assert format_when(moment, "en") == "9 August 2025, 06:00"
    assert format_when(moment.isoformat(), "sv", time=False) == "9 augusti 2025"
    assert format_when(None, "sv") == ""
    assert format_number(12345, "sv") == "12\u202f345"
    assert format_number(12345, "en") == "12,345"


def test_lokalarkivs_words_in_swedish() -> None:
    assert in_words("new job → ledningsbefäl (Jönköpings kommun)", "sv") == (
        "nytt jobb → ledningsbefäl (Jönköpings kommun)"
    )
    assert in_words("body (+3/-1 words)", "sv") == "brödtext (+3/-1 ord)"
    assert in_words("body (+3/-1 words)", "en") == "body (+3/-1 words)"


def test_the_web_table_in_arkiv_toml(tmp_path: Path) -> None:
    stored = hash_password("t")
    path = tmp_path / "arkiv.toml"
    path.write_text(f'data = "{tmp_path}"\n[web]\ntokens = ["{stored}"]\n', encoding="utf-8")
    config = load_config(path, env={})
    assert access_from_config(config.web).tokens == (stored,)
    assert stored not in repr(config)
    path.write_text("web = 3\n", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_config(path, env={})


def call(app: Starlette, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """One request to the app in this process (no server, no network)."""

    async def ask() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://arkiv.test") as client:
            return await client.request(method, path, **kwargs)

    return asyncio.run(ask())


def test_the_middleware_over_an_empty_folder(tmp_path: Path) -> None:
    stored = hash_password("pass")
    open_app = create_app(Config(data_dir=tmp_path))
    page = call(open_app, "GET", "/?q=storm")
    assert page.status_code == 503  # no archive: one line that says so
    assert "no archive at" in page.text
    assert "Traceback" not in page.text
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    api = call(open_app, "GET", "/api/search?q=storm")
    assert api.json()["error"].startswith("no archive at")
    assert call(open_app, "POST", "/settings", content=b"a" * 20_000).status_code == 413
    assert call(open_app, "POST", "/settings", content=b"lang=en").status_code == 403
    slash = call(open_app, "GET", "/people/", headers={"host": "evil.example"})
    assert slash.status_code == 404  # no redirect, let alone one to the Host sent
    assert "location" not in slash.headers
    closed = create_app(Config(data_dir=tmp_path), Access((stored,)))
    assert call(closed, "GET", "/static/style.css").status_code == 401
    allowed = call(closed, "GET", "/static/style.css", headers={"Authorization": "Bearer pass"})
    assert allowed.status_code == 200
