"""From signals and role links to people: one ``Person`` per named person with a role or a
change, with their roles, organisation and, where the story says so, the new role and
organisation."""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.enrich import places
from crawler.enrich.changes.signals import ACTING_TITLE, Signal
from crawler.enrich.doc import Doc
from crawler.enrich.people import People, RoleLink
from crawler.enrich.roles import acting_title, is_municipal_role
from indexer.article import Person

__all__ = ["PRIORITY", "assemble"]

# Most telling first: a story about a retirement mentions that the person leaves, too.
PRIORITY = ("dismissed", "retired", "new_job", "resigned", "acting", "appointed", "leaving")


def assemble(
    doc: Doc,
    people: People,
    links: list[RoleLink],
    signals: list[Signal],
    municipalities: list[str],
    *,
    municipal_story: bool = False,
) -> list[Person]:
    """One ``Person`` per named person the story gives a role or a change.

    ``municipal_story``: the story is about municipal matters, so titles a municipality has
    among others (ekonomichef, rektor) are taken to be the municipality's.
    """
    top = _Where(places.official_name(municipalities[0]) if municipalities else "", municipal_story)
    by_role: dict[str, list[int]] = {}
    for link in links:
        by_role.setdefault(link.role.base, []).append(link.entity)
    resolved: list[Signal] = []
    for s in signals:
        if s.entity < 0:
            holders = by_role.get(s.role_subject)
            if not holders:
                continue
            s.entity = max(set(holders), key=holders.count)
        resolved.append(s)
    new_roles = {id(s.new_role) for s in resolved if s.new_role is not None}
    successor: dict[int, int] = {}
    for s in resolved:
        if s.predecessor >= 0:
            successor.setdefault(s.predecessor, s.entity)
    persons: list[Person] = []
    person_of: dict[int, Person] = {}
    for idx, ent in enumerate(people.entities):
        e_links = sorted((link for link in links if link.entity == idx), key=_link_pos)
        e_signals = [s for s in resolved if s.entity == idx]
        if not e_links and not e_signals:
            continue
        person = _person(ent.name, e_links, e_signals, new_roles, top)
        if person is None:
            continue
        persons.append(person)
        person_of[idx] = person
    # "Hon efterträder Bengt Olofsson": the predecessor held the role the successor takes
    for pred, succ in successor.items():
        before, after = person_of.get(pred), person_of.get(succ)
        if before is not None and after is not None and not before.roles and after.roles:
            before.roles = [after.roles[0]]
            before.organisation = before.organisation or after.organisation
    return persons


def _link_pos(link: RoleLink) -> int:
    return link.role.start


def _person(
    name: str, links: list[RoleLink], signals: list[Signal], new_roles: set[int], top: _Where
) -> Person | None:
    """Roles are every title the story gives the person, in base form ("tillförordnad
    socialchef" for an acting one) and in order of first mention (held now, held before,
    taken on); a new job's role goes to ``new_role``."""
    change = _choose(signals) or _flagged_change(links)
    main = _main_signal(signals, change)
    if _acting_goes_on(change, main, links):
        change = "acting"
    roles = _unique(link.role.role for link in links)  # an acting one with "tillförordnad"
    person = Person(name=name, roles=roles, change=change)
    old = [link for link in links if id(link.role) not in new_roles and not link.role.acting]
    org = _organisation([link for link in old if not link.former] or old, top)
    if change == "appointed" and main is not None and main.new_role is not None:
        role = main.new_role.base
        if role not in person.roles:
            person.roles.append(role)
        org = _normalise_org(main.new_org, top, role) or org or _default_org(role, top)
    elif change == "acting":
        acting_role = main.new_role if main is not None and main.new_role else None
        if acting_role is None:
            acting = [link.role for link in links if link.role.acting]
            acting_role = acting[0] if acting else None
        if acting_role is not None:
            person.new_role = acting_title(acting_role.base)
            if person.new_role not in person.roles:
                person.roles.append(person.new_role)
            base = old[0].role.base if old else acting_role.base
            org = org or _default_org(base, top)
            person.new_organisation = (
                _normalise_org(main.new_org if main else "", top, acting_role.base) or org or None
            )
    elif change == "new_job":
        best = _best_new(signals)
        if best is not None and best.new_role is not None:
            job = best.new_role.base
            kept = {link.role.base for link in old if link.rule in ("before", "apposition")}
            if job not in kept:
                person.roles = [r for r in person.roles if r != job]
            person.new_role = job
        if best is not None:
            person.new_organisation = (
                _normalise_org(best.new_org, top, best.new_role.base if best.new_role else "")
                or None
            )
    if not org and person.roles:
        org = _default_org(person.roles[0], top)
    person.organisation = org or None
    if not person.roles and person.change is None:
        return None
    return person


def _acting_goes_on(change: str | None, main: Signal | None, links: list[RoleLink]) -> bool:
    """An appointment without a title taken, of a person holding an acting one: "tf
    kommundirektören Anna Bergs förordnande förlängs"."""
    return (
        change == "appointed"
        and (main is None or main.new_role is None)
        and any(link.role.acting and not link.former for link in links)
    )


def _flagged_change(links: list[RoleLink]) -> str | None:
    """A change said by the title's own modifier: "nyvalda ordföranden Anna Berg",
    "den tillträdande rektorn", "avgående kommunchefen Per Holm"."""
    current = [link.role for link in links if not link.former]
    if any(r.new for r in current):
        return "appointed"
    if any(r.leaving for r in current):
        return "leaving"
    return None


def _choose(signals: list[Signal]) -> str | None:
    """One change from a person's signals: news (present, perfect) before background
    (preterite), the most telling type first; leaving and taking a post is a new job when the
    story leads with the leaving ("Stadsdirektören lämnar ... tillträder sin nya tjänst")."""
    if not signals:
        return None
    present = [s for s in signals if not s.past]
    pool = present or signals
    if any(_to_title(s) for s in pool):
        # an acting title held is background to a permanent one taken: "Tomas, som har varit
        # tf kommundirektör, blir ny kommundirektör"
        pool = [s for s in pool if s.phrase != ACTING_TITLE]
    change = min((s.change for s in pool), key=PRIORITY.index)
    if change == "appointed":
        gone = [s for s in pool if s.change in ("leaving", "resigned")]
        took = [s for s in pool if s.change == "appointed"]
        if gone and min(s.start for s in gone) < min(s.start for s in took):
            return "new_job"
    return change


def _to_title(s: Signal) -> bool:
    """An appointment to a permanent title: "blir ny kommundirektör"."""
    return s.change == "appointed" and s.new_role is not None and not s.new_role.acting


def _main_signal(signals: list[Signal], change: str | None) -> Signal | None:
    same = [s for s in signals if s.change == change]
    with_role = [s for s in same if s.new_role is not None]
    best = with_role or same
    return best[0] if best else None


def _best_new(signals: list[Signal]) -> Signal | None:
    """The signal that says most about the new job: a role and an organisation, body first."""
    cands = [s for s in signals if s.new_role is not None or s.new_org]
    if not cands:
        return None

    def score(s: Signal) -> tuple[int, int, int, int]:
        org = s.new_org
        has_noun = int(bool(re.search(r"\b[a-zåäö]{4,}", org)))
        return (int(s.new_role is not None), has_noun, len(org), -s.start)

    best = max(cands, key=score)
    if best.new_role is None:
        return best
    orgs = [s for s in cands if s.new_role is not None and s.new_role.base == best.new_role.base]
    return max(orgs, key=score)


def _unique(items: object) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:  # type: ignore[attr-defined]
        seen.setdefault(item, None)
    return list(seen)


def _organisation(held: list[RoleLink], top: _Where) -> str:
    for link in held:
        org = _normalise_org(link.org, top, link.role.base)
        if org:
            return org
    return ""


@dataclass(frozen=True, slots=True)
class _Where:
    top: str  # official name of the story's main municipality ("Vimmerby kommun")
    municipal: bool  # the story is about municipal matters

    def owns(self, role: str) -> bool:
        return bool(role) and is_municipal_role(role, municipal_story=self.municipal)


def _default_org(role: str, top: _Where) -> str:
    return top.top if top.top and top.owns(role) else ""


_GENITIVE_UNIT = re.compile(r"^([a-zåäö]+(?:en|et))s\s+[a-zåäö]+(\s+i\s+.+)?$")
_DESCRIPTOR = re.compile(r"^([a-zåäö]+)\s+([A-ZÅÄÖ].*)$")


def _normalise_org(org: str, top: _Where, role: str) -> str:
    """A readable organisation from the phrase the text gives ("kommunens" -> the kommun)."""
    org = org.strip(" ,.")
    if not org:
        return ""
    low = org.lower()
    if low in ("kommunens", "kommunen", "kommun"):
        return top.top
    if org.islower() and " " not in org and org.endswith(("ens", "ets")):
        return org[:-1]  # "polisens" -> "polisen"
    if low.endswith(" kommuns") or low.endswith(" stads"):
        return org[:-1]
    if org.endswith(":s"):
        org = org[:-2]
    unit = _GENITIVE_UNIT.match(org)
    if unit:  # "räddningstjänstens ledningscentral i Jönköping" -> the räddningstjänst
        return f"{unit.group(1)}{unit.group(2) or ''}"
    desc = _DESCRIPTOR.match(org)
    if desc:  # "grannkommunen Nässjö", "ägarkoncernen Nordpak"
        name = desc.group(2)
        muni = places.lookup(name)
        if muni is not None and ("kommun" in desc.group(1) or top.owns(role)):
            return muni.official_name
        return name
    muni = places.lookup(org)
    if muni is not None and org in (muni.name, muni.genitive):
        return muni.official_name if top.owns(role) else muni.name
    if muni is not None and org.lower().endswith(" kommun"):
        return muni.official_name
    return org
