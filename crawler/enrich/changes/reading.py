"""What the steps of ``find_signals`` read besides the phrase at hand: who is named at which
token, which title covers which token, which titles are tied to a person, and where each
apposition ends (``Reading``, built once per story by ``reading``)."""

from __future__ import annotations

from dataclasses import dataclass

from crawler.enrich.doc import Doc
from crawler.enrich.people import People, RoleLink
from crawler.enrich.roles import RoleMention

__all__ = ["Reading", "reading"]


@dataclass(slots=True)
class Reading:
    """What the steps of ``find_signals`` read besides the phrase at hand."""

    doc: Doc
    people: People
    roles: list[RoleMention]
    by_tok: dict[int, int]  # token -> index of the first mention covering it
    role_tok: dict[int, RoleMention]  # token -> the first role mention covering it
    linked: set[int]  # ids of the role mentions tied to a person
    appositions: dict[int, int]  # an apposition's last token -> its entity
    role_words: list[int]  # the token of each role's word, in order (as ``roles`` are)

    def entity_at(self, tok: int) -> tuple[int, int]:
        """(entity, last token) of the mention covering token ``tok`` (which must have one)."""
        m = self.people.mentions[self.by_tok[tok]]
        return m.entity, m.last_tok


def reading(doc: Doc, roles: list[RoleMention], people: People, links: list[RoleLink]) -> Reading:
    by_tok: dict[int, int] = {}
    for idx, m in enumerate(people.mentions):
        for t in range(m.tok, m.last_tok + 1):
            by_tok.setdefault(t, idx)
    role_tok: dict[int, RoleMention] = {}
    for role in roles:
        for t in range(doc.token_at(role.start), doc.token_at(role.end)):
            role_tok.setdefault(t, role)
    linked = {id(link.role) for link in links}
    appositions: dict[int, int] = {}
    for link in links:
        if link.rule == "apposition":
            comma = doc.text.find(",", link.role.end)
            stop = doc.text.find(".", link.role.end)
            if comma > 0 and (stop < 0 or comma < stop):
                appositions[doc.token_at(comma) - 1] = link.entity
    role_words = [doc.token_at(r.word_start) for r in roles]
    return Reading(doc, people, roles, by_tok, role_tok, linked, appositions, role_words)
