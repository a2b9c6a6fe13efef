"""The gazetteer: Sweden's 290 municipalities (kommuner) and 21 regions (län), kept as data.

The lists live in ``data/municipalities.csv`` and ``data/regions.csv`` beside this module (SCB
kommunkoder and länskoder). This module loads them once and answers lookups by code or by any
name a user may type: matching is case-, diacritic-, hyphen- and space-insensitive, so
"goteborgs stad", "GÖTEBORG", "1480" and "Göteborgs kommun" all find Göteborg.

``data/localities.csv`` (``locality,kommunkod,ambiguous``) names the localities of each
municipality (SCB tätorter, and districts of the larger towns: "Kåge" → Skellefteå, "Rinkeby"
→ Stockholm) that are not its own name. They load as extra towns after the ``towns`` column's. A
locality flagged ``ambiguous`` is also an ordinary word, a first name or surname, a company or a
sports club ("Bro", "Åsa", "Boliden", "Frölunda"): it is listed in
:attr:`Municipality.ambiguous_towns`, needs context in text like an ambiguous municipality name,
and is not a lookup key. A name listed under several municipalities must be ambiguous in each
row and then stands for none of them.

Finding municipalities in article text is not done here; the data (genitives, inhabitant
forms, towns, the ``ambiguous`` flag) is what a tagger needs.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from crawler.gazetteer.files import (
    read_localities,
    read_path,
    read_resource,
    rows,
    split_list,
)
from indexer.errors import ConfigError, QueryError
from indexer.search.textsearch import strip_diacritics

__all__ = [
    "LANDSCAPES",
    "Gazetteer",
    "Municipality",
    "Region",
    "get_gazetteer",
    "normalise_name",
]

# Landscapes and wider regions of Sweden: no municipality (a list with them is a list of
# regions), nor anyone's surname.
LANDSCAPES = frozenset(
    """Skåne Blekinge Småland Halland Öland Gotland Östergötland Västergötland Bohuslän
    Dalsland Värmland Närke Södermanland Sörmland Uppland Västmanland Dalarna Gästrikland
    Hälsingland Härjedalen Jämtland Medelpad Ångermanland Västerbotten Norrbotten Lappland
    Götaland Svealand Norrland Stockholmsregionen Mälardalen Höglandet""".split()
)
MUNICIPALITIES_FILE = "municipalities.csv"
REGIONS_FILE = "regions.csv"
LOCALITIES_FILE = "localities.csv"

_MUNICIPALITY_COLUMNS = (
    "kommunkod",
    "name",
    "official_name",
    "lanskod",
    "genitive",
    "forms",
    "towns",
    "ambiguous",
)
_REGION_COLUMNS = ("lanskod", "name", "short_name", "genitive", "region_body")

_NON_WORD = re.compile(r"[^0-9a-z]+")
_NON_WORD_UNICODE = re.compile(r"[\W_]+")
_MUNICIPALITY_CODE = re.compile(r"^\d{4}$")
_REGION_CODE = re.compile(r"^\d{2}$")

_MUNICIPALITY_HINT = (
    "Give a municipality (kommun) by name or 4-digit kommunkod, e.g. Vimmerby or 0884."
)
_REGION_HINT = "Give a region (län) by name or 2-digit länskod, e.g. 'Kalmar län', Kalmar or 08."


def normalise_name(s: str) -> str:
    """Fold a place name to the key used for matching.

    Lowercases (casefold), strips diacritics (å, ä → a; ö → o; é → e), and turns every run of
    other characters (spaces, hyphens, dots, apostrophes) into one space, trimmed.
    ``normalise_name("Upplands-Väsby") == normalise_name(" upplands  vasby ") == "upplands vasby"``.
    """
    return _NON_WORD.sub(" ", strip_diacritics(s.casefold())).strip()


def _exact_key(s: str) -> str:
    """Like :func:`normalise_name` but keeping å, ä, ö: "Håbo" and "Habo" are two kommuner."""
    return _NON_WORD_UNICODE.sub(" ", unicodedata.normalize("NFC", s.casefold())).strip()


@dataclass(frozen=True, slots=True)
class Region:
    """A län, e.g. ``Region("08", "Kalmar län", "Kalmar", "Kalmar läns", "Region Kalmar län")``."""

    code: str
    name: str
    short_name: str
    genitive: str
    region_body: str


@dataclass(frozen=True, slots=True)
class Municipality:
    """A kommun as named in text, with the forms and towns that stand for it.

    ``ambiguous`` is True where the name is also an ordinary word, a first name or a surname
    ("Vara", "Mark", "Lund"), so a mention needs context to count. ``towns`` are the major towns
    of the ``towns`` column, then the localities of ``localities.csv``; ``ambiguous_towns`` are
    those of them that need context the same way ("Bro", "Åsa") and that lookups skip.
    """

    code: str
    name: str
    official_name: str
    region_code: str
    genitive: str
    forms: tuple[str, ...] = ()
    towns: tuple[str, ...] = ()
    ambiguous: bool = False
    ambiguous_towns: tuple[str, ...] = ()

    @property
    def all_names(self) -> tuple[str, ...]:
        """Name, official name, genitive, other forms and towns, without repeats, in that order."""
        seen: dict[str, None] = {}
        for value in (self.name, self.official_name, self.genitive, *self.forms, *self.towns):
            if value:
                seen.setdefault(value, None)
        return tuple(seen)


class Gazetteer:
    """All municipalities and regions, with lookups by code or name.

    Use :meth:`Gazetteer.load` (or :func:`get_gazetteer`) for the shipped data; it is read once
    per process and shared.
    """

    def __init__(self, municipalities: Iterable[Municipality], regions: Iterable[Region]) -> None:
        """Build the lookup tables.

        Raises:
            ConfigError: a municipality names a region that is not in ``regions``, or two
                entries share a code.
        """
        self._regions = tuple(sorted(regions, key=lambda r: r.code))
        self._municipalities = tuple(sorted(municipalities, key=lambda m: m.code))
        self._region_by_code: dict[str, Region] = {}
        for region in self._regions:
            if region.code in self._region_by_code:
                raise ConfigError(f"gazetteer: duplicate region code {region.code!r}")
            self._region_by_code[region.code] = region
        self._municipality_by_code: dict[str, Municipality] = {}
        self._by_region: dict[str, list[Municipality]] = {code: [] for code in self._region_by_code}
        for muni in self._municipalities:
            if muni.code in self._municipality_by_code:
                raise ConfigError(f"gazetteer: duplicate municipality code {muni.code!r}")
            if muni.region_code not in self._region_by_code:
                raise ConfigError(
                    f"gazetteer: municipality {muni.name!r} names unknown region"
                    f" {muni.region_code!r}"
                )
            self._municipality_by_code[muni.code] = muni
            self._by_region[muni.region_code].append(muni)

        # Normalised key -> entry, plus the label a did-you-mean shows for that key.
        # Two tables: keys that keep å/ä/ö (tried first, so "Habo" and "Håbo" stay apart) and
        # keys folded by normalise_name. Towns come last and never shadow a municipality's names;
        # ambiguous towns ("Bro", "Åsa") are no keys: alone they name no place.
        self._municipality_exact: dict[str, Municipality] = {}
        self._municipality_keys: dict[str, Municipality] = {}
        self._municipality_labels: dict[str, str] = {}
        for muni in self._municipalities:
            for name in _municipality_names(muni):
                self._municipality_exact.setdefault(_exact_key(name), muni)
                key = normalise_name(name)
                self._municipality_keys.setdefault(key, muni)
                self._municipality_labels.setdefault(key, muni.name)
        for muni in self._municipalities:
            for town in muni.towns:
                if town in muni.ambiguous_towns:
                    continue
                self._municipality_exact.setdefault(_exact_key(town), muni)
                key = normalise_name(town)
                if key not in self._municipality_keys:
                    self._municipality_keys[key] = muni
                    self._municipality_labels[key] = f"{town} ({muni.name})"
        self._municipality_exact.pop("", None)
        self._municipality_keys.pop("", None)
        self._municipality_labels.pop("", None)
        self._region_exact: dict[str, Region] = {}
        self._region_keys: dict[str, Region] = {}
        for region in self._regions:
            for name in _region_names(region):
                self._region_exact.setdefault(_exact_key(name), region)
                self._region_keys.setdefault(normalise_name(name), region)
        self._region_exact.pop("", None)
        self._region_keys.pop("", None)

    # ------------------------------------------------------------------ loading

    @classmethod
    def load(cls) -> Gazetteer:
        """The shipped gazetteer (``crawler/enrich/data/*.csv``), loaded once and cached."""
        return get_gazetteer()

    @classmethod
    def from_files(
        cls, municipalities_csv: Path, regions_csv: Path, localities_csv: Path | None = None
    ) -> Gazetteer:
        """A gazetteer from CSV files in the shipped format (for tests and custom data); the
        localities file is optional.

        Raises:
            ConfigError: a file is missing or a row is malformed (file and line named).
        """
        municipalities = _parse_municipalities(read_path(municipalities_csv))
        if localities_csv is not None:
            municipalities = _add_localities(municipalities, read_path(localities_csv))
        return cls(municipalities, _parse_regions(read_path(regions_csv)))

    # ------------------------------------------------------------------ access

    @property
    def municipalities(self) -> tuple[Municipality, ...]:
        """Every municipality, ordered by kommunkod."""
        return self._municipalities

    @property
    def regions(self) -> tuple[Region, ...]:
        """Every region, ordered by länskod."""
        return self._regions

    def __iter__(self) -> Iterator[Municipality]:
        """Iterate over the municipalities in kommunkod order."""
        return iter(self._municipalities)

    def __len__(self) -> int:
        """The number of municipalities."""
        return len(self._municipalities)

    def find_municipality(self, code_or_name: str) -> Municipality | None:
        """Like :meth:`municipality`, but None instead of an error when nothing matches."""
        value = code_or_name.strip()
        if value.isdigit() and len(value) <= 4:
            return self._municipality_by_code.get(value.zfill(4))
        exact = self._municipality_exact.get(_exact_key(value))
        return exact or self._municipality_keys.get(normalise_name(value))

    def municipality(self, code_or_name: str | Municipality) -> Municipality:
        """The municipality for a kommunkod ("0884") or any name a user types.

        Accepted: the name ("Vimmerby", "vimmerby", "Upplands-Väsby"), the official name
        ("Göteborgs stad", "Vimmerby kommun"), the genitive ("Vimmerbys"), "<name> kommun" /
        "<name> stad", and the towns and localities listed for it ("Visby" → Gotland, "Kåge" →
        Skellefteå) except the ambiguous ones ("Bro", "Åsa").

        Raises:
            QueryError: nothing matches; the message suggests the nearest names.
        """
        if isinstance(code_or_name, Municipality):
            return code_or_name
        found = self.find_municipality(code_or_name)
        if found is None:
            raise QueryError(
                unknown_name("municipality", code_or_name, self._municipality_labels),
                hint=_MUNICIPALITY_HINT,
            )
        return found

    def find_region(self, code_or_name: str) -> Region | None:
        """Like :meth:`region`, but None instead of an error when nothing matches."""
        value = code_or_name.strip()
        if value.isdigit() and len(value) <= 2:
            return self._region_by_code.get(value.zfill(2))
        exact = self._region_exact.get(_exact_key(value))
        return exact or self._region_keys.get(normalise_name(value))

    def region(self, code_or_name: str | Region) -> Region:
        """The region for a länskod ("08") or a name: "Kalmar län", "Kalmar", "kalmar lan",
        "Kalmar läns", "Region Kalmar län", "Västra Götalandsregionen", "Sörmland".

        Raises:
            QueryError: nothing matches; the message suggests the nearest names.
        """
        if isinstance(code_or_name, Region):
            return code_or_name
        found = self.find_region(code_or_name)
        if found is None:
            labels = {key: region.name for key, region in self._region_keys.items()}
            raise QueryError(unknown_name("region", code_or_name, labels), hint=_REGION_HINT)
        return found

    def region_of(self, municipality: Municipality | str) -> Region:
        """The region a municipality (object, code or name) lies in."""
        return self._region_by_code[self.municipality(municipality).region_code]

    def municipalities_in(self, region: Region | str) -> list[Municipality]:
        """The municipalities of a region (object, code or name), in kommunkod order."""
        return list(self._by_region[self.region(region).code])


@functools.cache
def get_gazetteer() -> Gazetteer:
    """The shipped gazetteer, read from the package data on first use and then shared."""
    municipalities = _parse_municipalities(read_resource(MUNICIPALITIES_FILE))
    return Gazetteer(
        _add_localities(municipalities, read_resource(LOCALITIES_FILE)),
        _parse_regions(read_resource(REGIONS_FILE)),
    )


# ---------------------------------------------------------------------- internals


def _municipality_names(muni: Municipality) -> list[str]:
    names = [muni.name, muni.official_name, muni.genitive]
    for base in (muni.name, muni.genitive):
        names += [f"{base} kommun", f"{base} stad"]
    return names


def _region_names(region: Region) -> list[str]:
    names = [
        region.name,
        region.short_name,
        region.genitive,
        region.region_body,
        f"Region {region.short_name}",
        f"{region.short_name} län",
    ]
    if region.region_body.startswith("Region "):
        names.append(region.region_body.removeprefix("Region "))
    return names


def unknown_name(kind: str, value: str, labels: dict[str, str]) -> str:
    key = normalise_name(value)
    if not key:
        return f"empty {kind} name {value!r}"
    message = f"unknown {kind} {value.strip()!r}"
    import difflib  # only on the error path: keeps imports light

    suggestions: list[str] = []
    for match in difflib.get_close_matches(key, labels.keys(), n=8, cutoff=0.6):
        label = labels[match]
        if label not in suggestions:
            suggestions.append(label)
    suggestions = suggestions[:3]
    if suggestions:
        if len(suggestions) == 1:
            listed = suggestions[0]
        else:
            listed = ", ".join(suggestions[:-1]) + " or " + suggestions[-1]
        message += f"; did you mean {listed}?"
    return message


def _parse_municipalities(source: tuple[str, str]) -> list[Municipality]:
    result = []
    name = source[1]
    for line, row in rows(source, _MUNICIPALITY_COLUMNS, "municipalities"):
        code, region_code = row["kommunkod"], row["lanskod"]
        if not _MUNICIPALITY_CODE.match(code):
            raise ConfigError(f"{name} line {line}: kommunkod must be 4 digits, not {code!r}")
        if not _REGION_CODE.match(region_code) or not code.startswith(region_code):
            raise ConfigError(
                f"{name} line {line}: lanskod {region_code!r} does not match kommunkod {code!r}"
            )
        if row["ambiguous"] not in ("0", "1", ""):
            raise ConfigError(f"{name} line {line}: ambiguous must be 0 or 1")
        if not row["name"]:
            raise ConfigError(f"{name} line {line}: name is empty")
        result.append(
            Municipality(
                code=code,
                name=row["name"],
                official_name=row["official_name"] or row["name"],
                region_code=region_code,
                genitive=row["genitive"] or row["name"],
                forms=split_list(row["forms"]),
                towns=split_list(row["towns"]),
                ambiguous=row["ambiguous"] == "1",
            )
        )
    return result


def _add_localities(
    municipalities: list[Municipality], source: tuple[str, str]
) -> list[Municipality]:
    """The municipalities with the localities of ``localities.csv`` appended to their towns.

    Raises:
        ConfigError: see :func:`~crawler.gazetteer.files.read_localities`.
    """
    taken: dict[str, str] = {}  # casefolded name -> what it already is
    for muni in municipalities:
        for value in (muni.name, muni.official_name, muni.genitive):
            taken.setdefault(value.casefold(), f"the name of municipality {muni.name}")
        for town in muni.towns:
            taken.setdefault(town.casefold(), f"a town of {muni.name} (towns column)")
    towns, vague = read_localities(source, {m.code for m in municipalities}, taken)
    return [
        replace(
            muni,
            towns=(*muni.towns, *towns[muni.code]),
            ambiguous_towns=(*muni.ambiguous_towns, *vague.get(muni.code, ())),
        )
        if muni.code in towns
        else muni
        for muni in municipalities
    ]


def _parse_regions(source: tuple[str, str]) -> list[Region]:
    result = []
    name = source[1]
    for line, row in rows(source, _REGION_COLUMNS, "regions"):
        if not _REGION_CODE.match(row["lanskod"]):
            raise ConfigError(
                f"{name} line {line}: lanskod must be 2 digits, not {row['lanskod']!r}"
            )
        if not row["name"]:
            raise ConfigError(f"{name} line {line}: name is empty")
        result.append(
            Region(
                code=row["lanskod"],
                name=row["name"],
                short_name=row["short_name"] or row["name"],
                genitive=row["genitive"] or row["name"],
                region_body=row["region_body"],
            )
        )
    return result
