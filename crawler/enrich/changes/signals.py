"""Personnel-change signals: each change phrase in the narration, with the person it is about.

Each phrase that matches in the narration (not in direct speech, not in a question) becomes a
``Signal`` for the person it is about (found by ``subjects.subject``: "Anna Berg har nu sagt
upp sig", "går Anna Berg i pension", "styrelsen har utsett Anna Berg till ...") and for those
joined to that person by "och" (``coordination``), or, in a headline without a name, for the
role ("Kommunchefen säger upp sig"), with the title taken on where the phrase gives one.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, replace

from crawler.enrich.changes.clauses import held_until_filled, in_while_clause, own_request
from crawler.enrich.changes.coordination import coordinated
from crawler.enrich.changes.phrases import (
    Phrase,
    hard_break,
    lexicon,
    match_phrase,
    negated,
)
from crawler.enrich.changes.reading import Reading, reading
from crawler.enrich.changes.subjects import PP_HEADS, first_named, subject
from crawler.enrich.doc import Doc
from crawler.enrich.people import (
    SKIPPABLE,
    Mention,
    People,
    RoleLink,
    org_after_span,
)
from crawler.enrich.roles import RoleMention

__all__ = ["ACTING_TITLE", "Signal", "find_signals"]

_JOB_WORDS = frozenset(
    {
        "jobb",
        "jobbet",
        "tjänst",
        "tjänsten",
        "uppdrag",
        "uppdraget",
        "arbetsgivare",
        "befattning",
        "position",
        "roll",
        "rollen",
        "arbete",
        "chefsjobb",
    }
)
_NEW = frozenset({"ny", "nytt", "nya", "annat", "annan"})
ACTING_TITLE = "t.f."  # the phrase of a signal that an acting title held now gives
_ACTING_ADVERBS = frozenset({"tillfälligt", "tillsvidare", "interimistiskt", "temporärt"})
# an acting post without its title after "som" ("går in som tillförordnad")
_ACTING_ALONE = frozenset({"tillförordnad", "tf", "t.f.", "vikarie", "tillfällig", "interimschef"})


@dataclass(slots=True)
class Signal:
    """One phrase saying a person's job changes."""

    change: str
    past: bool
    entity: int  # -1: the subject is a role without a name (a headline)
    role_subject: str  # the role's base form when entity is -1
    start: int
    zone: int
    phrase: str
    new_role: RoleMention | None = None
    new_org: str = ""
    predecessor: int = -1  # "efterträder Anna Berg": Anna Berg held the role before
    elided: bool = False  # a headline without its subject: the story's first person's


def find_signals(
    doc: Doc, roles: list[RoleMention], people: People, links: list[RoleLink]
) -> list[Signal]:
    """Every personnel-change phrase in the narration, with the person it is about."""
    ctx = reading(doc, roles, people, links)
    phrases = lexicon()
    signals = _acting_roles(doc, links)
    lower, narr = doc.lower, doc.tok_narr
    for k in [k for k, w in enumerate(lower) if w in phrases and narr[k]]:
        nxt = lower[k + 1] if k + 1 < len(lower) else ""
        ahead: list[str] | None = None  # the words a gap may reach, sliced once
        for phrase in phrases[lower[k]]:
            if len(phrase.parts) > 1:
                kind, options = phrase.parts[1]
                if kind == "w" and nxt not in options:
                    continue
                if kind == "gap" and phrase.parts[2][0] == "w":
                    if ahead is None:
                        ahead = lower[k + 1 : k + 11]
                    if phrase.parts[2][1].isdisjoint(ahead):
                        continue  # the word after the gap is nowhere near: no need to try
            res = match_phrase(doc, phrase, k)
            if res is None:
                continue
            end, gap = res
            if negated(doc, k, end):
                continue
            signal = _signal(ctx, phrase, k, end, gap)
            if signal is not None:
                signals.append(signal)
                if phrase.who == "S" and signal.entity >= 0:
                    joined = coordinated(ctx, signal.entity, k)
                    signals += [replace(signal, entity=e) for e in joined]
    signals = [s for s in signals if not (s.elided and _told_of_another(s, signals))]
    return signals + _elected_along(ctx, links, signals)


def _told_of_another(elided: Signal, signals: list[Signal]) -> bool:
    """The story tells the same change of someone else by name: the headline is theirs."""
    return any(
        s.change == elided.change and s.entity >= 0 and s.entity != elided.entity
        for s in signals
        if not s.elided
    )


_ELECTING = frozenset(
    {"valdes", "väljs", "valts", "föreslogs", "föreslås", "nominerades", "nomineras", "utsågs"}
)
_ALONG = frozenset({"med", "och"})


def _elected_along(ctx: Reading, links: list[RoleLink], signals: list[Signal]) -> list[Signal]:
    """Others elected in the same sentence as a named person, each with a title of their own
    after "som": "X valdes som ordförande, med Y som förste vice ordförande och Z som andre
    vice ordförande", "A föreslogs som ordförande och B som vice"."""
    doc = ctx.doc
    taken = {s.entity for s in signals}
    found: list[Signal] = []
    electing = [
        s
        for s in signals
        if s.change == "appointed"
        and s.entity >= 0
        # the phrase's first word and its alternatives
        and not _ELECTING.isdisjoint(s.phrase.split()[0].split("|"))
    ]
    if not electing:
        return found
    by_sent: dict[int, list[RoleLink]] = {}  # each sentence's "som" links, in order
    for link in links:
        if link.rule == "som" and not link.former:
            by_sent.setdefault(doc.tok_sent[doc.token_at(link.role.start)], []).append(link)
    named: dict[tuple[int, int], list[Mention]] = {}  # (entity, sentence) -> its mentions
    for m in ctx.people.mentions:
        named.setdefault((m.entity, doc.tok_sent[m.tok]), []).append(m)
    for s in electing:
        first = doc.token_at(s.start)
        sent = doc.tok_sent[first]
        for link in by_sent.get(sent, ()):
            if link.entity in taken or link.role.start <= s.start:
                continue
            before = [
                m for m in named.get((link.entity, sent), ()) if s.start < m.start < link.role.start
            ]
            if not before or _ALONG.isdisjoint(doc.lower[first : before[-1].tok]):
                continue
            taken.add(link.entity)
            start = before[-1].start
            zone = doc.zone_of(start)
            found.append(
                Signal("appointed", s.past, link.entity, "", start, zone, s.phrase, link.role)
            )
    return found


_HELD_NOW = frozenset({"copula", "som", "apposition"})


def _acting_roles(doc: Doc, links: list[RoleLink]) -> list[Signal]:
    """An acting role held now is a change of its own: "Petra Sandin är tillförordnad
    socialchef", "leder förvaltningen som t.f."."""
    signals: list[Signal] = []
    for link in links:
        if link.role.acting and link.rule in _HELD_NOW and not link.former:
            start, zone = link.role.start, doc.zone_of(link.role.start)
            signals.append(
                Signal("acting", False, link.entity, "", start, zone, ACTING_TITLE, link.role)
            )
    return signals


def _signal(ctx: Reading, phrase: Phrase, k: int, end: int, gap: tuple[int, int]) -> Signal | None:
    """The signal of ``phrase`` matched from token ``k`` to ``end``, or None when it is about
    nobody the story names or lacks the role it needs."""
    doc = ctx.doc
    if doc.lower[k] == "som" and k > 0 and doc.tok_sent[k - 1] == doc.tok_sent[k]:
        return None  # a title first ("Som ordförande valdes ...") opens its sentence
    if doc.lower[k] == "är" and (
        in_while_clause(doc, k) or (phrase.change == "leaving" and doc.zone_of(doc.starts[k]) == 2)
    ):
        # a state is the reason for another change ("vikarierar medan Tomas Berg är
        # tjänstledig"); a leave is news where the headline or lead tells it
        return None
    entity, subject_last = subject(ctx, phrase, k, gap)
    role_subject = ""
    elided = False
    if entity < 0 and phrase.who == "S" and k == 0:
        # a headline that opens with its verb ("Lämnar Östergötland för Halland", "Går i
        # pension efter 40 år") is about the person the story names first
        entity, elided = first_named(ctx), True
    if entity < 0:
        if phrase.who == "O":
            rm = _role_object(doc, end, ctx.role_tok)
        else:
            rm = _role_before(doc, k, ctx.role_tok)
        # a headline drops the article: "Rektor på Grindskolan säger upp sig"
        if (
            rm is not None
            and id(rm) not in ctx.linked
            and (rm.definite or rm.owner or doc.zone_of(rm.start) == 0)
        ):
            role_subject = rm.base
        elif doc.zone_of(doc.starts[k]) != 0:
            return None
        # else a headline's change about nobody it names ("Gränbyskolans chefer slutar"):
        # kept as news of the story (see kinds.classify), given to no one
    start = doc.starts[k]
    signal = Signal(
        phrase.change,
        phrase.past,
        entity,
        role_subject,
        start,
        doc.zone_of(start),
        phrase.text,
        elided=elided,
    )
    if not _take_new_role(ctx, phrase, signal, (k, end, subject_last)):
        return None
    _adjust(ctx, phrase, signal, k, end)
    return signal


def _take_new_role(
    ctx: Reading, phrase: Phrase, signal: Signal, where: tuple[int, int, int]
) -> bool:
    """Give ``signal`` the role (and organisation) taken on; False when the phrase needs a role
    or a job after it and has none. ``where``: the phrase's first token, the token after it,
    and the subject's last token."""
    doc = ctx.doc
    k, end, subject_last = where
    if not phrase.takes_role:
        return not (
            phrase.needs_role
            and not _job_word_near(doc, end)
            and _role_after(ctx, k, end - 1) is None
        )
    if doc.lower[k] in ("till", "som"):  # the title first: "Till ny kommunchef har KS utsett"
        rm = _role_after(ctx, k, k)
    else:
        rm = _role_after(ctx, k, max(end - 1, subject_last))
    if rm is not None and subject_last > end:
        rm = _past_relative_clause(ctx, k, subject_last, rm)
    if rm is None:
        if end < len(doc.lower) and doc.lower[end] in _ACTING_ALONE:
            signal.change = "acting"  # "går in som tillförordnad", the title said before
            return True
        return not phrase.needs_role or (phrase.change == "new_job" and _job_word_near(doc, end))
    signal.new_role = rm
    if rm.acting:
        signal.change = "acting"
    span = org_after_span(doc.text, rm.end)
    signal.new_org = doc.text[span[0] : span[1]] if span else ""
    return True


def _past_relative_clause(
    ctx: Reading, k: int, subject_last: int, rm: RoleMention
) -> RoleMention | None:
    """The role taken, not the one a clause about the person gives: "utse Anna Berg, som i
    dag är biträdande kommunchef, till tillförordnad kommunchef"; None for "Tillförordnad
    kommunchef blir Anna Berg, som i dag är ekonomichef"."""
    doc = ctx.doc
    after = subject_last + 1
    if after >= len(doc.lower) or doc.lower[after] != "som":
        return rm
    if "," not in doc.text[doc.ends[subject_last] : doc.starts[after]]:
        return rm
    close = doc.text.find(",", rm.end, rm.end + 200)  # bounded: hostile text has no commas
    nxt = doc.token_at(close) if close >= 0 else len(doc.lower)  # after the closing comma
    if nxt >= len(doc.lower) or doc.tok_sent[nxt] != doc.tok_sent[k] or doc.lower[nxt] != "till":
        return None
    return _role_after(ctx, k, nxt)


def _adjust(ctx: Reading, phrase: Phrase, signal: Signal, k: int, end: int) -> None:
    """What the words around the phrase add: the new employer, "tillfälligt", "på egen
    begäran", the predecessor."""
    doc = ctx.doc
    if phrase.change == "new_job" and phrase.text.startswith("lämnar") and not signal.new_org:
        signal.new_org = _capitalised_after(doc, end)
    if (
        signal.change == "appointed"
        and not phrase.predecessor
        and (
            any(w in _ACTING_ADVERBS for w in doc.lower[max(0, k - 1) : end])
            or held_until_filled(doc, k)
        )
    ):
        # "tar tillfälligt över rodret", "utses tillsvidare", "har tillfälligt axlat rollen"
        signal.change = "acting"
    if signal.change in ("leaving", "dismissed") and own_request(doc, k):
        # "lämnar på egen begäran", "entledigas på eget initiativ", "väljer att sluta"
        signal.change = "resigned"
    if phrase.predecessor and phrase.change == "appointed":
        pred = _mention_after(ctx, end)
        if pred is not None and pred != signal.entity:
            signal.predecessor = pred


def _role_before(doc: Doc, k: int, role_tok: dict[int, RoleMention]) -> RoleMention | None:
    """A role as the subject of a headline verb: "Kommunchefen säger upp sig", "Rektorn på
    Skogstorpsskolan avskedas"."""
    t = k - 1
    pp = 0
    while t >= 0 and doc.tok_sent[t] == doc.tok_sent[k]:
        if t in role_tok:
            return role_tok[t]
        if doc.lower[t] in SKIPPABLE:
            t -= 1
            continue
        if pp < 4 and not hard_break(doc, t):
            # step over a short prepositional phrase right after the role
            u = t
            while u > t - 4 and u >= 0 and doc.lower[u] not in PP_HEADS:
                u -= 1
            if u >= 1 and doc.lower[u] in PP_HEADS and (u - 1) in role_tok:
                return role_tok[u - 1]
        return None
    return None


def _role_object(doc: Doc, end: int, role_tok: dict[int, RoleMention]) -> RoleMention | None:
    """The role right after an appointing or dismissing verb: "avskedar rektorn på ..."."""
    t = end
    while t < len(doc.lower) and t < end + 3 and doc.tok_sent[t] == doc.tok_sent[end - 1]:
        if t in role_tok:
            return role_tok[t]
        if doc.lower[t] not in SKIPPABLE:
            return None
        t += 1
    return None


def _role_after(ctx: Reading, k: int, after: int) -> RoleMention | None:
    """The first role word within six words after token ``after`` in the same sentence (found
    by bisection: a story may hold thousands of roles and phrases)."""
    doc = ctx.doc
    i = bisect_right(ctx.role_words, max(after, k))
    if i == len(ctx.roles):
        return None
    t = ctx.role_words[i]
    if t > after + 7 or t >= len(doc.tok_sent) or doc.tok_sent[t] != doc.tok_sent[k]:
        return None
    if any(hard_break(doc, x) for x in range(after, t)):
        return None
    return ctx.roles[i]


def _job_word_near(doc: Doc, end: int) -> bool:
    """An employer's name or a new job ("ett nytt jobb", "en ny tjänst") right after ``end``."""
    sent = doc.tok_sent[end - 1]
    for t in range(end, min(end + 6, len(doc.lower))):
        if doc.tok_sent[t] != sent or hard_break(doc, t - 1):
            break
        if doc.words[t][0].isupper():
            return True
        if doc.lower[t] in _JOB_WORDS and t > 0 and doc.lower[t - 1] in _NEW:
            return True
    return False


def _capitalised_after(doc: Doc, end: int) -> str:
    if end < len(doc.words) and doc.words[end][0].isupper():
        return doc.words[end]
    return ""


def _mention_after(ctx: Reading, t: int) -> int | None:
    """The entity named within four words from token ``t`` in its sentence, if any."""
    doc = ctx.doc
    sent = doc.tok_sent[t - 1] if t else 0
    for x in range(t, min(t + 4, len(doc.lower))):
        if doc.tok_sent[x] != sent:
            return None
        if x in ctx.by_tok:
            return ctx.entity_at(x)[0]
    return None
