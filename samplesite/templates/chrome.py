"""Page weight shared by all templates: CSS, icons, consent banner, scripts, ads, padding."""

from __future__ import annotations

import json
import random
import zlib
from functools import lru_cache
from html import escape

from samplesite.content import SiteInfo

MUNICIPALITIES: dict[str, tuple[str, ...]] = {
    "Kalmar län": (
        "Borgholm", "Emmaboda", "Hultsfred", "Högsby", "Kalmar", "Mönsterås", "Mörbylånga",
        "Nybro", "Oskarshamn", "Torsås", "Vimmerby", "Västervik",
    ),
    "Jönköpings län": (
        "Aneby", "Eksjö", "Gislaved", "Gnosjö", "Habo", "Jönköping", "Mullsjö", "Nässjö",
        "Sävsjö", "Tranås", "Vaggeryd", "Vetlanda", "Värnamo",
    ),
}  # fmt: skip

PAPER_SERVICES = (
    "E-tidningen", "Prenumerera", "Kundservice", "Annonsera", "Familjesidan", "Dödsannonser",
    "Tipsa redaktionen", "Nyhetsbrev", "Podd", "Väder", "Trafik", "Evenemang", "Jobb",
    "Bostad", "Fordon", "Debatt", "Insändare", "Ledare", "Korsord", "Arkivet",
)  # fmt: skip

E_SERVICES = (
    "Ansök om bygglov", "Anmäl fel i gatumiljö", "Ansök om förskoleplats", "Boka lokal",
    "Felanmälan gatubelysning", "Ansök om parkeringstillstånd", "Ansök om bostadsanpassning",
    "Synpunkter och klagomål", "Ansök om serveringstillstånd", "Hämta sopkärl",
    "Anmäl värmepump", "Ansök om skolskjuts", "Ansök om färdtjänst", "Bibliotekskonto",
    "Ansök om ekonomiskt bistånd", "Anmäl frånvaro i skolan", "Ansök om fiskekort",
    "Boka tid för vigsel", "Registrera hund", "Sök feriejobb",
)  # fmt: skip

_VENDOR_WORDS = (
    "Annons", "Media", "Data", "Mät", "Sök", "Nät", "Klick", "Målgrupp", "Video", "Spår",
    "Insikt", "Kampanj", "Profil", "Signal", "Puls", "Norden", "Analys", "Räckvidd",
)  # fmt: skip


def slugify(text: str) -> str:
    """ASCII slug for Swedish text ("Mörbylånga" -> "morbylanga")."""
    table = str.maketrans("åäöéüÅÄÖÉÜ", "aaoeuaaoeu")
    out = "".join(c if c.isalnum() else "-" for c in text.translate(table).lower())
    return "-".join(p for p in out.split("-") if p)


@lru_cache(maxsize=16)
def css(prefix: str) -> str:
    """A deterministic utility-CSS bundle of about 25 kB, class names starting with prefix."""
    rules: list[str] = [
        "*,*::before,*::after{box-sizing:border-box}",
        "html{-webkit-text-size-adjust:100%;font-family:Georgia,'Times New Roman',serif}",
        "body{margin:0;line-height:1.5;color:#1a1a1a;background:#fff}",
        "a{color:inherit;text-decoration:none}a:hover{text-decoration:underline}",
        "img,svg{display:block;max-width:100%}",
    ]
    sizes = [0, 2, 4, 6, 8, 12, 16, 20, 24, 32, 40, 48, 64]
    for prop, short in (("margin", "m"), ("padding", "p")):
        for side, s in (("", ""), ("-top", "t"), ("-right", "r"), ("-bottom", "b"), ("-left", "l")):
            for i, px in enumerate(sizes):
                rules.append(f".{prefix}-{short}{s}-{i}{{{prop}{side}:{px}px}}")
    palette = ["#0b3d91", "#c8102e", "#1a1a1a", "#f4f1ea", "#6b6b6b", "#e8e3d9", "#2e7d32"]
    palette += ["#ffb300", "#005b96", "#8e24aa", "#37474f", "#d84315", "#fafafa", "#424242"]
    for i, col in enumerate(palette):
        rules.append(f".{prefix}-c-{i}{{color:{col}}}.{prefix}-bg-{i}{{background-color:{col}}}")
        rules.append(f".{prefix}-bd-{i}{{border:1px solid {col}}}")
    for bp in (480, 768, 1024, 1280):
        inner = "".join(
            f".{prefix}-col-{bp}-{n}{{flex:0 0 {100 * n / 12:.4f}%;max-width:{100 * n / 12:.4f}%}}"
            for n in range(1, 13)
        )
        rules.append(f"@media (min-width:{bp}px){{{inner}}}")
    for name in ("header", "nav", "menu", "teaser", "article", "byline", "footer", "ad", "list"):
        rules.append(
            f".{prefix}-{name}{{display:flex;flex-wrap:wrap;gap:8px;position:relative}}"
            f".{prefix}-{name}__title{{font:700 1.25rem/1.2 Arial,sans-serif;margin:0 0 8px}}"
            f".{prefix}-{name}__item{{padding:4px 0;border-bottom:1px solid #e0e0e0}}"
            f".{prefix}-{name}--dark{{background:#1a1a1a;color:#fff}}"
        )
    return "\n".join(rules)


@lru_cache(maxsize=16)
def svg_sprite(prefix: str) -> str:
    """An inline SVG icon sprite (hidden), about 6 kB."""
    rnd = random.Random(prefix)
    names = (
        "search", "menu", "close", "user", "facebook", "x", "linkedin", "mail", "print",
        "share", "clock", "lock", "arrow-right", "arrow-left", "play", "weather", "bell", "home",
    )  # fmt: skip
    symbols = []
    for name in names:
        pts = " ".join(f"{rnd.randint(0, 24)}.{rnd.randint(0, 99)}" for _ in range(36))
        symbols.append(
            f'<symbol id="{prefix}-icon-{name}" viewBox="0 0 24 24"><path d="M{pts}Z"/></symbol>'
        )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" style="display:none" aria-hidden="true">'
        + "".join(symbols)
        + "</svg>"
    )


def icon(prefix: str, name: str) -> str:
    """Markup using one sprite icon."""
    return (
        f'<svg class="{prefix}-icon" aria-hidden="true"><use href="#{prefix}-icon-{name}"/></svg>'
    )


@lru_cache(maxsize=16)
def consent(site: SiteInfo, prefix: str) -> str:
    """Cookie/consent banner markup plus its JSON configuration blob (about 10 kB)."""
    rnd = random.Random(site.id)
    vendors = []
    for i in range(48):
        name = f"{rnd.choice(_VENDOR_WORDS)}{rnd.choice(_VENDOR_WORDS).lower()} AB"
        vendors.append(
            {
                "id": 100 + i,
                "name": name,
                "purposes": sorted(rnd.sample(range(1, 11), 4)),
                "legIntPurposes": sorted(rnd.sample(range(1, 11), 2)),
                "policyUrl": f"https://{slugify(name)}.example/integritet",
                "cookieMaxAgeSeconds": rnd.choice([86400, 2592000, 31536000]),
            }
        )
    config = {
        "cmpId": 412,
        "cmpVersion": 7,
        "language": "sv",
        "publisherCountryCode": "SE",
        "site": site.domain,
        "texts": {
            "title": "Vi värnar om din integritet",
            "accept": "Godkänn alla",
            "reject": "Endast nödvändiga",
            "settings": "Inställningar",
        },
        "purposes": {str(i): f"Ändamål {i}" for i in range(1, 11)},
        "vendors": vendors,
    }
    return (
        f'<div id="{prefix}-consent" class="{prefix}-consent" role="dialog" '
        'aria-label="Samtycke till kakor" hidden>'
        f'<div class="{prefix}-consent__inner"><h2>Vi värnar om din integritet</h2>'
        f"<p>{escape(site.name)} och våra partner använder kakor (cookies) för att webbplatsen "
        "ska fungera, för att mäta trafik och för att visa annonser. Du kan när som helst ändra "
        'ditt val under "Cookie-inställningar" längst ned på sidan.</p>'
        '<button type="button" data-consent="accept">Godkänn alla</button>'
        '<button type="button" data-consent="reject">Endast nödvändiga</button>'
        '<button type="button" data-consent="settings">Inställningar</button></div></div>\n'
        f'<script type="application/json" id="{prefix}-consent-config">'
        f"{json.dumps(config, ensure_ascii=False)}</script>"
    )


def analytics(site: SiteInfo, page_type: str, path: str, section: str = "") -> str:
    """An analytics/dataLayer configuration script for one page."""
    data = {
        "site": site.id,
        "siteName": site.name,
        "pageType": page_type,
        "path": path,
        "section": section,
        "region": site.region,
        "consentRequired": True,
        "trackers": [
            {"name": "sitestat", "endpoint": "https://stat.example/collect", "sampleRate": 1.0},
            {"name": "heatmap", "endpoint": "https://hm.example/track", "sampleRate": 0.1},
        ],
    }
    return (
        "<script>window.dataLayer=window.dataLayer||[];"
        f"window.dataLayer.push({json.dumps(data, ensure_ascii=False)});"
        "(function(w,d){var s=d.createElement('script');s.async=true;"
        "s.src='https://stat.example/tag.js?id='+encodeURIComponent(w.dataLayer[0].site);"
        "d.head.appendChild(s)})(window,document);</script>"
    )


@lru_cache(maxsize=16)
def ad_config(site: SiteInfo) -> str:
    """An ad-slot configuration script (about 3 kB)."""
    slots = []
    for i, (name, sizes) in enumerate(
        (
            ("panorama", [[980, 240], [980, 120]]),
            ("outsider", [[300, 600], [160, 600]]),
            ("modul", [[300, 250], [320, 320]]),
            ("artikel", [[640, 320], [580, 400]]),
            ("mobil", [[320, 320], [300, 250]]),
            ("sponsor", [[980, 300]]),
        )
    ):
        for n in range(1, 4):
            slots.append(
                {
                    "id": f"{name}-{n}",
                    "path": f"/21400/{site.id}/{name}_{n}",
                    "sizes": sizes,
                    "lazy": n > 1,
                    "refresh": 30 if i % 2 else 0,
                    "targeting": {"site": site.id, "pos": f"{name}{n}", "kw": ["nyheter"]},
                }
            )
    return (
        "<script>window.adConfig="
        f"{json.dumps({'network': 21400, 'slots': slots}, ensure_ascii=False)};</script>"
    )


def ad_slot(prefix: str, name: str) -> str:
    """An ad placeholder."""
    return (
        f'<div class="{prefix}-ad {prefix}-ad--{name.split("-")[0]}" id="ad-{name}" '
        f'data-slot="{name}"><span class="{prefix}-ad__label">Annons</span></div>'
    )


def state_blob(prefix: str, page: dict[str, object], teasers: list[dict[str, str]]) -> str:
    """A JSON state blob as single-page-app frameworks embed it (a few kB)."""
    state = {
        "page": page,
        "teasers": teasers,
        "features": {f"flag{i}": i % 3 == 0 for i in range(40)},
    }
    return (
        f'<script type="application/json" id="{prefix}-state">'
        f"{json.dumps(state, ensure_ascii=False)}</script>"
    )


@lru_cache(maxsize=1)
def _pad_source() -> str:
    rnd = random.Random(7)
    props = (
        "display:flex", "display:grid", "margin:0 auto", "padding:8px 12px", "color:#333",
        "font-weight:700", "line-height:1.4", "border-radius:4px", "gap:12px", "opacity:.85",
        "transition:opacity .2s ease", "text-transform:uppercase", "letter-spacing:.02em",
        "background:#f4f1ea", "position:sticky", "top:0", "z-index:10", "overflow:hidden",
    )  # fmt: skip
    out = []
    size = 0
    while size < 400_000:
        rule = f".c{rnd.getrandbits(32):08x}{{{';'.join(rnd.sample(props, rnd.randint(2, 5)))}}}"
        out.append(rule)
        size += len(rule)
    return "".join(out)


PAD = "<!--PAD-->"


def pad(html: str, key: str, encoding: str = "utf-8", errors: str = "strict") -> str:
    """Replace the PAD marker with deferred CSS so the page weighs 80–120 kB."""
    target = 80_000 + zlib.crc32(key.encode()) % 40_000
    bare = html.replace(PAD, "")
    need = target - len(bare.encode(encoding, errors)) - 40
    chunk = ""
    if need > 0:
        src = _pad_source()
        start = src.index(".c", zlib.crc32(key.encode()) % 50_000)
        end = src.rfind("}", start, start + need) + 1
        chunk = f'<style data-chunk="deferred">{src[start:end]}</style>'
    return html.replace(PAD, chunk)


def finish(html: str, key: str, encoding: str = "utf-8", errors: str = "strict") -> bytes:
    """Pad the page (see ``pad``) and encode it."""
    return pad(html, key, encoding, errors).encode(encoding, errors)
