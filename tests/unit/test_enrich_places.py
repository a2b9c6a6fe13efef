"""Unit tests for crawler.enrich.places: which municipalities a story is about."""

from __future__ import annotations

import pytest

from crawler.enrich import enrich
from crawler.enrich.page_address import publisher_municipality, section_municipality
from crawler.enrich.places import lookup, official_name, regions_of
from indexer.article import Article


def tag(title: str, lead: str = "", body: str = "", **kw: str) -> list[str]:
    article = Article(url="u", canonical_url="u", source="t", title=title, lead=lead, body=body)
    return enrich(article, **kw).municipalities


def published_at(url: str, title: str, body: str, **kw: str) -> Article:
    """A story published at ``url``, enriched."""
    article = Article(url=url, canonical_url=url, source="t", title=title, body=body)
    return enrich(article, **kw)


def test_title_mention_counts_body_passing_mention_does_not() -> None:
    got = tag(
        "Nytt äldreboende i Vetlanda",
        "Kommunen bygger 60 platser.",
        "Bygget startar i vår. En av arkitekterna bor i Umeå.",
    )
    assert got == ["Vetlanda"]


def test_genitive_official_and_inhabitant_forms() -> None:
    assert tag("Vimmerbys nya budget", "Skatten höjs inte.") == ["Vimmerby"]
    assert tag("Beslut i fullmäktige", "Vimmerby kommuns budget är klar.") == ["Vimmerby"]
    assert tag("Taxan höjs", "Många vimmerbybor får betala mer.") == ["Vimmerby"]
    assert tag("Kö till bostäder", "Unga kalmarborna står i kö.") == ["Kalmar"]


def test_towns_stand_for_their_municipality() -> None:
    assert tag("Färjan till Visby ställs in") == ["Gotland"]
    assert tag("Ny skola i Huskvarna") == ["Jönköping"]


def test_a_locality_alone_tags_its_municipality() -> None:
    body = "En bil körde av vägen i Kåge på tisdagen."
    assert tag("Bil i diket", "", body) == ["Skellefteå"]
    assert tag("Kåges nya skola invigs") == ["Skellefteå"]  # genitive, sentence-initial


@pytest.mark.parametrize(
    ("title", "want"),
    [
        ("Ny förskola i Alfta", "Ovanåker"),
        ("Gruvan i Grängesberg kan öppna igen", "Ludvika"),
        ("Man knivskuren i Nödinge", "Ale"),
        ("Surtes vårdcentral stänger", "Ale"),
        ("Skolan i Dals Långed får ny rektor", "Bengtsfors"),
        ("Pappersbruket i Skärblacka varslar", "Norrköping"),
        ("Ny livsmedelsbutik i Mullhyttan", "Lekeberg"),
        ("Hamnen i Karlholmsbruk rustas", "Tierp"),
        ("Vägen mellan Hede och Vemdalen stängd", "Härjedalen"),
        ("Skottlossning i Rinkeby", "Stockholm"),
    ],
)
def test_localities_stand_for_their_municipality(title: str, want: str) -> None:
    assert tag(title, "Polisen är på plats.") == [want]


@pytest.mark.parametrize(
    ("title", "lead", "want"),
    [
        ("Bro får ny skola", "", []),  # sentence-initial: "bro" is also a bridge
        ("Ny skola i Bro", "", ["Upplands-Bro"]),
        ("Ny skola", "Skolan i Bro öppnar i augusti.", ["Upplands-Bro"]),
        ("Bron i Bros centrum rustas", "", []),  # a genitive after "i" is no context
        ("Boliden ökar vinsten", "Gruvbolaget redovisar ett starkt kvartal.", []),
        ("Ny skola i Boliden", "", ["Skellefteå"]),
        ("Åsa Lindqvist blir ny förvaltningschef", "", []),  # a first name
        ("Inbrott i Åsa", "Polisen söker vittnen.", ["Kungsbacka"]),
        ("Bofors", "Bofors anställer 200.", []),
    ],
)
def test_ambiguous_localities_need_context(title: str, lead: str, want: list[str]) -> None:
    assert tag(title, lead) == want


def test_ambiguous_locality_counts_with_its_municipality_named_or_home() -> None:
    # a passing body mention alone is not enough; with the headline's "Bro" it is
    body = "Inget är klart än.\n\nBeslutet fattas i Upplands-Bro i maj."
    assert tag("Nya bostäder planeras", "", body) == []
    assert tag("Bro växer", "", body) == ["Upplands-Bro"]
    assert tag("Bro växer", "Nya bostäder planeras.") == []
    assert tag("Bro växer", "Nya bostäder planeras.", home_municipality="Upplands-Bro") == [
        "Upplands-Bro"
    ]


def test_two_body_mentions_count() -> None:
    body = "Nämnden i Tranås beslutade i går. Enligt förslaget ska Tranås spara."
    assert tag("Skolan får mindre pengar", "", body) == ["Tranås"]


@pytest.mark.parametrize(
    ("title", "lead", "want"),
    [
        ("Det kan vara svårt att få plats", "", []),
        ("Ny detaljplan för Vara", "", []),  # no context: "för" is not a place preposition
        ("Beslut i Vara kommun", "", ["Vara"]),
        ("Marks kommun säger nej", "", ["Mark"]),
        ("Bygget tar mark i anspråk", "", []),
        ("Familjen flyttar till Mora", "", ["Mora"]),
        ("Mora är en fin klocka", "", []),  # sentence-initial: could be anything
        ("Anders Berg säger nej", "", []),  # a surname, not the municipality Berg
        ("Nora Lund öppnar kafé", "", []),  # a first name and a surname
        ("Bistron La Sala öppnar", "", []),
        ("Kil", "Skolan i Kil får ny rektor.", ["Kil"]),
    ],
)
def test_ambiguous_names_need_context(title: str, lead: str, want: list[str]) -> None:
    assert tag(title, lead) == want


def test_regions_are_not_municipalities() -> None:
    assert tag("Orange varning för Kalmar län") == []
    assert tag("Ny direktör för Region Stockholm") == []
    assert tag("Region Jönköpings län höjer avgiften") == []
    assert tag("Region Gotland bygger nytt") == ["Gotland"]
    assert tag("Storm i Skåne, Blekinge och Gotland", "Vindarna tilltar.") == []


def test_dateline_is_not_what_the_story_is_about() -> None:
    body = "Växjö (TT) Landshövdingen avgår efter fyra år."
    got = tag("Landshövdingen avgår", "", body, home_municipality="")
    assert got == []


def test_list_introduced_by_kommunerna_counts_each_name() -> None:
    body = (
        "Förbundets direktion, där medlemskommunerna Eksjö, Nässjö, Aneby och Sävsjö ingår,"
        " fattade beslutet."
    )
    got = tag("Räddningstjänsten satsar på värn", "", body)
    assert set(got) == {"Eksjö", "Nässjö", "Aneby", "Sävsjö"}


def test_neighbours_compared_are_not_tagged() -> None:
    got = tag(
        "Sandviken höjer skatten",
        "Skattesatsen i Sandviken höjs med 50 öre.",
        "Skatten blir därmed högre än i grannkommunerna Gävle och Hofors. Många bor i Gävle.",
    )
    assert got == ["Sandviken"]


def test_home_municipality_prior() -> None:
    # named once in the body, after the opening paragraph: with the prior it counts
    story = (
        "Nya rutiner i hemtjänsten",
        "",
        "Från måndag gäller nya rutiner för besöken.\n\nHemtjänsten i Eksjö har fått dem.",
    )
    assert tag(*story) == []
    assert tag(*story, home_municipality="Eksjö") == ["Eksjö"]
    # nothing named: the source's home is the tag
    assert tag("Storebro skola får ny rektor", home_municipality="Vimmerby") == ["Vimmerby"]
    # another municipality named strongly: the home one is not added
    assert tag("Ny rektor i Hultsfred", home_municipality="Vimmerby") == ["Hultsfred"]


def test_unmarked_lead_counts_as_lead() -> None:
    # without a marked lead the opening paragraph does the lead's work: one mention is enough
    assert tag("Bil i diket", "", "En bil körde av vägen i Tibro på onsdagen.") == ["Tibro"]
    assert tag("Bil i diket", "", "Ingen skadades.\n\nBilen körde av vägen i Tibro.") == []


def test_list_of_municipalities_in_the_lead() -> None:
    got = tag(
        "Gemensam räddningschef",
        "Från januari leder hon räddningstjänsten för Hudiksvall, Nordanstig, Söderhamn,"
        " Bollnäs och Ovanåker.",
        "Förbundet bildades förra året.",
    )
    assert got == ["Hudiksvall", "Nordanstig", "Söderhamn", "Bollnäs", "Ovanåker"]
    # three examples in a quote are not what the story is about
    quoted = tag(
        "Tidningen byter form",
        "Chefredaktören om den nya satsningen.",
        "Planerna presenterades i går.\n\n– Vi ska bevaka Gävle, Sandviken och Ockelbo, säger hon.",
    )
    assert quoted == []


def test_a_list_that_opens_with_ambiguous_names() -> None:
    """An ambiguous name next to another ambiguous one in a list counts once the list has a
    plain name: each joins through its neighbour."""
    got = tag(
        "Gemensam miljöchef",
        "Hon blir miljöchef för Mark, Bjuv, Perstorp och Svalöv.",
        "Tjänsten är ny.",
    )
    assert got == ["Mark", "Bjuv", "Perstorp", "Svalöv"]


def test_a_region_named_after_two_landscapes_is_no_municipality() -> None:
    assert tag("Ny direktör i Jämtland Härjedalen", "", "Rekryteringen är klar.") == []
    assert tag("Ny chef i Härjedalen", "", "Härjedalens kommun har rekryterat.") == ["Härjedalen"]


def test_second_genitive_stem_and_body_compounds() -> None:
    assert tag("Beslut i Falu kommunfullmäktige", "", "Fullmäktige sammanträdde.") == ["Falun"]
    assert tag("Ny taxa", "", "Falu kommun höjer taxan.") == ["Falun"]


def test_ambiguous_name_counts_when_named_with_context_elsewhere() -> None:
    story = ("Noras VA-taxa höjs", "", "Avgiften höjs.\n\nNora kommun tar beslutet i maj.")
    assert tag(*story) == ["Nora"]
    assert tag("Noras nya kapten", "", "Laget vann igen.") == []


def test_home_prior_not_for_wire_copy() -> None:
    article = Article(
        url="u",
        canonical_url="u",
        source="t",
        title="SMHI varnar för storm",
        body="Ett lågtryck närmar sig.",
        authors=["TT"],
    )
    got = enrich(article, home_municipality="Vimmerby", home_region="Kalmar län")
    assert got.wire == "TT"
    assert got.municipalities == []
    assert got.regions == []


def test_order_by_weight_and_regions() -> None:
    article = Article(
        url="u",
        canonical_url="u",
        source="t",
        title="Säkerhetssamordnaren i Vimmerby byter jobb",
        lead="Han börjar i Jönköping i höst. Vimmerby kommun söker en ersättare.",
    )
    got = enrich(article)
    assert got.municipalities == ["Vimmerby", "Jönköping"]
    assert got.regions == ["Kalmar län", "Jönköpings län"]


def test_lookup_helpers() -> None:
    assert lookup("Vimmerbys") is not None
    assert lookup("Jönköpings kommun") is not None
    assert lookup("Upplands Väsby") is not None
    assert lookup("Atlantis") is None
    kage = lookup("Kåge")
    assert kage is not None
    assert kage.name == "Skellefteå"
    assert official_name("Göteborg") == "Göteborgs stad"
    assert official_name("Gotland") == "Region Gotland"
    assert regions_of(["Eksjö", "Nässjö", "Kalmar"]) == ["Jönköpings län", "Kalmar län"]


def test_a_dateline_in_capitals_names_the_place() -> None:
    body = "BERG (JT) I december stängde banken sitt kontor.\n\nMånga är kritiska."
    assert tag("Bankkontoret stänger", "", body, home_municipality="Östersund") == ["Berg"]
    assert tag("Liftarna startar", "", "MALUNG-SÄLEN – Säsongen börjar i helgen.") == [
        "Malung-Sälen"
    ]
    # capitals inside a sentence are no dateline
    assert tag("Nytt", "", "Det sade BERG i ett uttalande om saken.") == []


def test_a_dateline_alone_on_its_line_outweighs_a_passing_home() -> None:
    """A dateline alone on its line names the place, and weighs as a lead mention would:
    more than the publisher's home named once in the body."""
    body = (
        "MÖRBYLÅNGA\nSocialnämnden fick en ny ordförande på tisdagen.\n\n"
        "Beslutet väntas i Borgholm också."
    )
    assert tag("Ny ordförande i nämnden", "", body, home_municipality="Borgholm")[0] == (
        "Mörbylånga"
    )


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.corren.se/nyheter/vadstena/ny-skola-om123", "Vadstena"),
        ("https://nwt.se/torsby/2017/03/07/beslut", "Torsby"),
        ("https://ekuriren.se/strangnas/budgeten-klar", "Strängnäs"),
        ("https://tidning.se/nyheter/upplands-vasby/story", "Upplands Väsby"),
        ("https://lansposten.se/kommun/nora/page/3", "Nora"),  # ambiguous, after "kommun"
        ("https://tidning.se/nora/page/3", ""),  # ambiguous without "kommun"
        ("https://www.svt.se/nyheter/lokalt/uppsala/story", ""),  # a county's desk
        ("https://tidning.se/vadstena/motala/story", ""),  # two: no section
        ("https://tidning.se/nyheter/story", ""),
        ("not a url", ""),
        ("http://[::1/vadstena/", ""),  # unreadable: no error
    ],
)
def test_section_municipality(url: str, want: str) -> None:
    assert section_municipality(url) == want


def test_a_local_papers_section_is_the_home_of_its_stories() -> None:
    """A story filed under a municipality's section that names no municipality is about it,
    rather than about the paper's home town."""
    article = published_at(
        "https://www.corren.se/nyheter/vadstena/beslut-om5",
        "Förordnandet förlängs",
        "Kommunstyrelsen beslutade i juni att förlänga kommundirektörens förordnande.",
        home_municipality="Linköping",
    )
    assert article.municipalities == ["Vadstena"]


@pytest.mark.parametrize(
    ("url", "want"),
    [
        ("https://www.hoor.se/nyheter/page/3/#notis", "Höör"),
        ("https://morakommun.se/nyheter/ny-taxa", "Mora"),
        ("https://nyheter.goteborg.se/artikel", "Göteborg"),
        ("https://www.malung-salen.se/nyheter/", "Malung-Sälen"),
        ("https://www.corren.se/nyheter/vadstena/story", ""),
        ("https://hoor.example.com/nyheter", ""),
        ("https://habo.se/nyheter", ""),  # Habo or Håbo: both fold to "habo"
        ("", ""),
        ("http://[::1", ""),
    ],
)
def test_publisher_municipality(url: str, want: str) -> None:
    assert publisher_municipality(url) == want


def test_a_municipalitys_own_news_is_municipal_and_about_it() -> None:
    article = published_at(
        "https://www.filipstad.se/nyheter/simhallen-stangd",
        "Simhallen är stängd tills vidare",
        "Simhallen håller stängt medan taket undersöks. Vi återkommer med besked.",
    )
    assert article.municipalities == ["Filipstad"]
    assert "municipal" in article.kinds
    # a story of its own that names another municipality is about both
    elsewhere = published_at(
        "https://www.filipstad.se/nyheter/raddningschef",
        "Räddningschefen blir brandingenjör i Stockholm",
        "Räddningschefen Kim Ahl har fått en tjänst som brandingenjör i Stockholms stad.",
    )
    assert elsewhere.municipalities == ["Stockholm", "Filipstad"]


def test_an_address_with_its_county_says_where() -> None:
    """A police notice's address line ("Norra Backa, Borlänge, Dalarnas län") names the
    municipality as a dateline does; a list of regions still names none."""
    body = "En person greps efter en stöld i en butik.\n\nNorra Backa, Borlänge, Dalarnas län"
    assert tag("Stöld", "", body) == ["Borlänge"]
    assert tag("Storm", "", "Stormen drog in över Dalarna, Gävleborg och Värmland.") == []


def test_a_new_job_in_another_municipality_tags_both() -> None:
    """As in the seed story: leaving Vimmerby for Jönköping is news for both, even when the
    new employer is named only in passing; a region's name is no municipality's."""
    got = tag(
        "Socialchefen lämnar",
        "Socialchefen Kim Ahl i Vimmerby kommun slutar.",
        "I stället blir hon ny vd för Linköpings motsvarighet Stångåstaden.",
    )
    assert got == ["Vimmerby", "Linköping"]
    regional = tag(
        "Socialchefen lämnar",
        "Socialchefen Kim Ahl i Vimmerby kommun slutar.",
        "Hon har fått en tjänst som direktör i Region Stockholm.",
    )
    assert regional == ["Vimmerby"]


def test_a_county_wide_story_is_not_the_home_municipalitys() -> None:
    """The home municipality stands for a local story that names no other, not for one whose
    headline or lead is about the whole county."""
    body = "Det kan komma upp till tio centimeter snö under natten, enligt SMHI."
    assert tag("Snövarning för hela länet", body=body, home_municipality="Falun") == []
    assert tag("Snövarning i natt", body=body, home_municipality="Falun") == ["Falun"]


def test_a_diocese_is_no_municipality() -> None:
    assert tag("Ny kyrkoherde i Linköpings stift", body="Biskopen välkomnade honom.") == []
