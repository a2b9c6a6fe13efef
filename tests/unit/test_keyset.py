"""The keyset pager both backends share: every row once, in key order, ties included."""

from __future__ import annotations

import pytest

from indexer.search.keyset import Keyset

Row = tuple[int, str]  # (sort key, id)


def walk(rows: list[Row], size: int) -> tuple[list[Row], int]:
    """Page through ``rows`` (sorted by key) as a backend does: each request is the first
    ``want`` rows at or after the bound. Returns what was yielded and the requests made."""
    keyset: Keyset[Row, int, str] = Keyset(size, key=lambda r: r[0], ident=lambda r: r[1])
    out: list[Row] = []
    requests = 0
    while not keyset.done:
        bound = keyset.bound
        answer = [r for r in rows if bound is None or r[0] >= bound][: keyset.want]
        requests += 1
        out += keyset.take(answer)
    return out, requests


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_every_row_once_in_order_across_ties(size: int) -> None:
    rows = sorted((n // 3, f"id{n}") for n in range(40))  # keys in threes
    out, _ = walk(rows, size)
    assert out == rows


def test_a_run_of_one_key_longer_than_a_page() -> None:
    rows = [(1, "a")] + [(5, f"x{n}") for n in range(10)] + [(9, "z")]
    out, requests = walk(rows, 3)
    assert out == rows
    assert requests > 4  # it did page through the run of tens


def test_nothing_and_a_short_answer_end_the_walk() -> None:
    assert walk([], 5) == ([], 1)
    assert walk([(1, "a"), (2, "b")], 5) == ([(1, "a"), (2, "b")], 1)
