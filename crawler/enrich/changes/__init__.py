"""Personnel changes: who was appointed, is acting, leaves, resigns, retires, is dismissed or
moves to a new job, read from the verb phrases in ``data/changes.txt``.

- ``phrases``: the phrase lexicon and how a phrase matches, negation included;
- ``signals``: each phrase in the narration as a ``Signal`` for the person it is about
  (``find_signals``), read with what ``reading`` gathers of the story once;
- ``subjects``: who a phrase is about (its subject, a V2 subject, its object);
- ``coordination``: the others joined to a change's subject by "och" share its change;
- ``clauses``: what the clause around a phrase adds (a "medan"-clause's state is a reason,
  "till dess att" makes a post acting, "på egen begäran" a resignation);
- ``persons``: every person's one change, roles and organisation, and the new role and
  organisation where the story says so (``assemble``).
"""

from __future__ import annotations

from crawler.enrich.changes.persons import PRIORITY, assemble
from crawler.enrich.changes.signals import Signal, find_signals

__all__ = ["PRIORITY", "Signal", "assemble", "find_signals"]
