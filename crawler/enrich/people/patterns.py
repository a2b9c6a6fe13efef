"""The words and patterns that tie a role to its holder: copulas, words a search may step
over, the gaps of an apposition, and the organisation phrase after a role."""

from __future__ import annotations

import re

__all__ = [
    "APPOSITION_GAP",
    "BEFORE_GAP",
    "CLAUSE_BREAKS",
    "COPULAS",
    "FORMER_CUES",
    "NAMING_VERBS",
    "OWN_TIME",
    "PAST_VERBS",
    "RELATIVE_GAP",
    "SKIPPABLE",
    "org_after",
    "org_after_span",
]

# Words a search for a role's holder may step over: auxiliaries, copulas, adverbs, articles.
COPULAS = frozenset(
    {
        "är",
        "var",
        "varit",
        "blir",
        "blev",
        "blivit",
        "bli",
        "arbetar",
        "arbetade",
        "arbetat",
        "jobbar",
        "jobbade",
        "jobbat",
        "verkar",
        "verkat",
        "tjänstgör",
        "tjänstgjort",
        "anställts",
        "anställdes",
        "anställs",
        "utses",
        "utsetts",
        "utsågs",
        "valts",
        "valdes",
        "väljs",
        "tillträder",
        "tillträdde",
        "börjar",
        "började",
        "kvar",
        "sitter",
        "satt",
        "suttit",
        "rekryterats",
        "rekryteras",
        "fortsätter",
    }
)
SKIPPABLE = frozenset(
    {
        "har",
        "hade",
        "ska",
        "skall",
        "kommer",
        "att",
        "kan",
        "måste",
        "vill",
        "får",
        "fick",
        "tänker",
        "avser",
        "planerar",
        "väljer",
        "valde",
        "valt",
        "nu",
        "då",
        "också",
        "även",
        "själv",
        "själva",
        "därför",
        "alltså",
        "ändå",
        "redan",
        "snart",
        "nyligen",
        "tillfälligt",
        "tillsvidare",
        "interimistiskt",
        "officiellt",
        "formellt",
        "sedan",
        "dessutom",
        "stället",
        "istället",
        "i",
        "dag",
        "idag",
        "numera",
        "fortfarande",
        "bland",
        "annat",
        "år",
        "ny",
        "nytt",
        "nya",
        "nye",
        "en",
        "ett",
        "den",
        "det",
        "sin",
        "sitt",
        "sina",
        "som",
        "och",
        "samt",
        "de",
        "senaste",
        "åren",
        "året",
        "många",
        "flera",
        "väldigt",
        "länge",
        "tidigare",
        "förut",
        "först",
        "sist",
        "just",
        "precis",
        "närmast",
        "ju",
        "dock",
        "tillförordnad",
        "tillförordnade",
        "biträdande",
        "ställföreträdande",
        "vice",
        "inte",
        "heller",
    }
)
FORMER_CUES = frozenset(
    {"tidigare", "förut", "först", "förre", "dåvarande", "bakgrund", "innan", "från"}
)
OWN_TIME = frozenset({"tid", "år", "åren", "första", "sista", "dagar", "period"})
PAST_VERBS = frozenset({"var", "arbetade", "jobbade", "satt", "verkade", "tjänstgjorde"})
APPOSITION_GAP = re.compile(
    r"\s*,\s*(?:(?:a|an|the|i\s+dag|idag|numera|nu|även|också|själv|tidigare|förre|före\s+detta|"
    r"sedan\s+\d{4}|till\s+vardags|till\s+yrket|ursprungligen)\s+)*"
)
RELATIVE_GAP = re.compile(r"\s*,\s*som\s+((?:[a-zåäö0-9]+\s+){1,8})")
BEFORE_GAP = re.compile(
    r"\s*[,:]?\s*|\s+(?:för|på|i|vid|inom|hos)\s+[^,.;:!?()\n]{1,60},\s*|"
    # "kommunalrådet i Ockelbo Anna Berg"
    r"\s+(?:i|på|för|vid)\s+[A-ZÅÄÖ][\w-]*(?:\s+kommun)?\s+"
)
_ORG_AFTER = re.compile(
    r"[ \u00a0]+(?:i|på|vid|hos|inom|för|at|in)[ \u00a0]+("
    r"(?:[a-zåäö]+(?:ens|ets)[ \u00a0]+[a-zåäö]{3,}(?:[ \u00a0]+i[ \u00a0]+[A-ZÅÄÖ][\w-]*"
    r"(?:[ \u00a0]+kommun)?)?)\b|"
    r"[A-ZÅÄÖ][\w-]*s[ \u00a0]+[a-zåäö]{4,}\b(?![ \u00a0]+[A-ZÅÄÖ])|"
    r"(?:[a-zåäö]+[ \u00a0]+)?[A-ZÅÄÖ][\w&:'-]*"
    r"(?:[ \u00a0]+(?:[A-ZÅÄÖ][\w&'-]*|kommun|stad|län|AB)\b)*|"
    r"(?:the[ \u00a0]+)?[a-zåäö]{2,}(?:en|et|na|an|n)\b(?:[ \u00a0]+i[ \u00a0]+[A-ZÅÄÖ][\w-]*"
    r"(?:[ \u00a0]+kommun)?)?"
    r")"
)
CLAUSE_BREAKS = frozenset(
    {"när", "medan", "eftersom", "innan", "men", "där", "vilket", "vilken", "efter", "om"}
)
# The verbs that name a role's holder after the role: "Vd för bolaget är Björn Alvengrip".
NAMING_VERBS = frozenset({"är", "blir", "blev", "heter", "var"})


def org_after(text: str, end: int) -> str:
    """The organisation phrase right after ``end`` (see ``org_after_span``), or ""."""
    span = org_after_span(text, end)
    return text[span[0] : span[1]] if span else ""


# words the organisation pattern takes that name none: "på eget initiativ", "på egen hand",
# "för den regionkommun som bildas", "civilekonom i grunden"
_NO_ORG = frozenset({"eget", "egen", "egna", "den", "det", "denna", "detta", "grunden"})


def org_after_span(text: str, end: int) -> tuple[int, int] | None:
    """Where the organisation phrase right after ``end`` lies ("i Vimmerby kommun", "på SMHI",
    "vid räddningstjänsten"), without its preposition; None when there is none."""
    m = _ORG_AFTER.match(text, end)
    if not m or m.group(1).split(None, 1)[0].lower() in _NO_ORG:
        return None
    org = m.group(1)
    trimmed = re.sub(r"\s+(?:sedan|från|i|den)$", "", org)
    return m.start(1), m.start(1) + len(trimmed)
