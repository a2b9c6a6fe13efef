"""What the clause around a change phrase says about it: a state given as the reason for
another change ("medan"), a post held until it is filled (acting), a change of the person's
own wish (resigning)."""

from __future__ import annotations

from crawler.enrich.changes.phrases import hard_break
from crawler.enrich.doc import Doc

__all__ = ["held_until_filled", "in_while_clause", "own_request"]


def in_while_clause(doc: Doc, k: int) -> bool:
    """Token ``k`` is in a clause opened by "medan", within a few words before it."""
    sent = doc.tok_sent[k]
    for t in range(k - 1, max(-1, k - 8), -1):
        if doc.tok_sent[t] != sent or hard_break(doc, t):
            return False
        if doc.lower[t] == "medan":
            return True
    return False


def held_until_filled(doc: Doc, k: int) -> bool:
    """The sentence of token ``k`` says the post is held until it is filled: "Tills ny
    samhällsbyggnadschef har rekryterats tar kommundirektören över ansvaret", "i väntan på
    en ny rektor", "till dess att en ordinarie är på plats"."""
    sent = doc.tok_sent[k]
    lower = doc.lower
    for t in range(max(0, k - 20), min(len(lower) - 2, k + 20)):
        if doc.tok_sent[t] != sent:
            continue
        if lower[t] == "tills" and lower[t + 1] != "vidare":
            return True
        if lower[t] == "till" and lower[t + 1] == "dess":  # "till dess att en ny är på plats"
            return True
        if lower[t] == "i" and lower[t + 1] == "väntan" and lower[t + 2] == "på":
            return True
    return False


_OWN_WISH = frozenset({("egen", "begäran"), ("eget", "initiativ"), ("egen", "önskan")})
_CHOOSING = frozenset({"väljer", "valt", "valde", "välja"})
_WANTING = frozenset({"vill", "ville", "önskar"})


def own_request(doc: Doc, k: int) -> bool:
    """The change was the person's own wish: "på egen begäran", "på eget initiativ" in the
    sentence of token ``k``, chosen ("väljer nu att avsluta sin anställning") or wanted
    ("vill lämna sin post")."""
    sent = doc.tok_sent[k]
    lower = doc.lower
    before = [t for t in range(max(0, k - 3), k) if doc.tok_sent[t] == sent]
    if any(lower[t] in _CHOOSING for t in before) and any(lower[t] == "att" for t in before):
        return True
    if before and lower[before[-1]] in _WANTING:  # "vill lämna sin post" (not "vill att X")
        return True
    for t in range(k + 1, min(k + 30, len(lower) - 1)):  # bounded: a sentence may be a book
        if doc.tok_sent[t] != sent:
            break
        if (lower[t], lower[t + 1]) in _OWN_WISH:
            return True
    return False
