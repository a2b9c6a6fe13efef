"""Jönköpings kommun: Sitevision-like municipal news, JSON-LD WebPage only, sitemap and Atom."""

from __future__ import annotations

import json
from functools import lru_cache

from samplesite.content import ArticleVersion, SiteArticle, SiteInfo
from samplesite.templates import chrome
from samplesite.templates.base import (
    FIXED_DATE,
    Ctx,
    LinkKind,
    Response,
    Site,
    body_html,
    e,
    iso,
    urlset,
    x,
    ymd,
)

P = "sv"
STATIC_PAGES = {
    "/kontakt.html": ("Kontakta oss", "Kontaktcenter: 036-10 50 00, kontaktcenter@jonkoping.se."),
    "/om-kommunen.html": ("Om kommunen", "Jönköpings kommun har drygt 145 000 invånare."),
}
MENU = (
    "Kommun och politik", "Bygga, bo och miljö", "Omsorg och stöd", "Förskola och skola",
    "Uppleva och göra", "Näringsliv och arbete", "Trafik och resor", "Jobba hos oss",
)  # fmt: skip


class JonkopingSite(Site):
    """List /nyheter.html, articles /nyheter/<yyyy>/<slug>.html, /sitemap.xml, /nyheter.atom."""

    template = "jonkoping"
    gzip = True

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            return self.robots(ctx, ["Disallow: /edit/", "", f"Sitemap: {ctx.base}/sitemap.xml"])
        if path == "/sitemap.xml":
            return self.sitemap(ctx)
        if path == "/nyheter.atom":
            return self.atom(ctx)
        art = self.find_article(path, query)
        if art is not None:
            return self.article_response(art, ctx)
        if path in ("/", "/nyheter.html"):
            items = self.listed(ctx.edition)
            title = "Nyheter" if path != "/" else "Jönköpings kommun"
            return self.list_page(title, items[:5] if path == "/" else items[:50], path, ctx)
        if path in STATIC_PAGES:
            title, text = STATIC_PAGES[path]
            content = f"<h1>{e(title)}</h1><p>{e(text)}</p>"
            return self.html(self.page(ctx, title, path, "", content), FIXED_DATE)
        return self.not_found(ctx)

    def teaser(self, art: SiteArticle, ctx: Ctx, kind: LinkKind, dated: bool) -> str:
        """One news list item."""
        v = art.version(ctx.edition, ctx.now) if dated else None
        title = v.title if v else art.title
        extra = f'<p class="{P}-news-date">{ymd(v.published)}</p><p>{e(v.lead)}</p>' if v else ""
        link = f'<a href="{e(self.href(art, kind))}">{e(title)}</a>'
        return f'<li class="{P}-channel-item">{link}{extra}</li>'

    def page(
        self, ctx: Ctx, title: str, path: str, head: str, content: str, lang: str = "sv"
    ) -> bytes:
        """The Sitevision-like frame."""
        ld = {
            "@context": "https://schema.org",
            "@type": "WebPage",
            "name": title,
            "url": ctx.base + path,
            "inLanguage": lang,
            "isPartOf": {"@type": "WebSite", "name": self.info.name, "url": ctx.base + "/"},
            "publisher": {"@type": "GovernmentOrganization", "name": self.info.name},
        }
        html = (
            f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)} - {e(self.info.name)}</title>\n{head}\n"
            '<link rel="alternate" type="application/atom+xml" title="Nyheter" '
            'href="/nyheter.atom">\n'
            '<script type="application/ld+json">'
            + json.dumps(ld, ensure_ascii=False).replace("</", "<\\/")
            + f"</script>\n<style>{chrome.css(P)}</style>\n"
            f"{chrome.analytics(self.info, 'page', path)}\n"
            "<script>window.sv=window.sv||{};sv.PageContext={pageId:'4.1a2b3c',siteName:"
            f"'{self.info.id}',locale:'sv_SE'}};</script>\n</head>\n<body>\n"
            f"{chrome.svg_sprite(P)}\n{chrome.consent(self.info, P)}\n"
            f'{_nav(self.info)}\n<div class="sv-layout {P}-main" id="innehall">\n'
            f'<div class="sv-text-portlet">\n{content}\n</div>\n'
            f'<div class="sv-related"><h2>Fler nyheter</h2><ul>'
            + "".join(self.teaser(a, ctx, "alias", False) for a in self.related(None, 6))
            + f"</ul></div>\n</div>\n{_footer(self.info)}\n"
            + chrome.state_blob(P, {"path": path}, [])
            + f"\n{chrome.PAD}\n</body>\n</html>\n"
        )
        return chrome.finish(html, f"{self.info.id}{path}")

    def render_article(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """News page: "Publicerad: 2025-06-12", "Senast uppdaterad: 2025-06-13"."""
        url = ctx.base + art.path
        head = (
            f'<link rel="canonical" href="{e(url)}">\n'
            f'<meta name="description" content="{e(v.lead)}">\n'
            f'<meta property="og:title" content="{e(v.title)}">\n'
            '<meta property="og:type" content="website">'
        )
        dates = f'<p class="{P}-date">Publicerad: {ymd(v.published)}</p>'
        if v.updated:
            dates += f'<p class="{P}-date">Senast uppdaterad: {ymd(v.updated)}</p>'
        by = f'<p class="{P}-author">{e(", ".join(art.authors))}</p>' if art.authors else ""
        content = (
            f'<h1 class="heading">{e(v.title)}</h1>\n<p class="lead">{e(v.lead)}</p>\n'
            f"{body_html(v.visible_blocks, 'normal')}\n{by}\n"
            f'<div class="{P}-page-info">{dates}</div>'
        )
        return self.page(ctx, v.title, art.path, head, content, art.language)

    def list_page(self, title: str, items: list[SiteArticle], path: str, ctx: Ctx) -> Response:
        """The news list page or the front page."""
        head = f'<link rel="canonical" href="{e(ctx.base + path)}">'
        content = (
            f'<h1 class="heading">{e(title)}</h1><ul class="{P}-channel">'
            + "".join(self.teaser(a, ctx, "main", True) for a in items)
            + '</ul><p><a href="/nyheter.html">Alla nyheter</a></p>'
        )
        return self.html(self.page(ctx, title, path, head, content), self.list_lastmod(items, ctx))

    def sitemap(self, ctx: Ctx) -> Response:
        """Plain urlset: articles plus non-article pages, all with lastmod."""
        rows = [(ctx.base + p, FIXED_DATE) for p in ("/", "/nyheter.html", *STATIC_PAGES)]
        live = self.live(ctx.edition)
        rows[1] = (rows[1][0], self.list_lastmod(live, ctx))
        for a in live:
            rows.append((ctx.base + a.path, self.lastmod(a, ctx)))
            if a.alias:
                rows.append((ctx.base + a.tracking_path, self.lastmod(a, ctx)))
        return self.xml(urlset(rows), max(m for _, m in rows))

    def atom(self, ctx: Ctx) -> Response:
        """Atom feed of the 30 newest live news items."""
        items = self.live(ctx.edition)[:30]
        entries = []
        for a in items:
            v = a.version(ctx.edition, ctx.now)
            author = ", ".join(a.authors) or "Jönköpings kommun"
            entries.append(
                f"<entry><title>{x(v.title)}</title>"
                f'<link rel="alternate" href="{x(ctx.base + self.href(a, "tracking"))}"/>'
                f"<id>{x(ctx.base + a.path)}</id><published>{iso(v.published)}</published>"
                f"<updated>{iso(self.lastmod(a, ctx))}</updated>"
                f"<author><name>{x(author)}</name></author><summary>{x(v.lead)}</summary></entry>"
            )
        lastmod = self.list_lastmod(items, ctx)
        doc = (
            '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n'
            f"<title>Nyheter – {x(self.info.name)}</title><id>{x(ctx.base)}/nyheter.html</id>"
            f'<link rel="self" href="{x(ctx.base)}/nyheter.atom"/>'
            f'<link rel="alternate" href="{x(ctx.base)}/nyheter.html"/>'
            f"<updated>{iso(lastmod)}</updated>\n" + "\n".join(entries) + "\n</feed>\n"
        )
        return self.xml(doc, lastmod, "application/atom+xml")


@lru_cache(maxsize=4)
def _nav(info: SiteInfo) -> str:
    """Header with the main menu, e-services and neighbouring municipalities."""
    menu = "".join(
        f'<li><a href="/om-kommunen.html#{chrome.slugify(m)}">{e(m)}</a></li>' for m in MENU
    )
    eserv = "".join(
        f'<li><a href="https://etjanster.{info.domain}/{chrome.slugify(s)}">{e(s)}</a></li>'
        for s in chrome.E_SERVICES
    )
    neighbours = "".join(
        f'<li><a href="https://www.{chrome.slugify(m)}.se/">{e(m)}s kommun</a></li>'
        for m in chrome.MUNICIPALITIES[info.region]
        if m != info.municipality
    )
    return (
        f'<header class="{P}-header"><a class="{P}-logo" href="/">{e(info.name)}</a>'
        '<a class="skip" href="#innehall">Till innehållet</a>'
        '<nav aria-label="Huvudmeny"><ul class="sv-menu">'
        f'{menu}<li><a href="/nyheter.html">Nyheter</a></li></ul></nav>'
        f'<div class="{P}-eservices"><h2>E-tjänster</h2><ul>{eserv}</ul></div>'
        f'<div class="{P}-neighbours"><h2>Kommuner i {e(info.region)}</h2><ul>{neighbours}</ul>'
        "</div></header>"
    )


@lru_cache(maxsize=4)
def _footer(info: SiteInfo) -> str:
    """Footer with contact details."""
    return (
        f'<footer class="{P}-footer"><h2>Kontakta oss</h2><p>{e(info.name)}, 551 89 Jönköping<br>'
        "Besöksadress: Juneporten, Västra Storgatan 18<br>Telefon: 036-10 50 00<br>"
        f"E-post: kontaktcenter@{info.domain}</p><ul>"
        '<li><a href="/kontakt.html">Kontakt</a></li>'
        '<li><a href="/om-kommunen.html">Om kommunen</a></li>'
        '<li><a href="/nyheter.html">Nyheter</a></li></ul>'
        "<p>Organisationsnummer: 212000-0530</p></footer>"
    )
