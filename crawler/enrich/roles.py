"""Roles: Swedish titles in running text, normalised to their base form.

A role is a word from the vocabulary in ``data/roles.txt`` (rektor, vd, kommunalråd, ...) or a
compound on a productive head (skolchef, ekonomidirektör, säkerhetssamordnare, projektledare,
pressansvarig, ...), in any of its singular forms: "kommunchefen" and "kommunchefens" are
"kommunchef", "vd:n" is "vd". What stands before the word is read too:

- "biträdande", "ställföreträdande", "vice", "assisterande" stay part of the role;
- "tillförordnad", "t.f.", "tf", "vikarierande" make it acting ("tillförordnad kommunchef");
- "förre", "f.d.", "tidigare", "dåvarande" make it former; "ny", "nya", "blivande" new;
- "en", "ingen", "någon", "varje" make it generic (no particular person);
- a body in the genitive before "ordförande" is kept ("kommunstyrelsens ordförande");
- a coordinated first part is kept ("barn- och utbildningschef");
- an owner in the genitive is remembered as the organisation ("Eksjö kommuns skolchef").

The bare heads are not roles: "chefen", "ledaren", "ansvarig" alone say nothing about a title.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "RoleMention",
    "find_roles",
    "is_municipal_role",
    "role_base",
]

DATA_DIR = Path(__file__).parent / "data"

_ACTING_WORDS = frozenset(
    {
        "tillförordnad",
        "tillförordnade",
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
_KEPT_MODIFIERS = frozenset({"biträdande", "ställföreträdande", "vice", "assisterande", "förste"})
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
_SKIP_BEFORE = frozenset({"den", "det", "de", "och", "samt"})
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
_CHAIR_ROLES = frozenset({"ordförande", "vice ordförande"})
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
_POST_SUFFIXES = ("posten", "tjänsten", "jobbet", "uppdraget", "stolen", "rollen", "befattningen")
_INFLECTIONS = ("nens", "nen", "ens", "ets", "ns", "en", "et", "n", "s", "e", "a")
_DEFINITE = frozenset({"nens", "nen", "ens", "ets", "ns", "en", "et", "n", "e"})

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


@dataclass(frozen=True, slots=True)
class _Vocabulary:
    titles: frozenset[str]
    suffixes: tuple[str, ...]
    exclude: frozenset[str]
    rad: frozenset[str]
    polis: frozenset[str]
    municipal: frozenset[str]
    municipal_context: frozenset[str]
    synonyms: dict[str, str]
    member: frozenset[str]
    multi: dict[str, frozenset[str]]  # last word -> first words of two-word titles


def _sections(path: Path) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            sections.setdefault(current, [])
            continue
        sections.setdefault(current, []).append(line.lower())
    return sections


@functools.cache
def vocabulary() -> _Vocabulary:
    """The role vocabulary from ``data/roles.txt``, read once."""
    s = _sections(DATA_DIR / "roles.txt")
    synonyms = {}
    for line in s.get("synonyms", []):
        left, _, right = line.partition("=")
        synonyms[left.strip()] = right.strip()
    titles = set(s.get("titles", []))
    multi: dict[str, set[str]] = {}
    for title in titles:
        if " " in title:
            first, _, last = title.rpartition(" ")
            multi.setdefault(last, set()).add(first)
    return _Vocabulary(
        titles=frozenset(t for t in titles if " " not in t),
        suffixes=tuple(sorted(set(s.get("suffixes", [])), key=len, reverse=True)),
        exclude=frozenset(s.get("exclude", [])),
        rad=frozenset(s.get("rad", [])),
        polis=frozenset(s.get("polis", [])),
        municipal=frozenset(s.get("municipal", [])),
        municipal_context=frozenset(s.get("municipal_context", [])),
        synonyms=synonyms,
        member=frozenset(s.get("member", [])),
        multi={k: frozenset(v) for k, v in multi.items()},
    )


def _is_title(stem: str) -> bool:
    v = vocabulary()
    if stem in v.titles:
        return True
    if stem in v.exclude or len(stem) < 4:
        return False
    if stem.endswith("råd"):
        return stem[:-3].rstrip("-") in v.rad
    if stem.endswith("polis"):
        return stem[:-5].rstrip("-") in v.polis
    return any(stem.endswith(s) and len(stem) - len(s) >= 2 for s in v.suffixes)


@functools.lru_cache(maxsize=65536)
def role_base(word: str) -> tuple[str, bool, bool] | None:
    """The base form of a role word, whether it was definite, and whether it names the post.

    ``role_base("kommunchefen") == ("kommunchef", True, False)``; ``role_base("vd-posten")
    == ("vd", True, True)``; ``role_base("chefen") is None``.
    """
    w = word.lower()
    if ":" in w:  # vd:n, vd:ns, HR:s
        head, _, tail = w.partition(":")
        if tail in ("n", "ns", "s", "en", "ens") and _is_title(head):
            return head, tail in ("n", "ns", "en", "ens"), False
        return None
    if "-" in w:
        head, _, tail = w.rpartition("-")
        if tail in _POST_SUFFIXES and head:
            inner = role_base(head)
            return (inner[0], True, True) if inner else None
    else:
        for suffix in _POST_SUFFIXES:
            if w.endswith(suffix) and len(w) > len(suffix) + 3:
                head = w[: -len(suffix)]
                head = head[:-1] if head.endswith("s") and not _is_title(head) else head
                if head in vocabulary().titles or (
                    _is_title(head) and not head.endswith(("ledare", "ansvarig"))
                ):
                    return head, True, True
                break
    if _is_title(w):
        return w, False, False
    if w.startswith("polis") and w in ("polisen", "polisens", "polis", "polisernas"):
        # "polisen" is the police; only "polisen Anna Berg" is a title, see find_roles
        return ("polis", True, False) if w == "polisen" else None
    for ending in _INFLECTIONS:
        if w.endswith(ending) and len(w) > len(ending) + 2:
            stem = w[: -len(ending)]
            if ending in ("e", "a") and not stem.endswith("ansvarig"):
                continue
            if _is_title(stem):
                return stem, ending in _DEFINITE, False
    return None


def normalise_role(role: str) -> str:
    """Fold spelling variants to one form ("verkställande direktör" -> "vd")."""
    r = " ".join(role.lower().split())
    return vocabulary().synonyms.get(r, r)


def is_municipal_role(role: str, *, municipal_story: bool = False) -> bool:
    """True for titles that belong to a municipality (kommunchef, socialchef, kommunalråd, ...);
    with ``municipal_story``, also for titles a municipality has among others (ekonomichef)."""
    r = normalise_role(role).removeprefix("tillförordnad ")
    for modifier in _KEPT_MODIFIERS:
        r = r.removeprefix(f"{modifier} ")
    v = vocabulary()
    if r in v.municipal or (municipal_story and r in v.municipal_context):
        return True
    return r.endswith(
        ("nämndens ordförande", "kommunstyrelsens ordförande", "fullmäktiges ordförande")
    )


def _adjective(word: str, options: frozenset[str]) -> str | None:
    """The first word of a two-word title in its base form ("tekniska" -> "teknisk")."""
    if word in options:
        return word
    if word[-1:] in ("a", "e") and word[:-1] in options:
        return word[:-1]
    return None


@functools.cache
def _head_forms() -> frozenset[str]:
    """Every form of the heads of two-word titles ("chef", "chefen", "utgivaren", ...)."""
    return frozenset(
        head + ending for head in vocabulary().multi for ending in ("", "en", "n", "ens", "ns", "s")
    )


@functools.lru_cache(maxsize=65536)
def _head_only(word: str) -> tuple[str, bool, bool] | None:
    """A bare head that is a title only with its adjective ("chefen" in "tekniska chefen")."""
    multi = vocabulary().multi
    for ending in ("", "en", "n", "ens", "ns", "s"):
        if word.endswith(ending) and word[: len(word) - len(ending)] in multi:
            return word[: len(word) - len(ending)], ending in ("en", "n", "ens", "ns"), False
    return None


_BARE_CHEFEN_AFTER = re.compile(r"\s+(?:i|på|för|vid|över)\s+(?:[a-zåäö-]+(?:en|et|na)|[A-ZÅÄÖ])")
_BARE_CHEF_AFTER = re.compile(r"\s+(?:för|över)\s+(?:[a-zåäö-]+\s+och\s+)?[a-zåäö-]+(?:en|et|na)\b")


def _bare_chef(text: str, ends: list[int], lower: list[str], i: int) -> bool:
    """A bare "chef" is a title where it says of what: acting ("tillförordnad chef"), after an
    organisation's genitive ("förvaltningens chef") or before one ("chef för
    socialförvaltningen"). "Chefen" alone is anyone's boss."""
    prev = lower[i - 1] if i > 0 else ""
    if prev in _ACTING_WORDS or (prev.endswith(("ens", "ets", "nas")) and len(prev) > 6):
        return True
    if lower[i] == "chefen":  # "Chefen i kommunen har sagt upp sig"
        return bool(_BARE_CHEFEN_AFTER.match(text, ends[i]))
    return lower[i] == "chef" and bool(_BARE_CHEF_AFTER.match(text, ends[i]))


def find_roles(
    text: str, starts: list[int], ends: list[int], lower: list[str]
) -> list[RoleMention]:
    """Every role word in ``text``, given its word tokens (start, end, lower-case form)."""
    found: list[RoleMention] = []
    multi = vocabulary().multi
    member = vocabulary().member
    heads = _head_forms()
    bases = list(map(role_base, lower))
    for i in [i for i, b in enumerate(bases) if b is not None or lower[i] in heads]:
        w = lower[i]
        hit = bases[i]
        if hit is None:
            hit = _head_only(w)
            bare_chef = hit is not None and hit[0] == "chef" and _bare_chef(text, ends, lower, i)
            if hit is None or (
                not bare_chef and (i == 0 or _adjective(lower[i - 1], multi[hit[0]]) is None)
            ):
                continue
        base, definite, post = hit
        start, end = starts[i], ends[i]
        # two-word titles: "verkställande direktör", "tekniska chefen", "ansvarig utgivare"
        first = _adjective(lower[i - 1], multi[base]) if i > 0 and base in multi else None
        if first is not None:
            base = f"{first} {base}"
            start = starts[i - 1]
            j = i - 1
        else:
            j = i
        word_start = start
        mention = RoleMention(start, end, base, base, definite=definite, post=post)
        # coordinated first parts: "barn- och utbildningschef"
        coord = _COORDINATION.search(text, max(0, start - 60), start)
        k = j - 1
        if coord:
            mention.start = coord.start()
            base = f"{' '.join(coord.group(1).lower().split())} {base}"
            while k >= 0 and starts[k] >= coord.start():
                k -= 1
        # modifiers before the word, nearest first
        prefix: list[str] = []
        while k >= 0 and starts[k] >= start - 40:
            gap = text[ends[k] : min(starts[k + 1], mention.start)]
            if any(ch in gap for ch in ',.;:!?()–—"”\n'):
                break
            pw = lower[k]
            if pw in _KEPT_MODIFIERS:
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
            elif pw in _SKIP_BEFORE:
                pass
            else:
                break
            mention.start = starts[k]
            k -= 1
        head = text[max(0, mention.start - 12) : mention.start]
        if _TF_BEFORE.search(head):
            mention.acting = True
            mention.start -= len(_TF_BEFORE.search(head).group(0))  # type: ignore[union-attr]
        if _FD_BEFORE.search(head):
            mention.former = True
        if prefix:
            base = f"{' '.join(prefix)} {base}"
        base = normalise_role(base)
        # a body in the genitive before "ordförande"
        if base in _CHAIR_ROLES and k >= 0 and lower[k].endswith(_BODY_GENITIVES):
            body_start = starts[k]
            body = lower[k]
            coord = _COORDINATION.search(text, max(0, body_start - 60), body_start)
            if coord:
                body = f"{' '.join(coord.group(1).lower().split())} {body}"
                body_start = coord.start()
            base = f"{body} {base}"
            mention.start = body_start
            k -= 1
        elif k >= 0 and lower[k] in _OWNER_GENITIVES:
            mention.owner = lower[k]
        elif k >= 0:
            owner = _CAP_GENITIVE_BEFORE.search(text, max(0, mention.start - 60), mention.start)
            if owner and not text[owner.start() : owner.end()].strip()[:1].islower():
                mention.owner = owner.group(1).strip()
            elif base in ("kommunalråd", "oppositionsråd", "representant", "tränare"):
                place = _PLACE_BEFORE.search(text, max(0, mention.start - 40), mention.start)
                if place:
                    mention.owner = place.group(1).strip()
        # membership roles keep their body: "ledamot i samhällsbyggnadsnämnden"
        if base in member:
            tail = _MEMBER_BODY.match(text, end)
            if tail:
                base = f"{base} i {tail.group(1).lower()}"
                end = tail.end()
                mention.end = end
        mention.base = base
        mention.role = f"tillförordnad {base}" if mention.acting else base
        mention.word_start = word_start
        found.append(mention)
    return found


_MEMBER_BODY = re.compile(
    r"\s+i\s+((?:[a-zåäö]+-\s+och\s+)?[a-zåäö]*(?:nämnden|styrelsen|fullmäktige|direktionen|"
    r"utskottet|byalaget|rådet|presidiet|beredningen))\b"
)
