"""Subjects joined by "och": a change told of several people in one clause ("Anna Berg och
Per Ek går i pension", "Socialchefen Anna Berg och skolchefen Per Ek lämnar kommunen", "I juni
lämnar både socialchefen Anna Borg och den biträdande socialchefen Karin Ek sina tjänster")
is each one's change. Only names joined to the subject by "och", "samt" or a list's commas
count, with nothing between but their titles, "den" and an apposition ("Nils Rik,
kulturchef i kommunen, och Magnus Grill, vd för bolaget, har lämnat").
"""

from __future__ import annotations

from crawler.enrich.changes.reading import Reading
from crawler.enrich.doc import Doc
from crawler.enrich.people import Mention, People
from crawler.enrich.roles import RoleMention

__all__ = ["coordinated"]

_JOINS = frozenset({"och", "samt"})
_BEFORE_TITLE = frozenset({"den", "det", "de", "både"})
_REACH = 12  # tokens from the verb to its subject's name, either way


def coordinated(ctx: Reading, entity: int, verb: int) -> list[int]:
    """The other people joined by "och" to ``entity``, the subject of the verb at token
    ``verb`` (its name before the verb, or right after it in V2 order)."""
    doc, people = ctx.doc, ctx.people
    sent = doc.tok_sent[verb]
    lo, hi = max(0, verb - _REACH), min(len(doc.lower), verb + _REACH + 1)
    mentions = [
        m
        for t in range(lo, hi)  # bounded: a story may name thousands
        if (m := people.ending.get(t)) is not None
        and m.entity == entity
        and m.kind in ("full", "surname")
        and doc.tok_sent[m.tok] == sent
    ]
    if not mentions:
        return []
    before = [m for m in mentions if m.tok < verb]
    others = _joined_before(ctx, before[-1]) if before else _joined_after(ctx, mentions[0])
    return [e for e in dict.fromkeys(others) if e != entity]


def _title_start(doc: Doc, role_tok: dict[int, RoleMention], t: int, sent: int) -> int:
    """The first token of the title (and "den", "både") that ends at token ``t``, or ``t + 1``
    when there is none."""
    stop = t - _REACH  # bounded: hostile text may be nothing but titles
    while (
        t > max(stop, -1)
        and doc.tok_sent[t] == sent
        and doc.lower[t] not in _JOINS  # a title may be read with it: "och skolchefen"
        and (t in role_tok or doc.lower[t] in _BEFORE_TITLE)
    ):
        t -= 1
    return t + 1


def _joined_before(ctx: Reading, subject: Mention) -> list[int]:
    """People joined to ``subject`` from the left: "A och B", "A, B och C"."""
    doc, people, role_tok, appositions = ctx.doc, ctx.people, ctx.role_tok, ctx.appositions
    sent = doc.tok_sent[subject.tok]
    found: list[int] = []
    start = _title_start(doc, role_tok, subject.tok - 1, sent)
    joined = start - 1 >= 0 and doc.lower[start - 1] in _JOINS
    for _ in range(8):  # bounded: a list of names in one clause
        if joined:
            t = start - 2  # the word before "och"
        elif start > 0 and "," in doc.text[doc.ends[start - 1] : doc.starts[start]] and found:
            t = start - 1  # a list's comma, once an "och" has joined the last one
        else:
            return found
        if t < 0 or doc.tok_sent[t] != sent:
            return found
        if joined and "," in doc.text[doc.ends[t] : doc.starts[t + 1]] and t not in appositions:
            return found  # ", och" joins clauses: "Eleverna tackade Ylva Sten, och Per Ek slutar"
        m = people.ending.get(t)
        if m is not None and m.kind in ("full", "surname"):
            found.append(m.entity)
            start = _title_start(doc, role_tok, m.tok - 1, sent)
        elif t in appositions:
            found.append(appositions[t])
            apposed = _mention_of(people, appositions[t], t, sent, doc)
            if apposed is None:
                return found
            start = _title_start(doc, role_tok, apposed.tok - 1, sent)
        else:
            return found
        joined = start - 1 >= 0 and doc.lower[start - 1] in _JOINS
    return found


def _joined_after(ctx: Reading, subject: Mention) -> list[int]:
    """People joined to a V2 subject from the right: "lämnar både A och den biträdande B"."""
    doc, people, role_tok = ctx.doc, ctx.people, ctx.role_tok
    sent = doc.tok_sent[subject.tok]
    t = subject.last_tok + 1
    if t >= len(doc.lower) or doc.tok_sent[t] != sent or doc.lower[t] not in _JOINS:
        return []
    t += 1
    stop = min(t + _REACH, len(doc.lower))  # bounded, as in _title_start
    while t < stop and doc.tok_sent[t] == sent and (t in role_tok or doc.lower[t] in _BEFORE_TITLE):
        t += 1
    for u in range(t, min(t + 4, len(doc.lower))):  # a name is a few words
        m = people.ending.get(u)
        if m is not None and m.tok == t and m.kind in ("full", "surname"):
            return [m.entity]
    return []


def _mention_of(people: People, entity: int, before: int, sent: int, doc: Doc) -> Mention | None:
    """The last name of ``entity`` within a few words before token ``before``, in sentence
    ``sent`` (an apposition's name)."""
    for t in range(before - 1, max(-1, before - _REACH), -1):
        if doc.tok_sent[t] != sent:
            return None
        m = people.ending.get(t)
        if m is not None and m.entity == entity:
            return m
    return None
