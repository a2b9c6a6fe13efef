"""The export's parameters as the application layer takes them (lokalarkiv.exporting): what
the CLI and the web app both build, and the one-line errors of a bad one."""

from __future__ import annotations

import json
from datetime import date

import pytest

from indexer.errors import QueryError
from lokalarkiv.export_formats import clean_row
from lokalarkiv.exporting import (
    DELIMITERS,
    FIELDS,
    FORMATS,
    MEDIA_TYPES,
    ExportSpec,
    chosen_fields,
    manifest_bytes,
)
from lokalarkiv.params import Filters
from search_cli.output import scrub


def test_every_format_has_a_media_type_and_every_field_is_named_once() -> None:
    assert FORMATS == ("csv", "jsonl", "parquet")
    assert set(MEDIA_TYPES) == set(FORMATS)
    assert MEDIA_TYPES["csv"].startswith("text/csv")
    assert len(set(FIELDS)) == len(FIELDS)
    assert FIELDS[:3] == ("id", "url", "canonical_url")
    assert set(DELIMITERS) == {",", ";", "tab"}


def test_fields_in_the_order_given_each_once_and_the_body_only_when_asked() -> None:
    assert chosen_fields(None) == FIELDS
    assert "body" not in chosen_fields(None, with_body=False)
    assert chosen_fields(("title", "id", "title", "body"), with_body=False) == ("title", "id")
    assert chosen_fields(()) == ()
    spec = ExportSpec("storm", Filters(), "jsonl", fields=("id", "body"), with_body=False)
    assert spec.field_list == ("id",)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"format": "xml"}, "unknown format 'xml'; formats are: csv, jsonl, parquet"),
        ({"fields": ("id", "titel")}, "unknown field 'titel'; fields are: id, url,"),
        ({"delimiter": "|"}, "unknown delimiter '|'; delimiters are: ',', ';', 'tab'"),
    ],
)
def test_a_bad_parameter_is_one_line(changes: dict[str, object], message: str) -> None:
    arguments: dict[str, object] = {"text": "", "filters": Filters(), "format": "csv"}
    with pytest.raises(QueryError) as raised:
        ExportSpec(**{**arguments, **changes})
    assert str(raised.value).startswith(message)
    assert "\n" not in str(raised.value)
    assert "arkiv export --help" in raised.value.hint


def test_the_manifest_file_is_indented_utf8_json_with_a_final_newline() -> None:
    filters = Filters(date_from=date(2025, 1, 2)).as_dict()
    manifest = {"query": "kommunfullmäktige", "filters": filters}
    written = manifest_bytes(manifest)
    assert written.endswith(b"}\n")
    assert "kommunfullmäktige".encode() in written
    assert json.loads(written) == {
        "query": "kommunfullmäktige",
        "filters": {"date_from": "2025-01-02"},
    }
    assert b'\n  "query"' in written


@pytest.mark.parametrize(
    "row",
    [
        ["abc", None, 1.5, True, ["a", "b"], [{"name": "Åsa", "roles": ["chef"]}]],
        ["Rubrik\x1b[31m röd\x07", "rad\nrad\ttab", ["län\x00"], [{"name\x9b": ["x\u202e"]}]],
        [("a\x7f", "b"), {"k\x1b": "v"}, 3],
    ],
)
def test_an_old_archives_rows_are_cleaned_as_the_terminal_cleans_them(row: list[object]) -> None:
    assert clean_row(list(row)) == scrub(list(row))
    if clean_row(row) == row:
        assert clean_row(row) is row  # clean: not copied
