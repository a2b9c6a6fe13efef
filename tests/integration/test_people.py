"""Personnel and municipal stories through the CLI: filters, facets and `arkiv people`."""

from __future__ import annotations

import json
from typing import Any

import pytest

from crawler.enrich.gazetteer import normalise_name
from tests.helpers import Crawl, run_arkiv

pytestmark = pytest.mark.integration


def search(crawl: Crawl, *args: str) -> dict[str, Any]:
    result = run_arkiv("search", "--data", str(crawl.data), "--json", "--limit", "100", *args)
    assert result.returncode == 0, result.stderr
    document: dict[str, Any] = json.loads(result.stdout)
    return document


def seed_id(crawl: Crawl) -> str:
    return next(a.id for url, a in crawl.articles.items() if "sakerhetssamordnaren" in url)


def test_the_seed_story_comes_out_exactly(first_crawl: Crawl) -> None:
    article = first_crawl.articles[
        next(url for url in first_crawl.articles if "sakerhetssamordnaren" in url)
    ]
    assert set(article.municipalities) == {"Vimmerby", "Jönköping"}
    assert "personnel" in article.kinds
    [person] = [p for p in article.people if p.name == "Håkan Westerback"]
    assert set(person.roles) == {"säkerhetssamordnare", "säkerhetsskyddschef"}
    assert person.organisation == "Vimmerby kommun"
    assert person.change == "new_job"
    assert person.new_role == "ledningsbefäl"
    assert person.new_organisation is not None
    assert "Jönköping" in person.new_organisation
    assert "Kalmar län" in article.regions


def test_kind_role_person_filters_and_facets(first_crawl: Crawl) -> None:
    everything = search(first_crawl, "")
    personnel = search(first_crawl, "", "--kind", "personnel")
    assert 0 < personnel["total"] < everything["total"]
    assert all("personnel" in hit["kinds"] for hit in personnel["hits"])
    assert personnel["total"] == everything["facets"]["kind"]["personnel"]
    role = search(first_crawl, "", "--role", "säkerhetssamordnare")
    assert seed_id(first_crawl) in [h["id"] for h in role["hits"]]
    person = search(first_crawl, "", "--person", "Håkan Westerback")
    assert [h["id"] for h in person["hits"]] == [seed_id(first_crawl)]
    municipal_vimmerby = search(first_crawl, "", "--kind", "municipal", "--kommun", "vimmerby")
    assert municipal_vimmerby["total"] > 0
    for hit in municipal_vimmerby["hits"]:
        assert "municipal" in hit["kinds"]
        assert "Vimmerby" in hit["municipalities"]
    kalmar_lan = search(first_crawl, "", "--lan", "kalmar lan")
    assert 0 < kalmar_lan["total"] < everything["total"]
    assert all("Kalmar län" in hit["regions"] for hit in kalmar_lan["hits"])
    jonkoping_lan = search(first_crawl, "", "--lan", "Jönköpings län")
    assert not {h["id"] for h in jonkoping_lan["hits"]} & {
        h["id"] for h in kalmar_lan["hits"] if "Jönköpings län" not in h["regions"]
    }


def test_people_timeline(first_crawl: Crawl) -> None:
    result = run_arkiv("people", "Westerback", "--data", str(first_crawl.data))
    assert result.returncode == 0, result.stderr
    assert "Håkan Westerback" in result.stdout
    assert "säkerhetssamordnare" in result.stdout
    assert "new job" in result.stdout
    assert seed_id(first_crawl) in result.stdout
    timeline = json.loads(
        run_arkiv(
            "people",
            "--role",
            "kommunchef",
            "--kommun",
            "Vimmerby",
            "--json",
            "--data",
            str(first_crawl.data),
        ).stdout
    )
    assert timeline
    assert all("Vimmerby" in entry["municipalities"] for entry in timeline)
    assert any(entry["change"] == "resigned" for entry in timeline)
    assert all(e["published"] for e in timeline)
    names = [normalise_name(e["name"]) for e in timeline]
    assert names == sorted(names)  # grouped by person, then by date
    unknown = run_arkiv("people", "--kommun", "Vimerby", "--data", str(first_crawl.data))
    assert unknown.returncode == 1
    assert "Vimmerby" in unknown.stderr


def test_wire_copies_are_one_story(first_crawl: Crawl) -> None:
    copies = [a for a in first_crawl.articles.values() if a.wire == "TT"]
    assert len(copies) == 3  # the TT storm warning on three papers
    roots = {a.duplicate_of or a.id for a in copies}
    assert len(roots) == 1
    assert sum(a.duplicate_of is None for a in copies) == 1
    others = [a for a in first_crawl.articles.values() if a.wire is None]
    assert all(a.duplicate_of is None for a in others)
    document = search(first_crawl, '"orange varning"')
    assert {hit["story"] for hit in document["hits"]} == roots
    assert all(len(hit["also_in"]) == 2 for hit in document["hits"])
    shown = run_arkiv("search", "--data", str(first_crawl.data), '"orange varning"')
    assert shown.stdout.count("SMHI varnar för storm") == 1
    assert "also in 2:" in shown.stdout
