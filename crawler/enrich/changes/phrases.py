"""The change phrases of ``data/changes.txt`` and how one matches in a sentence.

Each line of the file is a change type, a tense, who the phrase is about (S: its subject, O: its
object; "+": it needs a role after it) and the phrase's words: a word ("går"), alternatives
("slutar|lämnar"), a gap of up to eight words ("_"), a capitalised word ("Cap") or a word that
must not follow ("!sig"). A match is dropped where the sentence negates, doubts or demands the
change ("borde avgå", "kräver att hon avgår", "har inga planer på att sluta").
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from crawler.enrich.doc import Doc

__all__ = ["Part", "Phrase", "hard_break", "lexicon", "match_phrase", "negated"]

DATA_DIR = Path(__file__).parent.parent / "data"

_NEEDS_ROLE_ENDINGS = frozenset(
    {"som", "till", "ny", "nya", "nytt", "nye", "tillförordnad", "tillförordnade", "tf"}
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
_WANT = frozenset({"vill", "ville", "velat", "önskar", "kräver", "krävde"})
_BREAK_WORDS = frozenset({"men", "medan", "eftersom", "fast", "trots"})


Part = tuple[str, frozenset[str]]  # (kind, words): kind w (one of words), gap, cap, not


@dataclass(frozen=True, slots=True)
class Phrase:
    """One line of ``changes.txt``, read."""

    change: str
    past: bool
    who: str  # S or O
    parts: tuple[Part, ...]
    needs_role: bool
    takes_role: bool
    text: str
    v2: bool  # the person right after the verb may be its subject ("tillträder han")
    predecessor: bool  # the person after it held the post before ("efterträder Anna Berg")


_EMPTY: frozenset[str] = frozenset()


def _part(word: str) -> Part:
    if word == "_":
        return ("gap", _EMPTY)
    if word == "Cap":
        return ("cap", _EMPTY)
    if word.startswith("!"):
        return ("not", frozenset(word[1:].lower().split("|")))
    return ("w", frozenset(word.lower().split("|")))


@functools.cache
def lexicon() -> dict[str, tuple[Phrase, ...]]:
    """The phrases of ``data/changes.txt`` by each word they may start with, read once."""
    table: dict[str, list[Phrase]] = {}
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
        phrase = Phrase(
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


def match_phrase(doc: Doc, phrase: Phrase, k: int) -> tuple[int, tuple[int, int]] | None:
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
                if g and hard_break(doc, ti + g - 1):
                    break
                res = step(pi + 1, ti + g, (ti, ti + g))
                if res is not None:
                    return res
            return None
        if kind == "not":
            if ti < n and doc.tok_sent[ti] == sent and lower[ti] in options:
                return None
            return step(pi + 1, ti, gap)
        if ti >= n or doc.tok_sent[ti] != sent or hard_break(doc, ti - 1):
            return None
        if kind == "cap":
            if not words[ti][0].isupper():
                return None
            ti += 1
            while ti < n and not hard_break(doc, ti - 1) and lower[ti] in _CAP_TAIL:
                ti += 1
            return step(pi + 1, ti, gap)
        if lower[ti] in options:
            return step(pi + 1, ti + 1, gap)
        return None

    return step(1, k + 1, (k + 1, k + 1)) if lower[k] in parts[0][1] else None


def hard_break(doc: Doc, t: int) -> bool:
    """True when the text between token t and the next one ends a clause."""
    return t >= len(doc.brk) - 1 or doc.brk[t]


def negated(doc: Doc, k: int, end: int) -> bool:
    """The phrase from token ``k`` to ``end`` is negated, doubted or demanded, not told."""
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
