"""Roles: Swedish titles in running text, normalised to their base form.

- ``vocabulary``: the titles of ``data/roles.txt`` and what one word is (``role_base``:
  "kommunchefen" -> "kommunchef"), and which titles are a municipality's
  (``is_municipal_role``);
- ``mentions``: every role in a text with what the words before it say (``find_roles``):
  acting, former, new, leaving, generic, its owner or body.
"""

from __future__ import annotations

from crawler.enrich.roles.mentions import RoleMention, acting_title, find_roles
from crawler.enrich.roles.vocabulary import (
    is_municipal_role,
    normalise_role,
    role_base,
    vocabulary,
)

__all__ = [
    "RoleMention",
    "acting_title",
    "find_roles",
    "is_municipal_role",
    "normalise_role",
    "role_base",
    "vocabulary",
]
