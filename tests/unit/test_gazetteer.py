"""The gazetteer: complete official lists, consistent codes, forgiving lookups."""

from __future__ import annotations

import csv
import time
from collections import Counter
from pathlib import Path

import pytest

from crawler.gazetteer import (
    Gazetteer,
    Municipality,
    Region,
    get_gazetteer,
    normalise_name,
)
from indexer.errors import ConfigError, QueryError


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
        towns=("Frödinge", "Gullringen", "Storebro", "Södra Vi"),  # from localities.csv
        ambiguous=False,
        ambiguous_towns=(),
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


# ---------------------------------------------------------------- localities

LOCALITIES = (
    Path(__file__).resolve().parents[2] / "crawler" / "gazetteer" / "data" / "localities.csv"
)


@pytest.fixture(scope="module")
def locality_rows() -> list[dict[str, str]]:
    with LOCALITIES.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_locality_file_is_well_formed(locality_rows: list[dict[str, str]]) -> None:
    assert list(locality_rows[0]) == ["locality", "kommunkod", "ambiguous"]
    assert len(locality_rows) >= 1000
    for row in locality_rows:
        assert row["locality"] == row["locality"].strip() != "", row
        assert row["ambiguous"] in ("0", "1"), row


def test_every_locality_code_exists(gaz: Gazetteer, locality_rows: list[dict[str, str]]) -> None:
    codes = {m.code for m in gaz.municipalities}
    assert {row["kommunkod"] for row in locality_rows} <= codes
    # most municipalities have localities beyond their own name
    assert len({row["kommunkod"] for row in locality_rows}) >= 250


def _spelling(name: str) -> str:
    """A name as spelt, up to case, hyphens and spaces (å, ä, ö kept: Hållnäs is not Hällnäs)."""
    return " ".join(name.casefold().replace("-", " ").split())


def test_no_locality_in_two_municipalities_unless_ambiguous(
    locality_rows: list[dict[str, str]],
) -> None:
    rows: dict[str, list[dict[str, str]]] = {}
    for row in locality_rows:
        rows.setdefault(_spelling(row["locality"]), []).append(row)
    for listed in rows.values():
        codes = [row["kommunkod"] for row in listed]
        assert len(set(codes)) == len(codes), listed  # no row twice
        if len(codes) > 1:
            assert all(row["ambiguous"] == "1" for row in listed), listed


def test_no_locality_is_a_municipality_name_or_listed_town(
    gaz: Gazetteer, locality_rows: list[dict[str, str]]
) -> None:
    localities = {_spelling(row["locality"]) for row in locality_rows}
    names = {
        _spelling(value)
        for m in gaz.municipalities
        for value in (m.name, m.official_name, m.genitive, *m.forms)
    }
    with (LOCALITIES.parent / "municipalities.csv").open(encoding="utf-8", newline="") as f:
        column = [row["towns"] for row in csv.DictReader(f)]
    column_towns = {_spelling(t) for towns in column for t in towns.split(";") if t}
    assert len(column_towns) >= 90
    assert not localities & names
    assert not localities & column_towns


@pytest.mark.parametrize(
    ("locality", "code", "ambiguous"),
    [
        ("Kåge", "2482", "0"),
        ("Alfta", "2121", "0"),
        ("Grängesberg", "2085", "0"),
        ("Nödinge", "1440", "0"),
        ("Surte", "1440", "0"),
        ("Mullhyttan", "1814", "0"),
        ("Karlholmsbruk", "0360", "0"),
        ("Dals Långed", "1460", "0"),
        ("Skärblacka", "0581", "0"),
        ("Hede", "2361", "0"),
        ("Boliden", "2482", "1"),
        ("Bro", "0139", "1"),
        ("Gunnebo", "0883", "1"),
    ],
)
def test_known_localities(
    locality_rows: list[dict[str, str]], locality: str, code: str, ambiguous: str
) -> None:
    assert {"locality": locality, "kommunkod": code, "ambiguous": ambiguous} in locality_rows


def test_localities_are_towns_of_their_municipality(gaz: Gazetteer) -> None:
    skelleftea = gaz.municipality("Skellefteå")
    assert {"Kåge", "Burträsk", "Boliden"} <= set(skelleftea.towns)
    assert skelleftea.ambiguous_towns == ("Boliden",)
    assert set(gaz.municipality("Ovanåker").towns) >= {"Edsbyn", "Alfta"}  # column, then file
    assert gaz.municipality("Ovanåker").towns[0] == "Edsbyn"
    assert gaz.municipality("Upplands-Bro").ambiguous_towns == ("Bro",)
    for muni in gaz.municipalities:
        assert set(muni.ambiguous_towns) <= set(muni.towns), muni.name


@pytest.mark.parametrize(
    ("query", "code"),
    [("Kåge", "2482"), ("kage", "2482"), ("Grängesberg", "2085"), ("dals langed", "1460")],
)
def test_locality_lookup(gaz: Gazetteer, query: str, code: str) -> None:
    assert gaz.municipality(query).code == code


def test_ambiguous_locality_is_no_lookup_key(gaz: Gazetteer) -> None:
    assert gaz.find_municipality("Bro") is None
    assert gaz.find_municipality("Boliden") is None
    assert gaz.find_municipality("Upplands-Bro") is not None


def _small_files(tmp_path: Path, localities: str) -> tuple[Path, Path, Path]:
    regions = tmp_path / "regions.csv"
    regions.write_text(
        "lanskod,name,short_name,genitive,region_body\n"
        "08,Kalmar län,Kalmar,Kalmar läns,Region Kalmar län\n",
        encoding="utf-8",
    )
    munis = tmp_path / "municipalities.csv"
    munis.write_text(
        "kommunkod,name,official_name,lanskod,genitive,forms,towns,ambiguous\n"
        "0884,Vimmerby,Vimmerby kommun,08,Vimmerbys,,,0\n"
        "0883,Västervik,Västerviks kommun,08,Västerviks,,Gamleby,0\n",
        encoding="utf-8",
    )
    locs = tmp_path / "localities.csv"
    locs.write_text("locality,kommunkod,ambiguous\n" + localities, encoding="utf-8")
    return munis, regions, locs


def test_from_files_with_localities(tmp_path: Path) -> None:
    munis, regions, locs = _small_files(
        tmp_path,
        "Storebro,0884,0\nGunnebo,0883,1\nÖverum,0883,0\n"
        "Sandvik,0884,1\nSandvik,0883,1\n",  # in two kommuner: stands for neither
    )
    small = Gazetteer.from_files(munis, regions, locs)
    assert small.municipality("Västervik").towns == ("Gamleby", "Gunnebo", "Överum")
    assert small.municipality("Västervik").ambiguous_towns == ("Gunnebo",)
    assert small.municipality("Vimmerby").towns == ("Storebro",)
    assert small.municipality("Storebro").name == "Vimmerby"
    assert small.find_municipality("Sandvik") is None
    assert small.find_municipality("Gunnebo") is None
    assert Gazetteer.from_files(munis, regions).municipality("Vimmerby").towns == ()


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("Storebro,0999,0\n", r"line 2: unknown kommunkod '0999'"),
        ("Storebro,0884,2\n", "line 2: ambiguous must be 0 or 1"),
        ("Storebro,0884\n", "line 2: expected 3 columns"),
        (",0884,0\n", "line 2: locality is empty"),
        ("Vimmerby,0883,0\n", "'Vimmerby' is also the name of municipality Vimmerby"),
        ("Gamleby,0884,0\n", "'Gamleby' is also a town of Västervik"),
        ("Storebro,0884,0\nStorebro,0884,0\n", "line 3: locality 'Storebro' listed twice"),
        ("Sandvik,0884,1\nSandvik,0883,0\n", "line 3: locality 'Sandvik' lies in several"),
    ],
)
def test_bad_localities_are_reported(tmp_path: Path, rows: str, message: str) -> None:
    munis, regions, locs = _small_files(tmp_path, rows)
    with pytest.raises(ConfigError, match=message):
        Gazetteer.from_files(munis, regions, locs)


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
