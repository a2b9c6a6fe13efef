"""`arkiv people --role`: which titles a wanted role matches."""

from __future__ import annotations

import pytest

from indexer.article import title_forms
from lokalarkiv.people import role_matches


@pytest.mark.parametrize(
    ("title", "wanted", "matches"),
    [
        ("kommunchef", "kommunchef", True),
        ("kommunchef", "chef", True),  # the head of a compound
        ("ledamot i kulturnämnden", "ledamot", True),  # a member title without its body
        ("ledamot i kulturnämnden", "ledamot i kulturnämnden", True),
        ("ledamot i kulturnämnden", "kulturnämnden", True),
        ("ordförande i socialnämnden", "ordförande", True),
        ("kommunchef", "kommun", False),
        ("ledamot i kulturnämnden", "ersättare", False),
        ("rektor", "chef", False),
        ("tillförordnad kommunchef", "kommunchef", True),
        ("kommunstyrelsens ordförande", "ordförande", True),
        ("förste vice ordförande i tekniska nämnden", "förste vice ordförande", True),
    ],
)
def test_role_matches(title: str, wanted: str, matches: bool) -> None:
    assert role_matches(title, wanted) is matches


@pytest.mark.parametrize(
    ("title", "forms"),
    [
        ("kommunchef", ["kommunchef"]),
        ("tillförordnad kommunchef", ["tillförordnad kommunchef", "kommunchef"]),
        ("tf rektor", ["tf rektor", "rektor"]),
        ("ordförande i socialnämnden", ["ordförande i socialnämnden", "ordförande"]),
        ("kommunstyrelsens ordförande", ["kommunstyrelsens ordförande", "ordförande"]),
        (
            "barn- och utbildningsnämndens vice ordförande",
            ["barn- och utbildningsnämndens vice ordförande", "vice ordförande"],
        ),
        ("biträdande rektor", ["biträdande rektor"]),  # a deputy is no rektor
    ],
)
def test_title_forms(title: str, forms: list[str]) -> None:
    assert title_forms(title) == forms
