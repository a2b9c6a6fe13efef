"""`arkiv people --role`: which titles a wanted role matches."""

from __future__ import annotations

import pytest

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
    ],
)
def test_role_matches(title: str, wanted: str, matches: bool) -> None:
    assert role_matches(title, wanted) is matches
