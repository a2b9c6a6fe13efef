"""Who holds which role: each role mention tied to the person the sentence says holds it.

``link_roles`` ties each role to its holder where the sentence says so: "kommunchefen Johan
Rydén", "Sara Lindgren, meteorolog på SMHI", "har han varit kommunens säkerhetssamordnare",
"efter tolv år som förvaltningschef", "lämnar vd-posten".
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from crawler.enrich.doc import Doc
from crawler.enrich.people.names import Mention, People
from crawler.enrich.people.patterns import (
    APPOSITION_GAP,
    BEFORE_GAP,
    CLAUSE_BREAKS,
    COPULAS,
    FORMER_CUES,
    NAMING_VERBS,
    OWN_TIME,
    PAST_VERBS,
    RELATIVE_GAP,
    SKIPPABLE,
    org_after,
)
from crawler.enrich.roles import RoleMention

__all__ = ["RoleLink", "link_roles", "subject_before"]


@dataclass(slots=True)
class RoleLink:
    """A role held by an entity, and how the text says so."""

    entity: int
    role: RoleMention
    rule: str  # before, apposition, copula, som, post
    former: bool
    org: str  # the organisation phrase the text gives with it ("Vimmerby kommun", "SMHI")


@dataclass(slots=True)
class _Linking:
    """What every linking step reads: the story, its people and where the roles lie."""

    doc: Doc
    people: People
    starts: list[int]  # each mention's start offset, in order, for bisecting
    role_toks: set[int]  # the tokens of every role mention


@dataclass(slots=True)
class _Site:
    """One role mention to link, and what stands around it."""

    role: RoleMention
    tok: int  # the token of the role word itself
    sent: int
    org: str  # the organisation phrase right after the role
    before: Mention | None  # the nearest mention before the role
    after: Mention | None  # the nearest mention after it

    def link(self, entity: int, rule: str, former: bool) -> RoleLink:
        """The link to ``entity``, with the organisation the text gives or the role's owner."""
        return RoleLink(entity, self.role, rule, former, self.org or self.role.owner)


def link_roles(doc: Doc, roles: list[RoleMention], people: People) -> list[RoleLink]:
    """Tie each role mention to the person who holds it, where the sentence says who.

    Patterns, strongest first: the role right before the name ("kommunchefen Johan Rydén",
    "avdelningschefen för vård och omsorg, Mikael Strand"); the role in apposition after it
    ("Sara Lindgren, meteorolog på SMHI", "Anna Berg, som är rektor, ..."); the role after a
    copula with the person as subject ("har han varit kommunens säkerhetssamordnare", "blir
    hon ny utbildningschef"); "som" + role ("efter tolv år som förvaltningschef", "Som
    säkerhetssamordnare har han"); and the post ("lämnar vd-posten").
    """
    role_toks: set[int] = set()
    for r in roles:
        role_toks.update(range(doc.token_at(r.start), doc.token_at(r.end)))
    ctx = _Linking(doc, people, [m.start for m in people.mentions], role_toks)
    links: list[RoleLink] = []
    for r in roles:
        site = _site(ctx, r)
        if site is None:
            continue
        link = _role_before_name(ctx, site) or _role_after_name(ctx, site)
        if link is None:
            link = _copula_or_som(ctx, site)
        if link is None:
            link = _named_after_copula(ctx, site)
        if link is not None:
            links.append(link)
    return links


def _site(ctx: _Linking, r: RoleMention) -> _Site | None:
    """Where role ``r`` stands; None for a generic role or one in direct speech."""
    if r.generic:
        return None
    doc, mentions = ctx.doc, ctx.people.mentions
    ri = doc.token_at(r.word_start)
    if ri >= len(doc.starts):
        return None
    if not doc.tok_narr[ri] and doc.zone_of(r.start) == 2:
        return None
    k = bisect_right(ctx.starts, r.start)
    after = mentions[k] if k < len(mentions) else None
    before = mentions[k - 1] if k > 0 else None
    org = org_after(doc.text, r.end)
    if after is not None and r.end < after.start < r.end + 1 + len(org):
        # the name is no part of it: "Kommunchefen i Skellefteå David Nyberg"
        org = doc.text[r.end : after.start].split(None, 1)[-1].strip(" ,") if org else ""
    return _Site(r, ri, doc.tok_sent[ri], org, before, after)


def _role_before_name(ctx: _Linking, site: _Site) -> RoleLink | None:
    """The role right before the name: "kommunchefen Johan Rydén", "avdelningschefen för vård
    och omsorg, Mikael Strand" (the words between name the organisation)."""
    text, r, after = ctx.doc.text, site.role, site.after
    if _after_party_tag(text, site):
        return None  # a list of members: the title is the name's before it
    if (
        after is None
        or after.sent != site.sent
        or after.kind not in ("full", "surname", "first")
        or not BEFORE_GAP.fullmatch(text, r.end, after.start)
    ):
        return None
    gap = text[r.end : after.start].strip(" ,:")  # "Gymnasiechef: Johan Rahmberg"
    org = site.org or (gap.split(None, 1)[-1] if gap else "")
    return RoleLink(after.entity, r, "before", r.former, org or r.owner)


def _after_party_tag(text: str, site: _Site) -> bool:
    """The role right after a name's party tag, as in a list of members: "Pär Edgren (M)
    ordförande, Anna Ek (C) vice ordförande"."""
    before = site.before
    return (
        before is not None
        and before.sent == site.sent
        and before.ext_end > before.end
        and not text[before.ext_end : site.role.start].strip()
    )


def _role_after_name(ctx: _Linking, site: _Site) -> RoleLink | None:
    """The role in apposition after the name: "Sara Lindgren, meteorolog på SMHI", "Anna Berg,
    som är rektor", "Pär Edgren (M) ordförande"."""
    text, r, before = ctx.doc.text, site.role, site.before
    if before is None or before.sent != site.sent or before.kind not in ("full", "surname"):
        return None
    gap = text[before.ext_end : r.start]
    if APPOSITION_GAP.fullmatch(text, before.ext_end, r.start) and "," in gap:
        former = r.former or bool(re.search(r"tidigare|förre|före detta", gap))
        return site.link(before.entity, "apposition", former)
    if _after_party_tag(text, site) or (gap.strip() == "(" and text[r.end : r.end + 1] == ")"):
        # a list of members: "Pär Edgren (M) ordförande, Anna Ek (C) vice ordförande",
        # "Tony Johansson (elevhälsochef), Pontus Düring (stabschef)"
        return site.link(before.entity, "apposition", r.former)
    if not gap.strip() and before.kind == "full" and ctx.doc.zone_of(r.start) == 0:
        # a headline without a verb: "Mats Holm ny kommundirektör i Salem", "Eva Ek
        # tillförordnad kommunchef"
        return site.link(before.entity, "apposition", r.former)
    rel = RELATIVE_GAP.fullmatch(text, before.ext_end, r.start)
    if rel:
        words = rel.group(1).split()
        if any(w in COPULAS for w in words):
            former = r.former or "var" in words or any(w in FORMER_CUES for w in words)
            return site.link(before.entity, "apposition", former)
    return None


def _named_after_copula(ctx: _Linking, site: _Site) -> RoleLink | None:
    """The role as the subject, the name after the copula: "Vd för det nya bolaget är Björn
    Alvengrip", "Den nya ordföranden heter Monika Ek", "Ersättare blir Annika Eek (KD)"."""
    doc, r, after, sent = ctx.doc, site.role, site.after, site.sent
    if after is None or after.sent != sent or after.kind != "full":
        return None
    first = doc.token_at(r.start)
    if doc.lower[first] == "och":  # read as part of the role ("och ordförande")
        first += 1
    owner = r.owner.lower().split()
    lead = first - len(owner)  # where the title's owner would begin
    if owner and r.owner.endswith("s") and lead >= 0 and doc.lower[lead:first] == owner:
        # its owner opens the sentence: "Hjo kommuns nya kulturchef heter Isabel Ek"
        if lead > 0 and doc.tok_sent[lead - 1] == sent:
            return None
    elif first > 0 and doc.tok_sent[first - 1] == sent:
        # only a role that opens its sentence ("Den nya", "Ny" may stand before it) or a
        # clause after "och" ("valdes en ny styrelse och ordförande blev Anna Berg")
        opening = doc.lower[first - 1] in ("den", "ny", "nya", "nye", "och")
        if not opening or (
            first > 1 and doc.tok_sent[first - 2] == sent and doc.lower[first - 1] != "och"
        ):
            return None
    verb = doc.token_at(after.start) - 1
    if verb <= first or doc.lower[verb] not in NAMING_VERBS or verb - first > 10:
        return None
    if any(doc.brk[t] for t in range(first, verb)):
        return None
    if doc.lower[verb] in ("blir", "blev") and not r.former:
        r.new = True  # "Ersättare blir Annika Eek": the title is taken on
    return site.link(after.entity, "copula", r.former or doc.lower[verb] == "var")


def _copula_or_som(ctx: _Linking, site: _Site) -> RoleLink | None:
    """The role after "som" or naming a post, else after a copula with its holder as subject."""
    lower = ctx.doc.lower
    first_tok = ctx.doc.token_at(site.role.start)
    prev = lower[first_tok - 1] if first_tok > 0 else ""
    if prev != "som" and first_tok > 1 and lower[first_tok - 2] == "som" and prev.isalpha():
        prev = "som"  # "Som ung fullmäktigeledamot"
        first_tok -= 1
    if prev == "som" or site.role.post:
        return _som_or_post(ctx, site, first_tok)
    return _after_copula(ctx, site, first_tok)


def _som_or_post(ctx: _Linking, site: _Site, first_tok: int) -> RoleLink | None:
    """ "efter tolv år som förvaltningschef", "Som säkerhetssamordnare har han", "lämnar
    vd-posten"; ``first_tok`` is the first token of "som" + role (or of the post)."""
    doc, people, r, sent = ctx.doc, ctx.people, site.role, site.sent
    mentions, lower = people.mentions, doc.lower
    window = lower[max(0, first_tok - 5) : first_tok - 1]
    former = r.former or any(w in FORMER_CUES or w in PAST_VERBS for w in window)
    if r.post:  # "Anna Berg lämnar vd-posten": the subject of the verb before it
        subj = subject_before(doc, first_tok - 1, people)
        return site.link(subj, "post", former) if subj is not None else None
    # the nearest person before it in the sentence, else the first after it
    k = bisect_right(ctx.starts, r.start) - 1
    while k >= 0 and mentions[k].sent == sent:
        cand = mentions[k]
        if cand.kind == "possessive":
            # "under hans tid som räddningschef", but not "hennes man ... som läkare"
            nxt = doc.token_at(cand.end)
            if nxt < len(lower) and lower[nxt] in OWN_TIME:
                return site.link(cand.entity, "som", former)
            return None
        if cand.kind != "object":
            return site.link(cand.entity, "som", former)
        k -= 1
    k = bisect_right(ctx.starts, r.start)
    nxt_mention = mentions[k] if k < len(mentions) and mentions[k].sent == sent else None
    if nxt_mention is not None and (
        nxt_mention.kind == "pronoun"
        or (nxt_mention.kind == "full" and nxt_mention.tok - site.tok <= 12)
    ):
        return site.link(nxt_mention.entity, "som", former)
    return None


def _after_copula(ctx: _Linking, site: _Site, first_tok: int) -> RoleLink | None:
    """Walk back from the role over a copula to its subject: "har han varit kommunens
    säkerhetssamordnare", "blir hon ny utbildningschef"."""
    doc, people, role_toks = ctx.doc, ctx.people, ctx.role_toks
    lower = doc.lower
    t = first_tok - 1
    seen_copula = False
    former = site.role.former
    steps = 0
    while t >= 0 and doc.tok_sent[t] == site.sent and steps < 10:
        m = people.ending.get(t)
        if m is not None and m.kind in ("full", "surname", "first", "pronoun"):
            before = m.tok - 1
            if before in role_toks:  # "är avdelningschefen Petra Sandin"
                while before >= 0 and before in role_toks:
                    before -= 1
                before = _before_owner(lower, before)
            v2 = before >= 0 and lower[before] in COPULAS
            if seen_copula or v2:
                if v2 and lower[before] == "var":
                    former = True
                return site.link(m.entity, "copula", former)
            return None
        if _party_tagged_name(doc, people, t) is not None:
            t -= 1  # "Eva Ek (S) är ordförande": the party tag is no break
            continue
        w = lower[t]
        gap = doc.text[doc.ends[t] : doc.starts[t + 1]]
        if any(ch in gap for ch in ".;:!?()–—\n"):
            return None
        if w in COPULAS:
            seen_copula = True
            if w == "var":
                former = True
        elif w in FORMER_CUES:
            former = True
        elif w in CLAUSE_BREAKS or (
            w not in SKIPPABLE
            and t not in role_toks
            and not w.endswith(("ens", "ets"))
            and not doc.words[t][0].isdigit()
        ):
            return None
        t -= 1
        steps += 1
    return None


def _before_owner(lower: list[str], t: int) -> int:
    """The token before a title's owner ending at token ``t``, a genitive with an adjective
    before it ("är tekniska förvaltningens chef Helene Åsbrink tillförordnad chef"), or ``t``
    when there is none."""
    if t >= 0 and lower[t].endswith("s") and lower[t] not in COPULAS:
        t -= 1
        if t >= 0 and lower[t].endswith("a") and lower[t] not in COPULAS:
            t -= 1
    return t


def subject_before(
    doc: Doc, tok: int, people: People, appositions: dict[int, int] | None = None
) -> int | None:
    """The entity a verb at token ``tok`` has as subject, looking back over auxiliaries,
    adverbs, a relative "som" ("Björn Wahlgren, som går vidare") and an apposition ("Anna
    Berg, rektor på Västerskolan, slutar"; ``appositions`` maps an apposition's last token to
    its entity), else None."""
    sent = doc.tok_sent[tok] if tok < len(doc.tok_sent) else -1
    t = tok - 1
    steps = 0
    while t >= 0 and doc.tok_sent[t] == sent and steps < 8:
        m = people.ending.get(t)
        if m is not None and m.kind != "object":
            return m.entity
        if appositions and t in appositions and "," in doc.text[doc.ends[t] : doc.starts[t + 1]]:
            return appositions[t]
        named = _party_tagged_name(doc, people, t)
        if named is not None:
            return named.entity  # "Eva Ek (S) blir kommunalråd": the party tag is no break
        gap = doc.text[doc.ends[t] : doc.starts[t + 1]]
        if any(ch in gap for ch in ".;:!?()–—\n"):
            return None
        if doc.lower[t] not in SKIPPABLE:
            return None
        t -= 1
        steps += 1
    return None


def _party_tagged_name(doc: Doc, people: People, t: int) -> Mention | None:
    """The name whose party tag token ``t`` is ("Eva Ek (S) blir …": the "S"), else None."""
    named = people.ending.get(t - 1) if t > 0 else None
    if named is not None and named.end < named.ext_end <= doc.starts[t + 1]:
        return named
    return None
