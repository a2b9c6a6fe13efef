"""Municipalities a story is about, from the gazetteer (``crawler.gazetteer``).

Every name, genitive ("Vimmerbys"), official name ("Vimmerby kommun", "Jönköpings kommun"),
inhabitant or adjective form ("vimmerbybor", "kalmarborna", "gotländska"), major town
("Visby" for Gotland, "Huskvarna" for Jönköping) and locality ("Kåge" for Skellefteå) counts as
a mention of its municipality. A
mention weighs 3 in the title, 2 in the lead (or, without a marked lead, the opening
paragraph) and 1 in the body, one more next to "kommun" or "stad", before a municipal body
("Falu kommunfullmäktige") or in a list of municipalities (introduced by "kommunerna", or three
or more told as news: "gemensam räddningschef för Hudiksvall, Nordanstig och Söderhamn"). A
municipality is tagged from a weight of 2; one named only in the body and in no such list must
also weigh half as much as the heaviest one (a passing "bor i Gävle" in a story about
Sandviken does not count). A place in capitals opening a paragraph is a dateline ("ORSA (DT)",
"LAHOLM.", or alone on its line): it counts with "kommun" and weighs as a lead mention. The
publishing source's home municipality (or, from the page's address, the one a local paper files
it under or whose own site it is: :mod:`crawler.enrich.page_address`) counts one more when the
story mentions it, and is the tag when nothing else is named in the headline, the lead or a
list (never for wire copy): a passing "kom från Uppsala kommun" in a local story does not
replace home.

Not counted: names inside a person's name ("Anders Berg", "Nora Lund") or equal to a named
person's surname; "Kalmar län", "Region Stockholm" (regions; "Region Gotland" is the
municipality); datelines ("Växjö (TT)"); names in a list of
regions and landscapes ("Skåne, Blekinge, Kalmar län och Gotland"). Names that are also
ordinary words or first names (the gazetteer's ``ambiguous`` flag: Vara, Mark, Mora, Åre,
Lund, Berg, ...), and localities flagged the same way (``Municipality.ambiguous_towns``: Bro,
Åsa, Boliden, ...), count only with context: followed by "kommun"/"stad" ("Marks kommun"), or
capitalised mid-sentence after "i", "från", "till", "utanför", "nära", "mot" ("flyttar till
Mora") or before "i" and a landscape ("Bjuv i Skåne"), or in a list with other municipalities;
without context they count when the story names the same municipality with context elsewhere
or it is the home municipality ("Noras VA-taxa" on Nora's own paper).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass

from crawler.enrich.agencies import AGENCY_ALTERNATIVES
from crawler.enrich.people import Doc, People
from crawler.gazetteer import LANDSCAPES, Municipality, get_gazetteer

__all__ = [
    "lookup",
    "named_in",
    "official_name",
    "regions_of",
    "tag_municipalities",
]

TAG_THRESHOLD = 2.0
PASSING_SHARE = 0.5  # body-only mentions count when they weigh half as much as the top one
ZONE_WEIGHT = (3.0, 2.0, 1.0)
_KOMMUN_AFTER = frozenset({"kommun", "kommuns", "kommunen", "stad", "stads", "kommuner"})
# "de sex medlemskommunerna Eksjö, Nässjö, ..." (not "grannkommunerna": neighbours compared)
_KOMMUN_LIST_BEFORE = ("kommunerna", "kommuner", "kommunen", "orterna")
_BODY_PREFIXES = (
    "kommunfullmäktige",
    "kommunstyrelse",
    "kommunledning",
    "stadsbyggnad",
    "stadsledning",
    "kommunalråd",
    "kommunchef",
    "kommundirektör",
)
_LIST_MIN = 3  # a list of this many municipalities names each as a municipality
_NEIGHBOURS = ("grannkommunerna", "grannkommuner", "grannkommunen")
_DATELINE = re.compile(rf"\s*\((?:{AGENCY_ALTERNATIVES})\)")
_PLACE_PREPOSITIONS = frozenset(
    {"i", "från", "till", "utanför", "nära", "mot", "kring", "runt", "via", "vid", "söder",
     "norr", "öster", "väster", "inom", "hela"}
)  # fmt: skip
_LIST_JOINERS = frozenset({"och", "eller", "samt"})
_REGION_WORDS = frozenset({"län", "läns", "region", "regionen", "stift", "stifts"})


@dataclass(frozen=True, slots=True)
class _Tables:
    single: dict[str, tuple[Municipality, str]]  # surface form -> (municipality, kind)
    multi: dict[str, tuple[tuple[tuple[str, ...], Municipality, str], ...]]
    forms: dict[str, Municipality]  # lower-case inhabitant and adjective forms
    by_name: dict[str, Municipality]


def _form_variants(form: str) -> list[str]:
    out = [form]
    if form.endswith("bor"):
        out += [form + "na", form + "nas", form + "s"]
    elif form.endswith("bo"):
        out += [form + "n", form + "ns", form + "s"]
    elif form.endswith("sare"):
        out += [form[:-1] + "na", form[:-1] + "nas", form + "n", form + "ns"]
    elif form.endswith("are"):
        out += [form + "n", form[:-1] + "na", form[:-1] + "nas", form + "ns"]
    elif form.endswith("sk"):
        out += [form + "a", form + "e", form + "t"]
    elif form.endswith("ning"):
        out += [form + "en", form + "ar", form + "arna"]
    return out


@functools.cache
def _tables() -> _Tables:
    gaz = get_gazetteer()
    single: dict[str, tuple[Municipality, str]] = {}
    multi: dict[str, list[tuple[tuple[str, ...], Municipality, str]]] = {}
    forms: dict[str, Municipality] = {}
    by_name: dict[str, Municipality] = {}

    def add(surface: str, muni: Municipality, kind: str) -> None:
        words = tuple(surface.split())
        if len(words) == 1:
            single.setdefault(surface, (muni, kind))
        else:
            multi.setdefault(words[0], []).append((words[1:], muni, kind))

    for muni in gaz.municipalities:
        by_name[muni.name] = muni
        add(muni.name, muni, "name")
        add(muni.genitive, muni, "genitive")
        for form in muni.forms:
            if form[:1].isupper():  # a second genitive stem: "Falu" (Falu kommun)
                add(form, muni, "genitive")
                continue
            for variant in _form_variants(form.lower()):
                forms.setdefault(variant, muni)
    for muni in gaz.municipalities:
        for town in muni.towns:
            if town not in single:
                vague = town in muni.ambiguous_towns  # needs context, like an ambiguous name
                add(town, muni, "vague town" if vague else "town")
                if not town.endswith("s"):
                    add(town + "s", muni, "vague town genitive" if vague else "town")
    return _Tables(
        single=single,
        multi={k: tuple(sorted(v, key=lambda x: -len(x[0]))) for k, v in multi.items()},
        forms=forms,
        by_name=by_name,
    )


def lookup(name: str) -> Municipality | None:
    """The municipality a place name stands for: name, genitive, town, "X kommun(s)"."""
    t = _tables()
    name = " ".join(name.split())
    for suffix in (" kommuns", " kommun", " stads", " stad"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    hit = t.single.get(name)
    if hit is not None:
        return hit[0]
    words = name.split()
    for rest, muni, _ in t.multi.get(words[0], ()) if words else ():
        if tuple(words[1:]) == rest:
            return muni
    return None


def named_in(phrases: Iterable[str]) -> list[str]:
    """The municipalities organisation phrases name ("räddningstjänsten i Jönköping",
    "Linköpings motsvarighet Stångåstaden"), in order, without repeats."""
    found: dict[str, None] = {}
    for phrase in phrases:
        words = phrase.split()
        for before, word in zip(["", *words], words, strict=False):
            if not word[:1].isupper() or before.lower() == "region":  # "Region Stockholm"
                continue
            muni = lookup(word)
            if muni is not None and not muni.ambiguous:
                found.setdefault(muni.name, None)
    return list(found)


def official_name(name: str) -> str:
    """ "Jönköping" -> "Jönköpings kommun", "Göteborg" -> "Göteborgs stad"; "" if unknown."""
    muni = _tables().by_name.get(name) or lookup(name)
    return muni.official_name if muni else ""


def regions_of(municipalities: list[str]) -> list[str]:
    """The län of each municipality (by short name), without repeats, in order."""
    gaz = get_gazetteer()
    seen: dict[str, None] = {}
    for name in municipalities:
        muni = _tables().by_name.get(name)
        if muni is not None:
            seen.setdefault(gaz.region_of(muni).name, None)
    return list(seen)


@dataclass(slots=True)
class _Hit:
    tok: int
    last: int
    muni: Municipality
    weight: float
    kommun: bool
    listed: bool = False  # one of a list told as news


_COUNTY_WIDE = re.compile(r"\b(?:hela|i|över|runt om i) (?:länet|regionen)\b|\blänets\b", re.I)


def tag_municipalities(
    doc: Doc, people: People, *, home_municipality: str = "", wire: bool = False
) -> list[str]:
    """Short names of the municipalities the story is about, heaviest first."""
    home = ""
    if home_municipality:
        muni = _tables().by_name.get(home_municipality) or lookup(home_municipality)
        home = muni.name if muni else ""
    hits = _mentions(doc, people, home)
    _list_bonus(doc, hits)
    scores: dict[str, float] = {}
    first: dict[str, int] = {}
    strong: set[str] = set()  # named in the title or lead, or in a list of them
    for h in hits:
        name = h.muni.name
        scores[name] = scores.get(name, 0.0) + h.weight + (1.0 if h.kommun else 0.0)
        first.setdefault(name, h.tok)
        if h.listed or h.weight > 1.0:
            strong.add(name)
    if home and home in scores:
        scores[home] += 1.0
        strong.add(home)
    top = max(scores.values(), default=0.0)
    tagged = [
        name
        for name, score in scores.items()
        if score >= TAG_THRESHOLD and (name in strong or score >= PASSING_SHARE * top)
    ]
    if home and not wire and not any(name in strong for name in tagged):
        # only passing body mentions ("kom från en tjänst i Uppsala kommun"): a local story
        # from the home municipality's own publisher is about home, unless its headline or
        # lead says it is about the whole county ("Snövarning för hela länet")
        if _COUNTY_WIDE.search(doc.text, 0, doc.body_start):
            return []
        return [home]
    tagged.sort(key=lambda name: (-scores[name], first[name]))
    return tagged


def _mentions(doc: Doc, people: People, home: str = "") -> list[_Hit]:
    """Every mention of a municipality. An ambiguous name without context of its own
    ("Noras VA-taxa" in a headline) counts when the story names it with context elsewhere
    ("Nora kommun"), or when it is the publisher's home municipality."""
    t = _tables()
    person_toks, names = _person_words(people)
    hits: list[_Hit] = []
    pending: list[_Hit] = []  # ambiguous names without context
    for k in [k for k, w in enumerate(doc.lower) if w in t.forms]:
        if not doc.words[k][0].isupper():
            hits.append(_Hit(k, k, t.forms[doc.lower[k]], _weight(doc, k), False))
    skip_to = -1
    for k in doc.caps:
        if k < skip_to or k in person_toks:
            continue
        name = _place_name_at(doc, k, t, names)
        if name is None:
            continue
        skip_to = name.last + 1
        verdict = _verdict(doc, name)
        if verdict == "pending":
            pending.append(_Hit(k, name.last, name.muni, _weight(doc, k), False))
        elif verdict is not None:
            # a dateline says where the story is, as a lead would
            weight = max(_weight(doc, k), ZONE_WEIGHT[1]) if name.dateline else _weight(doc, k)
            hits.append(_Hit(k, name.last, name.muni, weight, verdict == "kommun"))
    known = {h.muni.name for h in hits} | {home}
    listed = {h.tok for h in hits} | {h.last for h in hits}
    # ambiguous names join a list through a neighbour ("för Bjuv, Klippan, Perstorp")
    taken: set[int] = set()
    for order in (pending, pending[::-1]):
        for h in order:
            if h.tok not in taken and (h.muni.name in known or _listed_with(doc, h, listed)):
                taken.add(h.tok)
                listed |= {h.tok, h.last}
    hits += [h for h in pending if h.tok in taken]
    hits.sort(key=lambda h: h.tok)
    return hits


def _person_words(people: People) -> tuple[set[int], set[str]]:
    """The tokens of the people's names, and their surnames and first names: no places."""
    person_toks: set[int] = set()
    for m in people.mentions:
        if m.kind in ("full", "surname", "first"):
            person_toks.update(range(m.tok, m.last_tok + 1))
    names = {e.surname for e in people.entities} | {e.first for e in people.entities}
    return person_toks, names


@dataclass(frozen=True, slots=True)
class _PlaceName:
    """A place name in the text and the municipality it stands for."""

    tok: int  # its first token
    last: int  # its last token
    muni: Municipality
    kind: str  # name, genitive, town, vague town, vague town genitive
    dateline: bool  # a place in capitals opening a paragraph


def _place_name_at(doc: Doc, k: int, t: _Tables, names: set[str]) -> _PlaceName | None:
    """The place name from token ``k`` (not one of ``names``, the people's), or None."""
    words = doc.words
    w = words[k]
    dateline = _dateline_place(doc, k) if w.isupper() and len(w) > 2 else None
    w = dateline or w
    if w in names or (w not in t.single and w not in t.multi):
        return None
    for rest, muni, kind in t.multi.get(w, ()):
        end = k + len(rest)
        if end < len(words) and tuple(words[k + 1 : end + 1]) == rest:
            return _PlaceName(k, end, muni, kind, dateline is not None)
    found = t.single.get(w)
    return _PlaceName(k, k, *found, dateline is not None) if found is not None else None


def _verdict(doc: Doc, name: _PlaceName) -> str | None:
    """How the name counts: "kommun" (with "kommun" or a municipal body after it, or a
    dateline), "plain", "pending" (ambiguous without context) or None (a region, a dateline's
    agency place, a list of regions)."""
    lower, sent, n = doc.lower, doc.tok_sent, len(doc.lower)
    k, last, muni, kind = name.tok, name.last, name.muni, name.kind
    nxt = lower[last + 1] if last + 1 < n and sent[last + 1] == sent[k] else ""
    prev = lower[k - 1] if k > 0 and sent[k - 1] == sent[k] else ""
    if (
        nxt in _REGION_WORDS
        or (prev == "region" and muni.official_name != f"Region {muni.name}")
        or (k > 0 and doc.words[k - 1] in LANDSCAPES and doc.ends[k - 1] + 1 == doc.starts[k])
        or _DATELINE.match(doc.text, doc.ends[last])
    ):
        # a region: "Kalmar län", "Region Stockholm", "Jämtland Härjedalen", a diocese
        # ("Linköpings stift"); "Växjö (TT)"
        return None
    # "Falu kommun", "Vimmerby kommuns", and the genitive before a body of the
    # municipality: "Falu kommunfullmäktige", "Umeå kommunstyrelse", "Malmö stadsbyggnadskontor"
    kommun = nxt in _KOMMUN_AFTER or (
        kind in ("genitive", "name") and nxt.startswith(_BODY_PREFIXES)
    )
    if name.dateline:
        kommun = True  # the dateline says where the story is
    elif (muni.ambiguous and kind in ("name", "genitive")) or kind.startswith("vague"):
        sentence_start = k == 0 or sent[k - 1] != sent[k] or _after_quote_dash(doc, k)
        context = kommun or (prev in _PLACE_PREPOSITIONS and kind in ("name", "vague town"))
        if not context and nxt == "i" and last + 2 < n:  # "Bjuv i Skåne"
            context = _is_region_word(doc, last + 2)
        if not context or (sentence_start and not kommun):
            return "pending"
    if _in_its_county(doc, last, muni):
        return "kommun"  # an address says where the story is, as "kommun" after it does
    if _in_region_list(doc, k, last):
        return None
    return "kommun" if kommun else "plain"


def _listed_with(doc: Doc, hit: _Hit, listed: set[int]) -> bool:
    """An ambiguous name in a list of municipalities ("i Avesta, Hedemora, Fagersta och
    Norberg") is one of them."""
    text, lower = doc.text, doc.lower
    before = hit.tok - 1
    if before >= 0 and lower[before] in _LIST_JOINERS:
        before -= 1
    elif before >= 0 and text[doc.ends[before] : doc.starts[hit.tok]].strip() != ",":
        before = -1
    after = hit.last + 1
    if after < len(lower) and text[doc.ends[hit.last] : doc.starts[after]].strip() != ",":
        after = after + 1 if lower[after] in _LIST_JOINERS else -1
    return (before >= 0 and before in listed) or (after >= 0 and after in listed)


def _dateline_place(doc: Doc, k: int) -> str | None:
    """A place in capitals opening a paragraph is the story's dateline: "ORSA (DT) Kommunen
    ...", "MALUNG-SÄLEN – Skidorten ..."; its name in the gazetteer's spelling."""
    line_start = doc.text.rfind("\n", 0, doc.starts[k]) + 1
    if doc.text[line_start : doc.starts[k]].strip():
        return None
    after = doc.text[doc.ends[k] : doc.ends[k] + 3]
    line_end = doc.text.find("\n", doc.ends[k])
    alone = not doc.text[doc.ends[k] : line_end if line_end >= 0 else len(doc.text)].strip()
    if not (alone or after.startswith((" (", " –", " —", " -", ":", "."))):
        return None
    return "-".join(part.capitalize() for part in doc.words[k].split("-"))


def _weight(doc: Doc, k: int) -> float:
    """A mention's weight by where it stands: title, lead (an unmarked lead's opening
    sentence only), body."""
    pos = doc.starts[k]
    zone = doc.zone_of(pos)
    return ZONE_WEIGHT[2] if zone == 1 and pos >= doc.lead_place_end else ZONE_WEIGHT[zone]


def _after_quote_dash(doc: Doc, k: int) -> bool:
    gap = doc.text[doc.ends[k - 1] : doc.starts[k]]
    return "–" in gap or "—" in gap


def _is_region_word(doc: Doc, t: int) -> bool:
    if t < 0 or t >= len(doc.words):
        return False
    if doc.words[t] in LANDSCAPES:
        return True
    return t + 1 < len(doc.words) and doc.lower[t + 1] in ("län", "läns")


def _in_region_list(doc: Doc, first: int, last: int) -> bool:
    """True when the name stands in a list of regions or landscapes."""
    text = doc.text
    # previous list item
    if first > 0:
        gap = text[doc.ends[first - 1] : doc.starts[first]]
        if gap.strip() == ",":
            if _is_region_word(doc, first - 1) or _is_region_word(doc, first - 2):
                return True
        elif doc.lower[first - 1] in _LIST_JOINERS and first > 1:
            t = first - 2
            if doc.lower[t] in ("län", "läns"):
                return True
            if _is_region_word(doc, t):
                return True
    # next list item
    if last + 1 < len(doc.words):
        gap = text[doc.ends[last] : doc.starts[last + 1]]
        if gap.strip() == "," or doc.lower[last + 1] in _LIST_JOINERS:
            t = last + 1 if gap.strip() == "," else last + 2
            if _is_region_word(doc, t):
                return True
    return False


def _in_its_county(doc: Doc, last: int, muni: Municipality) -> bool:
    """The name before its own län, as in an address: "Norra Backa, Borlänge, Dalarnas län"."""
    t = last + 1
    if t + 1 >= len(doc.words) or doc.text[doc.ends[last] : doc.starts[t]].strip() != ",":
        return False
    county = get_gazetteer().region_of(muni).name.lower()
    return doc.lower[t + 1] == "län" and county == f"{doc.lower[t]} län"


def _named_list(doc: Doc, group: list[_Hit]) -> bool:
    """A list of several municipalities told as news ("gemensam räddningschef för Hudiksvall,
    Nordanstig, Söderhamn, Bollnäs och Ovanåker"), not a quote's or an example's list: in the
    narration, and in the headline or lead unless it is long."""
    n = len({h.muni.name for h in group})
    head = group[0]
    if n < _LIST_MIN or not doc.tok_narr[head.tok]:
        return False
    return doc.zone_of(doc.starts[head.tok]) < 2 or n > _LIST_MIN


def _list_bonus(doc: Doc, hits: list[_Hit]) -> None:
    """Names in a list introduced or closed by "kommunerna"/"kommuner" all count as kommun."""
    groups: list[list[_Hit]] = []
    for h in hits:
        if groups:
            prev = groups[-1][-1]
            between = doc.text[doc.ends[prev.last] : doc.starts[h.tok]]
            joined = between.strip() == "," or (
                h.tok == prev.last + 2 and doc.lower[prev.last + 1] in _LIST_JOINERS
            )
            if joined and h.tok - prev.last <= 2:
                groups[-1].append(h)
                continue
        groups.append([h])
    for group in groups:
        head, tail = group[0], group[-1]
        before = doc.lower[head.tok - 1] if head.tok > 0 else ""
        after = doc.lower[tail.last + 1] if tail.last + 1 < len(doc.lower) else ""
        if before.endswith(_NEIGHBOURS):
            continue
        if (
            before.endswith(_KOMMUN_LIST_BEFORE)
            or after in ("kommuner", "kommunerna")
            or _named_list(doc, group)
        ):
            for h in group:
                h.kommun = h.listed = True
