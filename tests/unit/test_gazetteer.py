"""The gazetteer: complete official lists, consistent codes, forgiving lookups."""

from __future__ import annotations

import time
from collections import Counter
from pathlib import Path

import pytest

from indexer.errors import ConfigError, QueryError
from indexer.gazetteer import (
    Gazetteer,
    Municipality,
    Region,
    get_gazetteer,
    normalise_name,
)


@pytest.fixture(scope="module")
def gaz() -> Gazetteer:
    return get_gazetteer()


# ---------------------------------------------------------------- the data


def test_counts(gaz: Gazetteer) -> None:
    assert len(gaz.municipalities) == 290
    assert len(gaz.regions) == 21
    assert len(gaz) == 290


def test_codes_unique_and_well_formed(gaz: Gazetteer) -> None:
    muni_codes = [m.code for m in gaz.municipalities]
    region_codes = [r.code for r in gaz.regions]
    assert len(set(muni_codes)) == 290
    assert len(set(region_codes)) == 21
    assert all(len(c) == 4 and c.isdigit() for c in muni_codes)
    assert all(len(c) == 2 and c.isdigit() for c in region_codes)


def test_region_codes_are_the_official_set(gaz: Gazetteer) -> None:
    codes = [int(r.code) for r in gaz.regions]
    assert codes == [1, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23, 24, 25]


def test_every_municipality_in_its_code_prefix_region(gaz: Gazetteer) -> None:
    region_codes = {r.code for r in gaz.regions}
    for muni in gaz.municipalities:
        assert muni.region_code in region_codes, muni
        assert muni.code[:2] == muni.region_code, muni
        assert gaz.region_of(muni).code == muni.region_code


def test_every_region_has_municipalities(gaz: Gazetteer) -> None:
    assert sum(len(gaz.municipalities_in(r)) for r in gaz.regions) == 290
    assert all(gaz.municipalities_in(r) for r in gaz.regions)


@pytest.mark.parametrize(
    ("region", "count"),
    [
        ("01", 26),
        ("03", 8),
        ("04", 9),
        ("05", 13),
        ("06", 13),
        ("07", 8),
        ("08", 12),
        ("09", 1),
        ("10", 5),
        ("12", 33),
        ("13", 6),
        ("14", 49),
        ("17", 16),
        ("18", 12),
        ("19", 10),
        ("20", 15),
        ("21", 10),
        ("22", 7),
        ("23", 8),
        ("24", 15),
        ("25", 14),
    ],
)
def test_municipalities_per_region(gaz: Gazetteer, region: str, count: int) -> None:
    assert len(gaz.municipalities_in(region)) == count


@pytest.mark.parametrize(
    ("code", "name", "region"),
    [
        ("0180", "Stockholm", "01"),
        ("0884", "Vimmerby", "08"),
        ("0680", "Jönköping", "06"),
        ("1480", "Göteborg", "14"),
        ("1280", "Malmö", "12"),
        ("2584", "Kiruna", "25"),
        ("0980", "Gotland", "09"),
        ("0330", "Knivsta", "03"),
        ("0140", "Nykvarn", "01"),
        ("0114", "Upplands Väsby", "01"),
        ("0139", "Upplands-Bro", "01"),
        ("2080", "Falun", "20"),
        ("0305", "Håbo", "03"),
        ("0643", "Habo", "06"),
    ],
)
def test_known_codes(gaz: Gazetteer, code: str, name: str, region: str) -> None:
    muni = gaz.municipality(code)
    assert muni.name == name
    assert muni.region_code == region


def test_example_rows(gaz: Gazetteer) -> None:
    assert gaz.municipality("0884") == Municipality(
        code="0884",
        name="Vimmerby",
        official_name="Vimmerby kommun",
        region_code="08",
        genitive="Vimmerbys",
        forms=("vimmerbybor", "vimmerbybo"),
        towns=(),
        ambiguous=False,
    )
    assert gaz.region("08") == Region(
        "08", "Kalmar län", "Kalmar", "Kalmar läns", "Region Kalmar län"
    )
    assert gaz.region("09").region_body == "Region Gotland"
    assert gaz.region("14").region_body == "Västra Götalandsregionen"
    assert gaz.region("12").region_body == "Region Skåne"
    assert gaz.region("01").short_name == "Stockholm"


@pytest.mark.parametrize(
    ("name", "official"),
    [
        ("Göteborg", "Göteborgs stad"),
        ("Malmö", "Malmö stad"),
        ("Stockholm", "Stockholms stad"),
        ("Falun", "Falu kommun"),
        ("Gotland", "Region Gotland"),
        ("Jönköping", "Jönköpings kommun"),
        ("Kalmar", "Kalmar kommun"),
    ],
)
def test_official_names(gaz: Gazetteer, name: str, official: str) -> None:
    assert gaz.municipality(name).official_name == official


def test_towns_and_forms(gaz: Gazetteer) -> None:
    assert "Kinna" in gaz.municipality("Mark").towns
    assert "Nödinge-Nol" in gaz.municipality("Ale").towns
    assert "Kungsängen" in gaz.municipality("Upplands-Bro").towns
    assert "Visby" in gaz.municipality("Gotland").towns
    assert "jönköpingsbor" in gaz.municipality("Jönköping").forms
    assert "Vimmerby kommun" in gaz.municipality("Vimmerby").all_names


def test_names_stay_distinct_when_folded(gaz: Gazetteer) -> None:
    folded = Counter(normalise_name(m.name) for m in gaz.municipalities)
    # Håbo and Habo are the only pair that differ by a diacritic alone.
    assert {k for k, n in folded.items() if n > 1} == {"habo"}


AMBIGUOUS = [
    "Vara",
    "Mark",
    "Kil",
    "Ale",
    "Bjuv",
    "Sala",
    "Mora",
    "Tibro",
    "Nora",
    "Åre",
    "Ludvika",
]


@pytest.mark.parametrize("name", AMBIGUOUS)
def test_ambiguous_flag(gaz: Gazetteer, name: str) -> None:
    assert gaz.municipality(name).ambiguous


@pytest.mark.parametrize("name", ["Vimmerby", "Borås", "Tranås", "Jönköping", "Göteborg"])
def test_not_ambiguous(gaz: Gazetteer, name: str) -> None:
    assert not gaz.municipality(name).ambiguous


# ---------------------------------------------------------------- lookups


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("vimmerby", "0884"),
        ("VIMMERBY", "0884"),
        ("Vimmerby kommun", "0884"),
        ("vimmerbys", "0884"),
        ("Jonkoping", "0680"),
        ("jönköpings kommun", "0680"),
        ("GÖTEBORG", "1480"),
        ("goteborgs stad", "1480"),
        ("Göteborgs kommun", "1480"),
        ("Upplands Väsby", "0114"),
        ("Upplands-Väsby", "0114"),
        ("upplands vasby", "0114"),
        ("Upplands Bro", "0139"),
        ("malung salen", "2023"),
        ("Falu kommun", "2080"),
        ("Region Gotland", "0980"),
        ("Visby", "0980"),
        ("Habo", "0643"),
        ("Håbo", "0305"),
        ("  Kiruna ", "2584"),
        ("884", "0884"),
    ],
)
def test_municipality_lookup(gaz: Gazetteer, query: str, code: str) -> None:
    assert gaz.municipality(query).code == code


@pytest.mark.parametrize(
    "query",
    [
        "Kalmar län",
        "Kalmar",
        "kalmar lan",
        "KALMAR LÄN",
        "Kalmar läns",
        "08",
        "8",
        "Region Kalmar län",
    ],
)
def test_region_lookup(gaz: Gazetteer, query: str) -> None:
    assert gaz.region(query).code == "08"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("Västra Götalandsregionen", "14"),
        ("vastra gotaland", "14"),
        ("Sörmland", "04"),
        ("Region Sörmland", "04"),
        ("Stockholms län", "01"),
        ("Stockholm", "01"),
        ("Region Jämtland Härjedalen", "23"),
        ("Orebro lan", "18"),
    ],
)
def test_region_aliases(gaz: Gazetteer, query: str, code: str) -> None:
    assert gaz.region(query).code == code


def test_region_of_and_municipalities_in(gaz: Gazetteer) -> None:
    assert gaz.region_of("Vimmerby").name == "Kalmar län"
    assert gaz.region_of(gaz.municipality("Kiruna")).code == "25"
    kalmar = [m.name for m in gaz.municipalities_in("Kalmar län")]
    assert {"Vimmerby", "Borgholm", "Kalmar"} <= set(kalmar)
    assert len(kalmar) == 12
    assert [m.name for m in gaz.municipalities_in(gaz.region("09"))] == ["Gotland"]


def test_unknown_municipality_suggests(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError) as info:
        gaz.municipality("Vimerby")
    message = str(info.value)
    assert message.startswith("unknown municipality 'Vimerby'; did you mean Vimmerby")
    assert "\n" not in message
    assert info.value.hint


def test_unknown_municipality_without_suggestion(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError, match=r"^unknown municipality 'Xyzzyq'$"):
        gaz.municipality("Xyzzyq")


def test_unknown_code(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError, match="unknown municipality '9999'"):
        gaz.municipality("9999")
    assert gaz.find_municipality("9999") is None


def test_unknown_region_suggests(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError, match=r"unknown region 'Kalmr län'; did you mean Kalmar län"):
        gaz.region("Kalmr län")
    assert gaz.find_region("Narnia") is None


def test_empty_name(gaz: Gazetteer) -> None:
    with pytest.raises(QueryError, match="empty municipality"):
        gaz.municipality("  ")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Upplands-Väsby", "upplands vasby"),
        ("  ÖSTRA   Göinge ", "ostra goinge"),
        ("Malung-Sälen", "malung salen"),
        ("Åre", "are"),
    ],
)
def test_normalise_name(raw: str, folded: str) -> None:
    assert normalise_name(raw) == folded


# ---------------------------------------------------------------- loading


def test_load_is_cached_and_fast() -> None:
    assert Gazetteer.load() is get_gazetteer()
    get_gazetteer.cache_clear()
    start = time.perf_counter()
    get_gazetteer()
    elapsed = time.perf_counter() - start
    assert elapsed < 0.2  # ~10 ms here; generous for slow CI machines


def test_from_files_reports_bad_rows(tmp_path: Path) -> None:
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "lanskod,name,short_name,genitive,region_body\n08,Kalmar län,Kalmar,Kalmar läns,Region\n",
        encoding="utf-8",
    )
    munis = tmp_path / "municipalities.csv"
    munis.write_text(
        "kommunkod,name,official_name,lanskod,genitive,forms,towns,ambiguous\n"
        "0884,Vimmerby,Vimmerby kommun,08,Vimmerbys,,,0\n"
        "0780,Växjö,Växjö kommun,08,Växjös,,,0\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"municipalities\.csv line 3: lanskod '08'"):
        Gazetteer.from_files(munis, regions)
    munis.write_text(
        "kommunkod,name,official_name,lanskod,genitive,forms,towns,ambiguous\n"
        "0884,Vimmerby,Vimmerby kommun,08,Vimmerbys,,,0\n",
        encoding="utf-8",
    )
    small = Gazetteer.from_files(munis, regions)
    assert [m.name for m in small.municipalities_in("Kalmar")] == ["Vimmerby"]
    with pytest.raises(ConfigError, match="gazetteer file not found"):
        Gazetteer.from_files(tmp_path / "missing.csv", regions)
