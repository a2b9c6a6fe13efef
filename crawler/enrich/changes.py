"""Personnel changes: who was appointed, is acting, leaves, resigns, retires, is dismissed or
moves to a new job, read from the verb phrases in ``data/changes.txt``.

Each phrase that matches in the narration (not in direct speech, not in a question) becomes a
``Signal`` for the person it is about: the subject found by walking back over auxiliaries and
adverbs ("Anna Berg har nu sagt upp sig"), the person inside a split phrase ("går Anna Berg i
pension", V2 order), the object of an appointing verb ("styrelsen har utsett Anna Berg till
..."), or, in a headline without a name, the role ("Kommunchefen säger upp sig"). Negated,
hypothetical and demanded changes ("borde avgå", "kräver att hon avgår", "har inga planer på att
sluta") are dropped. ``assemble`` then gives every person one change, their roles, their
organisation and, where the story says so, the new role and organisation.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from crawler.enrich import places
from crawler.enrich.people import SKIPPABLE, Doc, People, RoleLink, org_after_span, subject_before
from crawler.enrich.roles import RoleMention, is_municipal_role
from indexer.article import Person

__all__ = ["PRIORITY", "Signal", "assemble", "find_signals"]

DATA_DIR = Path(__file__).parent / "data"

# Most telling first: a story about a retirement mentions that the person leaves, too.
PRIORITY = ("dismissed", "retired", "new_job", "resigned", "acting", "appointed", "leaving")
_NEEDS_ROLE_ENDINGS = frozenset(
    {"som", "till", "ny", "nya", "nytt", "nye", "tillförordnad", "tillförordnade", "tf"}
)
_JOB_WORDS = frozenset(
    {
        "jobb",
        "jobbet",
        "tjänst",
        "tjänsten",
        "uppdrag",
        "uppdraget",
        "arbetsgivare",
        "befattning",
        "position",
        "roll",
        "rollen",
        "arbete",
        "chefsjobb",
    }
)
_NEGATIONS = frozenset(
    {
        "inte",
        "ej",
        "aldrig",
        "ingen",
        "inga",
        "inget",
        "borde",
        "bör",
        "skulle",
        "kräver",
        "krävde",
        "krävt",
        "krav",
        "kräva",
        "uppmanar",
        "uppmanade",
        "uppmanat",
        "spekuleras",
        "spekulerar",
        "spekulationer",
        "ryktas",
        "rykten",
        "överväger",
        "övervägt",
        "funderar",
        "eventuellt",
        "kanske",
        "möjligen",
        "hotar",
        "hotade",
        "vägrar",
        "vägrade",
        "ifall",
        "misstroendeförklaring",
    }
)
_NEW = frozenset({"ny", "nytt", "nya", "annat", "annan"})
_ACTING_ADVERBS = frozenset({"tillfälligt", "tillsvidare", "interimistiskt", "temporärt"})
_WANT = frozenset({"vill", "ville", "velat", "önskar", "kräver", "krävde"})
_BREAK_WORDS = frozenset({"men", "medan", "eftersom", "fast", "trots"})


_Part = tuple[str, frozenset[str]]  # (kind, words): kind w (one of words), gap, cap, not


@dataclass(frozen=True, slots=True)
class _Phrase:
    change: str
    past: bool
    who: str  # S or O
    parts: tuple[_Part, ...]
    needs_role: bool
    takes_role: bool
    text: str
    v2: bool  # the person right after the verb may be its subject ("tillträder han")
    predecessor: bool  # the person after it held the post before ("efterträder Anna Berg")


@dataclass(slots=True)
class Signal:
    """One phrase saying a person's job changes."""

    change: str
    past: bool
    entity: int  # -1: the subject is a role without a name (a headline)
    role_subject: str  # the role's base form when entity is -1
    start: int
    zone: int
    phrase: str
    new_role: RoleMention | None = None
    new_org: str = ""
    predecessor: int = -1  # "efterträder Anna Berg": Anna Berg held the role before


_EMPTY: frozenset[str] = frozenset()


def _part(word: str) -> _Part:
    if word == "_":
        return ("gap", _EMPTY)
    if word == "Cap":
        return ("cap", _EMPTY)
    if word.startswith("!"):
        return ("not", frozenset(word[1:].lower().split("|")))
    return ("w", frozenset(word.lower().split("|")))


@functools.cache
def _lexicon() -> dict[str, tuple[_Phrase, ...]]:
    table: dict[str, list[_Phrase]] = {}
    for raw in (DATA_DIR / "changes.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        change, tense, who, *words = line.split()
        parts = tuple(_part(w) for w in words)
        first, last = parts[0], parts[-1]
        if first[0] != "w":
            raise ValueError(f"changes.txt: a phrase must start with a word: {line}")
        needs = who.endswith("+") or (last[0] == "w" and bool(last[1] & _NEEDS_ROLE_ENDINGS))
        predecessor = any(w.startswith("efterträ") for w in first[1]) or (
            last[0] == "w" and "efter" in last[1]
        )
        takes = change in ("appointed", "acting", "new_job") and not predecessor
        phrase = _Phrase(
            change,
            tense == "past",
            who[0],
            parts,
            needs,
            takes,
            " ".join(words),
            not predecessor,
            predecessor,
        )
        for w in first[1]:
            table.setdefault(w, []).append(phrase)
    return {k: tuple(v) for k, v in table.items()}


_CAP_TAIL = frozenset({"kommun", "stad", "region", "ab"})


def _match(doc: Doc, phrase: _Phrase, k: int) -> tuple[int, tuple[int, int]] | None:
    """Match ``phrase`` at token ``k``; (index after the last token, gap token range)."""
    lower, words = doc.lower, doc.words
    n = len(lower)
    sent = doc.tok_sent[k]
    parts = phrase.parts

    def step(pi: int, ti: int, gap: tuple[int, int]) -> tuple[int, tuple[int, int]] | None:
        if pi == len(parts):
            return ti, gap
        kind, options = parts[pi]
        if kind == "gap":
            for g in range(0, 9):
                if ti + g > n or (ti + g < n and doc.tok_sent[ti + g] != sent):
                    break
                if g and _hard_break(doc, ti + g - 1):
                    break
                res = step(pi + 1, ti + g, (ti, ti + g))
                if res is not None:
                    return res
            return None
        if kind == "not":
            if ti < n and doc.tok_sent[ti] == sent and lower[ti] in options:
                return None
            return step(pi + 1, ti, gap)
        if ti >= n or doc.tok_sent[ti] != sent or _hard_break(doc, ti - 1):
            return None
        if kind == "cap":
            if not words[ti][0].isupper():
                return None
            ti += 1
            while ti < n and not _hard_break(doc, ti - 1) and lower[ti] in _CAP_TAIL:
                ti += 1
            return step(pi + 1, ti, gap)
        if lower[ti] in options:
            return step(pi + 1, ti + 1, gap)
        return None

    return step(1, k + 1, (k + 1, k + 1)) if lower[k] in parts[0][1] else None


def _ahead(doc: Doc, k: int, part: _Part) -> bool:
    """Whether the word a phrase needs after its gap can be within reach of token ``k``."""
    kind, options = part
    if kind != "w":
        return True
    return not options.isdisjoint(doc.lower[k + 1 : k + 11])


def _hard_break(doc: Doc, t: int) -> bool:
    """True when the text between token t and the next one ends a clause."""
    return t >= len(doc.brk) - 1 or doc.brk[t]


def _negated(doc: Doc, k: int, end: int) -> bool:
    sent = doc.tok_sent[k]
    lower = doc.lower
    t = k - 1
    steps = 0
    while t >= 0 and doc.tok_sent[t] == sent and steps < 7:
        w = lower[t]
        if w in _NEGATIONS:
            return True
        if (
            w == "att"
            and t > 2
            and (
                lower[t - 1] in _WANT
                or (lower[t - 1] == "på" and lower[t - 3] in ("inga", "ingen"))
            )
        ):
            return True  # "kräver att hon avgår", "har inga planer på att sluta"
        if w in _BREAK_WORDS or "," in doc.text[doc.ends[t] : doc.starts[t + 1]]:
            break
        t -= 1
        steps += 1
    for t in range(k + 1, min(end + 2, len(lower))):
        if doc.tok_sent[t] != sent:
            break
        if lower[t] in ("inte", "ej", "aldrig"):
            return True
    return False


def find_signals(
    doc: Doc, roles: list[RoleMention], people: People, links: list[RoleLink]
) -> list[Signal]:
    """Every personnel-change phrase in the narration, with the person it is about."""
    lexicon = _lexicon()
    mentions = people.mentions
    by_tok: dict[int, int] = {}
    for idx, m in enumerate(mentions):
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
    signals: list[Signal] = []
    for link in links:
        # "Petra Sandin är tillförordnad socialchef", "leder förvaltningen som t.f."
        if link.role.acting and link.rule in ("copula", "som", "apposition") and not link.former:
            start = link.role.start
            signals.append(
                Signal(
                    "acting", False, link.entity, "", start, doc.zone_of(start), "t.f.", link.role
                )
            )
    for k, w in enumerate(doc.lower):
        phrases = lexicon.get(w)
        if not phrases or not doc.tok_narr[k]:
            continue
        nxt = doc.lower[k + 1] if k + 1 < len(doc.lower) else ""
        for phrase in phrases:
            if len(phrase.parts) > 1:
                kind, options = phrase.parts[1]
                if kind == "w" and nxt not in options:
                    continue
                if kind == "gap" and not _ahead(doc, k, phrase.parts[2]):
                    continue  # the word after the gap is nowhere near: no need to try
            res = _match(doc, phrase, k)
            if res is None:
                continue
            end, gap = res
            if _negated(doc, k, end):
                continue
            entity, subject_last = _subject(doc, phrase, k, gap, people, by_tok, appositions)
            role_subject = ""
            rm: RoleMention | None
            if entity < 0:
                if phrase.who == "O":
                    rm = _role_object(doc, end, role_tok)
                else:
                    rm = _role_before(doc, k, role_tok)
                if rm is None or id(rm) in linked or not (rm.definite or rm.owner):
                    continue
                role_subject = rm.base
            signal = Signal(
                phrase.change,
                phrase.past,
                entity,
                role_subject,
                doc.starts[k],
                doc.zone_of(doc.starts[k]),
                phrase.text,
            )
            if phrase.takes_role:
                after = max(end - 1, subject_last)
                rm = _role_after(doc, k, after, roles)
                if rm is not None:
                    signal.new_role = rm
                    if rm.acting:
                        signal.change = "acting"
                    span = org_after_span(doc.text, rm.end)
                    signal.new_org = doc.text[span[0] : span[1]] if span else ""
                elif phrase.needs_role and not (
                    phrase.change == "new_job" and _job_word_near(doc, end)
                ):
                    continue
            elif (
                phrase.needs_role
                and not _job_word_near(doc, end)
                and _role_after(doc, k, end - 1, roles) is None
            ):
                continue
            if (
                phrase.change == "new_job"
                and phrase.text.startswith("lämnar")
                and not signal.new_org
            ):
                signal.new_org = _capitalised_after(doc, end)
            if (
                signal.change == "appointed"
                and not phrase.predecessor
                and any(w in _ACTING_ADVERBS for w in doc.lower[k:end])
            ):
                signal.change = "acting"  # "tar tillfälligt över rodret", "utses tills vidare"
            if signal.change in ("leaving", "dismissed") and _own_request(doc, k):
                signal.change = "resigned"  # "lämnar på egen begäran", "entledigas på egen begäran"
            if phrase.predecessor and phrase.change == "appointed":
                pred = _mention_after(doc, end, people, by_tok)
                if pred is not None and pred != entity:
                    signal.predecessor = pred
            signals.append(signal)
    return signals


def _own_request(doc: Doc, k: int) -> bool:
    """The sentence of token ``k`` says the change was asked for: "på egen begäran"."""
    sent = doc.tok_sent[k]
    lower = doc.lower
    t = k + 1
    while t + 1 < len(lower) and doc.tok_sent[t] == sent:
        if lower[t] == "egen" and lower[t + 1] == "begäran":
            return True
        t += 1
    return False


def _subject(
    doc: Doc,
    phrase: _Phrase,
    k: int,
    gap: tuple[int, int],
    people: People,
    by_tok: dict[int, int],
    appositions: dict[int, int],
) -> tuple[int, int]:
    """(entity, its last token) of the person the phrase is about, or (-1, -1)."""
    for t in range(gap[0], gap[1]):
        if t in by_tok:
            return _entity_at(people, by_tok[t])
    sent = doc.tok_sent[k]
    if phrase.who == "O":
        t = k + 1
        while t < len(doc.lower) and t < k + 9 and doc.tok_sent[t] == sent:
            if t in by_tok:
                return _entity_at(people, by_tok[t])
            t += 1
        return -1, -1
    ent = subject_before(doc, k, people, appositions)
    if ent is not None:
        return ent, k
    # V2: "tillträder han", "slutar Anna Berg"
    t = k + 1
    while phrase.v2 and t < len(doc.lower) and t <= k + 2 and doc.tok_sent[t] == sent:
        if t in by_tok:
            return _entity_at(people, by_tok[t])
        if doc.lower[t] not in SKIPPABLE:
            break
        t += 1
    # a second verb of the sentence's subject: "Anna Berg lämnar posten och går vidare till"
    first = k
    while first > 0 and doc.tok_sent[first - 1] == sent:
        first -= 1
    if "och" in doc.lower[max(first, k - 10) : k]:
        for t in range(first, min(first + 4, k)):
            if t in by_tok:
                m = people.mentions[by_tok[t]]
                if m.kind in ("full", "surname", "first", "pronoun"):
                    return m.entity, m.last_tok
    return -1, -1


def _entity_at(people: People, mention: int) -> tuple[int, int]:
    m = people.mentions[mention]
    return m.entity, m.last_tok


_PP_HEADS = frozenset({"på", "i", "vid", "för", "inom", "hos"})


def _role_before(doc: Doc, k: int, role_tok: dict[int, RoleMention]) -> RoleMention | None:
    """A role as the subject of a headline verb: "Kommunchefen säger upp sig", "Rektorn på
    Skogstorpsskolan avskedas"."""
    t = k - 1
    pp = 0
    while t >= 0 and doc.tok_sent[t] == doc.tok_sent[k]:
        if t in role_tok:
            return role_tok[t]
        if doc.lower[t] in SKIPPABLE:
            t -= 1
            continue
        if pp < 4 and not _hard_break(doc, t):
            # step over a short prepositional phrase right after the role
            u = t
            while u > t - 4 and u >= 0 and doc.lower[u] not in _PP_HEADS:
                u -= 1
            if u >= 1 and doc.lower[u] in _PP_HEADS and (u - 1) in role_tok:
                return role_tok[u - 1]
        return None
    return None


def _role_object(doc: Doc, end: int, role_tok: dict[int, RoleMention]) -> RoleMention | None:
    """The role right after an appointing or dismissing verb: "avskedar rektorn på ..."."""
    t = end
    while t < len(doc.lower) and t < end + 3 and doc.tok_sent[t] == doc.tok_sent[end - 1]:
        if t in role_tok:
            return role_tok[t]
        if doc.lower[t] not in SKIPPABLE:
            return None
        t += 1
    return None


def _role_after(doc: Doc, k: int, after: int, roles: list[RoleMention]) -> RoleMention | None:
    """The first role word within six words after token ``after`` in the same sentence."""
    sent = doc.tok_sent[k]
    for r in roles:
        t = doc.token_at(r.word_start)
        if t <= after or t <= k:
            continue
        if t > after + 7 or t >= len(doc.tok_sent) or doc.tok_sent[t] != sent:
            return None
        if any(_hard_break(doc, x) for x in range(after, t)):
            return None
        return r
    return None


def _job_word_near(doc: Doc, end: int) -> bool:
    """An employer's name or a new job ("ett nytt jobb", "en ny tjänst") right after ``end``."""
    sent = doc.tok_sent[end - 1]
    for t in range(end, min(end + 6, len(doc.lower))):
        if doc.tok_sent[t] != sent or _hard_break(doc, t - 1):
            break
        if doc.words[t][0].isupper():
            return True
        if doc.lower[t] in _JOB_WORDS and t > 0 and doc.lower[t - 1] in _NEW:
            return True
    return False


def _capitalised_after(doc: Doc, end: int) -> str:
    if end < len(doc.words) and doc.words[end][0].isupper():
        return doc.words[end]
    return ""


def _mention_after(doc: Doc, t: int, people: People, by_tok: dict[int, int]) -> int | None:
    sent = doc.tok_sent[t - 1] if t else 0
    for x in range(t, min(t + 4, len(doc.lower))):
        if doc.tok_sent[x] != sent:
            return None
        if x in by_tok:
            return _entity_at(people, by_tok[x])[0]
    return None


# ------------------------------------------------------------------------------ assembling


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
    """Roles are every title the story gives the person, in base form and in order of first
    mention (held now, held before, taken on); a new job's role goes to ``new_role``."""
    change = _choose(signals) or _flagged_change(links)
    main = _main_signal(signals, change)
    roles = _unique(link.role.base for link in links)
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
            if acting_role.base not in person.roles:
                person.roles.append(acting_role.base)
            person.new_role = f"tillförordnad {acting_role.base}"
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
    change = min((s.change for s in pool), key=PRIORITY.index)
    if change == "appointed":
        gone = [s for s in pool if s.change in ("leaving", "resigned")]
        took = [s for s in pool if s.change == "appointed"]
        if gone and min(s.start for s in gone) < min(s.start for s in took):
            return "new_job"
    return change


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
