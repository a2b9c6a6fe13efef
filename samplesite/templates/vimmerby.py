"""Vimmerby Nyheter: modern template (JSON-LD, OpenGraph, sitemaps); also the bench site's look."""

from __future__ import annotations

import json
from datetime import datetime
from functools import lru_cache
from urllib.parse import parse_qs

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
    iso,
    page_number,
    sv_date,
    urlset,
    x,
)

P = "vn"
MISSING = "/nyheter/2025/08/01/artikeln-har-tagits-bort/"  # listed in the news sitemap, 404
STATIC_PAGES = {
    "/kontakt/": ("Kontakta oss", "Redaktionen nås på telefon 0492-123 00 vardagar 8–17."),
    "/om-oss/": ("Om oss", "Vimmerby Nyheter är en lokal nyhetstidning som grundades 1921."),
    "/prenumerera/": ("Bli prenumerant", "Läs alla Plus-artiklar för 99 kronor i månaden."),
    "/konto/logga-in/": ("Logga in", "Logga in med ditt kundnummer och lösenord."),
}


class VimmerbySite(Site):
    """Section fronts /<section>/?sida=N, articles /<section>/yyyy/mm/dd/<slug>/, sitemaps."""

    template = "vimmerby"
    gzip = True
    page_param = "sida"
    page_size = 3

    def __init__(self, info: SiteInfo, articles: list[SiteArticle]) -> None:
        super().__init__(info, articles)
        self.page_size = 20 if len(self.articles) > 200 else 3
        self.tags: dict[str, str] = {chrome.slugify(m): m for m in self.municipalities()}
        for a in self.articles:
            for t in self.article_tags(a):
                self.tags[chrome.slugify(t)] = t

    def municipalities(self) -> tuple[str, ...]:
        """The municipalities of the site's län (menu and tag pages)."""
        return chrome.MUNICIPALITIES.get(self.info.region, (self.info.municipality,))

    def article_tags(self, art: SiteArticle) -> list[str]:
        """Tags shown under an article: its own, else the home municipality and section."""
        return art.tags or [self.info.municipality, self.section_label(art.section)]

    # -- routing ---------------------------------------------------------------------------
    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            return self.robots(
                ctx,
                [
                    "Disallow: /sok/",
                    "Disallow: /konto/",
                    "",
                    f"Sitemap: {ctx.base}/sitemap_index.xml",
                    f"Sitemap: {ctx.base}/sitemap-news.xml",
                ],
            )
        if path.endswith(".xml"):
            return self.sitemap(path, ctx)
        art = self.find_article(path, query)
        if art is not None:
            return self.article_response(art, ctx)
        if path == "/":
            items = self.listed(ctx.edition)[:12]
            return self.list_page("Senaste nytt", items, path, 1, 1, ctx, front=True)
        section = path.strip("/")
        if path == f"/{section}/" and section in dict(self.sections):
            page = page_number(query, self.page_param)
            items, total = self.pages(self.listed(ctx.edition, section), page)
            if page > total:
                return self.not_found(ctx)
            label = self.section_label(section)
            return self.list_page(label, items, path, page, total, ctx)
        if path.startswith("/amne/") and path.endswith("/"):
            tag = self.tags.get(path[6:-1])
            if tag is None:
                return self.not_found(ctx)
            items = [a for a in self.listed(ctx.edition) if tag in self.article_tags(a)][
                : self.page_size * 4
            ]
            return self.list_page(f"Ämne: {tag}", items, path, 1, 1, ctx)
        if path.startswith("/sok/"):
            q = parse_qs(query).get("q", [""])[0]
            return self.static_page(path, f"Sökresultat för ”{q}”", "Inga träffar.", ctx)
        if path in STATIC_PAGES:
            return self.static_page(path, *STATIC_PAGES[path], ctx)
        if path.startswith("/tjanster/") and path.endswith("/"):
            name = path[10:-1].replace("-", " ").capitalize()
            return self.static_page(path, name, f"{name} – information från {self.info.name}.", ctx)
        return self.not_found(ctx)

    # -- HTML ------------------------------------------------------------------------------
    def teaser(self, art: SiteArticle, ctx: Ctx, kind: LinkKind, dated: bool) -> str:
        """One teaser in a list."""
        v = art.version(ctx.edition, ctx.now) if dated else None
        title = v.title if v else art.title
        badge = f'<span class="{P}-badge {P}-badge--plus">Plus</span> ' if art.paywalled else ""
        when = (
            f'<time datetime="{iso(v.published)}">{sv_date(v.published)} {hm(v.published)}</time>'
            if v
            else ""
        )
        lead = f'<p class="{P}-teaser__lead">{e(v.lead)}</p>' if v else ""
        return (
            f'<li class="{P}-teaser"><a class="{P}-teaser__link" href="{e(self.href(art, kind))}">'
            f'{badge}<span class="{P}-teaser__title">{e(title)}</span></a>{lead}{when}</li>'
        )

    def page(
        self, ctx: Ctx, *, title: str, path: str, head: str, main: str, kind: str, lang: str = "sv"
    ) -> bytes:
        """The full page around ``main``."""
        teasers = [
            {"title": a.title, "url": self.href(a), "section": a.section, "plus": str(a.paywalled)}
            for a in self.related(None, 24)
        ]
        html = (
            f'<!DOCTYPE html>\n<html lang="{lang}" class="{P}-root">\n<head>\n'
            '<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{e(title)}</title>\n{head}\n"
            '<link rel="icon" href="/favicon.ico">\n'
            f"<style>{chrome.css(P)}</style>\n"
            f"{chrome.analytics(self.info, kind, path)}\n</head>\n<body>\n"
            f"{chrome.svg_sprite(P)}\n{chrome.consent(self.info, P)}\n"
            f"{_header(self.info, tuple(self.sections), self.municipalities())}\n"
            f"{chrome.ad_slot(P, 'panorama-1')}\n"
            f'<div class="{P}-layout">\n{main}\n'
            f'<aside class="{P}-sidebar">{chrome.ad_slot(P, "outsider-1")}'
            f'<section class="{P}-mostread"><h2>Mest läst</h2><ol>'
            + "".join(self.teaser(a, ctx, "alias", False) for a in self.most_read())
            + f"</ol></section>{chrome.ad_slot(P, 'modul-1')}</aside>\n</div>\n"
            f"{chrome.ad_slot(P, 'sponsor-1')}\n{_footer(self.info)}\n"
            f"{chrome.ad_config(self.info)}\n"
            + chrome.state_blob(P, {"path": path, "type": kind}, teasers)
            + f"\n{chrome.PAD}\n</body>\n</html>\n"
        )
        return chrome.finish(html, f"{self.info.id}{path}")

    def render_article(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """The article page: JSON-LD NewsArticle, OpenGraph, <time>, paywall box."""
        title = f"{v.title} | {self.info.name}"
        return self.page(
            ctx, title=title, path=art.path, head=self._article_head(art, v, ctx),
            main=self._article_main(art, v, ctx), kind="article", lang=art.language,
        )  # fmt: skip

    def _json_ld(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> dict[str, object]:
        url = ctx.base + art.path
        people = [
            {"@type": "Organization" if a == art.wire else "Person", "name": a} for a in art.authors
        ]
        ld: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "headline": v.title,
            "description": v.lead,
            "datePublished": iso(v.published),
            "author": people,
            "articleSection": self.section_label(art.section),
            "inLanguage": art.language,
            "isAccessibleForFree": not art.paywalled,
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": self.info.name,
                "url": ctx.base + "/",
                "logo": {"@type": "ImageObject", "url": ctx.base + "/logo.png"},
            },
        }
        if v.updated:
            ld["dateModified"] = iso(v.updated)
        if art.paywalled:
            ld["hasPart"] = {
                "@type": "WebPageElement",
                "isAccessibleForFree": False,
                "cssSelector": f".{P}-paywall",
            }
        return ld

    def _article_head(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> str:
        url, authors = ctx.base + art.path, art.authors
        use_ld = art.jsonld if art.jsonld is not None else True
        head = [
            f'<meta name="description" content="{e(v.lead)}">',
            f'<link rel="canonical" href="{e(url)}">',
            '<meta property="og:type" content="article">',
            f'<meta property="og:title" content="{e(v.title)}">',
            f'<meta property="og:description" content="{e(v.lead)}">',
            f'<meta property="og:url" content="{e(url)}">',
            f'<meta property="og:site_name" content="{e(self.info.name)}">',
            '<meta property="og:locale" content="sv_SE">',
            f'<meta property="article:published_time" content="{iso(v.published)}">',
        ]
        if v.updated:
            head.append(f'<meta property="article:modified_time" content="{iso(v.updated)}">')
        head += [f'<meta property="article:author" content="{e(a)}">' for a in authors]
        head.append(f'<meta property="article:section" content="{e(art.section)}">')
        if use_ld:
            head.append(
                '<script type="application/ld+json">'
                + json.dumps(self._json_ld(art, v, ctx), ensure_ascii=False).replace("</", "<\\/")
                + "</script>"
            )
        return "\n".join(head)

    def _article_main(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> str:
        times = (
            f'<time class="{P}-byline__published" datetime="{iso(v.published)}">Publicerad '
            f"{sv_date(v.published)} kl. {hm(v.published)}</time>"
        )
        if v.updated:
            times += (
                f' <time class="{P}-byline__updated" datetime="{iso(v.updated)}">Uppdaterad '
                f"{sv_date(v.updated)} kl. {hm(v.updated)}</time>"
            )
        byline = "".join(f'<span class="{P}-byline__author">{e(a)}</span>' for a in art.authors)
        paywall = (
            f'<div class="{P}-paywall"><h2>Fortsätt läsa – bli Plus-prenumerant</h2>'
            "<p>Få tillgång till alla artiklar från Vimmerby Nyheter. Första månaden 1 krona.</p>"
            '<p><a class="button" href="/prenumerera/">Bli prenumerant</a></p>'
            '<p>Redan prenumerant? <a href="/konto/logga-in/">Logga in</a></p></div>'
            if art.paywalled
            else ""
        )
        badge = f'<span class="{P}-badge {P}-badge--plus">Plus</span>' if art.paywalled else ""
        tags = "".join(
            f'<li><a href="/amne/{chrome.slugify(t)}/">{e(t)}</a></li>'
            for t in self.article_tags(art)
        )
        same = [a for a in self.related(art, 30) if a.section == art.section][:3]
        return (
            f'<main class="{P}-main"><article class="{P}-article">\n'
            f'<div class="{P}-article__kicker"><a href="/{art.section}/">'
            f"{e(self.section_label(art.section))}</a> {badge}</div>\n"
            f'<h1 class="{P}-article__title">{e(v.title)}</h1>\n'
            f'<p class="{P}-article__lead">{e(v.lead)}</p>\n'
            f'<div class="{P}-byline">{byline}{times}</div>\n'
            f"{chrome.ad_slot(P, 'artikel-1')}\n"
            f'<div class="{P}-article__body">\n{body_html(v.visible_blocks)}\n</div>\n{paywall}\n'
            f'<ul class="{P}-tags">{tags}</ul>\n'
            f'<div class="{P}-share">{chrome.icon(P, "facebook")}{chrome.icon(P, "mail")}</div>\n'
            f"</article>\n"
            f'<section class="{P}-readmore"><h2>Läs också</h2><ul>'
            + "".join(self.teaser(a, ctx, "main", False) for a in same)
            + f'</ul></section>\n<section class="{P}-more"><h2>Fler nyheter</h2><ul>'
            + "".join(self.teaser(a, ctx, "tracking", False) for a in self.related(art))
            + "</ul></section></main>"
        )

    def list_page(
        self, title: str, items: list[SiteArticle], path: str, page: int, total: int, ctx: Ctx,
        front: bool = False,
    ) -> Response:  # fmt: skip
        """A section front, tag page or the front page, with pagination links."""
        url = ctx.base + path + (f"?{self.page_param}={page}" if page > 1 else "")
        head = [
            f'<link rel="canonical" href="{e(url)}">',
            '<meta property="og:type" content="website">',
        ]
        pager = ""
        if page > 1:
            prev = path + (f"?{self.page_param}={page - 1}" if page > 2 else "")
            head.append(f'<link rel="prev" href="{e(prev)}">')
            pager += f'<a class="{P}-pager__newer" href="{e(prev)}">Nyare artiklar</a>'
        pager += "".join(
            f'<a class="{P}-pager__page" href="{path}?{self.page_param}={n}">{n}</a>'
            for n in range(1, total + 1)
            if total > 1
        )
        if page < total:
            nxt = f"{path}?{self.page_param}={page + 1}"
            head.append(f'<link rel="next" href="{e(nxt)}">')
            pager += f'<a class="{P}-pager__older" rel="next" href="{e(nxt)}">Äldre artiklar</a>'
        kind: LinkKind = "tracking" if front else "main"
        main = (
            f'<main class="{P}-main {P}-list"><h1>{e(title)}</h1><ul class="{P}-teasers">'
            + "".join(self.teaser(a, ctx, kind, True) for a in items)
            + f'</ul><nav class="{P}-pager" aria-label="Sidor">{pager}</nav></main>'
        )
        body = self.page(
            ctx, title=f"{title} | {self.info.name}", path=path, head="\n".join(head), main=main,
            kind="section",
        )  # fmt: skip
        return self.html(body, self.list_lastmod(items, ctx))

    def static_page(self, path: str, title: str, text: str, ctx: Ctx) -> Response:
        """A non-article page (contact, about, search, services)."""
        main = f'<main class="{P}-main {P}-static"><h1>{e(title)}</h1><p>{e(text)}</p></main>'
        head = f'<link rel="canonical" href="{e(ctx.base + path)}">'
        body = self.page(ctx, title=f"{title} | {self.info.name}", path=path, head=head, main=main,
                         kind="page")  # fmt: skip
        return self.html(body, FIXED_DATE)

    # -- sitemaps --------------------------------------------------------------------------
    def sitemap_groups(self, ctx: Ctx) -> dict[str, list[SiteArticle]]:
        """Sitemap path -> articles: the newest (at most 1000) in the news sitemap, the rest
        by year in chunks of at most 1000."""
        live = self.live(ctx.edition)
        n_news = min(1000, -(-len(live) // 2))
        groups: dict[str, list[SiteArticle]] = {"/sitemap-news.xml": live[:n_news]}
        by_year: dict[int, list[SiteArticle]] = {}
        for a in live[n_news:]:
            by_year.setdefault(a.published.year, []).append(a)
        for year, arts in sorted(by_year.items(), reverse=True):
            for k in range(0, len(arts), 1000):
                suffix = f"-{k // 1000 + 1}" if k else ""
                groups[f"/sitemap-{year}{suffix}.xml"] = arts[k : k + 1000]
        return groups

    def sitemap(self, path: str, ctx: Ctx) -> Response:
        """sitemap_index.xml, the news sitemap, yearly sitemaps, pages, the broken one."""
        groups = self.sitemap_groups(ctx)
        scen = self.info.scenarios
        if path == "/sitemap_index.xml":
            entries = [(p, self.list_lastmod(arts, ctx)) for p, arts in groups.items()]
            entries.append(("/sitemap-pages.xml", FIXED_DATE))
            if scen:
                entries.append(("/sitemap-broken.xml", FIXED_DATE))
            body = "".join(
                f"<sitemap><loc>{x(ctx.base + p)}</loc><lastmod>{iso(m)}</lastmod></sitemap>\n"
                for p, m in entries
            )
            doc = (
                '<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
                f'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n{body}</sitemapindex>\n'
            )
            return self.xml(doc, max(m for _, m in entries))
        if path == "/sitemap-broken.xml" and scen:
            return self.xml(urlset([(ctx.base + "/", FIXED_DATE)])[:180], FIXED_DATE)
        if path == "/sitemap-pages.xml":
            pages = ["/", *(f"/{s}/" for s, _ in self.sections), *STATIC_PAGES]
            pages += [f"/amne/{t}/" for t in sorted(self.tags)]
            pages.remove("/konto/logga-in/")
            return self.xml(urlset([(ctx.base + p, FIXED_DATE) for p in pages]), FIXED_DATE)
        arts = groups.get(path)
        if arts is None:
            return self.not_found(ctx)
        rows: list[tuple[str, datetime]] = []
        news: list[str] = []
        for a in arts:
            v = a.version(ctx.edition, ctx.now)
            for p in (a.path, a.tracking_path) if a.alias else (a.path,):
                rows.append((ctx.base + p, self.lastmod(a, ctx)))
                news.append(self.news_entry(a.language, v.published, v.title))
        is_news = path == "/sitemap-news.xml"
        if is_news and scen:
            gone = datetime(2025, 8, 1, 7, 0, tzinfo=FIXED_DATE.tzinfo)
            rows.append((ctx.base + MISSING, gone))
            news.append(self.news_entry("sv", gone, "Artikeln har tagits bort"))
        return self.xml(urlset(rows, news if is_news else None), self.list_lastmod(arts, ctx))

    def news_entry(self, language: str, published: datetime, title: str) -> str:
        """The <news:news> element of a Google News sitemap entry."""
        return (
            f"<news:news><news:publication><news:name>{x(self.info.name)}</news:name>"
            f"<news:language>{language}</news:language></news:publication>"
            f"<news:publication_date>{iso(published)}</news:publication_date>"
            f"<news:title>{x(title)}</news:title></news:news>"
        )


@lru_cache(maxsize=8)
def _header(info: SiteInfo, sections: tuple[tuple[str, str], ...], munis: tuple[str, ...]) -> str:
    """The header: top bar, logo, search, the big menu (sections, municipalities, services)."""
    secs = "".join(f'<li><a href="/{s}/">{e(label)}</a></li>' for s, label in sections)
    mun = "".join(
        f'<li><a href="/amne/{chrome.slugify(m)}/">{e(m)}</a>'
        f'<span class="{P}-menu__desc">Nyheter, sport och kultur från {e(m)}</span></li>'
        for m in munis
    )
    services = "".join(
        f'<li><a href="/tjanster/{chrome.slugify(s)}/">{e(s)}</a></li>'
        for s in chrome.PAPER_SERVICES
    )
    return (
        f'<header class="{P}-header"><div class="{P}-topbar">'
        '<a href="/tjanster/e-tidningen/">E-tidningen</a><a href="/tjanster/kundservice/">'
        'Kundservice</a><a href="/prenumerera/">Prenumerera</a>'
        f'<a href="/konto/logga-in/">{chrome.icon(P, "user")}Logga in</a></div>'
        f'<a class="{P}-logo" href="/" aria-label="{e(info.name)} – startsidan">{e(info.name)}</a>'
        f'<form class="{P}-search" action="/sok/" method="get" role="search">'
        '<label for="q">Sök på sajten</label><input id="q" name="q" type="search">'
        f'<button type="submit">{chrome.icon(P, "search")}Sök</button></form>'
        f'<a class="{P}-search-link" href="/sok/?q=">Sök</a>'
        f'<nav class="{P}-nav" aria-label="Huvudmeny"><ul class="{P}-nav__sections">{secs}</ul>'
        f'<div class="{P}-megamenu"><h3>Kommuner i {e(info.region)}</h3><ul>{mun}</ul>'
        f"<h3>Tjänster</h3><ul>{services}</ul></div></nav></header>"
    )


@lru_cache(maxsize=8)
def _footer(info: SiteInfo) -> str:
    """The footer: contact details, editors, many links."""
    links = "".join(
        f'<li><a href="/tjanster/{chrome.slugify(s)}/">{e(s)}</a></li>'
        for s in chrome.PAPER_SERVICES
    )
    return (
        f'<footer class="{P}-footer"><div class="{P}-footer__contact"><h2>{e(info.name)}</h2>'
        f"<p>Storgatan 12, 598 30 {e(info.municipality)}<br>Växel: 0492-123 00<br>"
        f'Redaktionen: <a href="mailto:redaktion@{info.domain}">redaktion@{info.domain}</a><br>'
        f'Tipsa oss: <a href="mailto:tips@{info.domain}">tips@{info.domain}</a></p>'
        "<p>Ansvarig utgivare och chefredaktör: Karin Ström<br>Nyhetschef: Per Nyberg</p></div>"
        f'<ul class="{P}-footer__links"><li><a href="/kontakt/">Kontakt</a></li>'
        f'<li><a href="/om-oss/">Om oss</a></li>{links}'
        '<li><a href="/tjanster/cookie-installningar/">Cookie-inställningar</a></li></ul>'
        f'<p class="{P}-footer__social"><a href="https://www.facebook.com/{info.domain}">Facebook</a>'
        f' <a href="https://www.instagram.com/{info.domain}">Instagram</a></p>'
        f"<p>© 2025 {e(info.name)}. Allt material är skyddat enligt upphovsrättslagen.</p></footer>"
    )
