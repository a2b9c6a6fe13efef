"""Kinds: is the story about a personnel change, about municipal matters, both or neither?

``personnel``: the story is about a change, not a passing mention of one: a change phrase in
the headline or the lead about a named person or a role ("Kommunchefen säger upp sig",
"Efter sju år i Eksjö blir hon ny utbildningschef"), or a role in the headline ("Ny rektor på
Storebro skola") while the story reports a change for someone. A change of who holds a post is
news without a named person too: a title as the subject of a change ("Vännäs kommunchef
slutar"), a recruitment ("Kommunen söker ny socialchef", "Vd sökes"), a new or leaving
holder in the headline ("Ny vd på Svalövsbostäder", "Avgående kommunchefen …", "Fem nya
rektorer"). A past change in a "när"-clause is background, a former title ("Före detta
rektorn") no news, and a club's coach or a choir's conductor no post the archive follows.

``municipal``: the story is about municipal decisions and services. Words from
``data/municipal_terms.txt`` (bodies: kommunfullmäktige, kommunstyrelsen, nämnder, förvaltningar,
kommunen; topics: budget, skattesats, detaljplan, skola, äldreomsorg, VA, ...) are weighed,
title and lead double; the story needs a body word, a total that grows with its length up to
``MUNICIPAL_THRESHOLD`` and a municipality. A personnel story about a municipal employer's
staff (a municipal role, or an organisation that is a kommun, förvaltning, nämnd or
räddningstjänst) is municipal as well. The municipality named as the actor ("Sala kommun har
skrivit avtal") and a municipal company named after it ("Habo Bostäder") count as bodies; a
story all about municipal matters that names no municipality (a region, a survey of many)
needs twice the score.

Birthday and obituary pieces ("Gunnar Ekström 90 år", "till minne") are neither, whatever
offices the person once held.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from crawler.enrich import places
from crawler.enrich.changes import Signal
from crawler.enrich.doc import Doc
from crawler.enrich.people import People
from crawler.enrich.roles import RoleMention, is_municipal_role
from indexer.article import Person

__all__ = ["MUNICIPAL_THRESHOLD", "classify", "is_municipal", "municipal_score", "only_not_posts"]

DATA_DIR = Path(__file__).parent / "data"
MUNICIPAL_THRESHOLD = 8.0  # a story of 240 words or more
SHORT_THRESHOLD = 2.0  # the least a story of a few words needs
WORDS_PER_POINT = 40.0  # tuned on the dev splits (bench.quality), never on test
_PER_TERM_CAP = 3  # one word repeated counts at most this many times
_PORTRAIT = re.compile(
    # a name and an age ("Anna Berg 60 år"): capitalised words, whatever the flag below
    r"^(?!(?:Efter|Under|Sedan|Om|På|Med|Inom|Till|Nästan|Över|Drygt|Snart)\b)"
    r"(?-i:(?:[A-ZÅÄÖ][\w-]+ ){1,3})\d{2,3} år\b|^\d{2,3} år:|\bfyller \d{2,3}( år)?\b"
    r"|\btill minne\b|"
    r"\bminnesord\b|\bhar avlidit\b|\bhar gått bort\b|\bdödsruna\b|\bin memoriam\b",
    re.IGNORECASE,
)
OFFICIAL_NAME_WEIGHT = 2.0
# "<Name> kommun(s)/stad(s)", "Region <Name>": found by the lower-case word, then the name
_KOMMUN_WORD = re.compile(r" (?:kommuns?|stads?)\b|\bRegion (?=[A-ZÅÄÖ])")
_COMPANY_WORD = re.compile(
    r" (?:Bostäder|Bostads AB|Energi|Vatten|Fastigheter|Hem|Kraft|Renhållning|Miljö|Stadshus AB)\b"
)
_PLACE_BEFORE = re.compile(r"\b(?:i|från|till|inom|utanför|vid|på|mot|nära)\s+$", re.IGNORECASE)
_MUNICIPAL_ORG = re.compile(r"kommun|förvaltning|nämnd|räddningstjänst|stadsbyggnad|region ")


@dataclass(frozen=True, slots=True)
class _Terms:
    exact: dict[str, tuple[float, bool]]  # word -> (weight, is a body)
    partial: tuple[tuple[str, float, bool], ...]  # inside compounds and inflections
    phrases: tuple[tuple[str, float, bool], ...]  # several words


@functools.cache
def _terms() -> _Terms:
    exact: dict[str, tuple[float, bool]] = {}
    partial: list[tuple[str, float, bool]] = []
    phrases: list[tuple[str, float, bool]] = []
    for raw in (DATA_DIR / "municipal_terms.txt").read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        weight, kind, term = line.split(None, 2)
        entry = (term, float(weight), kind == "body")
        if " " in term:
            phrases.append(entry)
        elif term in ("kommunen", "kommunens", "kommunala", "kommunal", "kommuner", "skolan"):
            exact[term] = entry[1:]
        else:
            partial.append(entry)
    return _Terms(exact, tuple(partial), tuple(phrases))


_NOT_TERMS = frozenset(
    {"nämnde", "nämnda", "omnämnd", "omnämnde", "omnämnda", "ovannämnda", "förutnämnda"}
)


@functools.lru_cache(maxsize=65536)
def _word_terms(word: str) -> tuple[tuple[str, float, bool], ...]:
    t = _terms()
    hits = []
    if word in _NOT_TERMS:
        return ()
    if word in t.exact:
        weight, body = t.exact[word]
        hits.append((word, weight, body))
    else:
        for term, weight, body in t.partial:
            if term in word:
                hits.append((term, weight, body))
                break
    return tuple(hits)


def municipal_score(doc: Doc) -> tuple[float, bool]:
    """(weighted count of municipal words, whether any is a municipal body)."""
    counts: dict[str, int] = {}
    score = 0.0
    has_body = False
    for k, terms in enumerate(map(_word_terms, doc.lower)):
        for term, weight, body in terms:
            n = counts.get(term, 0)
            if n >= _PER_TERM_CAP:
                continue
            counts[term] = n + 1
            factor = 2.0 if doc.starts[k] < doc.body_start else 1.0
            score += weight * factor
            has_body = has_body or body
    # the municipality itself as the actor: "Sala kommun har skrivit avtal", "Höörs kommuns"
    text = doc.text
    for m in _KOMMUN_WORD.finditer(text):
        if m.group().startswith(" "):
            name_start = _word_before(text, m.start())
            if name_start < 0 or _PLACE_BEFORE.search(text, max(0, name_start - 8), name_start):
                continue  # "i Nora kommun" is where, not who; "en kommun" is no name
        else:
            name_start = m.start()
        n = counts.get("<kommun>", 0)
        if n < _PER_TERM_CAP:
            counts["<kommun>"] = n + 1
            score += OFFICIAL_NAME_WEIGHT * (2.0 if name_start < doc.body_start else 1.0)
            has_body = True
    for m in _COMPANY_WORD.finditer(text):
        name_start = _word_before(text, m.start())
        name = text[name_start : m.start()] if name_start >= 0 else ""
        if name and (places.lookup(name) or places.lookup(name.removesuffix("s"))):
            n = counts.get("<bolag>", 0)  # "Habo Bostäder", "Tidaholms Energi"
            if n < _PER_TERM_CAP:
                counts["<bolag>"] = n + 1
                score += OFFICIAL_NAME_WEIGHT * (2.0 if name_start < doc.body_start else 1.0)
                has_body = True
    low = doc.text.lower()
    for term, weight, body in _terms().phrases:
        n = min(low.count(term), _PER_TERM_CAP)
        if n:
            score += weight * n
            has_body = has_body or body
    return score, has_body


def _word_before(text: str, end: int) -> int:
    """Where the capitalised word ending at ``end`` starts, or -1."""
    start = end
    while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "-"):
        start -= 1
    return start if start < end and text[start].isupper() else -1


def municipal_threshold(words: int) -> float:
    """The score a story of ``words`` words needs: a short notice says less about anything
    ("Kommunstyrelsen beslutade att ett nytt särskilt boende ska byggas"), so it needs less."""
    return min(MUNICIPAL_THRESHOLD, SHORT_THRESHOLD + words / WORDS_PER_POINT)


def _strongly_municipal(doc: Doc) -> bool:
    """Municipal matters told without naming a municipality: a region's decisions, a survey
    of many municipalities ("Räddningstjänster samarbetar mer"). Twice the usual score."""
    score, has_body = municipal_score(doc)
    return has_body and score >= 2 * municipal_threshold(len(doc.lower))


def is_municipal(doc: Doc) -> bool:
    """True when the story's words are about municipal decisions and services."""
    score, has_body = municipal_score(doc)
    return (
        has_body
        and score >= municipal_threshold(len(doc.lower))
        and not _PORTRAIT.search(doc.text[: doc.lead_start])
    )


# a club's coach or a choir's conductor is not a post in an organisation the archive follows
_NOT_POSTS = ("tränare", "sportchef", "kapten", "spelare", "målvakt", "dirigent", "körledare")
_RECRUITING = frozenset(
    """söker sökes rekryterar rekryteras rekrytera rekryteringen rekrytering utlyser utlyses
    tillsätter tillsätts tillsätta hitta hittat anställa""".split()
)


# a headline about who leads something now: "Ny chef för miljöförvaltningen", "Nya chefer i
# skolan", "Ny tillfällig ledning för förvaltningen", "Ny styrelse för energikontoret"
_NEW_LEADERSHIP = re.compile(
    r"\b(?:ny|nya|nye|nytt|gemensam|gemensamma)\s+"
    r"(?:(?:tillfällig|tillfälliga|tillförordnad|permanent)\s+)?"
    r"(?:[\w-]*(?:chef|chefer|rektor|rektorer|direktör|direktörer)|ledning|ledningsgrupp|ledare"
    r"|styrelse|ordförande|ledamöter)\b",
    re.IGNORECASE,
)


# a board or a leadership replaced: "Bolagets styrelse fick sparken", "Hela presidiet avgår"
_LEADERSHIP_OUT = re.compile(
    r"\b(?:styrelse|styrelsen|ledning|ledningen|presidiet|presidium)\b[^.!?]{0,40}?"
    r"\b(?:avgår|avgick|avsätts|avsattes|petas|petades|sparkas|sparkades|(?:får|fick) sparken"
    r"|byts ut|byttes ut|avskedas|avskedades|entledigas|entledigades)\b",
    re.IGNORECASE,
)


# "Förvaltning söker chef en gång till", "Vd sökes", "Kommunen rekryterar ny chef",
# "Kommunen byter IT-chef"
_SEEKS_HEAD = re.compile(
    r"\b(?:söker|rekryterar|anställer)\s+(?:en\s+)?(?:ny\s+)?[\w-]*(?:chef|direktör|vd)\b"
    r"|\bbyter(?:\s+ut)?\s+(?:sin\s+|sitt\s+)?[\w-]*(?:chef|direktör|vd|rektor)\b"
    r"|\b(?:[\w-]*chef|direktör|vd|rektor)\s+sökes\b",
    re.IGNORECASE,
)


# whether a change brings someone to a post (else it takes them from one)
_ARRIVING = frozenset({"appointed", "acting"})


def only_not_posts(roles: list[str]) -> bool:
    """Every title is one of a club or a choir (tränare, dirigent): no post the archive
    follows, though the person's change is real."""
    return bool(roles) and all(r.endswith(_NOT_POSTS) for r in roles)


def _background(doc: Doc, signal: Signal) -> bool:
    """A past change in a temporal clause is background: "När hon gick i pension 2019 ..."."""
    if not signal.past:
        return False
    k = doc.token_at(signal.start)
    sent = doc.tok_sent[k] if k < len(doc.tok_sent) else -1
    t = k - 1
    while t >= 0 and doc.tok_sent[t] == sent:
        if doc.lower[t] in ("när", "sedan", "innan"):
            return True
        t -= 1
    return False


def _post_news(doc: Doc, roles: list[RoleMention], signals: list[Signal]) -> bool:
    """A change of who holds a post, told in the headline or lead without a named person.

    "Kommunchefen säger upp sig" (the role is the subject of a change), "Ny vd på
    bostadsbolaget", "Styrelsen fick sparken", "Avgående socialchefen ...", "Kommunen söker
    ny socialchef", "Rekryteringen av en ny rektor inleds".
    """
    if any(s.entity < 0 and s.role_subject and s.zone < 2 for s in signals):
        return True
    headline = doc.text[: doc.lead_start]
    if any(p.search(headline) for p in (_NEW_LEADERSHIP, _SEEKS_HEAD, _LEADERSHIP_OUT)):
        return True
    for r in roles:
        if r.start >= doc.body_start or r.base.endswith(_NOT_POSTS):
            continue
        if r.start < doc.lead_start and (r.new or r.leaving) and not r.generic:
            return True
        first = doc.token_at(r.start)
        sent = doc.tok_sent[first] if first < len(doc.tok_sent) else -1
        for t in range(max(0, first - 5), first):
            if doc.tok_sent[t] == sent and doc.lower[t] in _RECRUITING:
                return True
    return False


def classify(
    doc: Doc,
    roles: list[RoleMention],
    signals: list[Signal],
    persons: list[Person],
    municipalities: list[str],
    people: People,
    municipal_story: bool | None = None,
) -> list[str]:
    """The kinds of a story: a sublist of ["personnel", "municipal"].

    ``municipal_story`` is :func:`is_municipal` of ``doc`` when the caller has it already.
    """
    headline = doc.text[: doc.lead_start]
    if _PORTRAIT.search(headline):
        return []
    kinds: list[str] = []
    # a coach's or a conductor's change is no news of a post the archive follows
    changed = [p for p in persons if p.change and not only_not_posts(p.roles)]
    # a change told in the headline or the lead, or a title in the headline, while the story
    # reports a change for someone: the story is about it
    # (one about nobody by name or title counts where someone comes, or goes, as it says)
    told = {p.change in _ARRIVING for p in changed}
    headline_change = any(
        s.zone < 2
        and not _background(doc, s)
        and (s.entity >= 0 or s.role_subject or (s.change in _ARRIVING) in told)
        for s in signals
    )
    headline_role = any(
        r.start < doc.lead_start and not (r.generic or r.former or r.base.endswith(_NOT_POSTS))
        for r in roles
    )
    # or a person the headline names has a change in the story ("Håkan Dahm hoppar av")
    in_headline = {
        people.entities[m.entity].name
        for m in people.mentions
        if m.start < doc.lead_start and m.kind in ("full", "surname")
    }
    headline_person = any(p.name in in_headline for p in changed)
    personnel = (
        bool(changed) and (headline_change or headline_role or headline_person)
    ) or _post_news(doc, roles, signals)
    if personnel:
        kinds.append("personnel")
    if municipal_story is None:
        municipal_story = is_municipal(doc)
    municipal = municipal_story and (bool(municipalities) or _strongly_municipal(doc))
    if personnel and not municipal:
        municipal = any(
            any(is_municipal_role(r) for r in p.roles)
            or bool(p.organisation and _MUNICIPAL_ORG.search(p.organisation.lower()))
            for p in changed
        )
    if municipal:
        kinds.append("municipal")
    return kinds
