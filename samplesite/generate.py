"""A generated benchmark site: N deterministic Swedish-looking articles in the Vimmerby look."""

from __future__ import annotations

import random
import re
from datetime import datetime, timedelta

from samplesite.content import STOCKHOLM, SiteArticle, SiteInfo, load_articles
from samplesite.templates.chrome import MUNICIPALITIES, slugify

BENCH_SITE = SiteInfo(
    id="bench-tidning",
    name="Benchtidningen",
    kind="newspaper",
    region="Kalmar län",
    municipality="Västervik",
    template="vimmerby",
    domain="benchtidningen.se",
    sections=(
        ("nyheter", "Nyheter"),
        ("sport", "Sport"),
        ("kultur", "Kultur"),
        ("naringsliv", "Näringsliv"),
        ("kommun", "Kommun"),
    ),
    scenarios=False,
)

FIRST = (
    "Anna", "Erik", "Maria", "Lars", "Karin", "Per", "Eva", "Johan", "Sara", "Anders", "Lena",
    "Mikael", "Emma", "Fredrik", "Elin", "Magnus", "Ida", "Jonas", "Sofia", "Henrik",
)  # fmt: skip
LAST = (
    "Lindqvist", "Berg", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Holm", "Ström",
    "Sjöberg", "Lund", "Ek", "Åberg", "Nyberg", "Hedlund", "Forsberg", "Wallin",
)  # fmt: skip
SUBJECTS = (
    "Kommunstyrelsen", "Socialnämnden", "Räddningstjänsten", "Regionen", "Skolförvaltningen",
    "Trafikverket", "Polisen", "Föreningen", "Byggnadsnämnden", "Det kommunala bolaget",
    "Länsstyrelsen", "Idrottsklubben", "Biblioteket", "Vårdcentralen", "Hamnbolaget",
)  # fmt: skip
VERBS = (
    "föreslår", "beslutar om", "utreder", "satsar på", "skjuter upp", "kritiserar", "inviger",
    "planerar", "stoppar", "välkomnar", "rustar upp", "säger nej till", "granskar",
)  # fmt: skip
OBJECTS = (
    "en ny förskola", "cykelvägen längs ån", "sommarjobben för unga", "hamnens utbyggnad",
    "nya bostäder i centrum", "badplatsen vid sjön", "kollektivtrafiken", "äldreboendet",
    "den gamla järnvägsstationen", "vattenledningarna", "ishallen", "torghandeln",
    "skolans kök", "fiberutbyggnaden på landsbygden", "parkeringen vid resecentrum",
)  # fmt: skip
TAILS = (
    "redan i höst", "efter flera års diskussioner", "trots kritik från oppositionen",
    "till en kostnad av flera miljoner kronor", "enligt ett nytt förslag", "under nästa år",
    "efter protester från boende", "som en del av budgeten", "i samarbete med regionen",
)  # fmt: skip
QUOTES = (
    "Det här är ett viktigt steg för hela kommunen", "Vi har väntat länge på det här beslutet",
    "Jag förstår att många är oroliga, men vi tar frågan på största allvar",
    "Nu måste vi se till att pengarna räcker", "Det är glädjande att så många engagerar sig",
)  # fmt: skip
HEADINGS = ("Kritik från oppositionen", "Nästa steg", "Kostnaden", "Boende oroliga", "Bakgrund")


def _sentences(articles: list[SiteArticle]) -> list[str]:
    out: list[str] = []
    for a in articles:
        for para in a.body.split("\n\n"):
            for s in re.split(r"(?<=[.!?])\s+", para.strip()):
                if 40 <= len(s) <= 300 and not s.startswith("–") and s[-1] in ".!?":
                    out.append(s)
    return out


def _sentence(rnd: random.Random, munis: tuple[str, ...], real: list[str]) -> str:
    if real and rnd.random() < 0.5:
        return rnd.choice(real)
    muni = rnd.choice(munis)
    return (
        f"{rnd.choice(SUBJECTS)} i {muni} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)} "
        f"{rnd.choice(TAILS)}."
    )


def bench_site(
    n: int, seed: int = 20250809, source: list[SiteArticle] | None = None
) -> tuple[SiteInfo, list[SiteArticle]]:
    """The bench site and ``n`` articles, deterministic for a given seed and source text."""
    rnd = random.Random(seed)
    real = _sentences(source if source is not None else load_articles())
    munis = MUNICIPALITIES[BENCH_SITE.region]
    sections = [s for s, _ in BENCH_SITE.sections]
    start = datetime(2025, 10, 31, 18, 0, tzinfo=STOCKHOLM)
    articles: list[SiteArticle] = []
    for i in range(n):
        muni = rnd.choice(munis)
        title = f"{muni}: {rnd.choice(SUBJECTS)} {rnd.choice(VERBS)} {rnd.choice(OBJECTS)}"
        published = start - timedelta(minutes=i * 290 + rnd.randint(0, 120))
        target = rnd.randint(3000, 5000)
        paras: list[str] = []
        size = 0
        while size < target:
            k = rnd.random()
            if k < 0.12 and paras:
                para = f"– {rnd.choice(QUOTES)}, säger {rnd.choice(FIRST)} {rnd.choice(LAST)}."
            elif k < 0.18 and paras and not paras[-1][-1].isalpha():
                para = rnd.choice(HEADINGS)
            else:
                para = " ".join(_sentence(rnd, munis, real) for _ in range(rnd.randint(2, 4)))
            paras.append(para)
            size += len(para) + 2
        authors = [f"{rnd.choice(FIRST)} {rnd.choice(LAST)}" for _ in range(rnd.choice((1, 1, 2)))]
        art = SiteArticle(
            site=BENCH_SITE.id,
            slug=f"{slugify(title)[:60].strip('-')}-{i + 1}",
            section=rnd.choice(sections),
            title=title,
            lead=_sentence(rnd, munis, []),
            body="\n\n".join(paras),
            published=published,
            published_raw=published.isoformat(),
            authors=authors,
            paywalled=rnd.random() < 0.2,
            tags=[muni],
            site_info=BENCH_SITE,
        )
        articles.append(art)
    return BENCH_SITE, articles
