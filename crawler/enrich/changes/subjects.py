"""The person a change phrase is about: the subject before the verb, walking back over
auxiliaries and adverbs ("Anna Berg har nu sagt upp sig"), the person inside a split phrase or
right after the verb in V2 order ("går Anna Berg i pension", "tillträder han"), the object of
an appointing verb, the subject of a purpose clause's sentence or of the verb before "och"."""

from __future__ import annotations

from bisect import bisect_left

from crawler.enrich.changes.phrases import Phrase, hard_break, lexicon
from crawler.enrich.changes.reading import Reading
from crawler.enrich.doc import Doc
from crawler.enrich.people import PARTY_MEMBER_WORDS, SKIPPABLE, subject_before

__all__ = ["PP_HEADS", "subject"]

# a reflexive or a party member's word between the verb and its subject in V2 order
_BEFORE_V2_SUBJECT = frozenset({"sig", "både", *PARTY_MEMBER_WORDS})
_AUXILIARIES = frozenset({"har", "hade", "ska", "skall", "kommer", "är", "var", "blir", "blev"})
# prepositions that head an organisation after a title ("chef på", "rektor vid")
PP_HEADS = frozenset({"på", "i", "vid", "för", "inom", "hos"})


def subject(ctx: Reading, phrase: Phrase, k: int, gap: tuple[int, int]) -> tuple[int, int]:
    """(entity, its last token) of the person the phrase is about, or (-1, -1)."""
    doc, by_tok = ctx.doc, ctx.by_tok
    for t in range(gap[0], gap[1]):
        if t in by_tok:
            return ctx.entity_at(t)
    sent = doc.tok_sent[k]
    if phrase.who == "O":
        t = k + 1
        while t < len(doc.lower) and t < k + 9 and doc.tok_sent[t] == sent:
            if t in by_tok:
                return ctx.entity_at(t)
            t += 1
        return -1, -1
    ent = subject_before(doc, k, ctx.people, ctx.appositions)
    if ent is not None:
        return ent, k
    # V2: "tillträder han", "slutar Anna Berg", "avsade sig liberalen Anna Berg"
    t = k + 1
    reach = k + 2
    while phrase.v2 and t < len(doc.lower) and t <= reach and doc.tok_sent[t] == sent:
        if t in by_tok:
            entity, last = ctx.entity_at(t)
            if _genitive_before_noun(doc, last):
                break  # "blev Britt Argårds arbetsliv ...": the subject is the noun
            return entity, last
        if doc.lower[t] in _BEFORE_V2_SUBJECT or _title_before_name(ctx, t):
            reach += 1
        elif doc.lower[t] not in SKIPPABLE:
            break
        t += 1
    # a second verb of the sentence's subject: "Anna Berg lämnar posten och går vidare till"
    first = bisect_left(doc.tok_sent, sent)  # the sentence's first token
    if k - first >= 2 and doc.lower[k - 2 : k] == ["för", "att"] and phrase.change != "appointed":
        # a purpose clause: "lämnar Anna Berg sin tjänst för att gå i pension" (not "för att
        # bli rektor": "lämnar ... för att bli" is a new job, read as a phrase of its own)
        found = _first_subject(ctx, range(max(first, k - 40), k - 2))  # bounded: a sentence
        if found is not None:  # may be a book
            return found
    window = doc.lower[max(first, k - 10) : k]
    if "och" in window:
        # the subject of the verb before "och": "när Anna Sjödahl lämnar organisationen och
        # blir ny näringslivschef", else the sentence's own
        och = max(first, k - 10) + len(window) - 1 - window[::-1].index("och")
        found = _last_subject(ctx, range(max(first, och - 8), och)) or _first_subject(
            ctx, range(first, min(first + 4, k))
        )
        if found is not None:
            return found
    return -1, -1


def _genitive_before_noun(doc: Doc, last: int) -> bool:
    """The name ending at token ``last`` is a genitive before a noun: "Britt Argårds
    arbetsliv" (a word of SKIPPABLE or a preposition after the name is no noun)."""
    nxt = last + 1
    return (
        doc.words[last].endswith("s")
        and nxt < len(doc.words)
        and doc.tok_sent[nxt] == doc.tok_sent[last]
        and doc.words[nxt].isalpha()
        and doc.words[nxt].islower()
        and doc.lower[nxt] not in SKIPPABLE
        and doc.lower[nxt] not in PP_HEADS
        and not hard_break(doc, last)
    )


def _last_subject(ctx: Reading, tokens: range) -> tuple[int, int] | None:
    """(entity, last token) of the last name or "han"/"hon" among ``tokens`` that a verb
    follows, the clause's subject."""
    for t in reversed(tokens):
        if t in ctx.by_tok:
            m = ctx.people.mentions[ctx.by_tok[t]]
            if m.kind in ("full", "surname", "pronoun") and m.last_tok + 1 < len(ctx.doc.lower):
                nxt = ctx.doc.lower[m.last_tok + 1]
                if nxt in _AUXILIARIES or nxt in lexicon():  # a verb: the name is its subject
                    return m.entity, m.last_tok
                return None
    return None


def _first_subject(ctx: Reading, tokens: range) -> tuple[int, int] | None:
    """(entity, last token) of the first name or "han"/"hon" among ``tokens``."""
    for t in tokens:
        if t in ctx.by_tok:
            m = ctx.people.mentions[ctx.by_tok[t]]
            if m.kind in ("full", "surname", "first", "pronoun"):
                return m.entity, m.last_tok
    return None


def _title_before_name(ctx: Reading, t: int) -> bool:
    """Token ``t`` is a word of a title, or its owner in the genitive, standing before a name
    in V2 order: "lämnade Kungälvs kulturchef Matilda Skön sitt uppdrag"."""
    if t in ctx.role_tok:
        return True
    word = ctx.doc.words[t]
    return word[0].isupper() and word.endswith("s") and t + 1 in ctx.role_tok


_FIRST_SENTENCES = 3  # of the lead and body, where the person a headline is about is named


def first_named(ctx: Reading) -> int:
    """The entity named in full first after the headline, in the story's first sentences;
    -1 when there is none."""
    doc = ctx.doc
    first = doc.token_at(doc.lead_start)
    if first >= len(doc.tok_sent):
        return -1
    last_sent = doc.tok_sent[first] + _FIRST_SENTENCES
    for m in ctx.people.mentions:
        if m.start < doc.lead_start or m.kind != "full":
            continue
        return m.entity if doc.tok_sent[m.tok] < last_sent else -1
    return -1
