"""People in a story: names, who "han"/"hon" is, and who holds which role.

- ``names``: person names and pronouns grouped into entities (``find_people``);
- ``patterns``: the copulas, skippable words and gap patterns that tie a role to a person, and
  the organisation phrase after a role (``org_after_span``);
- ``links``: each role tied to its holder (``link_roles``) and the subject of a verb
  (``subject_before``).

``Doc``, the story as text that every step reads, lives in ``crawler.enrich.doc``; it is
importable from here too.
"""

from __future__ import annotations

from crawler.enrich.doc import Doc, Sentence
from crawler.enrich.people.links import RoleLink, link_roles, subject_before
from crawler.enrich.people.names import (
    PARTY_MEMBER_WORDS,
    Entity,
    Mention,
    People,
    find_people,
    first_name_gender,
)
from crawler.enrich.people.patterns import COPULAS, SKIPPABLE, org_after_span

__all__ = [
    "COPULAS",
    "PARTY_MEMBER_WORDS",
    "SKIPPABLE",
    "Doc",
    "Entity",
    "Mention",
    "People",
    "RoleLink",
    "Sentence",
    "find_people",
    "first_name_gender",
    "link_roles",
    "org_after_span",
    "subject_before",
]
