"""extract_article: HTML in, Article out, the page's own markup as stronger evidence."""

import json
from datetime import datetime

import pytest

from crawler.dates import STOCKHOLM
from crawler.extract import NotAnArticle, decode_html, extract_article

FETCHED = datetime(2025, 8, 12, 16, 0, tzinfo=STOCKHOLM)
PARAGRAPHS = [
    "I många år har Håkan Westerback varit säkerhetssamordnare i Vimmerby kommun. Nu går han"
    " vidare till ett nytt jobb i Jönköping, där han blir ledningsbefäl på räddningstjänsten.",
    "– Det är ett vemod i att lämna kommunen, säger han. Jag har trivts bra och har känt att"
    " jag gör nytta för medborgarna i kommunen under de här åren.",
    "Som säkerhetssamordnare har han bland annat arbetat med hot och våld mot förtroendevalda,"
    " men i princip allt som rört säkerheten inom kommunens verksamheter och förvaltningar.",
    "Kommunen ska nu rekrytera en efterträdare. Tjänsten annonseras ut under hösten och han"
    " stannar kvar på deltid året ut för att hjälpa till med en smidig övergång.",
]


def page(
    head: str = "", header: str = "", paragraphs: list[str] = PARAGRAPHS, extra: str = ""
) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='sv'><head><meta charset='utf-8'>{head}"
        "<title>Säkerhetssamordnaren lämnar | Vimmerby Nyheter</title></head><body>"
        "<nav><a href='/'>Start</a><a href='/nyheter/'>Nyheter</a></nav>"
        f"<main><article><header><h1>Säkerhetssamordnaren lämnar kommunen</h1>{header}</header>"
        f"<p class='lead'>Efter nio och ett halvt år byter han jobb.</p>{body}{extra}</article></main>"
        "<footer>Vimmerby Nyheter, Storgatan 1</footer></body></html>"
    )


def test_jsonld_wins_for_dates_and_authors() -> None:
    jsonld = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": "Säkerhetssamordnaren lämnar kommunen",
        "datePublished": "2025-08-09T06:00:00+02:00",
        "dateModified": "2025-08-09T10:14:00+02:00",
        "author": [{"@type": "Person", "name": "Anna Lindqvist"}],
    }
    html = page(
        head=f"<script type='application/ld+json'>{json.dumps(jsonld)}</script>",
        header="<p class='byline'>Text: Någon Annan</p><time datetime='2024-01-01'>1 jan</time>",
    )
    article = extract_article(html, "https://vn.se/nyheter/a/", source_id="vn", fetched_at=FETCHED)
    assert article.title == "Säkerhetssamordnaren lämnar kommunen"
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-09T06:00:00+02:00"
    assert article.updated is not None
    assert article.updated.isoformat() == "2025-08-09T10:14:00+02:00"
    assert article.date_source == "jsonld"
    assert article.authors == ["Anna Lindqvist"]
    assert article.lead == "Efter nio och ett halvt år byter han jobb."
    assert "Westerback" in article.body
    assert not article.body.startswith("Efter nio")
    assert not article.body.startswith("Säkerhetssamordnaren lämnar")
    assert article.language == "sv"
    assert article.language_score > 0.9
    assert article.source == "vn"
    assert not article.paywalled


def test_swedish_date_line_and_byline_without_markup() -> None:
    html = page(
        header="<p class='byline'>Av Anna Lindqvist och Erik Berg</p>"
        "<p class='dateline'>Publicerad 9 augusti 2025 kl 06.00 · Uppdaterad 12 aug. 2025 14:32</p>"
    )
    article = extract_article(html, "https://kb.se/artikel/1-a", fetched_at=FETCHED)
    assert article.date_source == "text"
    assert article.published == datetime(2025, 8, 9, 6, 0, tzinfo=STOCKHOLM)
    assert article.updated == datetime(2025, 8, 12, 14, 32, tzinfo=STOCKHOLM)
    assert article.authors == ["Anna Lindqvist", "Erik Berg"]


def test_relative_date_counts_from_fetch_time() -> None:
    html = page(header="<span class='datum'>Igår 14:32</span>")
    article = extract_article(html, "https://sb.se/arkiv/a.html", fetched_at=FETCHED)
    assert article.published == datetime(2025, 8, 11, 14, 32, tzinfo=STOCKHOLM)


def test_opengraph_and_time_element() -> None:
    og = page(head="<meta property='article:published_time' content='2025-08-09T06:00:00+02:00'>")
    assert extract_article(og, "https://e.se/a", fetched_at=FETCHED).date_source == "meta"
    timed = page(header="<time datetime='2025-08-09T06:00:00+02:00'>9 augusti</time>")
    assert extract_article(timed, "https://e.se/a", fetched_at=FETCHED).date_source == "time"


def test_canonical_link_and_tracking_parameters() -> None:
    html = page(
        head="<link rel='canonical' href='https://kb.se/artikel/1-a'>",
        header="<time datetime='2025-08-09'>9 aug</time>",
    )
    article = extract_article(html, "https://kb.se/a/1?utm_source=facebook", fetched_at=FETCHED)
    assert article.canonical_url == "https://kb.se/artikel/1-a"
    assert article.url == "https://kb.se/a/1?utm_source=facebook"


def test_canonical_link_to_another_site_is_not_followed() -> None:
    html = page(
        head="<link rel='canonical' href='https://tt.se/nyheter/storm'>",
        header="<time datetime='2025-08-09'>9 aug</time>",
    )
    article = extract_article(
        html, "https://www.kb.se/artikel/2-storm?utm_source=x", fetched_at=FETCHED
    )
    assert article.canonical_url == "https://www.kb.se/artikel/2-storm"


def test_paywalled_teaser_is_kept_and_marked() -> None:
    html = page(
        header="<time datetime='2025-08-09'>9 aug</time>",
        paragraphs=PARAGRAPHS[:1],
        extra="<div class='paywall'><p>Redan prenumerant? Logga in</p><p>Bli prenumerant</p></div>",
    )
    article = extract_article(html, "https://vn.se/plus/a/", fetched_at=FETCHED)
    assert article.paywalled
    assert "Westerback" in article.body


def test_section_front_is_not_an_article() -> None:
    teasers = "".join(
        f"<article><h2><a href='/nyheter/2025/08/{d:02d}/rubrik-{d}/'>Rubrik nummer {d} om något"
        f" som hände i kommunen i veckan</a></h2><span class='datum'>2025-08-{d:02d} 08:00</span>"
        "</article>"
        for d in range(1, 25)
    )
    html = (
        "<html><head><title>Nyheter</title></head><body><main><h1>Nyheter</h1>"
        f"{teasers}</main></body></html>"
    )
    with pytest.raises(NotAnArticle, match="list page"):
        extract_article(html, "https://vn.se/nyheter/", fetched_at=FETCHED)


def test_page_without_date_or_markup_is_not_an_article() -> None:
    html = (
        "<html><body><main><h1>Så når du redaktionen</h1><p>Ring växeln på 0492-123 45 eller mejla oss."
        "</p><p>Besöksadress Storgatan 1, Vimmerby. Öppet vardagar 8-16.</p></main></body></html>"
    )
    with pytest.raises(NotAnArticle, match="no publication date"):
        extract_article(html, "https://vn.se/kontakt/", fetched_at=FETCHED)


def test_a_page_named_by_one_word_is_not_a_story() -> None:
    html = page(header="<time datetime='2025-08-09'>9 aug</time>").replace(
        "<h1>Säkerhetssamordnaren lämnar kommunen</h1>", "<h1>Kultur</h1>"
    )
    with pytest.raises(NotAnArticle, match="heading too short"):
        extract_article(html, "https://vn.se/kultur/", fetched_at=FETCHED)


@pytest.mark.parametrize("html", ["", "   ", "<html></html>", b"\x00\x01\x02garbage\xff"])
def test_empty_or_garbage_is_not_an_article(html: str | bytes) -> None:
    with pytest.raises(NotAnArticle):
        extract_article(html, "https://e.se/x", fetched_at=FETCHED)


def test_windows_1252_bytes_keep_a_a_o() -> None:
    html = page(header="<time datetime='2025-08-09'>9 aug</time>").replace(
        "<meta charset='utf-8'>", "<meta charset='windows-1252'>"
    )
    raw = html.encode("cp1252")
    assert "Säkerhetssamordnaren" in decode_html(raw)
    assert "Säkerhetssamordnaren" in decode_html(raw, "text/html; charset=windows-1252")
    article = extract_article(raw, "https://sb.se/a.html", fetched_at=FETCHED)
    assert article.title == "Säkerhetssamordnaren lämnar kommunen"


def test_latin1_bytes_in_a_utf8_page_are_repaired() -> None:
    body = "<p>Vägarbetet på riksväg 40</p>".encode().replace("ä".encode(), b"\xe4", 1)
    assert decode_html(body, "text/html; charset=utf-8") == "<p>Vägarbetet på riksväg 40</p>"
    assert "\ufffd" in decode_html(b"<p>ok \x81 trasigt</p>", "text/html; charset=utf-8")


def test_english_article_is_tagged_english() -> None:
    english = [
        "Kalmar Castle opens its doors to visitors this summer with guided tours in English,"
        " a renovated exhibition about the Kalmar Union and concerts in the courtyard.",
        "The castle, which dates back to the twelfth century, is one of the best preserved"
        " Renaissance castles in northern Europe and attracts many foreign tourists each year.",
    ] * 2
    html = page(header="<time datetime='2025-06-01'>1 June</time>", paragraphs=english)
    article = extract_article(html, "https://kb.se/artikel/9-castle", fetched_at=FETCHED)
    assert article.language == "en"


def test_wire_copy_from_byline() -> None:
    html = page(header="<p class='byline'>Av: TT</p><time datetime='2025-08-09'>9 aug</time>")
    article = extract_article(html, "https://e.se/a", fetched_at=FETCHED)
    assert article.authors == ["TT"]
    assert article.wire == "TT"
