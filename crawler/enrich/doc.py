"""The story as text: title, lead and body joined once, split into sentences and words.

``Doc`` holds the story once: title, lead and body joined into one text (title and lead first),
split into sentences and words, with each sentence's narration part marked (a paragraph of
direct speech, "– Jag har trivts bra ..., säger han.", is speech up to its attribution). Every
enrichment step reads the same ``Doc``.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

__all__ = ["Doc", "Sentence"]

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
    if not first:
        return "", body
    if len(first) > MAX_UNMARKED_LEAD:
        # one long paragraph (text extracted without its breaks): its opening sentence
        end = _FIRST_SENTENCE_END.search(first, 0, MAX_UNMARKED_LEAD)
        if end is None:
            return "", body
        return first[: end.start() + 1], f"{first[end.end() :]}\n{rest}".strip()
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
        self._tokenise()
        self.lower: list[str] = list(map(str.lower, self.words))
        self.caps: list[int] = [k for k, w in enumerate(self.words) if w[0].isupper()]
        self._mark_sentences()
        self._mark_breaks()

    def _tokenise(self) -> None:
        """The words and their offsets."""
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

    def _mark_sentences(self) -> None:
        """Each token's sentence, and whether it is narration, a sentence at a time."""
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

    def _mark_breaks(self) -> None:
        """brk[t]: the text between token t and the next ends a clause (. ; : ! ? – or a line)."""
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
