"""`arkiv trend` through the real CLI on the sample-site crawl: its counts are what
`arkiv search` totals give for each period's dates."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from tests.helpers import Crawl, run_arkiv

pytestmark = pytest.mark.integration


def arkiv_json(crawl: Crawl, *args: str) -> dict[str, Any]:
    result = run_arkiv(*args, "--data", str(crawl.data))
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def search_total(crawl: Crawl, text: str, *filters: str) -> int:
    found = arkiv_json(crawl, "search", text, "--json", "--limit", "0", *filters)
    total: int = found["total"]
    return total


def test_week_counts_equal_search_totals(first_crawl: Crawl) -> None:
    queries = ("kommun", "säkerhetssamordnare")
    document = arkiv_json(first_crawl, "trend", *queries, "--by", "week", "--format", "json")
    assert document["by"] == "week"
    assert document["queries"] == list(queries)
    periods = document["periods"]
    assert len(periods) >= 2
    assert sum(p["counts"]["kommun"] for p in periods) > 0
    for period in periods:
        assert period["period"].count("-W") == 1
        dates = ("--from", period["from"], "--to", period["to"])
        for text in queries:
            assert period["counts"][text] == search_total(first_crawl, text, *dates), period


def test_month_counts_with_filters_and_share(first_crawl: Crawl) -> None:
    everything = search_total(first_crawl, "")
    document = arkiv_json(
        first_crawl, "trend", "kommun", "--by", "month", "--share", "--format", "json"
    )
    periods = document["periods"]
    assert sum(p["total"] for p in periods) == everything
    for period in periods:
        dates = ("--from", period["from"], "--to", period["to"])
        assert period["total"] == search_total(first_crawl, "", *dates)
        share = period["shares"]["kommun"]
        if not period["total"]:
            assert share is None
            assert period["counts"]["kommun"] == 0
            continue
        assert share == pytest.approx(period["counts"]["kommun"] / period["total"])
        assert 0 <= share <= 1
    assert any(p["shares"]["kommun"] for p in periods)


def test_day_counts_within_dates_and_a_filter(first_crawl: Crawl) -> None:
    months = arkiv_json(first_crawl, "trend", "", "--by", "month", "--format", "json")
    busiest = max(months["periods"], key=lambda p: p["counts"][""])
    filters = ("--kommun", "Vimmerby", "--from", busiest["from"], "--to", busiest["to"])
    days = arkiv_json(first_crawl, "trend", "", *filters, "--by", "day", "--format", "json")
    assert next(p["from"] for p in days["periods"]) == busiest["from"]
    assert days["periods"][-1]["to"] == busiest["to"]
    assert sum(p["counts"][""] for p in days["periods"]) == search_total(first_crawl, "", *filters)
    for period in days["periods"]:
        if period["counts"][""]:
            dates = ("--from", period["from"], "--to", period["to"])
            assert period["counts"][""] == search_total(
                first_crawl, "", "--kommun", "Vimmerby", *dates
            )


def test_table_and_csv(first_crawl: Crawl) -> None:
    data = ("--data", str(first_crawl.data))
    as_json = arkiv_json(first_crawl, "trend", "kommun", "-skola", "--share", "--format", "json")
    shown = run_arkiv("trend", "kommun", "-skola", "--share", *data)
    assert shown.returncode == 0, shown.stderr
    lines = shown.stdout.splitlines()
    assert lines[0].split() == ["month", "kommun", "-skola", "all", "kommun", "%", "-skola", "%"]
    assert len(lines) == 2 + len(as_json["periods"])
    written = run_arkiv("trend", "kommun", "-skola", "--share", "--format", "csv", *data)
    assert written.returncode == 0, written.stderr
    rows = list(csv.DictReader(io.StringIO(written.stdout)))
    assert [r["period"] for r in rows] == [p["period"] for p in as_json["periods"]]
    for row, period in zip(rows, as_json["periods"], strict=True):
        assert int(row["kommun"]) == period["counts"]["kommun"]
        assert int(row["-skola"]) == period["counts"]["-skola"]
        assert int(row["total"]) == period["total"]
        if period["total"]:
            assert float(row["kommun share"]) == pytest.approx(period["shares"]["kommun"])


def test_bad_by_is_one_line(first_crawl: Crawl) -> None:
    result = run_arkiv("trend", "kommun", "--by", "year", "--data", str(first_crawl.data))
    assert result.returncode == 1
    assert result.stdout == ""
    error, hint = result.stderr.strip().splitlines()
    assert error.startswith("Error: ")
    assert "'year'" in error
    assert hint.startswith("Hint: ")


def test_the_web_app_gives_what_the_cli_gives(first_crawl: Crawl) -> None:
    import urllib.error
    import urllib.request
    from urllib.parse import urlencode

    from tests.web_server import serving

    def fetch(url: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(url) as answer:
                return int(answer.status), answer.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    args = ("kommun", "storm", "--by", "week", "--share", "--kommun", "Vimmerby")
    data = ("--data", str(first_crawl.data))
    cli_json = arkiv_json(first_crawl, "trend", *args, "--format", "json")
    cli_csv = run_arkiv("trend", *args, "--format", "csv", *data).stdout
    params = [("q", "kommun"), ("q", "storm"), ("by", "week"), ("share", "1")]
    params.append(("kommun", "Vimmerby"))
    with serving(first_crawl.data) as web:
        status, body = fetch(f"{web.url}/api/trend?{urlencode(params)}")
        assert status == 200
        assert json.loads(body) == cli_json
        status, body = fetch(f"{web.url}/api/trend?{urlencode([*params, ('format', 'csv')])}")
        assert (status, body.replace("\r\n", "\n")) == (200, cli_csv)  # text-mode CLI
        status, page = fetch(f"{web.url}/trend?{urlencode(params)}")
        assert status == 200
        weeks = len(cli_json["periods"])
        assert page.count('class="point"') == 2 * weeks
        assert page.count('<tr><th scope="row">') == weeks
        hostile = urlencode([("q", '<script>alert(1)</script>"'), ("q", "kommun")])
        status, page = fetch(f"{web.url}/trend?{hostile}")
        assert status == 200
        assert "<script>alert" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
        status, body = fetch(f"{web.url}/api/trend?q=kommun&by=year")
        assert status == 400
        assert "'year'" in json.loads(body)["error"]
        status, page = fetch(f"{web.url}/trend?q=kommun&by=year")
        assert status == 400
        status, page = fetch(f"{web.url}/?q=kommun&kommun=Vimmerby&sort=newest&offset=10")
        assert 'href="/trend?q=kommun&amp;kommun=Vimmerby"' in page
        by_month = json.loads(fetch(f"{web.url}/api/count-by-period?q=kommun&by=month")[1])
        months = arkiv_json(first_crawl, "trend", "kommun", "--format", "json")["periods"]
        assert [p["count"] for p in by_month["periods"]] == [p["counts"]["kommun"] for p in months]
