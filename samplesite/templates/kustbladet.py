"""Kustbladet: classic template without JSON-LD; dates only in visible Swedish lines; RSS."""

from __future__ import annotations

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
    hm,
    page_number,
    rfc822,
    sv_abbr,
    sv_date,
    x,
)

P = "kb"
STATIC_PAGES = {
    "/kontakt": ("Kontakta Kustbladet", "Redaktionen: Södra Långgatan 21, 392 32 Kalmar."),
    "/om-kustbladet": ("Om Kustbladet", "Kustbladet bevakar Kalmar och kusten sedan 1898."),
    "/prenumerera": ("Prenumerera", "Premium ger dig alla artiklar för 129 kronor i månaden."),
}


def byline(authors: list[str]) -> str:
    """ "Text: A" for one author, "Av A och B" / "Av A, B och C" for more."""
    if not authors:
        return ""
    if len(authors) == 1:
        return f"Text: {authors[0]}"
    return f"Av {', '.join(authors[:-1])} och {authors[-1]}"


class KustbladetSite(Site):
    """Sections /<section>/?page=N, articles /artikel/<id>-<slug>, alias /a/<id>, /rss.xml."""

    template = "kustbladet"
    page_param = "page"
    page_size = 2

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            return self.robots(ctx, ["Disallow: /admin/"])
        if path == "/rss.xml":
            return self.rss(ctx)
        art = self.find_article(path, query)
        if art is not None:
            return self.article_response(art, ctx)
        if path.startswith("/gammal/"):
            old = next((a for a in self.articles if a.slug == path[8:]), None)
            if old is None or old.status(ctx.edition) is None:
                return self.not_found(ctx)
            return self.redirect(old.path, 301)
        if path == "/":
            return self.list_page("Senaste nytt", self.listed(ctx.edition)[:10], path, 1, 1, ctx)
        section = path.strip("/")
        if path == f"/{section}/" and section in dict(self.sections):
            page = page_number(query, self.page_param)
            items, total = self.pages(self.listed(ctx.edition, section), page)
            if page > total:
                return self.not_found(ctx)
            return self.list_page(self.section_label(section), items, path, page, total, ctx)
        if path in STATIC_PAGES:
            return self.static_page(path, *STATIC_PAGES[path], ctx)
        munis = {chrome.slugify(m): m for m in chrome.MUNICIPALITIES[self.info.region]}
        if path.startswith("/kommun/") and path[8:-1] in munis:
            items = self.listed(ctx.edition)[:6]
            return self.list_page(f"Nyheter från {munis[path[8:-1]]}", items, path, 1, 1, ctx)
        if path.startswith("/tjanster/"):
            name = path[10:].strip("/").replace("-", " ").capitalize()
            return self.static_page(path, name, f"{name} hos Kustbladet.", ctx)
        if path.startswith("/admin"):
            return self.html(self.message_page("Åtkomst nekad", ctx), None, 403)
        return self.not_found(ctx)

    def teaser(self, art: SiteArticle, ctx: Ctx, kind: LinkKind, dated: bool) -> str:
        """One teaser."""
        v = art.version(ctx.edition, ctx.now) if dated else None
        prem = '<span class="premium">Premium</span> ' if art.paywalled else ""
        extra = (
            f'<span class="datum">{sv_abbr(v.published)}</span><p class="ingress">{e(v.lead)}</p>'
            if v
            else ""
        )
        title = v.title if v else art.title
        return f'<li>{prem}<a href="{e(self.href(art, kind))}">{e(title)}</a>{extra}</li>'

    def page(self, ctx: Ctx, *, title: str, path: str, head: str, content: str) -> bytes:
        """The classic page frame."""
        html = (
            '<!DOCTYPE html>\n<html lang="sv">\n<head>\n'
            '<meta http-equiv="Content-Type" content="text/html; charset=utf-8" />\n'
            f"<title>{e(title)}</title>\n{head}\n"
            '<link rel="alternate" type="application/rss+xml" title="Kustbladet" '
            'href="/rss.xml" />\n'
            f'<style type="text/css">{chrome.css(P)}</style>\n'
            f"{chrome.analytics(self.info, 'page', path)}\n"
            "<script type=\"text/javascript\">var kbConfig = {site: 'kustbladet', ads: true, "
            "lazy: true, version: '4.2.17'};</script>\n</head>\n<body>\n"
            f'{chrome.svg_sprite(P)}\n{chrome.consent(self.info, P)}\n<div id="wrapper">\n'
            f"{_top(self.info, tuple(self.sections))}\n{chrome.ad_slot(P, 'panorama-1')}\n"
            f'<div id="content">\n{content}\n</div>\n<div id="sidebar">'
            f'<div class="box mestlast"><h3>Mest läst</h3><ol>'
            + "".join(self.teaser(a, ctx, "alias", False) for a in self.most_read())
            + f"</ol></div>{chrome.ad_slot(P, 'outsider-1')}"
            '<div class="box senaste"><h3>Senaste nytt</h3><ul>'
            + "".join(self.teaser(a, ctx, "tracking", False) for a in self.related(None, 8))
            + f"</ul></div>{chrome.ad_slot(P, 'modul-1')}</div>\n"
            f"{_bottom(self.info)}\n</div>\n{chrome.ad_config(self.info)}\n"
            + chrome.state_blob(P, {"path": path}, [])
            + f"\n{chrome.PAD}\n</body>\n</html>\n"
        )
        return chrome.finish(html, f"{self.info.id}{path}")

    def render_article(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """Article page: "Publicerad 9 augusti 2025 kl 06.00", "Uppdaterad 12 aug. 2025 14:32"."""
        url = ctx.base + art.path
        head = (
            f'<meta name="description" content="{e(v.lead)}" />\n'
            f'<link rel="canonical" href="{e(url)}" />\n'
            f'<meta property="og:title" content="{e(v.title)}" />\n'
            f'<meta property="og:description" content="{e(v.lead)}" />\n'
            f'<meta property="og:url" content="{e(url)}" />\n'
            '<meta property="og:site_name" content="Kustbladet" />'
        )
        dates = f'<p class="datum">Publicerad {sv_date(v.published)} kl {hm(v.published)}</p>'
        if v.updated:
            dates += f'<p class="datum">Uppdaterad {sv_abbr(v.updated)}</p>'
        by = f'<p class="byline">{e(byline(art.authors))}</p>' if art.authors else ""
        paywall = (
            '<div class="paywall"><h3>Den här artikeln ingår i Premium</h3>'
            "<p>Fortsätt läsa med Kustbladet Premium – första månaden gratis.</p>"
            '<a href="/prenumerera">Bli prenumerant</a> '
            '<p>Redan prenumerant? <a href="/tjanster/logga-in">Logga in</a></p></div>'
            if art.paywalled
            else ""
        )
        prem = ' <span class="premium">Premium</span>' if art.paywalled else ""
        lang = f' lang="{art.language}"' if art.language != "sv" else ""
        related = "".join(self.teaser(a, ctx, "main", False) for a in self.related(art, 6))
        content = (
            f'<div class="artikel"{lang}>\n'
            f'<div class="kategori"><a href="/{art.section}/">'
            f"{e(self.section_label(art.section))}</a>{prem}</div>\n"
            f'<h1>{e(v.title)}</h1>\n<p class="ingress">{e(v.lead)}</p>\n{by}\n{dates}\n'
            f'<div class="brodtext">\n{body_html(v.visible_blocks, h_tag="h3")}\n</div>\n'
            f"{paywall}\n"
            f"</div>\n{chrome.ad_slot(P, 'artikel-1')}\n"
            f'<div class="relaterat"><h3>Fler artiklar</h3><ul>{related}</ul></div>'
        )
        return self.page(ctx, title=f"{v.title} - Kustbladet", path=art.path, head=head,
                         content=content)  # fmt: skip

    def list_page(
        self, title: str, items: list[SiteArticle], path: str, page: int, total: int, ctx: Ctx
    ) -> Response:
        """A section front (paginated ?page=N) or the front page."""
        url = ctx.base + path + (f"?page={page}" if page > 1 else "")
        head = f'<link rel="canonical" href="{e(url)}" />'
        pager = "".join(
            f'<a href="{path}?page={n}">{n}</a> ' for n in range(1, total + 1) if total > 1
        )
        if page < total:
            pager += f'<a class="nasta" href="{path}?page={page + 1}">Nästa sida »</a>'
        archive = ""
        if path == "/nyheter/" and page == 1 and self.ed1:
            old = self.ed1[-1]
            archive = (
                f'<div class="box arkiv"><h3>Från arkivet</h3><ul><li>'
                f'<a href="/gammal/{old.slug}">{e(old.title)}</a></li></ul></div>'
            )
        content = (
            f'<h1 class="rubrik">{e(title)}</h1><ul class="lista">'
            + "".join(self.teaser(a, ctx, "main", True) for a in items)
            + f'</ul><div class="sidor">{pager}</div>{archive}'
        )
        body = self.page(ctx, title=f"{title} - Kustbladet", path=path, head=head, content=content)
        return self.html(body, self.list_lastmod(items, ctx))

    def static_page(self, path: str, title: str, text: str, ctx: Ctx) -> Response:
        """A non-article page."""
        content = f'<h1 class="rubrik">{e(title)}</h1><p>{e(text)}</p>'
        return self.html(
            self.page(ctx, title=f"{title} - Kustbladet", path=path, head="", content=content),
            FIXED_DATE,
        )

    def rss(self, ctx: Ctx) -> Response:
        """RSS 2.0 with the 50 newest live articles (alias ones linked with tracking params)."""
        items = self.live(ctx.edition)[:50]
        out = []
        for a in items:
            v = a.version(ctx.edition, ctx.now)
            creator = f"<dc:creator>{x(', '.join(a.authors))}</dc:creator>" if a.authors else ""
            out.append(
                f"<item><title>{x(v.title)}</title>"
                f"<link>{x(ctx.base + self.href(a, 'tracking'))}</link>"
                f'<guid isPermaLink="true">{x(ctx.base + a.path)}</guid>'
                f"<pubDate>{rfc822(v.published)}</pubDate>"
                f"<description>{x(v.lead)}</description>"
                f"<category>{x(self.section_label(a.section))}</category>{creator}</item>"
            )
        lastmod = self.list_lastmod(items, ctx)
        doc = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>\n'
            f"<title>Kustbladet</title><link>{x(ctx.base)}/</link>"
            "<description>Nyheter från Kalmar och kusten</description><language>sv</language>"
            f"<lastBuildDate>{rfc822(lastmod)}</lastBuildDate>\n"
            + "\n".join(out)
            + "\n</channel></rss>\n"
        )
        return self.xml(doc, lastmod, "application/rss+xml")


@lru_cache(maxsize=4)
def _top(info: SiteInfo, sections: tuple[tuple[str, str], ...]) -> str:
    """Logo, menu with sections, municipalities and services."""
    secs = "".join(f'<li><a href="/{s}/">{e(label)}</a></li>' for s, label in sections)
    munis = "".join(
        f'<li><a href="/kommun/{chrome.slugify(m)}/">{e(m)}</a></li>'
        for m in chrome.MUNICIPALITIES[info.region]
    )
    services = "".join(
        f'<li><a href="/tjanster/{chrome.slugify(s)}">{e(s)}</a></li>'
        for s in chrome.PAPER_SERVICES
    )
    return (
        '<div id="top"><a id="logo" href="/"><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" '
        'alt="Kustbladet" width="240" height="60" /></a>'
        '<div id="toplinks"><a href="/prenumerera">Prenumerera</a> | '
        '<a href="/tjanster/logga-in">Logga in</a> | <a href="/kontakt">Kontakt</a></div></div>'
        f'<ul id="menu">{secs}</ul><div id="submenu"><strong>Kommuner:</strong><ul>{munis}</ul>'
        f"<strong>Tjänster:</strong><ul>{services}</ul></div>"
    )


@lru_cache(maxsize=4)
def _bottom(info: SiteInfo) -> str:
    """The footer."""
    links = "".join(
        f'<a href="/tjanster/{chrome.slugify(s)}">{e(s)}</a> | ' for s in chrome.PAPER_SERVICES
    )
    return (
        f'<div id="footer"><p><strong>{e(info.name)}</strong>, Södra Långgatan 21, 392 32 Kalmar. '
        f"Tel 0480-456 00. E-post: red@{info.domain}</p>"
        "<p>Ansvarig utgivare: Jonas Berglund. Redaktionschef: Sara Lund.</p>"
        f'<p>{links}<a href="/om-kustbladet">Om Kustbladet</a> | <a href="/kontakt">Kontakt</a> | '
        '<a href="/admin/">Redaktionsinloggning</a></p>'
        "<p>Copyright © Kustbladet AB 2025</p></div>"
    )
