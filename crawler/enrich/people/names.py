"""Person names in a story, and who "han"/"hon" is.

``find_people`` finds person names: a common first name (``data/first_names.txt``) followed by
one to three capitalised words, with particles such as "af", "von", "de" ("Anna-Karin Berg",
"Eva Lindqvist-Berg", "Carl af Ugglas"); two capitalised words right after a role or a word
such as "säger", "enligt", "utsett" ("säger Jasmina Kovač"); or, mid-sentence, two capitalised
words of which the second ends like a surname (-son, -berg, -ström, -qvist, -nen, ...). Later
mentions of the same person join one entity: the surname alone ("Westerback"), the first name
alone where only one person has it ("Johan"), the genitive ("Johan Rydéns") and
"han"/"hon"/"hans"/"hennes", which refer to the last person of that gender named in the
narration (a pronoun in the headline to the first one named after it).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from pathlib import Path

from crawler.enrich.doc import Doc
from crawler.enrich.roles import role_base
from crawler.gazetteer import LANDSCAPES

__all__ = [
    "PARTY_TAG",
    "Entity",
    "Mention",
    "People",
    "find_people",
    "first_name_gender",
]

DATA_DIR = Path(__file__).parent.parent / "data"

UPPER = "A-ZÅÄÖÆØÉÈÜÁÍÓÚÇÑŠŽČĆĐŁŃŚŹŻŘĚÝŤĎÔÎÏËÃÕŒ"
LOWER = "a-zåäöæøéèüáíóúëïçñšžßčćđłńśźżřěýťďůôîãõœğış"
_CAPWORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*"
_PARTICLES = frozenset(
    {"af", "von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "del"}
)
_INITIAL = rf"[{UPPER}]\.?(?=[ \u00a0]+[{UPPER}])"  # a middle initial: "Mikael T Eriksson"
_RUN = re.compile(
    rf"(?<![\w-]){_CAPWORD}(?::s)?(?:[ \u00a0]+(?:(?:af|von|van|de|der|den|da|di|du|la|le|del)"
    rf"[ \u00a0]+){{0,2}}(?:{_INITIAL}[ \u00a0]+)?{_CAPWORD}(?::s)?)*"
)
_RUN_TOKEN = re.compile(rf"{_CAPWORD}(?::s)?|{_INITIAL}|[{LOWER}]+")
PARTY_TAG = re.compile(r"\s*\((?:[A-ZÅÄÖ]{1,3}|[A-ZÅÄÖ][a-zåäö]{1,2}|MP|KD|SD|V|L|C|S|M)\)")
_PRONOUNS = {
    "han": ("m", "pronoun"),
    "hon": ("f", "pronoun"),
    "hans": ("m", "possessive"),
    "hennes": ("f", "possessive"),
    "honom": ("m", "object"),
    "henne": ("f", "object"),
}
# How the names of places of work end: after a title ("verksamhetschef Specialistcentrum Barn
# och Unga") two capitalised words are no name when the first ends so.
_WORKPLACE_ENDINGS = (
    "centrum", "centret", "centralen", "skolan", "huset", "gruppen", "bolaget", "verket",
    "kliniken", "enheten", "avdelningen", "förbundet", "föreningen", "sjukhuset", "gården",
    "stiftelsen", "byrån", "kontoret", "institutet", "museet", "biblioteket",
)  # fmt: skip
# Capitalised words that follow a first name without being a surname.
_NOT_SURNAME = frozenset(
    {
        "Kommun",
        "Stad",
        "Region",
        "Nyheter",
        "Tidning",
        "Sverige",
        "Och",
        "Men",
        "Jag",
        "Vi",
        "Han",
        "Hon",
        "Det",
        "Den",
    }
)


# A party member ("moderaten") or a party's genitive ("Centerns", "KD:s") before a name.
PARTY_MEMBER_WORDS = frozenset(
    """moderaten socialdemokraten centerpartisten liberalen kristdemokraten sverigedemokraten
    miljöpartisten vänsterpartisten folkpartisten moderaternas socialdemokraternas centerns
    centerpartiets liberalernas kristdemokraternas sverigedemokraternas miljöpartiets
    vänsterpartiets vänsterns m:s s:s c:s l:s kd:s sd:s mp:s v:s""".split()
)
# Words right before a name that make two capitalised words a name even when the first name
# is not in the list: "säger Jasmina Kovač", "har anställt Mirja Johansson".
_ANCHORS = frozenset(
    {
        "säger",
        "sade",
        "sa",
        "berättar",
        "enligt",
        "skriver",
        "menar",
        "konstaterar",
        "förklarar",
        "utsett",
        "utsåg",
        "utser",
        "anställt",
        "anställer",
        "rekryterat",
        "valt",
        "efterträder",
        "ersätter",
        "heter",
        "says",
        "said",
        # a party member or a party's own: "moderaten Ed Kahrs", "Centerns Eva Dahlgren",
        # "KD:s Angela Joelsson"
        *PARTY_MEMBER_WORDS,
    }
)
# Typical endings of Swedish, Nordic and other surnames common in Sweden.
_SURNAME_ENDINGS = (
    "son",
    "berg",
    "bergh",
    "ström",
    "gren",
    "grén",
    "lund",
    "lind",
    "qvist",
    "kvist",
    "quist",
    "strand",
    "holm",
    "dahl",
    "borg",
    "ling",
    "stedt",
    "nér",
    "én",
    "ius",
    "ander",
    "ell",
    "åker",
    "bäck",
    "hed",
    "mark",
    "vall",
    "blad",
    "sjö",
    "nen",
    "la",
    "lä",
    "ić",
    "vić",
    "ski",
    "ska",
    "sky",
    "ian",
    "yan",
    "oglu",
    "oğlu",
    "zadeh",
)


@functools.cache
def _is_place(word: str) -> bool:
    from crawler.gazetteer import get_gazetteer

    return get_gazetteer().find_municipality(word) is not None and word[0].isupper()


@functools.cache
def _first_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for raw in (DATA_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, gender = line.partition(" ")
        names[name] = gender.strip() or "u"
    return names


def first_name_gender(name: str) -> str | None:
    """'m', 'f' or 'u' for a known first name (each part of "Anna-Karin" known), else None."""
    names = _first_names()
    if name in names:
        return names[name]
    parts = name.split("-")
    if len(parts) > 1 and all(p in names for p in parts):
        return names[parts[0]]
    return None


@dataclass(slots=True)
class Entity:
    """One person the story names."""

    name: str
    first: str
    surname: str
    gender: str  # m, f or u
    first_pos: int


@dataclass(slots=True)
class Mention:
    """A place in the text that refers to an entity."""

    start: int
    end: int  # the name itself, without a party tag
    entity: int
    kind: str  # full, surname, first, pronoun, possessive, object
    sent: int
    narr: bool
    ext_end: int = 0  # end including a party tag "(S)"; set by find_people
    tok: int = 0  # index of its first token
    last_tok: int = 0  # index of its last token


@dataclass(slots=True)
class People:
    """The entities of a story and every mention of them, in text order."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    ending: dict[int, Mention] = field(default_factory=dict)  # last token -> mention

    def index(self) -> None:
        """Rebuild ``ending`` after ``mentions`` changed."""
        self.ending = {}
        for m in self.mentions:
            self.ending.setdefault(m.last_tok, m)


def _split_run(run: str, offset: int) -> list[tuple[int, int, str]]:
    return [(offset + m.start(), offset + m.end(), m.group()) for m in _RUN_TOKEN.finditer(run)]


_Token = tuple[int, int, str]  # start, end, word
_Name = tuple[int, int, str, str, str]  # start, end, first name(s), surname, gender


def find_people(doc: Doc, role_ends: frozenset[int] = frozenset()) -> People:
    """Names and pronouns in ``doc``, grouped into entities.

    ``role_ends`` are offsets where a role word ends: two capitalised words right after one
    are a name even when the first name is not in the list ("kirjastonhoitaja Marjatta ...").
    """
    people = _entities(_full_names(doc, role_ends))
    _add_short_mentions(doc, people)
    people.mentions.sort(key=lambda m: m.start)
    _place_mentions(doc, people)
    _resolve_pronouns(doc, people)
    people.index()
    return people


def _full_names(doc: Doc, role_ends: frozenset[int]) -> list[_Name]:
    """Every full name in text order; a sentence-initial name with an unknown first name only
    where the story names the same person so elsewhere."""
    full: list[_Name] = []
    pending: list[_Name] = []  # only if named so elsewhere
    for run in _RUN.finditer(doc.text):
        if " " not in run.group() and "\u00a0" not in run.group():
            continue  # one capitalised word is no full name
        toks = _split_run(run.group(), run.start())
        i = 0
        while i < len(toks):
            found = _name_at(doc, toks, i, role_ends)
            if found is None:
                i += 1
                continue
            item, i, certain = found
            (full if certain else pending).append(item)
    known = {(f, s) for _, _, f, s, _ in full}
    full += [p for p in pending if (p[2], p[3]) in known]
    full.sort()
    return full


def _name_at(
    doc: Doc, toks: list[_Token], i: int, role_ends: frozenset[int]
) -> tuple[_Name, int, bool] | None:
    """The name starting at ``toks[i]``, the index after it, and whether it is certain."""
    text = doc.text
    start, _, word = toks[i]
    if not word[0].isupper():
        return None
    gender = first_name_gender(word.removesuffix(":s"))
    anchored = _anchored(doc, start, role_ends) or _party_tagged(text, toks, i)
    if gender is None and (
        not (anchored or _surname_like(toks, i))
        or word.endswith("s")
        or word.lower().endswith(_WORKPLACE_ENDINGS)
    ):
        return None  # "enligt Sveriges Kommuner" is no name
    j = i + 1
    if (
        gender is not None
        and j + 1 < len(toks)
        and toks[j][2][0].isupper()
        and first_name_gender(toks[j][2]) is not None
        and toks[j + 1][2][0].isupper()
    ):
        j += 1  # a double first name: "Anna Maria Lind"
    if gender is not None and j + 1 < len(toks) and _is_initial(toks[j][2]):
        j += 1  # a middle initial: "Mikael T Eriksson", "Inger M. Eriksson"
    first_end = j
    tail, j = _surname_tail(toks, j)
    if not tail or (gender is None and len(tail) > 2):
        return None
    if gender is None and tail[-1][2] in LANDSCAPES:
        return None  # an organisation after a title: "ordförande Destination Småland AB"
    first = " ".join(t[2] for t in toks[i:first_end])
    last = " ".join(t[2] for t in tail)
    item = (start, tail[-1][1], first, last, gender or "u")
    certain = gender is not None or anchored or not _sentence_initial(text, start)
    return item, j, certain


def _is_initial(word: str) -> bool:
    return len(word.removesuffix(".")) == 1 and word[0].isupper()


def _surname_tail(toks: list[_Token], j: int) -> tuple[list[_Token], int]:
    """The surname words from ``toks[j]`` (up to three, particles included), and the index
    after the last word read."""
    tail: list[_Token] = []
    while j < len(toks) and len(tail) < 3:
        w = toks[j][2]
        if w in _PARTICLES:
            tail.append(toks[j])
            j += 1
            continue
        if not w[0].isupper() or w in _NOT_SURNAME or (w.isupper() and len(w) > 1):
            break
        if tail and (_is_place(w) or _is_place(w[:-1])):
            break  # "leder Camilla Öberg Härnösands kommuns förvaltning"
        tail.append(toks[j])
        j += 1
        if w.endswith(("s", ":s")) and j < len(toks) and toks[j][2][0].isupper():
            tail = []  # "Astrid Lindgrens Värld": a name inside a proper noun
            break
    while tail and tail[-1][2] in _PARTICLES:
        tail.pop()
    return tail, j


def _entities(full: list[_Name]) -> People:
    """One entity per person, the genitive ("Johan Rydéns") joined to the name, and a mention
    for each full name."""
    people = People()
    by_key: dict[tuple[str, str], int] = {}
    keys = {(f, s) for _, _, f, s, _ in full}
    for start, end, first, family, gender in full:
        key = (first, family)
        if family.endswith(("s", ":s")) and (first, family.removesuffix(":s")[:-1]) in keys:
            key = (first, family.removesuffix(":s")[:-1])
        elif family.endswith(":s"):
            key = (first, family[:-2])
        elif family.lower().endswith(_GENITIVE_SURNAME_ENDINGS):
            key = (first, family[:-1])  # "Dan Gabrielssons uppdrag": the genitive of a surname
        if key not in by_key:
            by_key[key] = len(people.entities)
            people.entities.append(Entity(f"{key[0]} {key[1]}", key[0], key[1], gender, start))
        people.mentions.append(Mention(start, end, by_key[key], "full", 0, True))
    return people


def _add_short_mentions(doc: Doc, people: People) -> None:
    """Add the pronouns, and the surnames and unique first names alone outside full names."""
    covered = {doc.token_at(m.start) for m in people.mentions}
    for m in people.mentions:
        covered.update(range(doc.token_at(m.start), doc.token_at(m.end)))
    surnames: dict[str, int] = {}
    firsts: dict[str, list[int]] = {}
    for idx, ent in enumerate(people.entities):
        last = ent.surname.split()[-1]
        surnames.setdefault(ent.surname, idx)
        surnames.setdefault(last, idx)
        firsts.setdefault(ent.first, []).append(idx)
    lower = doc.lower
    for k in [k for k, w in enumerate(lower) if w in _PRONOUNS]:
        if not doc.words[k][0].isupper():
            people.mentions.append(
                Mention(doc.starts[k], doc.ends[k], -1, _PRONOUNS[lower[k]][1], 0, True)
            )
    for k in doc.caps:
        if k in covered:
            continue
        bare = doc.words[k].removesuffix(":s")
        hit = surnames.get(bare)
        if hit is None and bare.endswith("s"):
            hit = surnames.get(bare[:-1])
        kind = "surname"
        if hit is None:
            cands = firsts.get(bare) or (firsts.get(bare[:-1]) if bare.endswith("s") else None)
            if cands and len(cands) == 1:
                hit, kind = cands[0], "first"
        if hit is not None:
            people.mentions.append(Mention(doc.starts[k], doc.ends[k], hit, kind, 0, True))
        elif lower[k] in _PRONOUNS:
            kind = _PRONOUNS[lower[k]][1]
            people.mentions.append(Mention(doc.starts[k], doc.ends[k], -1, kind, 0, True))


def _place_mentions(doc: Doc, people: People) -> None:
    """Each mention's tokens, sentence, narration flag and end with a party tag."""
    for m in people.mentions:
        m.tok = doc.token_at(m.start)
        m.last_tok = max(m.tok, doc.token_at(m.end) - 1)
        m.sent = doc.tok_sent[m.tok] if m.tok < len(doc.tok_sent) else len(doc.sentences) - 1
        m.narr = doc.tok_narr[m.tok] if m.tok < len(doc.tok_narr) else False
        party = PARTY_TAG.match(doc.text, m.end)
        m.ext_end = party.end() if party else m.end


def _anchored(doc: Doc, start: int, role_ends: frozenset[int]) -> bool:
    """True right after a role word or a word such as "säger" or "enligt"."""
    text = doc.text
    k = start - 1
    while k >= 0 and text[k] in " ,\u00a0":
        k -= 1
    if (k + 1) in role_ends:
        return True
    t = doc.token_at(start) - 1
    return t >= 0 and doc.ends[t] == k + 1 and doc.lower[t] in _ANCHORS


# a Swedish surname ending and a genitive s: "Gabrielssons", "Lindgren-Ståls", "Hendebys",
# "Lunds"
_GENITIVE_SURNAME_ENDINGS = tuple(
    f"{ending}s"
    for ending in (
        "son", "berg", "bergh", "ström", "gren", "grén", "lund", "lind", "qvist", "kvist",
        "quist", "strand", "holm", "dahl", "borg", "stedt", "nér", "én", "åker", "bäck",
        "hed", "mark", "vall", "blad", "sjö", "by", "stål",
    )
)  # fmt: skip


def _party_tagged(text: str, toks: list[tuple[int, int, str]], i: int) -> bool:
    """Two or three capitalised words and a party tag are a politician's name, whatever the
    first name: "Roko Kursar (L)", "Eva-Lotta Härdig Eriksson (S)"."""
    first = toks[i][2]
    if role_base(first.lower()) is not None or _is_place(first) or first in _NOT_SURNAME:
        return False  # "Oppositionsrådet Camilla Sandén (S)"
    if i + 1 < len(toks) and first_name_gender(toks[i + 1][2]) is not None:
        return False  # the name starts at the next word: "Igår Anna Berg (S)"
    for j in (i + 1, i + 2):
        if j < len(toks) and toks[j][2][:1].isupper() and PARTY_TAG.match(text, toks[j][1]):
            return all(toks[k][2][:1].isupper() for k in range(i, j + 1))
    return False


def _sentence_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in " \u00a0":
        k -= 1
    return k < 0 or text[k] in '.!?:\n–—"”»'


def _surname_like(toks: list[tuple[int, int, str]], i: int) -> bool:
    """Two capitalised words, the second with a surname's ending, neither a place."""
    if i + 1 >= len(toks):
        return False
    first, second = toks[i][2], toks[i + 1][2]
    if not second[0].isupper() or (second.endswith("s") and not second.endswith("son")):
        return False
    if len(first) < 3 or first.isupper() or _is_place(first) or _is_place(second):
        return False
    if first_name_gender(second) is not None or role_base(first.lower()) is not None:
        return False  # "Oppositionsrådet Camilla"
    return second.lower().endswith(_SURNAME_ENDINGS) and first not in _NOT_SURNAME


def _resolve_pronouns(doc: Doc, people: People) -> None:
    """Give each "han"/"hon"/"hans"/"hennes" the last named person of that gender before it.

    Only narration counts: in direct speech "han" may be anyone. A pronoun in the title or
    lead with nobody named before it refers forward to the first such person named after it.
    """
    ents = people.entities
    seen: dict[int, int] = {}  # entity -> position of its last named mention
    unresolved: list[tuple[Mention, str]] = []
    for m in people.mentions:
        if m.entity >= 0:
            if m.narr or doc.zone_of(m.start) < 2:
                seen[m.entity] = m.start
            continue
        if not m.narr:
            continue
        want = _PRONOUNS[doc.lower[m.tok]][0]
        best, best_pos = -1, -1
        for idx, pos in seen.items():
            if ents[idx].gender in (want, "u") and pos > best_pos:
                best, best_pos = idx, pos
        if best >= 0:
            m.entity = best
        elif doc.zone_of(m.start) < 2:
            unresolved.append((m, want))
    for m, want in unresolved:
        for n in people.mentions:
            if n.start > m.start and n.entity >= 0 and ents[n.entity].gender in (want, "u"):
                m.entity = n.entity
                break
    people.mentions = [m for m in people.mentions if m.entity >= 0]
