"""People in a story: sentences and words, names, who "han"/"hon" is, and who holds which role.

``Doc`` holds the story once: title, lead and body joined into one text (title and lead first),
split into sentences and words, with each sentence's narration part marked (a paragraph of
direct speech, "– Jag har trivts bra ..., säger han.", is speech up to its attribution). The
other enrichment steps read the same ``Doc``.

``find_people`` finds person names: a common first name (``data/first_names.txt``) followed by
one to three capitalised words, with particles such as "af", "von", "de" ("Anna-Karin Berg",
"Eva Lindqvist-Berg", "Carl af Ugglas"); two capitalised words right after a role or a word
such as "säger", "enligt", "utsett" ("säger Jasmina Kovač"); or, mid-sentence, two capitalised
words of which the second ends like a surname (-son, -berg, -ström, -qvist, -nen, ...). Later
mentions of the same person join one entity: the surname alone ("Westerback"), the first name
alone where only one person has it ("Johan"), the genitive ("Johan Rydéns") and
"han"/"hon"/"hans"/"hennes", which refer to the last person of that gender named in the
narration (a pronoun in the headline to the first one named after it).

``link_roles`` ties each role to its holder where the sentence says so: "kommunchefen Johan
Rydén", "Sara Lindgren, meteorolog på SMHI", "har han varit kommunens säkerhetssamordnare",
"efter tolv år som förvaltningschef", "lämnar vd-posten".
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from pathlib import Path

from crawler.enrich.roles import RoleMention, role_base

__all__ = [
    "Doc",
    "Entity",
    "Mention",
    "People",
    "RoleLink",
    "Sentence",
    "find_people",
    "first_name_gender",
    "link_roles",
    "org_after_span",
    "subject_before",
]

DATA_DIR = Path(__file__).parent / "data"

UPPER = "A-ZÅÄÖÆØÉÈÜÁÍÓÚÇÑŠŽČĆĐŁŃŚŹŻŘĚÝŤĎÔÎÏËÃÕŒ"
LOWER = "a-zåäöæøéèüáíóúëïçñšžßčćđłńśźżřěýťďůôîãõœğış"
_TOKEN = re.compile(r"\w+(?:[-:'’]\w+)*")
_LAST_WORD = re.compile(r"\(?([\w.]+)$")
_NEXT_CHAR = re.compile(r"\s*(\S)")
_HARD_BREAK = re.compile(r"[.;:!?…–—\n]")
_BOUNDARY = re.compile(r"[.!?…]+[\"”»']?(?=\s)")
_ABBREVIATIONS = frozenset(
    {
        "bl.a",
        "t.ex",
        "t.f",
        "f.d",
        "d.v.s",
        "dvs",
        "ca",
        "kl",
        "nr",
        "resp",
        "m.fl",
        "jfr",
        "s.k",
        "p.g.a",
        "fr.o.m",
        "t.o.m",
        "st",
        "dr",
        "mfl",
        "osv",
        "etc",
        "inkl",
        "exkl",
        "tf",
        "fd",
        "mr",
        "ms",
    }
)
_QUOTE_START = re.compile(r"\s*(?:[–—]|-\s|[\"”»«])")
_ATTRIBUTION = re.compile(
    r"[,.!?…][\"”»]?\s+(?=(?:säger|sade|sa|berättar|berättade|skriver|skrev|konstaterar|"
    r"konstaterade|menar|menade|förklarar|förklarade|fortsätter|tycker|tyckte|understryker|"
    r"betonar|svarar|svarade|avslutar|framhåller|påpekar|uppger|uppgav|tillägger|sammanfattar|"
    r"ropar|skrattar|suckar|ler|medger|erkänner|poängterar|tror|hoppas|inflikar|utbrister|"
    r"funderar|resonerar|förklarade|says|said)\b|"
    # any present-tense verb followed by a speaker: ", ropar regissören Anna Berg."
    r"[a-zåäö]+ar\s+(?:han|hon|[A-ZÅÄÖ]|[a-zåäö]+(?:en|n|et)\s+[A-ZÅÄÖ])[^,.!?]{0,60}[.!?]?\s*$)"
)
_CAPWORD = rf"[{UPPER}][{LOWER}]+(?:-[{UPPER}][{LOWER}]+)*"
_PARTICLES = frozenset(
    {"af", "von", "van", "de", "der", "den", "da", "di", "du", "la", "le", "del"}
)
_RUN = re.compile(
    rf"(?<![\w-]){_CAPWORD}(?::s)?(?:[ \u00a0]+(?:(?:af|von|van|de|der|den|da|di|du|la|le|del)"
    rf"[ \u00a0]+){{0,2}}{_CAPWORD}(?::s)?)*"
)
_RUN_TOKEN = re.compile(rf"{_CAPWORD}(?::s)?|[{LOWER}]+")
_PARTY = re.compile(r"\s*\((?:[A-ZÅÄÖ]{1,3}|[A-ZÅÄÖ][a-zåäö]{1,2}|MP|KD|SD|V|L|C|S|M)\)")
_PRONOUNS = {
    "han": ("m", "pronoun"),
    "hon": ("f", "pronoun"),
    "hans": ("m", "possessive"),
    "hennes": ("f", "possessive"),
    "honom": ("m", "object"),
    "henne": ("f", "object"),
}
# Capitalised words that follow a first name without being a surname.
_NOT_SURNAME = frozenset(
    {
        "Kommun",
        "Stad",
        "Region",
        "Nyheter",
        "Tidning",
        "Sverige",
        "Och",
        "Men",
        "Jag",
        "Vi",
        "Han",
        "Hon",
        "Det",
        "Den",
    }
)


# Words right before a name that make two capitalised words a name even when the first name
# is not in the list: "säger Jasmina Kovač", "har anställt Mirja Johansson".
_ANCHORS = frozenset(
    {
        "säger",
        "sade",
        "sa",
        "berättar",
        "enligt",
        "skriver",
        "menar",
        "konstaterar",
        "förklarar",
        "utsett",
        "utsåg",
        "utser",
        "anställt",
        "anställer",
        "rekryterat",
        "valt",
        "efterträder",
        "ersätter",
        "heter",
        "says",
        "said",
    }
)
# Typical endings of Swedish, Nordic and other surnames common in Sweden.
_SURNAME_ENDINGS = (
    "son",
    "berg",
    "bergh",
    "ström",
    "gren",
    "grén",
    "lund",
    "lind",
    "qvist",
    "kvist",
    "quist",
    "strand",
    "holm",
    "dahl",
    "borg",
    "ling",
    "stedt",
    "nér",
    "én",
    "ius",
    "ander",
    "ell",
    "åker",
    "bäck",
    "hed",
    "mark",
    "vall",
    "blad",
    "sjö",
    "nen",
    "la",
    "lä",
    "ić",
    "vić",
    "ski",
    "ska",
    "sky",
    "ian",
    "yan",
    "oglu",
    "oğlu",
    "zadeh",
)


@functools.cache
def _is_place(word: str) -> bool:
    from crawler.enrich.gazetteer import get_gazetteer

    return get_gazetteer().find_municipality(word) is not None and word[0].isupper()


@functools.cache
def _first_names() -> dict[str, str]:
    names: dict[str, str] = {}
    for raw in (DATA_DIR / "first_names.txt").read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, _, gender = line.partition(" ")
        names[name] = gender.strip() or "u"
    return names


def first_name_gender(name: str) -> str | None:
    """'m', 'f' or 'u' for a known first name (each part of "Anna-Karin" known), else None."""
    names = _first_names()
    if name in names:
        return names[name]
    parts = name.split("-")
    if len(parts) > 1 and all(p in names for p in parts):
        return names[parts[0]]
    return None


@dataclass(slots=True)
class Sentence:
    """One sentence; ``narr_start``..``narr_end`` is its narration (empty for pure speech)."""

    start: int
    end: int
    zone: int  # 0 title, 1 lead, 2 body
    narr_start: int
    narr_end: int
    question: bool = False


_FIRST_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÅÄÖ–—\"”])")
MAX_UNMARKED_LEAD = 500  # characters: a first paragraph longer than this is body text


def _unmarked_lead(body: str) -> tuple[str, str]:
    """(lead, rest): a story without a marked lead opens with one anyway.

    Short notices on municipalities' news pages and many extracted pages have no ingress
    element; their first paragraph does the lead's work (who, what, where), so it counts as
    the lead: a change or a place named there weighs as in a marked lead.
    """
    first, _, rest = body.partition("\n")
    first = " ".join(first.split())
    if not first or len(first) > MAX_UNMARKED_LEAD:
        return "", body
    return first, rest.strip()


class Doc:
    """Title, lead and body as one text, with sentences and word tokens."""

    __slots__ = (
        "body_start",
        "brk",
        "caps",
        "ends",
        "lead_place_end",
        "lead_start",
        "lower",
        "sentences",
        "starts",
        "text",
        "tok_narr",
        "tok_sent",
        "words",
    )

    def __init__(self, title: str, lead: str, body: str) -> None:
        title = " ".join(title.split())
        lead = " ".join(lead.split())
        body = body.strip()
        marked = bool(lead)
        if not marked:
            lead, body = _unmarked_lead(body)
        self.text = f"{title}\n\n{lead}\n\n{body}"
        self.lead_start = len(title) + 2
        self.body_start = self.lead_start + len(lead) + 2
        # where the lead's weight as a place mention ends: an unmarked lead's opening sentence
        # names where the story is; its later sentences often name where someone came from
        end = None if marked else _FIRST_SENTENCE_END.search(lead)
        self.lead_place_end = self.lead_start + end.start() + 1 if end else self.body_start
        self.sentences: list[Sentence] = []
        self._split()
        text = self.text
        self.words: list[str] = _TOKEN.findall(text)
        # token offsets: each word is the next occurrence after the previous one (the text
        # between two tokens holds no word characters, so find() lands on the token itself)
        self.starts: list[int] = []
        self.ends: list[int] = []
        find = text.find
        add_start, add_end = self.starts.append, self.ends.append
        pos = 0
        for w in self.words:
            pos = find(w, pos)
            add_start(pos)
            pos += len(w)
            add_end(pos)
        self.lower: list[str] = list(map(str.lower, self.words))
        self.caps: list[int] = [k for k, w in enumerate(self.words) if w[0].isupper()]
        # each token's sentence, and whether it is narration, a sentence at a time
        self.tok_sent: list[int] = []
        self.tok_narr: list[bool] = []
        starts = self.starts
        done = 0
        for k, s in enumerate(self.sentences):
            upto = bisect_left(starts, s.end)
            n = upto - done
            if n <= 0:
                continue
            self.tok_sent.extend([k] * n)
            if s.question or s.narr_start >= s.narr_end:
                self.tok_narr.extend([False] * n)
            else:
                a = max(done, bisect_left(starts, s.narr_start))
                b = min(upto, bisect_left(starts, s.narr_end))
                self.tok_narr.extend([False] * (a - done) + [True] * (b - a) + [False] * (upto - b))
            done = upto
        rest = len(starts) - done
        if rest > 0:
            self.tok_sent.extend([max(0, len(self.sentences) - 1)] * rest)
            self.tok_narr.extend([False] * rest)
        # brk[t]: the text between token t and the next ends a clause (. ; : ! ? – or a line)
        self.brk: list[bool] = [False] * len(self.starts)
        for m in _HARD_BREAK.finditer(self.text):
            t = bisect_right(self.starts, m.start()) - 1
            if t >= 0 and self.ends[t] <= m.start():
                self.brk[t] = True
        if self.brk:
            self.brk[-1] = True

    def zone_of(self, pos: int) -> int:
        """0 for the title, 1 for the lead, 2 for the body."""
        return 0 if pos < self.lead_start else 1 if pos < self.body_start else 2

    def token_at(self, pos: int) -> int:
        """Index of the first token starting at or after ``pos``."""
        return bisect_right(self.starts, pos - 1)

    def _split(self) -> None:
        text = self.text
        zones = ((0, self.lead_start - 2), (self.lead_start, self.body_start - 2))
        spans = [(a, b, z) for z, (a, b) in enumerate(zones)]
        pos = self.body_start
        for line in text[self.body_start :].split("\n"):
            spans.append((pos, pos + len(line), 2))
            pos += len(line) + 1
        for start, end, zone in spans:
            if end > start and text[start:end].strip():
                self._paragraph(start, end, zone)

    def _paragraph(self, start: int, end: int, zone: int) -> None:
        text = self.text
        cuts = [start]
        for m in _BOUNDARY.finditer(text, start, end):
            after = m.end()
            nxt = _NEXT_CHAR.match(text, after, end)
            if nxt is None or nxt.group(1).islower():
                continue
            before = _LAST_WORD.search(text, max(start, after - 14), m.start())
            if before is not None:
                word = before.group(1)
                if word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper()):
                    continue
            cuts.append(after)
        cuts.append(end)
        in_quote = False
        sentences = self.sentences
        for i in range(len(cuts) - 1):
            a, b = cuts[i], cuts[i + 1]
            while a < b and text[a].isspace():
                a += 1
            if a >= b:
                continue
            narr_start = a
            if zone == 2 and (in_quote or _QUOTE_START.match(text, a, b)):
                in_quote = True
                attribution = None
                for found in _ATTRIBUTION.finditer(text, a, b):
                    attribution = found
                if attribution is not None:
                    narr_start = attribution.end()
                    in_quote = False
                else:
                    narr_start = b
            e = b
            while e > a and text[e - 1].isspace():
                e -= 1
            question = text[e - 1] == "?" and narr_start == a
            sentences.append(Sentence(a, b, zone, narr_start, b, question))


@dataclass(slots=True)
class Entity:
    """One person the story names."""

    name: str
    first: str
    surname: str
    gender: str  # m, f or u
    first_pos: int


@dataclass(slots=True)
class Mention:
    """A place in the text that refers to an entity."""

    start: int
    end: int  # the name itself, without a party tag
    entity: int
    kind: str  # full, surname, first, pronoun, possessive, object
    sent: int
    narr: bool
    ext_end: int = 0  # end including a party tag "(S)"; set by find_people
    tok: int = 0  # index of its first token
    last_tok: int = 0  # index of its last token


@dataclass(slots=True)
class People:
    """The entities of a story and every mention of them, in text order."""

    entities: list[Entity] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    ending: dict[int, Mention] = field(default_factory=dict)  # last token -> mention

    def index(self) -> None:
        """Rebuild ``ending`` after ``mentions`` changed."""
        self.ending = {}
        for m in self.mentions:
            self.ending.setdefault(m.last_tok, m)


def _split_run(run: str, offset: int) -> list[tuple[int, int, str]]:
    return [(offset + m.start(), offset + m.end(), m.group()) for m in _RUN_TOKEN.finditer(run)]


def find_people(doc: Doc, role_ends: frozenset[int] = frozenset()) -> People:
    """Names and pronouns in ``doc``, grouped into entities.

    ``role_ends`` are offsets where a role word ends: two capitalised words right after one
    are a name even when the first name is not in the list ("kirjastonhoitaja Marjatta ...").
    """
    text = doc.text
    full: list[tuple[int, int, str, str, str]] = []  # start, end, first, surname, gender
    pending: list[tuple[int, int, str, str, str]] = []  # only if named so elsewhere
    for run in _RUN.finditer(text):
        if " " not in run.group() and "\u00a0" not in run.group():
            continue  # one capitalised word is no full name
        toks = _split_run(run.group(), run.start())
        i = 0
        while i < len(toks):
            start, _, word = toks[i]
            if not word[0].isupper():
                i += 1
                continue
            gender = first_name_gender(word.removesuffix(":s"))
            anchored = _anchored(doc, start, role_ends) or _party_tagged(text, toks, i)
            if gender is None and (not (anchored or _surname_like(toks, i)) or word.endswith("s")):
                i += 1  # "enligt Sveriges Kommuner" is no name
                continue
            j = i + 1
            if (
                gender is not None
                and j + 1 < len(toks)
                and toks[j][2][0].isupper()
                and first_name_gender(toks[j][2]) is not None
                and toks[j + 1][2][0].isupper()
            ):
                j += 1  # a double first name: "Anna Maria Lind"
            first_end = j
            tail: list[tuple[int, int, str]] = []
            while j < len(toks) and len(tail) < 3:
                w = toks[j][2]
                if w in _PARTICLES:
                    tail.append(toks[j])
                    j += 1
                    continue
                if not w[0].isupper() or w in _NOT_SURNAME or (w.isupper() and len(w) > 1):
                    break
                if tail and (_is_place(w) or _is_place(w[:-1])):
                    break  # "leder Camilla Öberg Härnösands kommuns förvaltning"
                tail.append(toks[j])
                j += 1
                if w.endswith(("s", ":s")) and j < len(toks) and toks[j][2][0].isupper():
                    tail = []  # "Astrid Lindgrens Värld": a name inside a proper noun
                    break
            while tail and tail[-1][2] in _PARTICLES:
                tail.pop()
            if not tail or (gender is None and len(tail) > 2):
                i += 1
                continue
            first = " ".join(t[2] for t in toks[i:first_end])
            last = " ".join(t[2] for t in tail)
            item = (start, tail[-1][1], first, last, gender or "u")
            if gender is None and not anchored and _sentence_initial(text, start):
                pending.append(item)
            else:
                full.append(item)
            i = j
    known = {(f, s) for _, _, f, s, _ in full}
    full += [p for p in pending if (p[2], p[3]) in known]
    full.sort()
    people = People()
    by_key: dict[tuple[str, str], int] = {}
    keys = {(f, s) for _, _, f, s, _ in full}
    for start, end, first, family, gender in full:
        key = (first, family)
        if family.endswith(("s", ":s")) and (first, family.removesuffix(":s")[:-1]) in keys:
            key = (first, family.removesuffix(":s")[:-1])
        elif family.endswith(":s"):
            key = (first, family[:-2])
        elif family.endswith(_GENITIVE_SURNAME_ENDINGS):
            key = (first, family[:-1])  # "Dan Gabrielssons uppdrag": the genitive of a surname
        if key not in by_key:
            by_key[key] = len(people.entities)
            people.entities.append(Entity(f"{key[0]} {key[1]}", key[0], key[1], gender, start))
        people.mentions.append(Mention(start, end, by_key[key], "full", 0, True))
    covered = {doc.token_at(m.start) for m in people.mentions}
    for m in people.mentions:
        covered.update(range(doc.token_at(m.start), doc.token_at(m.end)))
    # surnames and unique first names alone
    surnames: dict[str, int] = {}
    firsts: dict[str, list[int]] = {}
    for idx, ent in enumerate(people.entities):
        last = ent.surname.split()[-1]
        surnames.setdefault(ent.surname, idx)
        surnames.setdefault(last, idx)
        firsts.setdefault(ent.first, []).append(idx)
    lower = doc.lower
    for k in [k for k, w in enumerate(lower) if w in _PRONOUNS]:
        if not doc.words[k][0].isupper():
            people.mentions.append(
                Mention(doc.starts[k], doc.ends[k], -1, _PRONOUNS[lower[k]][1], 0, True)
            )
    for k in doc.caps:
        word = doc.words[k]
        start = doc.starts[k]
        if k in covered:
            continue
        bare = word.removesuffix(":s")
        hit = surnames.get(bare)
        if hit is None and bare.endswith("s"):
            hit = surnames.get(bare[:-1])
        kind = "surname"
        if hit is None:
            cands = firsts.get(bare) or (firsts.get(bare[:-1]) if bare.endswith("s") else None)
            if cands and len(cands) == 1:
                hit, kind = cands[0], "first"
        if hit is not None:
            people.mentions.append(Mention(start, doc.ends[k], hit, kind, 0, True))
            continue
        low = doc.lower[k]
        if low in _PRONOUNS:
            people.mentions.append(Mention(start, doc.ends[k], -1, _PRONOUNS[low][1], 0, True))
    people.mentions.sort(key=lambda m: m.start)
    for m in people.mentions:
        m.tok = doc.token_at(m.start)
        m.last_tok = max(m.tok, doc.token_at(m.end) - 1)
        m.sent = doc.tok_sent[m.tok] if m.tok < len(doc.tok_sent) else len(doc.sentences) - 1
        m.narr = doc.tok_narr[m.tok] if m.tok < len(doc.tok_narr) else False
        party = _PARTY.match(text, m.end)
        m.ext_end = party.end() if party else m.end
    _resolve_pronouns(doc, people)
    people.index()
    return people


def _anchored(doc: Doc, start: int, role_ends: frozenset[int]) -> bool:
    """True right after a role word or a word such as "säger" or "enligt"."""
    text = doc.text
    k = start - 1
    while k >= 0 and text[k] in " ,\u00a0":
        k -= 1
    if (k + 1) in role_ends:
        return True
    t = doc.token_at(start) - 1
    return t >= 0 and doc.ends[t] == k + 1 and doc.lower[t] in _ANCHORS


# a Swedish surname ending and a genitive s: "Gabrielssons", "Lindgren-Ståls", "Hendebys"
_GENITIVE_SURNAME_ENDINGS = tuple(
    f"{ending}s"
    for ending in (
        "son", "berg", "bergh", "ström", "gren", "grén", "lund", "lind", "qvist", "kvist",
        "quist", "strand", "holm", "dahl", "borg", "stedt", "nér", "én", "åker", "bäck",
        "hed", "mark", "vall", "blad", "sjö", "by", "stål",
    )
)  # fmt: skip


def _party_tagged(text: str, toks: list[tuple[int, int, str]], i: int) -> bool:
    """Two or three capitalised words and a party tag are a politician's name, whatever the
    first name: "Roko Kursar (L)", "Eva-Lotta Härdig Eriksson (S)"."""
    first = toks[i][2]
    if role_base(first.lower()) is not None or _is_place(first) or first in _NOT_SURNAME:
        return False  # "Oppositionsrådet Camilla Sandén (S)"
    if i + 1 < len(toks) and first_name_gender(toks[i + 1][2]) is not None:
        return False  # the name starts at the next word: "Igår Anna Berg (S)"
    for j in (i + 1, i + 2):
        if j < len(toks) and toks[j][2][:1].isupper() and _PARTY.match(text, toks[j][1]):
            return all(toks[k][2][:1].isupper() for k in range(i, j + 1))
    return False


def _sentence_initial(text: str, start: int) -> bool:
    k = start - 1
    while k >= 0 and text[k] in " \u00a0":
        k -= 1
    return k < 0 or text[k] in '.!?:\n–—"”»'


def _surname_like(toks: list[tuple[int, int, str]], i: int) -> bool:
    """Two capitalised words, the second with a surname's ending, neither a place."""
    if i + 1 >= len(toks):
        return False
    first, second = toks[i][2], toks[i + 1][2]
    if not second[0].isupper() or (second.endswith("s") and not second.endswith("son")):
        return False
    if len(first) < 3 or first.isupper() or _is_place(first) or _is_place(second):
        return False
    if first_name_gender(second) is not None or role_base(first.lower()) is not None:
        return False  # "Oppositionsrådet Camilla"
    return second.lower().endswith(_SURNAME_ENDINGS) and first not in _NOT_SURNAME


def _resolve_pronouns(doc: Doc, people: People) -> None:
    """Give each "han"/"hon"/"hans"/"hennes" the last named person of that gender before it.

    Only narration counts: in direct speech "han" may be anyone. A pronoun in the title or
    lead with nobody named before it refers forward to the first such person named after it.
    """
    ents = people.entities
    seen: dict[int, int] = {}  # entity -> position of its last named mention
    unresolved: list[tuple[Mention, str]] = []
    for m in people.mentions:
        if m.entity >= 0:
            if m.narr or doc.zone_of(m.start) < 2:
                seen[m.entity] = m.start
            continue
        if not m.narr:
            continue
        want = _PRONOUNS[doc.lower[m.tok]][0]
        best, best_pos = -1, -1
        for idx, pos in seen.items():
            if ents[idx].gender in (want, "u") and pos > best_pos:
                best, best_pos = idx, pos
        if best >= 0:
            m.entity = best
        elif doc.zone_of(m.start) < 2:
            unresolved.append((m, want))
    for m, want in unresolved:
        for n in people.mentions:
            if n.start > m.start and n.entity >= 0 and ents[n.entity].gender in (want, "u"):
                m.entity = n.entity
                break
    people.mentions = [m for m in people.mentions if m.entity >= 0]


# ---------------------------------------------------------------------------- roles to people

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
        "officiellt",
        "formellt",
        "sedan",
        "dessutom",
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
_FORMER_CUES = frozenset(
    {"tidigare", "förut", "först", "förre", "dåvarande", "bakgrund", "innan", "från"}
)
_OWN_TIME = frozenset({"tid", "år", "åren", "första", "sista", "dagar", "period"})
_PAST_VERBS = frozenset({"var", "arbetade", "jobbade", "satt", "verkade", "tjänstgjorde"})
_APPOSITION_GAP = re.compile(
    r"\s*,\s*(?:(?:a|an|the|i\s+dag|idag|numera|nu|även|också|själv|tidigare|förre|före\s+detta|"
    r"sedan\s+\d{4}|till\s+vardags|till\s+yrket|ursprungligen)\s+)*"
)
_RELATIVE_GAP = re.compile(r"\s*,\s*som\s+((?:[a-zåäö0-9]+\s+){1,8})")
_BEFORE_GAP = re.compile(
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
_CLAUSE_BREAKS = frozenset(
    {"när", "medan", "eftersom", "innan", "men", "där", "vilket", "vilken", "efter", "om"}
)


@dataclass(slots=True)
class RoleLink:
    """A role held by an entity, and how the text says so."""

    entity: int
    role: RoleMention
    rule: str  # before, apposition, copula, som, post
    former: bool
    org: str  # the organisation phrase the text gives with it ("Vimmerby kommun", "SMHI")


def link_roles(doc: Doc, roles: list[RoleMention], people: People) -> list[RoleLink]:
    """Tie each role mention to the person who holds it, where the sentence says who.

    Patterns, strongest first: the role right before the name ("kommunchefen Johan Rydén",
    "avdelningschefen för vård och omsorg, Mikael Strand"); the role in apposition after it
    ("Sara Lindgren, meteorolog på SMHI", "Anna Berg, som är rektor, ..."); the role after a
    copula with the person as subject ("har han varit kommunens säkerhetssamordnare", "blir
    hon ny utbildningschef"); "som" + role ("efter tolv år som förvaltningschef", "Som
    säkerhetssamordnare har han"); and the post ("lämnar vd-posten").
    """
    text = doc.text
    mentions = people.mentions
    starts = [m.start for m in mentions]
    role_toks: set[int] = set()
    for r in roles:
        role_toks.update(range(doc.token_at(r.start), doc.token_at(r.end)))
    links: list[RoleLink] = []
    for r in roles:
        if r.generic:
            continue
        ri = doc.token_at(r.word_start)
        if ri >= len(doc.starts):
            continue
        sent = doc.tok_sent[ri]
        if not doc.tok_narr[ri] and doc.zone_of(r.start) == 2:
            continue
        k = bisect_right(starts, r.start)
        after = mentions[k] if k < len(mentions) else None
        before = mentions[k - 1] if k > 0 else None
        org = _org_after(text, r.end)
        link: RoleLink | None = None
        if (
            after is not None
            and after.sent == sent
            and after.kind in ("full", "surname", "first")
            and _BEFORE_GAP.fullmatch(text, r.end, after.start)
        ):
            gap = text[r.end : after.start]
            if gap.strip(" ,"):
                org = org or gap.strip(" ,").split(None, 1)[-1]
            link = RoleLink(after.entity, r, "before", r.former, org or r.owner)
        elif before is not None and before.sent == sent and before.kind in ("full", "surname"):
            gap_end = r.start
            if (
                _APPOSITION_GAP.fullmatch(text, before.ext_end, gap_end)
                and "," in text[before.ext_end : gap_end]
            ):
                former = r.former or bool(
                    re.search(r"tidigare|förre|före detta", text[before.ext_end : gap_end])
                )
                link = RoleLink(before.entity, r, "apposition", former, org or r.owner)
            elif (before.ext_end > before.end and not text[before.ext_end : gap_end].strip()) or (
                text[before.ext_end : gap_end].strip() == "(" and text[r.end : r.end + 1] == ")"
            ):
                # a list of members: "Pär Edgren (M) ordförande, Anna Ek (C) vice ordförande",
                # "Tony Johansson (elevhälsochef), Pontus Düring (stabschef)"
                link = RoleLink(before.entity, r, "apposition", r.former, org or r.owner)
            else:
                rel = _RELATIVE_GAP.fullmatch(text, before.ext_end, gap_end)
                if rel:
                    words = rel.group(1).split()
                    if any(w in COPULAS for w in words):
                        former = r.former or "var" in words or any(w in _FORMER_CUES for w in words)
                        link = RoleLink(before.entity, r, "apposition", former, org or r.owner)
        if link is None:
            link = _copula_or_som(doc, r, ri, sent, people, starts, org, role_toks)
        if link is None:
            link = _named_after_copula(doc, r, sent, after, org)
        if link is not None:
            links.append(link)
    return links


_NAMING_VERBS = frozenset({"är", "blir", "blev", "heter", "var"})


def _named_after_copula(
    doc: Doc, r: RoleMention, sent: int, after: Mention | None, org: str
) -> RoleLink | None:
    """The role as the subject, the name after the copula: "Vd för det nya bolaget är Björn
    Alvengrip", "Den nya ordföranden heter Monika Ek", "Ersättare blir Annika Eek (KD)"."""
    if after is None or after.sent != sent or after.kind != "full":
        return None
    first = doc.token_at(r.start)
    if first > 0 and doc.tok_sent[first - 1] == sent:
        # only a role that opens its sentence ("Den nya", "Ny" may stand before it)
        opening = doc.lower[first - 1] in ("den", "ny", "nya", "nye", "och")
        if not opening or (first > 1 and doc.tok_sent[first - 2] == sent):
            return None
    verb = doc.token_at(after.start) - 1
    if verb <= first or doc.lower[verb] not in _NAMING_VERBS or verb - first > 10:
        return None
    if any(doc.brk[t] for t in range(first, verb)):
        return None
    return RoleLink(after.entity, r, "copula", r.former or doc.lower[verb] == "var", org or r.owner)


def _copula_or_som(
    doc: Doc,
    r: RoleMention,
    ri: int,
    sent: int,
    people: People,
    starts: list[int],
    org: str,
    role_toks: set[int],
) -> RoleLink | None:
    mentions = people.mentions
    lower = doc.lower
    first_tok = doc.token_at(r.start)
    prev = lower[first_tok - 1] if first_tok > 0 else ""
    if prev != "som" and first_tok > 1 and lower[first_tok - 2] == "som" and prev.isalpha():
        prev = "som"  # "Som ung fullmäktigeledamot"
        first_tok -= 1
    if prev == "som" or r.post:
        window = lower[max(0, first_tok - 5) : first_tok - 1]
        former = r.former or any(w in _FORMER_CUES or w in _PAST_VERBS for w in window)
        if r.post:  # "Anna Berg lämnar vd-posten": the subject of the verb before it
            subj = subject_before(doc, first_tok - 1, people)
            if subj is not None:
                return RoleLink(subj, r, "post", former, org or r.owner)
            return None
        # the nearest person before it in the sentence, else the first after it
        k = bisect_right(starts, r.start) - 1
        while k >= 0 and mentions[k].sent == sent:
            cand = mentions[k]
            if cand.kind == "possessive":
                # "under hans tid som räddningschef", but not "hennes man ... som läkare"
                nxt = doc.token_at(cand.end)
                if nxt < len(lower) and lower[nxt] in _OWN_TIME:
                    return RoleLink(cand.entity, r, "som", former, org or r.owner)
                return None
            if cand.kind != "object":
                return RoleLink(cand.entity, r, "som", former, org or r.owner)
            k -= 1
        k = bisect_right(starts, r.start)
        if k < len(mentions) and mentions[k].sent == sent and mentions[k].kind == "pronoun":
            return RoleLink(mentions[k].entity, r, "som", former, org or r.owner)
        if (
            k < len(mentions)
            and mentions[k].sent == sent
            and mentions[k].kind == "full"
            and mentions[k].tok - ri <= 12
        ):
            return RoleLink(mentions[k].entity, r, "som", former, org or r.owner)
        return None
    # copula: walk back to the subject
    t = first_tok - 1
    seen_copula = False
    former = r.former
    steps = 0
    while t >= 0 and doc.tok_sent[t] == sent and steps < 10:
        m = people.ending.get(t)
        if m is not None and m.kind in ("full", "surname", "first", "pronoun"):
            before = m.tok - 1
            while before >= 0 and before in role_toks:  # "är avdelningschefen Petra Sandin"
                before -= 1
            v2 = before >= 0 and lower[before] in COPULAS
            if seen_copula or v2:
                if v2 and lower[before] == "var":
                    former = True
                return RoleLink(m.entity, r, "copula", former, org or r.owner)
            return None
        w = lower[t]
        gap = doc.text[doc.ends[t] : doc.starts[t + 1]]
        if any(ch in gap for ch in ".;:!?()–—\n"):
            return None
        if w in COPULAS:
            seen_copula = True
            if w == "var":
                former = True
        elif w in _FORMER_CUES:
            former = True
        elif w in _CLAUSE_BREAKS or (
            w not in SKIPPABLE
            and t not in role_toks
            and not w.endswith(("ens", "ets"))
            and not doc.words[t][0].isdigit()
        ):
            return None
        t -= 1
        steps += 1
    return None


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
        named = people.ending.get(t - 1) if t > 0 else None
        party = _PARTY.match(doc.text, doc.ends[t - 1]) if named is not None else None
        if named is not None and party and party.end() <= doc.starts[t + 1]:
            return named.entity  # "Eva Ek (S) blir kommunalråd": the party tag is no break
        gap = doc.text[doc.ends[t] : doc.starts[t + 1]]
        if any(ch in gap for ch in ".;:!?()–—\n"):
            return None
        if doc.lower[t] not in SKIPPABLE:
            return None
        t -= 1
        steps += 1
    return None


def _org_after(text: str, end: int) -> str:
    span = org_after_span(text, end)
    return text[span[0] : span[1]] if span else ""


def org_after_span(text: str, end: int) -> tuple[int, int] | None:
    """Where the organisation phrase right after ``end`` lies ("i Vimmerby kommun", "på SMHI",
    "vid räddningstjänsten"), without its preposition; None when there is none."""
    m = _ORG_AFTER.match(text, end)
    if not m:
        return None
    org = m.group(1)
    trimmed = re.sub(r"\s+(?:sedan|från|i|den)$", "", org)
    return m.start(1), m.start(1) + len(trimmed)
