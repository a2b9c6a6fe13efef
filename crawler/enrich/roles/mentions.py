"""Role mentions: every title in running text (see ``vocabulary`` for what a title word is),
with what stands before the word:

- "biträdande", "ställföreträdande", "vice", "assisterande" stay part of the role;
- "tillförordnad", "t.f.", "tf", "vikarierande" make it acting ("tillförordnad kommunchef");
- "förre", "f.d.", "tidigare", "dåvarande" make it former; "ny", "nya", "blivande" new;
- "en", "ingen", "någon", "varje" make it generic (no particular person);
- a body in the genitive before "ordförande" is kept ("kommunstyrelsens ordförande");
- a coordinated first part is kept ("barn- och utbildningschef");
- an owner in the genitive is remembered as the organisation ("Eksjö kommuns skolchef").

A bare head counts only with its adjective ("tekniska chefen") or, for "chef", where it says of
what ("chef för socialförvaltningen").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from crawler.enrich.roles.vocabulary import (
    KEPT_MODIFIERS,
    adjective,
    head_forms,
    head_only,
    normalise_role,
    role_base,
    vocabulary,
)

__all__ = ["RoleMention", "acting_title", "find_roles"]

_ACTING_WORDS = frozenset(
    {
        "tillförordnad",
        "tillförordnade",
        "tillförordnande",  # a common slip for "tillförordnade"
        "tf",
        "vikarierande",
        "tillfällig",
        "tillfälliga",
        "tillfällige",
        "konstituerad",
        "konstituerade",
        "interim",
        "interimistisk",
        "interimistiske",
    }
)
_FORMER_WORDS = frozenset(
    {"förre", "förra", "tidigare", "dåvarande", "förutvarande", "pensionerade", "fd", "ex"}
)
_NEW_WORDS = frozenset(
    {
        "ny",
        "nya",
        "nytt",
        "nye",
        "blivande",
        "tillträdande",
        "nyblivne",
        "nyblivna",
        "nyanställd",
        "nyanställda",
        "nyanställde",
        "nyutsedd",
        "nyutsedda",
        "nyutsedde",
        "nyvalda",
        "nyvalde",
    }
)
_LEAVING_WORDS = frozenset({"avgående", "avgångne"})
_GENERIC_WORDS = frozenset(
    {
        "en",
        "ett",
        "någon",
        "ingen",
        "inga",
        "varje",
        "alla",
        "flera",
        "många",
        "andra",
        "annan",
        "fler",
        "sådan",
        "sådana",
        "två",
        "tre",
        "fyra",
        "fem",
        "vilken",
        "samtliga",
        "olika",
        "egen",
        "egna",
    }
)
_SKIP_BEFORE = frozenset({"den", "det", "de", "och", "samt", "ordinarie", "permanent"})
_ARTICLE_WORDS = frozenset({"den", "det"})
# A body in the genitive before "ordförande" belongs to the role ("kommunstyrelsens ordförande").
_BODY_GENITIVES = (
    "nämndens",
    "styrelsens",
    "fullmäktiges",
    "direktionens",
    "utskottets",
    "presidiets",
    "rådets",
    "valberedningens",
    "beredningens",
    "revisionens",
)
_CHAIR_ROLES = ("ordförande",)  # with its modifiers: "vice", "förste vice", "2:e vice"
# An owner in the genitive right before a role is its organisation ("kommunens skolchef").
_OWNER_GENITIVES = frozenset(
    {
        "kommunens",
        "stadens",
        "regionens",
        "länets",
        "förbundets",
        "bolagets",
        "företagets",
        "koncernens",
        "klubbens",
        "föreningens",
        "skolans",
        "polisens",
        "länsstyrelsens",
        "räddningstjänstens",
        "förvaltningens",
        "myndighetens",
        "universitetets",
        "sjukhusets",
        "kyrkans",
        "församlingens",
        "partiets",
    }
)

_COORDINATION = re.compile(r"((?:[^\W\d_]+-,?\s+)*[^\W\d_]+-\s+(?:och|eller|&)\s+)$")
_TF_BEFORE = re.compile(r"(?:\b[tT]\.\s?[fF]\.?|\b[tT][fF]\.?)\s+$")
_FD_BEFORE = re.compile(r"(?:\b[fF]\.\s?[dD]\.?|\b[fF]öre detta)\s+$")
_CAP_GENITIVE_BEFORE = re.compile(
    r"((?:[A-ZÅÄÖÉ][\w.&-]*\s+){0,3}(?:[A-ZÅÄÖÉ][\w.&-]*?(?::s|s))|"
    r"(?:[A-ZÅÄÖÉ][\w-]*\s+)?(?:kommuns|stads|läns|regions))\s+$"
)
_PLACE_BEFORE = re.compile(r"((?:[A-ZÅÄÖÉ][\w-]*\s+){1,2})$")


@dataclass(slots=True)
class RoleMention:
    """One role word in the text, with what its neighbours say about it."""

    start: int
    end: int
    role: str  # normalised: "kommunchef", "biträdande skolchef", "tillförordnad kommunchef"
    base: str  # without the acting prefix: "kommunchef"
    acting: bool = False
    former: bool = False
    new: bool = False
    leaving: bool = False
    generic: bool = False
    definite: bool = False
    post: bool = False  # "vd-posten", "kommunchefstjänsten": the post, held by the subject
    owner: str = ""  # "Eksjö kommuns", "kommunens", "Kalmar HC:s" before the role
    word_start: int = 0  # where the role word itself begins (after its modifiers)


_BARE_CHEFEN_AFTER = re.compile(r"\s+(?:i|på|för|vid|över)\s+(?:[a-zåäö-]+(?:en|et|na)|[A-ZÅÄÖ])")
_BARE_CHEF_AFTER = re.compile(r"\s+(?:för|över)\s+(?:[a-zåäö-]+\s+och\s+)?[a-zåäö-]+(?:en|et|na)\b")


def _bare_chef(text: str, ends: list[int], lower: list[str], i: int) -> bool:
    """A bare "chef" is a title where it says of what: acting ("tillförordnad chef"), after an
    organisation's genitive ("förvaltningens chef", "bibliotekets nya chef") or before one
    ("chef för socialförvaltningen"). "Chefen" alone is anyone's boss."""
    prev = lower[i - 1] if i > 0 else ""
    if prev in _ACTING_WORDS:
        return True
    if prev in ("ny", "nya", "nye", "blivande") and i > 1:
        prev = lower[i - 2]  # "bibliotekets nya chef"
    if prev.endswith(("ens", "ets", "nas")) and len(prev) > 6:
        return True
    if lower[i] == "chefen":  # "Chefen i kommunen har sagt upp sig"
        return bool(_BARE_CHEFEN_AFTER.match(text, ends[i]))
    return lower[i] == "chef" and bool(_BARE_CHEF_AFTER.match(text, ends[i]))


@dataclass(slots=True)
class _Words:
    """The text and its word tokens, as ``find_roles`` is given them."""

    text: str
    starts: list[int]
    ends: list[int]
    lower: list[str]


@dataclass(slots=True)
class _Reading:
    """One role mention being read leftwards from its word."""

    mention: RoleMention
    base: str  # the role so far: the word's base form, then with what stands before it
    k: int  # the token right before what has been read


def find_roles(
    text: str, starts: list[int], ends: list[int], lower: list[str]
) -> list[RoleMention]:
    """Every role word in ``text``, given its word tokens (start, end, lower-case form)."""
    words = _Words(text, starts, ends, lower)
    found: list[RoleMention] = []
    heads = head_forms()
    bases = list(map(role_base, lower))
    for i in [i for i, b in enumerate(bases) if b is not None or lower[i] in heads]:
        hit = bases[i]
        if hit is None:
            hit = _head_hit(words, i)
            if hit is None:
                continue
        found.append(_read_role(words, i, hit))
    return found


def _head_hit(words: _Words, i: int) -> tuple[str, bool, bool] | None:
    """A bare head as a title: after its adjective ("tekniska chefen"), or a "chef" that says
    of what (see ``_bare_chef``)."""
    hit = head_only(words.lower[i])
    if hit is None:
        return None
    if hit[0] == "chef" and _bare_chef(words.text, words.ends, words.lower, i):
        return hit
    if i == 0 or adjective(words.lower[i - 1], vocabulary().multi[hit[0]]) is None:
        return None
    return hit


def _read_role(words: _Words, i: int, hit: tuple[str, bool, bool]) -> RoleMention:
    """The role mention of the word at token ``i``, with what its neighbours say about it."""
    text, starts, lower = words.text, words.starts, words.lower
    multi = vocabulary().multi
    base, definite, post = hit
    start, end = starts[i], words.ends[i]
    # two-word titles: "verkställande direktör", "tekniska chefen", "ansvarig utgivare"
    first = adjective(lower[i - 1], multi[base]) if i > 0 and base in multi else None
    if first is not None:
        base = f"{first} {base}"
        start = starts[i - 1]
        j = i - 1
    else:
        j = i
    mention = RoleMention(start, end, base, base, definite=definite, post=post)
    # coordinated first parts: "barn- och utbildningschef"
    coord = _COORDINATION.search(text, max(0, start - 60), start)
    k = j - 1
    if coord:
        mention.start = coord.start()
        base = f"{' '.join(coord.group(1).lower().split())} {base}"
        while k >= 0 and starts[k] >= coord.start():
            k -= 1
    reading = _Reading(mention, base, k)
    prefix = _read_modifiers(words, reading, start)
    head = text[max(0, mention.start - 12) : mention.start]
    tf = _TF_BEFORE.search(head)
    if tf:
        mention.acting = True
        mention.start -= len(tf.group(0))
    if _FD_BEFORE.search(head):
        mention.former = True
    if prefix:
        reading.base = f"{' '.join(prefix)} {reading.base}"
    reading.base = normalise_role(reading.base)
    if reading.base.startswith("interim"):  # "interimchef", "interimistisk rektor"
        mention.acting = True
    _read_owner(words, reading)
    # membership and chair roles keep their body: "ledamot i samhällsbyggnadsnämnden",
    # "ordförande i socialnämnden" (also said "ordförande för socialnämnden")
    if reading.base in vocabulary().member or reading.base.endswith(_CHAIR_ROLES):
        tail = _MEMBER_BODY.match(text, end)
        if tail:
            reading.base = f"{reading.base} i {tail.group(1).lower()}"
            mention.end = tail.end()
    mention.base = reading.base
    mention.role = acting_title(reading.base) if mention.acting else reading.base
    mention.word_start = start
    return mention


def acting_title(base: str) -> str:
    """The title of one who holds ``base`` acting: "tillförordnad socialchef"; an interim
    title says so itself ("interimchef")."""
    return base if base.startswith("interim") else f"tillförordnad {base}"


def _read_modifiers(words: _Words, reading: _Reading, start: int) -> list[str]:
    """Read the modifiers before the role, nearest first, into its flags; return the kept
    ones ("biträdande", "vice") in text order."""
    text, starts, ends, lower = words.text, words.starts, words.ends, words.lower
    mention, k = reading.mention, reading.k
    prefix: list[str] = []
    while k >= 0 and starts[k] >= start - 40:
        gap = text[ends[k] : min(starts[k + 1], mention.start)]
        if any(ch in gap for ch in ',.;:!?()–—"”\n'):
            break
        pw = lower[k]
        if pw in KEPT_MODIFIERS:
            prefix.insert(0, pw)
        elif pw in _ACTING_WORDS:
            mention.acting = True
        elif pw in _LEAVING_WORDS:
            mention.leaving = True
        elif pw in _FORMER_WORDS:
            mention.former = True
        elif pw in _NEW_WORDS:
            mention.new = True
        elif pw in _GENERIC_WORDS:
            mention.generic = True
            mention.start = starts[k]
            break
        elif pw in _ARTICLE_WORDS:
            mention.definite = True
        elif pw not in _SKIP_BEFORE:
            break
        mention.start = starts[k]
        k -= 1
    reading.k = k
    return prefix


def _read_owner(words: _Words, reading: _Reading) -> None:
    """A body in the genitive before "ordförande" joins the role ("kommunstyrelsens
    ordförande"); an owner in the genitive before any other role is its organisation."""
    text, lower, k = words.text, words.lower, reading.k
    mention = reading.mention
    if k < 0:
        return
    if reading.base.endswith(_CHAIR_ROLES) and lower[k].endswith(_BODY_GENITIVES):
        body_start = words.starts[k]
        body = lower[k]
        coord = _COORDINATION.search(text, max(0, body_start - 60), body_start)
        if coord:
            body = f"{' '.join(coord.group(1).lower().split())} {body}"
            body_start = coord.start()
        reading.base = f"{body} {reading.base}"
        mention.start = body_start
    elif lower[k] in _OWNER_GENITIVES:
        mention.owner = lower[k]
    else:
        owner = _CAP_GENITIVE_BEFORE.search(text, max(0, mention.start - 60), mention.start)
        if owner and not text[owner.start() : owner.end()].strip()[:1].islower():
            mention.owner = owner.group(1).strip()
        elif reading.base in ("kommunalråd", "oppositionsråd", "representant", "tränare"):
            place = _PLACE_BEFORE.search(text, max(0, mention.start - 40), mention.start)
            if place:
                mention.owner = place.group(1).strip()


_MEMBER_BODY = re.compile(
    r"\s+(?:i|för)\s+((?:[a-zåäö]+-\s+och\s+)?[a-zåäö]*(?:nämnden|styrelsen|fullmäktige|direktionen|"
    r"utskottet|byalaget|rådet|presidiet|beredningen))\b"
)
