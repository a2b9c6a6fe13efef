"""Smålandsbygden: old table layout in windows-1252, relative dates, and the bad-input pages."""

from __future__ import annotations

import threading
from functools import lru_cache

from samplesite.content import STOCKHOLM, ArticleVersion, SiteArticle, SiteInfo
from samplesite.templates import chrome
from samplesite.templates.base import (
    FIXED_DATE,
    Ctx,
    LinkKind,
    Response,
    Site,
    body_html,
    e,
    page_number,
)
from samplesite.templates.scenarios import special

P = "sb"
ENC = "windows-1252"
MALFORMED = "/arkiv/trasig-sida.html"
UNDECODABLE = "/arkiv/felkodad-sida.html"
OVERSIZE = "/arkiv/jattesida.html"
SLOW = "/arkiv/langsam-sida.html"
ERROR500 = "/arkiv/serverfel.html"
FLAKY503 = "/arkiv/tillfalligt-fel.html"
BAD_LINKS = (
    (MALFORMED, "Ny lekplats invigs i Eksjö stadspark"),
    (UNDECODABLE, "Vägarbetet på riksväg 40 förlängs"),
    (OVERSIZE, "Rekordmånga kommentarer om busstidtabellen"),
    (SLOW, "Ny rektor för Eksjö gymnasium"),
    (ERROR500, "Nya taxor för vatten och avlopp"),
    (FLAKY503, "Eksjö kommun söker sommarvärdar"),
    ("/loop-a.html", "Evenemangskalendern"),
)  # fmt: skip


def datum(raw: str, dt: ArticleVersion | None, when: str, ctx: Ctx) -> str:
    """ "2025-03-14 08:12", or "Idag 08:15" / "Igår 14:32" for relative dates."""
    if dt is None:
        return ""
    value = dt.published if when == "published" else dt.updated
    if value is None:
        return ""
    local = value.astimezone(STOCKHOLM)
    days = (ctx.now.astimezone(STOCKHOLM).date() - local.date()).days
    if raw and raw[0].isalpha() and days in (0, 1):
        return f"{'Idag' if days == 0 else 'Igår'} {local:%H:%M}"
    return f"{local:%Y-%m-%d %H:%M}"


def author_line(authors: list[str]) -> str:
    """ "Av: Namn" / "Av: A och B"."""
    if not authors:
        return ""
    names = authors[0] if len(authors) == 1 else f"{', '.join(authors[:-1])} och {authors[-1]}"
    return f"Av: {names}"


class SmalandsbygdenSite(Site):
    """Sections /<section>.html?sida=N (front page / links them), articles /arkiv/<slug>.html."""

    template = "smalandsbygden"
    encoding = ENC
    page_param = "sida"
    page_size = 2

    def __init__(self, info: SiteInfo, articles: list[SiteArticle]) -> None:
        super().__init__(info, articles)
        self._big: bytes | None = None
        self._big_lock = threading.Lock()

    def handle(self, path: str, query: str, ctx: Ctx) -> Response:
        """Answer one GET request."""
        if path == "/robots.txt":
            return self.text("Sidan finns inte\n", 404)  # old site: no robots.txt at all
        if path == "/loop-a.html":
            return self.redirect("/loop-b.html", 302)
        if path == "/loop-b.html":
            return self.redirect("/loop-a.html", 302)
        bad = self.bad_page(path, ctx)
        if bad is not None:
            return bad
        art = self.find_article(path, query)
        if art is not None:
            resp = self.article_response(art, ctx)
            if art.charset_meta_only:
                resp.content_type = "text/html"
            return resp
        if path == "/":
            return self.list_page("Senaste nytt", self.listed(ctx.edition)[:6], path, 1, 1, ctx)
        section = path.removeprefix("/").removesuffix(".html")
        if path == f"/{section}.html" and section in dict(self.sections):
            page = page_number(query, self.page_param)
            items, total = self.pages(self.listed(ctx.edition, section), page)
            if page > total:
                return self.not_found(ctx)
            return self.list_page(self.section_label(section), items, path, page, total, ctx)
        munis = {chrome.slugify(m): m for m in chrome.MUNICIPALITIES[self.info.region]}
        slug = path.removeprefix("/ort/").removesuffix(".html")
        if path == f"/ort/{slug}.html" and slug in munis:
            items = self.listed(ctx.edition)[:5]
            return self.list_page(f"Nyheter från {munis[slug]}", items, path, 1, 1, ctx)
        if path == "/kontakt.html":
            text = "Smålandsbygden, Storgatan 5, 575 30 Eksjö. Telefon 0381-100 00."
            body = self.page(ctx, "Kontakt", path, "", f"<h1>Kontakt</h1><p>{e(text)}</p>")
            return self.html(chrome.finish(body, self.info.id + path, ENC, "xmlcharrefreplace"),
                             FIXED_DATE)  # fmt: skip
        return self.not_found(ctx)

    # -- bad input -------------------------------------------------------------------------
    def bad_page(self, path: str, ctx: Ctx) -> Response | None:
        """The scenario pages under /arkiv/: malformed, undecodable, huge, slow, 500, 503."""
        if path == ERROR500:
            return self.html(self.message_page("Internt serverfel", ctx), None, 500)
        if path == FLAKY503 and self.hit(path) == 1:
            resp = self.html(self.message_page("Tillfälligt otillgänglig", ctx), None, 503)
            resp.headers.append(("Retry-After", "1"))
            return resp
        if path not in (MALFORMED, UNDECODABLE, OVERSIZE, SLOW, FLAKY503):
            return None
        art = special(path).as_article()
        v = art.version(1, ctx.now)
        if path == OVERSIZE:
            with self._big_lock:
                if self._big is None:
                    self._big = self.oversize(art, v, ctx)
                return self.html(self._big, FIXED_DATE)
        if path == MALFORMED:
            html = self.article_html(art, v, ctx)
            html = html.replace("</p>", "").replace(
                '<h1 class="rubrik">', "<h1 class=rubrik><b><i>"
            )
            html = html.replace("</h1>", "</b></i></h1></div></div>", 1)
            html = chrome.pad(html, self.info.id + path, ENC, "xmlcharrefreplace")
            cut = html.index("</body>")
            html = html[:cut] + '<table><tr><td class="sista"><a href="/kontakt.ht'
            return self.html(html.encode(ENC, "xmlcharrefreplace"), FIXED_DATE)
        if path == UNDECODABLE:
            html = self.article_html(art, v, ctx, charset="utf-8")
            raw = chrome.finish(html, self.info.id + path, "utf-8")
            head, sep, tail = raw.partition(b"<body")
            for good, broken in (
                ("Vägarbetet", b"V\xe4garbetet"), ("Höglandsleden", b"H\xf6glandsleden\xff\xfe"),
                ("ledningar", b"ledn\xc3\x28ingar"), ("perioden", b"perioden \x81\x8d\x90"),
            ):  # fmt: skip
                tail = tail.replace(good.encode(), broken)
            resp = self.html(head + sep + tail, FIXED_DATE)
            resp.content_type = "text/html; charset=utf-8"
            return resp
        body = chrome.finish(self.article_html(art, v, ctx), self.info.id + path, ENC,
                             "xmlcharrefreplace")  # fmt: skip
        resp = self.html(body, FIXED_DATE)
        if path == SLOW:
            resp.delay = ctx.slow_seconds
        return resp

    def oversize(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """About 3 MB: the story followed by a huge comment table."""
        rows = []
        for i in range(11500):
            rows.append(
                f'<tr class="kommentar"><td class="namn">Läsare {i}</td>'
                f'<td class="tid">2025-08-1{i % 10} {i % 24:02d}:{i % 60:02d}</td><td>Kommentar '
                f"nummer {i}: bussen till Nässjö går för sällan, och anslutningen mot tåget i "
                f"Eksjö missas ofta. Hoppas Länstrafiken lyssnar på oss resenärer.</td></tr>"
            )
        html = self.article_html(art, v, ctx)
        table = '<table class="kommentarer">' + "\n".join(rows) + "</table>"
        html = html.replace("<!--KOMMENTARER-->", table)
        return html.replace(chrome.PAD, "").encode(ENC, "xmlcharrefreplace")

    # -- HTML ------------------------------------------------------------------------------
    def teaser(self, art: SiteArticle, ctx: Ctx, kind: LinkKind, dated: bool) -> str:
        """One list row."""
        v = art.version(ctx.edition, ctx.now) if dated else None
        title = v.title if v else art.title
        when = (
            f'<span class="datum">{datum(art.published_raw, v, "published", ctx)}</span> '
            if v
            else ""
        )
        lead = f'<br><font size="2">{e(v.lead)}</font>' if v else ""
        return f'<tr><td>{when}<a href="{e(self.href(art, kind))}">{e(title)}</a>{lead}</td></tr>'

    def page(
        self, ctx: Ctx, title: str, path: str, head: str, content: str, charset: str = ENC
    ) -> str:
        """The table frame (not yet padded or encoded)."""
        meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        return (
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN" '
            '"http://www.w3.org/TR/html4/loose.dtd">\n<html>\n<head>\n'
            f"{meta}\n<title>{e(title)} - Smålandsbygden</title>\n{head}\n"
            f'<style type="text/css">{chrome.css(P)}</style>\n'
            f"{chrome.analytics(self.info, 'page', path)}\n"
            '<script language="JavaScript" type="text/javascript">function oppna(u){'
            "window.open(u,'fonster','width=600,height=400');}</script>\n</head>\n"
            '<body bgcolor="#ffffff" topmargin="0" leftmargin="0">\n'
            f"{chrome.consent(self.info, P)}\n"
            '<table width="980" border="0" cellpadding="0" cellspacing="0" align="center">\n'
            f"{_head_row(self.info, tuple(self.sections))}\n"
            '<tr><td valign="top" width="620" class="innehall">\n'
            f"{content}\n</td>\n"
            '<td valign="top" width="200" class="hoger"><b>Mest läst</b><table>'
            + "".join(self.teaser(a, ctx, "alias", False) for a in self.most_read())
            + f"</table>{chrome.ad_slot(P, 'outsider-1')}<b>Fler nyheter</b><table>"
            + "".join(self.teaser(a, ctx, "tracking", False) for a in self.related(None, 8))
            + f"</table>{chrome.ad_slot(P, 'modul-1')}</td></tr>\n"
            f"{_foot_row(self.info)}\n</table>\n{chrome.ad_config(self.info)}\n"
            f"{chrome.PAD}\n</body>\n</html>\n"
        )

    def article_html(
        self, art: SiteArticle, v: ArticleVersion, ctx: Ctx, charset: str = ENC
    ) -> str:
        """The article page as text."""
        url = ctx.base + art.path
        head = f'<link rel="canonical" href="{e(url)}">\n'
        head += f'<meta name="description" content="{e(v.lead)}">'
        if art.charset_meta_only:
            charset = "iso-8859-1"
        upd = datum(art.edition2.get("updated", art.updated_raw) if ctx.edition >= 2
                    else art.updated_raw, v, "updated", ctx)  # fmt: skip
        dates = f'<span class="datum">{datum(art.published_raw, v, "published", ctx)}</span>'
        if upd:
            dates += f' <span class="datum uppdaterad">Uppdaterad {upd}</span>'
        by = f'<p class="byline">{e(author_line(art.authors))}</p>' if art.authors else ""
        paywall = (
            '<table class="betalvagg" bgcolor="#f0e6d2"><tr><td><b>Läs hela artikeln</b><br>'
            'Prenumerera på Smålandsbygden – <a href="/kontakt.html">Bli prenumerant</a>. '
            'Redan prenumerant? <a href="/kontakt.html">Logga in</a></td></tr></table>'
            if art.paywalled
            else ""
        )
        related = "".join(self.teaser(a, ctx, "main", False) for a in self.related(art, 5))
        content = (
            f'{dates}\n<h1 class="rubrik">{e(v.title)}</h1>\n'
            f'<p class="ingress"><b>{e(v.lead)}</b></p>\n{by}\n'
            f'<div class="brodtext">\n{body_html(v.visible_blocks, h_tag="h3")}\n</div>\n'
            f"{paywall}\n<!--KOMMENTARER-->\n<p><b>Läs också:</b></p><table>{related}</table>"
        )
        return self.page(ctx, v.title, art.path, head, content, charset)

    def render_article(self, art: SiteArticle, v: ArticleVersion, ctx: Ctx) -> bytes:
        """The article page, encoded in windows-1252."""
        return chrome.finish(self.article_html(art, v, ctx), self.info.id + art.path, ENC,
                             "xmlcharrefreplace")  # fmt: skip

    def list_page(
        self, title: str, items: list[SiteArticle], path: str, page: int, total: int, ctx: Ctx
    ) -> Response:
        """A section page (?sida=N, all pages linked) or the front page."""
        pager = " ".join(
            f'<a href="{path}?sida={n}">[{n}]</a>' for n in range(1, total + 1) if total > 1
        )
        if page < total:
            pager += f' <a href="{path}?sida={page + 1}">Nästa sida &gt;&gt;</a>'
        extra = ""
        if path == "/nyheter.html" and page == 1:
            extra = (
                "<p><b>Från redaktionen</b></p><table>"
                + "".join(f'<tr><td><a href="{p}">{e(t)}</a></td></tr>' for p, t in BAD_LINKS)
                + "</table>"
            )
        if path == "/":
            extra = (
                "<p><b>Avdelningar</b></p><table>"
                + "".join(
                    f'<tr><td><a href="/{s}.html">{e(label)}</a></td></tr>'
                    for s, label in self.sections
                )
                + "</table>"
            )
        content = (
            f'<h1 class="rubrik">{e(title)}</h1><table class="lista">'
            + "".join(self.teaser(a, ctx, "main", True) for a in items)
            + f"</table><p>{pager}</p>{extra}"
        )
        html = self.page(ctx, title, path, "", content)
        body = chrome.finish(html, f"{self.info.id}{path}", ENC, "xmlcharrefreplace")
        return self.html(body, self.list_lastmod(items, ctx))


@lru_cache(maxsize=4)
def _head_row(info: SiteInfo, sections: tuple[tuple[str, str], ...]) -> str:
    """Logo row and the left menu cell."""
    secs = "".join(f'<a href="/{s}.html">{e(label)}</a><br>' for s, label in sections)
    munis = "".join(
        f'<a href="/ort/{chrome.slugify(m)}.html">{e(m)}</a><br>'
        for m in chrome.MUNICIPALITIES[info.region]
    )
    return (
        '<tr><td colspan="3" class="topp" bgcolor="#7a1f1f"><a href="/"><font size="6" '
        'color="#ffffff">Smålandsbygden</font></a> <font color="#ffffff">Nyheter från Höglandet '
        "sedan 1879</font></td></tr>\n"
        f'<tr><td colspan="3" class="meny">{secs.replace("<br>", " | ")}'
        '<a href="/kontakt.html">Kontakt</a></td></tr>\n'
        f'<tr><td colspan="3"><table width="100%"><tr><td class="orter">{munis}</td></tr></table>'
        f"{chrome.ad_slot(P, 'panorama-1')}</td></tr>"
    )


@lru_cache(maxsize=4)
def _foot_row(info: SiteInfo) -> str:
    """The footer row."""
    return (
        f'<tr><td colspan="3" class="fot" bgcolor="#eeeeee"><font size="1">{e(info.name)}, '
        "Storgatan 5, 575 30 Eksjö. Tel 0381-100 00. Fax 0381-100 01. "
        f"E-post: redaktionen@{info.domain}. Ansvarig utgivare: Gunnar Åberg.<br>"
        '<a href="/kontakt.html">Kontakt</a> | <a href="/">Startsidan</a> | '
        "Webbplatsen är bäst i Internet Explorer 6 eller senare.</font></td></tr>"
    )
