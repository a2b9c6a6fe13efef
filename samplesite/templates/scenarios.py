"""Scenario URLs that are not regular articles: errors, redirects, bad input (ground truth)."""

from __future__ import annotations

from dataclasses import dataclass

from samplesite.content import RESERVED_SLUGS, SiteArticle, resolve_date


@dataclass(frozen=True)
class SpecialPage:
    """A scenario URL that is not a regular article (errors, redirects, bad input)."""

    site: str
    path: str
    behaviour: str
    title: str = ""
    lead: str = ""
    body: str = ""
    published: str = "2025-03-10T09:00:00+01:00"

    def as_article(self) -> SiteArticle:
        """The story on this page as a SiteArticle (for pages that carry one)."""
        slug = self.path.rsplit("/", 1)[-1].removesuffix(".html")
        return SiteArticle(
            site=self.site,
            slug=slug,
            section="nyheter",
            title=self.title,
            lead=self.lead,
            body=self.body,
            published=resolve_date(self.published),
            published_raw=self.published,
            authors=["Lena Sjöberg"],
        )


SPECIAL_PAGES: tuple[SpecialPage, ...] = (
    SpecialPage("vimmerby-nyheter", "/nyheter/2025/08/01/artikeln-har-tagits-bort/",
                "404: listed in /sitemap-news.xml, answers 404"),
    SpecialPage("vimmerby-nyheter", "/sitemap-broken.xml",
                "invalid XML (truncated), listed in /sitemap_index.xml"),
    SpecialPage("vimmerby-nyheter", "/sok/", "disallowed by robots.txt, linked from every page"),
    SpecialPage("kustbladet", "/gammal/<slug>",
                "301 to the article; one is linked from /nyheter/ ('Från arkivet')"),
    SpecialPage("smalandsbygden", "/loop-a.html", "302 to /loop-b.html, which 302s back"),
    SpecialPage(
        "smalandsbygden", "/arkiv/trasig-sida.html",
        "malformed HTML: unclosed tags, stray </div>, truncated document; real story",
        "Ny lekplats invigs i Eksjö stadspark",
        "Den nya lekplatsen i stadsparken öppnar på lördag efter ett halvårs bygge.",
        "Lekplatsen har kostat 2,4 miljoner kronor och har byggts i samarbete med "
        "föräldrar och förskolor i Eksjö.\n\n"
        "– Vi har lyssnat på barnen och byggt en klätterborg som ser ut som stadens gamla "
        "trähus, säger Maria Ek, parkchef i Eksjö kommun.\n\n"
        "Invigningen sker klockan 11 på lördag med korvgrillning och musik.",
    ),
    SpecialPage(
        "smalandsbygden", "/arkiv/felkodad-sida.html",
        "declared utf-8, body has invalid byte sequences mixed with the text",
        "Vägarbetet på riksväg 40 förlängs till oktober",
        "Trafikverket förlänger vägarbetet vid Eksjö med sex veckor.",
        "Arbetet med den nya planskilda korsningen har dragit ut på tiden efter fynd av "
        "gamla ledningar i marken.\n\n"
        "Trafiken leds om via Höglandsleden under hela perioden.",
    ),
    SpecialPage("smalandsbygden", "/arkiv/jattesida.html",
                "oversize: about 3 MB of HTML (a short story and a huge comment thread)",
                "Rekordmånga kommentarer om nya busstidtabellen",
                "Länstrafikens nya tidtabell har fått tusentals läsare att reagera.",
                "Den nya tidtabellen gäller från den 18 augusti."),
    SpecialPage(
        "smalandsbygden", "/arkiv/langsam-sida.html",
        "slow: sleeps slow_seconds before answering 200",
        "Ny rektor för Eksjö gymnasium",
        "Anders Holm blir ny rektor för Eksjö gymnasium från höstterminen.",
        "Anders Holm kommer närmast från en tjänst som biträdande rektor i Nässjö.\n\n"
        "– Jag ser fram emot att lära känna elever och personal, säger han.",
    ),
    SpecialPage("smalandsbygden", "/arkiv/serverfel.html", "500 on every request"),
    SpecialPage(
        "smalandsbygden", "/arkiv/tillfalligt-fel.html",
        "503 (Retry-After: 1) on the first request, 200 afterwards",
        "Eksjö kommun söker sommarvärdar till turistbyrån",
        "Kommunen anställer sex sommarvärdar som ska guida besökare i trästaden.",
        "Tjänsterna gäller juni till augusti och passar den som är minst 18 år.\n\n"
        "Sista ansökningsdag är den 31 mars.",
    ),
)  # fmt: skip


def special(path: str) -> SpecialPage:
    """The smalandsbygden scenario page with this path."""
    return next(p for p in SPECIAL_PAGES if p.path == path)


assert {p.path[7:-5] for p in SPECIAL_PAGES if p.path.startswith("/arkiv/")} == RESERVED_SLUGS
