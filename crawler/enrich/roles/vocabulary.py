"""The role vocabulary (``data/roles.txt``) and what one word is: a title in some form, its
base form, and whether a municipality holds it.

A role is a word from the vocabulary (rektor, vd, kommunalråd, ...) or a compound on a
productive head (skolchef, ekonomidirektör, säkerhetssamordnare, projektledare,
pressansvarig, ...), in any of its singular forms: "kommunchefen" and "kommunchefens" are
"kommunchef", "vd:n" is "vd", "vd-posten" names the post. The bare heads are not roles:
"chefen", "ledaren", "ansvarig" alone say nothing about a title.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "KEPT_MODIFIERS",
    "adjective",
    "head_forms",
    "head_only",
    "is_municipal_role",
    "normalise_role",
    "role_base",
    "vocabulary",
]

DATA_DIR = Path(__file__).parent.parent / "data"

KEPT_MODIFIERS = frozenset(
    {"biträdande", "ställföreträdande", "vice", "assisterande", "förste", "andre", "tredje"}
    | {"1:e", "2:e", "3:e"}  # "2:e vice ordförande"
)
_POST_SUFFIXES = ("posten", "tjänsten", "jobbet", "uppdraget", "stolen", "rollen", "befattningen")
_INFLECTIONS = ("nens", "nen", "ens", "ets", "ns", "en", "et", "n", "s", "e", "a")
_DEFINITE = frozenset({"nens", "nen", "ens", "ets", "ns", "en", "et", "n", "e"})


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
    for modifier in KEPT_MODIFIERS:
        r = r.removeprefix(f"{modifier} ")
    v = vocabulary()
    # each title of a coordination: "landstings- och regiondirektör"
    coordinated = _COORDINATED.fullmatch(r)
    titles = [r] if coordinated is None else [r, *_split_coordination(coordinated)]
    if any(t in v.municipal or (municipal_story and t in v.municipal_context) for t in titles):
        return True
    return r.endswith(
        ("nämndens ordförande", "kommunstyrelsens ordförande", "fullmäktiges ordförande")
    ) or (r.split(" i ", 1)[0].endswith("ordförande") and r.endswith(_MUNICIPAL_BODIES))


_COORDINATED = re.compile(r"([a-zåäö]+)- och ([a-zåäö]+)")


def _split_coordination(m: re.Match[str]) -> list[str]:
    """ "landstings- och regiondirektör" -> "landstingsdirektör" (found among the first
    word with each ending of the second) and "regiondirektör"."""
    first, second = m.group(1), m.group(2)
    return [first + second[i:] for i in range(1, len(second) - 1)] + [second]


# the bodies of a municipality a chair may sit in: "ordförande i socialnämnden"
_MUNICIPAL_BODIES = ("nämnden", "kommunstyrelsen", "fullmäktige", "utskottet")


def adjective(word: str, options: frozenset[str]) -> str | None:
    """The first word of a two-word title in its base form ("tekniska" -> "teknisk")."""
    if word in options:
        return word
    if word[-1:] in ("a", "e") and word[:-1] in options:
        return word[:-1]
    return None


@functools.cache
def head_forms() -> frozenset[str]:
    """Every form of the heads of two-word titles ("chef", "chefen", "utgivaren", ...)."""
    return frozenset(
        head + ending for head in vocabulary().multi for ending in ("", "en", "n", "ens", "ns", "s")
    )


@functools.lru_cache(maxsize=65536)
def head_only(word: str) -> tuple[str, bool, bool] | None:
    """A bare head that is a title only with its adjective ("chefen" in "tekniska chefen")."""
    multi = vocabulary().multi
    for ending in ("", "en", "n", "ens", "ns", "s"):
        if word.endswith(ending) and word[: len(word) - len(ending)] in multi:
            return word[: len(word) - len(ending)], ending in ("en", "n", "ens", "ns"), False
    return None
