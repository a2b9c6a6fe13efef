"""Reading the gazetteer's CSV files: the shipped package data or given paths, rows checked
against their header, and the localities file with its rules (see ``crawler.enrich.gazetteer``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from indexer.errors import ConfigError

__all__ = ["read_localities", "read_path", "read_resource", "rows", "split_list"]

LOCALITY_COLUMNS = ("locality", "kommunkod", "ambiguous")

_Listed = dict[str, list[tuple[int, str, bool]]]  # locality -> (line, kommunkod, ambiguous)


def read_resource(filename: str) -> tuple[str, str]:
    """(text, name) of a file of the package data ``crawler/enrich/data``."""
    # The package data sits next to this file in every ordinary install; reading it directly
    # spares the ~10 ms import of importlib.resources on the CLI's start-up path. Zipped or
    # otherwise unusual installs go through importlib.resources.
    local = Path(__file__).parent / "data" / filename
    if local.is_file():
        return read_path(local)
    import importlib.resources

    resource = importlib.resources.files("crawler.enrich") / "data" / filename
    try:
        return resource.read_text(encoding="utf-8"), filename
    except FileNotFoundError:
        raise ConfigError(f"gazetteer file not found: crawler/enrich/data/{filename}") from None


def read_path(path: Path) -> tuple[str, str]:
    """(text, name) of a gazetteer file at ``path``."""
    try:
        return path.read_text(encoding="utf-8"), str(path)
    except FileNotFoundError:
        raise ConfigError(f"gazetteer file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read gazetteer file: {exc}") from None


def rows(
    source: tuple[str, str], columns: tuple[str, ...], label: str
) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, cells by column) for each non-empty row, the header checked first."""
    text, name = source
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != columns:
        raise ConfigError(f"{name} line 1: {label} header must be {','.join(columns)}")
    for row in reader:
        line = reader.line_num
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(row) != len(columns):
            raise ConfigError(
                f"{name} line {line}: expected {len(columns)} columns, found {len(row)}"
            )
        yield line, {col: cell.strip() for col, cell in zip(columns, row, strict=True)}


def split_list(value: str) -> tuple[str, ...]:
    """The parts of a ``;``-separated cell, trimmed, empty ones dropped."""
    return tuple(part.strip() for part in value.split(";") if part.strip())


def read_localities(
    source: tuple[str, str], codes: set[str], taken: dict[str, str]
) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    """The localities of ``localities.csv`` by kommunkod, and the ambiguous ones among them.

    ``codes`` are the known kommunkoder; ``taken`` maps a casefolded name that is already a
    municipality's name or town to what it is.

    Raises:
        ConfigError: a malformed row, an unknown kommunkod, a locality listed twice for one
            municipality, under several municipalities without being ambiguous in each row, or
            equal to a municipality's name or to a town of the ``towns`` column.
    """
    listed = _listed_localities(source, codes, taken)
    towns: dict[str, list[str]] = {}
    vague: dict[str, list[str]] = {}
    for locality, places in listed.items():
        if len(places) > 1:
            # in several municipalities: it cannot stand for one of them
            plain = [line for line, _, flagged in places if not flagged]
            if plain:
                raise ConfigError(
                    f"{source[1]} line {plain[0]}: locality {locality!r} lies in several"
                    " municipalities: mark it ambiguous in each row"
                )
            continue
        _, code, flagged = places[0]
        towns.setdefault(code, []).append(locality)
        if flagged:
            vague.setdefault(code, []).append(locality)
    return towns, vague


def _listed_localities(source: tuple[str, str], codes: set[str], taken: dict[str, str]) -> _Listed:
    """Each locality's rows, checked one by one."""
    # A lean loop rather than rows(): this file is ten times the size of the others and is read
    # on every start-up.
    text, name = source
    reader = csv.reader(io.StringIO(text))
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != LOCALITY_COLUMNS:
        raise ConfigError(f"{name} line 1: localities header must be {','.join(LOCALITY_COLUMNS)}")
    listed: _Listed = {}
    for row in reader:
        line = reader.line_num
        if len(row) != len(LOCALITY_COLUMNS):
            if not any(cell.strip() for cell in row):
                continue
            raise ConfigError(f"{name} line {line}: expected 3 columns, found {len(row)}")
        locality, code, ambiguous = (cell.strip() for cell in row)
        if not locality:
            raise ConfigError(f"{name} line {line}: locality is empty")
        if code not in codes:
            raise ConfigError(f"{name} line {line}: unknown kommunkod {code!r} for {locality!r}")
        if ambiguous not in ("0", "1", ""):
            raise ConfigError(f"{name} line {line}: ambiguous must be 0 or 1")
        clash = taken.get(locality.casefold())
        if clash:
            raise ConfigError(f"{name} line {line}: locality {locality!r} is also {clash}")
        places = listed.setdefault(locality, [])
        if any(other == code for _, other, _ in places):
            raise ConfigError(f"{name} line {line}: locality {locality!r} listed twice")
        places.append((line, code, ambiguous == "1"))
    return listed
