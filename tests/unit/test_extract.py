"""extract_article: HTML in, Article out, the page's own markup as stronger evidence."""

import json
from datetime import datetime

import pytest

from crawler.dates import STOCKHOLM
from crawler.extract import NotAnArticle, decode_html, extract_article, reads_like_menus

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


# --------------------------------------------------------------------------- the lead


def _article_page(head: str = "", before: str = "", paragraphs: list[str] = PARAGRAPHS) -> str:
    """A dated story without a marked ingress; ``before`` goes between heading and text."""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<html lang='sv'><head><meta charset='utf-8'>{head}<title>Säkerhetssamordnaren lämnar"
        "</title></head><body><nav><a href='/'>Start</a><a href='/nyheter/'>Nyheter</a></nav>"
        "<main><article><h1>Säkerhetssamordnaren lämnar kommunen</h1>"
        f"<time datetime='2025-08-09T06:00:00+02:00'>9 augusti</time>{before}{body}</article>"
        "</main><footer>Vimmerby Nyheter, Storgatan 1</footer></body></html>"
    )


def _occurrences(article_text: str, phrase: str) -> int:
    return " ".join(article_text.split()).count(phrase)


def test_a_description_the_reader_never_sees_is_no_lead() -> None:
    hidden = "Läs om allt som händer i Vimmerby kommun, dygnet runt, hos Vimmerby Nyheter."
    html = _article_page(head=f"<meta name='description' content='{hidden}'>")
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == ""
    assert hidden not in article.body
    assert article.body.startswith("I många år")


def test_a_description_shown_as_a_dek_is_the_lead() -> None:
    dek = "Efter nio och ett halvt år byter han jobb och flyttar till Jönköping."
    html = _article_page(
        head=f"<meta property='og:description' content='{dek}'>",
        before=f"<h2 class='dek'>{dek}</h2>",
    )
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == dek
    assert dek not in article.body


def test_a_description_that_starts_the_first_paragraph_stays_in_the_body() -> None:
    # a description cut from the first paragraph ("…") is not a lead of its own
    cut = PARAGRAPHS[0][:70].rsplit(" ", 1)[0] + "…"
    jsonld = json.dumps({"@type": "NewsArticle", "description": cut})
    html = _article_page(head=f"<script type='application/ld+json'>{jsonld}</script>")
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == ""
    assert article.body.startswith(PARAGRAPHS[0])


def test_a_description_that_is_the_first_paragraph_becomes_the_lead_once() -> None:
    first = PARAGRAPHS[0]
    html = _article_page(head=f"<meta name='description' content='{first}'>")
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == first
    text = f"{article.lead}\n{article.body}"
    assert _occurrences(text, first) == 1
    assert article.body.startswith(PARAGRAPHS[1])


def test_a_marked_lead_repeated_in_a_teaser_of_the_story_is_held_once() -> None:
    lead = "Efter nio och ett halvt år byter han jobb."
    teaser = f"<p>Läs också</p><p>{lead}</p>"
    html = page(header="<time datetime='2025-08-09'>9 aug</time>", extra=teaser)
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == lead
    assert _occurrences(f"{article.lead}\n{article.body}", lead) == 1
    assert "Westerback" in article.body


@pytest.mark.parametrize(
    "box",
    [
        "<div class='ad-leaderboard'>Annons: Köp din nya bil hos Vimmerby Bil i dag</div>",
        "<figure class='lead'>Foto: Anna Lindqvist / Vimmerby Nyheter</figure>",
        "<div class='c-lightbox__intro'>Nästa</div>",
        "<div class='article-intro-container'><span>NYHETER</span> Säkerhetssamordnaren lämnar"
        " kommunen efter nio år</div>",
        "<div class='field field-type-text-with-summary'><p>Första stycket av texten här.</p>"
        "<p>Andra stycket av texten här.</p></div>",
    ],
)
def test_boxes_that_only_look_like_a_lead_are_not_one(box: str) -> None:
    html = _article_page(before=box)
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == ""


def test_a_marked_lead_is_read_without_its_scripts() -> None:
    lead = "Efter nio och ett halvt år byter han jobb och flyttar."
    box = f"<div class='ArticlePage-lead'><script>window.ads = [1, 2, 3];</script>{lead}</div>"
    html = _article_page(before=box)
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.lead == lead


# --------------------------------------------------------------------------- article or not


def test_og_type_is_read_in_any_case_and_a_dated_ticker_is_no_list() -> None:
    ticker = "".join(
        f"<li><a href='/kort/{i}'>Kort nyhet nummer {i}</a><span class='ticker-date'>"
        f"2025-08-0{i} 08:0{i}</span></li>"
        for i in range(1, 8)
    )
    html = (
        "<html><head><meta property='og:type' content='Article'>"
        "<meta property='article:published_time' content='2025-08-09T06:00:00+02:00'></head>"
        "<body><h1>Säkerhetssamordnaren lämnar kommunen</h1>"
        f"<p>{PARAGRAPHS[0]}</p><ul class='ticker'>{ticker}</ul></body></html>"
    )
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.title == "Säkerhetssamordnaren lämnar kommunen"


def test_the_parts_of_one_date_box_are_one_stamp() -> None:
    date_box = (
        "<div class='post-date'><span class='post-date-day'>9</span>"
        "<span class='post-date-month'>aug</span></div>"
        "<p class='modified-date'><time class='updated' datetime='2025-08-09T06:00:00+02:00'>"
        "9 augusti 2025</time></p>"
    )
    html = _article_page(before=date_box).replace(
        "<time datetime='2025-08-09T06:00:00+02:00'>9 augusti</time>", ""
    )
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.date_source == "time"  # the one <time> says "updated": it dates the page
    assert article.published is not None
    assert article.published.isoformat() == "2025-08-09T06:00:00+02:00"
    assert article.updated is None


def test_a_list_wrapped_in_a_dated_class_is_still_a_list() -> None:
    teasers = "".join(
        f"<li><h2><a href='/nyheter/{d}/'>Rubrik nummer {d} om något som hände i kommunen</a>"
        f"</h2><time datetime='2025-08-{d:02d}T08:00'>{d} aug</time></li>"
        for d in range(1, 13)
    )
    html = (
        "<html><head><title>Senaste nytt</title></head><body><main><h1>Senaste nytt</h1>"
        f"<ul class='latest-updates'>{teasers}</ul></main></body></html>"
    )
    with pytest.raises(NotAnArticle, match="list page"):
        extract_article(html, "https://vn.se/senaste/", fetched_at=FETCHED)


def test_a_story_with_a_few_dated_asides_is_no_list() -> None:
    # the <time> and three dated asides: four stamps against ~2,900 characters of story
    asides = "".join(f"<p class='datum'>Publicerad 2025-08-0{d} 08:00</p>" for d in range(1, 4))
    html = _article_page(before=asides, paragraphs=PARAGRAPHS * 4)
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert "Westerback" in article.body
    short = _article_page(before=asides, paragraphs=PARAGRAPHS[:2])
    with pytest.raises(NotAnArticle, match="list page"):
        extract_article(short, "https://vn.se/nyheter/", fetched_at=FETCHED)


def test_one_post_entry_around_the_heading_marks_an_article() -> None:
    entry = (
        "<html><body><div class='blog'><article class='post type-post hentry'>"
        "<h1 class='entry-title'>Om buggar</h1>"
        "<time class='updated' datetime='2025-08-09T06:00:00+02:00'>9 aug</time>"
        f"<div class='entry-content'><p>{PARAGRAPHS[0]}</p></div></article></div></body></html>"
    )
    article = extract_article(entry, "https://blogg.se/om-buggar/", fetched_at=FETCHED)
    assert article.title == "Om buggar"
    static_page = entry.replace("post type-post hentry", "page type-page hentry")
    with pytest.raises(NotAnArticle, match="heading too short"):
        extract_article(static_page, "https://blogg.se/om-oss/", fetched_at=FETCHED)
    second = "<article class='post hentry'><h2>Ett annat inlägg</h2></article></div>"
    blog_front = entry.replace("</article></div>", f"</article>{second}", 1)
    with pytest.raises(NotAnArticle, match="heading too short"):
        extract_article(blog_front, "https://blogg.se/", fetched_at=FETCHED)


def test_a_headline_in_a_script_without_spaces_is_a_headline() -> None:
    html = page(header="<time datetime='2025-08-09'>9 aug</time>").replace(
        "<h1>Säkerhetssamordnaren lämnar kommunen</h1>", "<h1>市の安全調整官が退職へ</h1>"
    )
    article = extract_article(html, "https://jp.example/a/1", fetched_at=FETCHED)
    assert article.title == "市の安全調整官が退職へ"
    short = html.replace("<h1>市の安全調整官が退職へ</h1>", "<h1>ニュース</h1>")
    with pytest.raises(NotAnArticle, match="heading too short"):
        extract_article(short, "https://jp.example/news/", fetched_at=FETCHED)


def test_a_short_heading_over_a_long_dated_story_is_kept() -> None:
    html = page(header="<time datetime='2025-08-09'>9 aug</time>", paragraphs=PARAGRAPHS * 3)
    html = html.replace("<h1>Säkerhetssamordnaren lämnar kommunen</h1>", "<h1>Entermedia</h1>")
    article = extract_article(html, "https://vn.se/nyheter/a/", fetched_at=FETCHED)
    assert article.title == "Entermedia"
    undated = html.replace("<time datetime='2025-08-09'>9 aug</time>", "")
    with pytest.raises(NotAnArticle):
        extract_article(undated, "https://vn.se/nyheter/a/", fetched_at=FETCHED)


def _dateline_page(date_first: bool) -> str:
    dateline = "<p>2025-08-09 - Publicerad av redaktionen</p>"
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[: 2 if date_first else 4])
    text = dateline + paragraphs if date_first else paragraphs + dateline
    return (
        "<html><head><title>Vattenläcka stänger Storgatan i två dagar</title></head><body>"
        "<div class='content'><h2>Vattenläcka stänger Storgatan i två dagar</h2>"
        f"{text}</div></body></html>"
    )


def test_a_date_the_story_prints_at_its_start_dates_it() -> None:
    article = extract_article(_dateline_page(True), "https://e.se/n/1", fetched_at=FETCHED)
    assert article.date_source == "htmldate"
    assert article.published is not None
    assert article.published.date().isoformat() == "2025-08-09"
    with pytest.raises(NotAnArticle, match="too little text"):
        extract_article(_dateline_page(False), "https://e.se/n/1", fetched_at=FETCHED)


# --------------------------------------------------------------------------- the text


def test_tables_in_a_story_are_kept() -> None:
    rows = "".join(
        f"<tr><td>{team}</td><td>{points}</td></tr>"
        for team, points in (("Vimmerby IF", 31), ("Hultsfreds FK", 28), ("Kalmar AIK", 25))
    )
    html = page(
        header="<time datetime='2025-08-09'>9 aug</time>",
        extra=f"<table><tr><th>Lag</th><th>Poäng</th></tr>{rows}</table>",
    )
    article = extract_article(html, "https://vn.se/sport/a/", fetched_at=FETCHED)
    assert "Hultsfreds FK" in article.body


def test_a_text_of_menu_lines_is_read_again_with_the_full_cascade() -> None:
    menu = "\n".join(f"Meny {i}" for i in range(80))
    story = "\n".join(PARAGRAPHS * 10)
    assert reads_like_menus(menu + "\n" + PARAGRAPHS[0])
    assert not reads_like_menus(story)
    assert not reads_like_menus("\n".join(f"Rad {i}" for i in range(20)))  # a short list


def test_the_benchmark_metric_counts_shingles_and_empty_texts_as_the_benchmark_does() -> None:
    from bench.bench_zyte import aggregate, score_page

    half = score_page("a b c d e", "a b c d")  # 4-word shingles: (a b c d) of (a b c d), (b c d e)
    assert (half.precision, half.recall) == (1.0, 0.5)
    empty = score_page("a b c d e", "")  # a rejected page: no precision, recall 0
    assert (empty.precision, empty.recall) == (None, 0.0)
    assert score_page("kort text", "kort, text!").exact  # under 4 words: one shingle
    assert score_page("kort text", "Kort text").precision == 0.0  # case counts
    scores = aggregate([half, empty], n_bootstrap=10)
    assert (scores.precision, scores.recall) == (1.0, 0.25)
    assert scores.f1 == pytest.approx(0.4)
