"""Personnel and municipal phrasings seen on real local-news and municipality pages (issue 14).

Every text here is written for the test; the structures are the ones real pages use.
"""

from __future__ import annotations

import pytest

from crawler.enrich import enrich
from crawler.enrich.doc import Doc
from indexer.article import Article


def run(title: str, body: str, lead: str = "", home: str = "") -> Article:
    article = Article(url="u", canonical_url="u", source="t", title=title, lead=lead, body=body)
    return enrich(article, home_municipality=home)


def change_of(article: Article, name: str) -> str | None:
    """The change the story gives ``name`` (None also when the person is not listed)."""
    return next((p.change for p in article.people if p.name == name), None)


@pytest.mark.parametrize(
    ("title", "body", "name", "change"),
    [
        (
            "Socialchefen begär tjänstledigt",
            "Socialchefen Karin Ålund har begärt tjänstledigt i ett år från Ludvika kommun.",
            "Karin Ålund",
            "leaving",
        ),
        (
            "Rektorn lämnar",
            "Rektorn på Kyrkskolan, Peter Hamrin, lämnar sin tjänst på egen begäran.",
            "Peter Hamrin",
            "resigned",
        ),
        (
            "Hon förordas som ny kommunchef",
            "Lena Myrberg förordas som ny kommunchef i Ljusdals kommun.",
            "Lena Myrberg",
            "appointed",
        ),
        (
            "Ny tjänst för förvaltningschefen",
            "Förvaltningschefen Ola Persson går över till en nyinrättad tjänst som strateg.",
            "Ola Persson",
            "new_job",
        ),
        (
            "Ny vd för bostadsbolaget",
            "Anna Lindqvist blir vd för det kommunala bostadsbolaget från den 1 mars.",
            "Anna Lindqvist",
            "appointed",
        ),
        (
            "Gemensam räddningschef",
            "Från första januari är Tomas Brink gemensam räddningschef för de tre kommunerna.",
            "Tomas Brink",
            "appointed",
        ),
    ],
)
def test_personnel_phrasings(title: str, body: str, name: str, change: str) -> None:
    article = run(title, body)
    assert change_of(article, name) == change
    assert "personnel" in article.kinds


def test_staying_on_is_not_an_appointment() -> None:
    article = run("Rektorn stannar", "Peter Hamrin blir kvar som rektor på Kyrkskolan i Orsa.")
    assert "personnel" not in article.kinds


def test_a_state_of_leave_is_not_news() -> None:
    article = run(
        "Ny chef för förvaltningen under våren",
        "Malin Ek vikarierar som förvaltningschef medan Tomas Berg är tjänstledig.",
    )
    assert change_of(article, "Malin Ek") == "acting"
    assert change_of(article, "Tomas Berg") is None


@pytest.mark.parametrize(
    ("title", "body"),
    [
        ("Kommunen söker ny socialchef", "Rekryteringen har inletts och pågår till mars."),
        ("Ny vd på Svalövsbostäder", "Styrelsen presenterar sitt val i nästa vecka."),
        ("Avgående kommunchefen får avgångsvederlag", "Beskedet kom på tisdagen."),
        ("Kommunchefen har sagt upp sig", "Beskedet kom på tisdagen i ett pressmeddelande."),
        ("Klart: bostadsbolagets styrelse fick sparken", "Beslutet togs av fullmäktige."),
        ("Hela presidiet i nämnden avgår", "Beskedet kom på tisdagen."),
    ],
)
def test_post_changes_without_a_named_person(title: str, body: str) -> None:
    assert "personnel" in run(title, body, home="Svalöv").kinds


def test_a_role_in_the_headline_without_change_is_not_personnel() -> None:
    article = run("Kommunchefen om budgetläget", "Kommunchefen presenterade siffrorna i går.")
    assert "personnel" not in article.kinds


@pytest.mark.parametrize(
    ("title", "body", "home"),
    [
        (
            "Förslag till ny VA-taxa",
            "Taxan för vatten och avlopp föreslås höjas med tio procent från april.",
            "Heby",
        ),
        (
            "Byggstart för nytt särskilt boende",
            "Kommunstyrelsen beslutade på tisdagen att ett nytt särskilt boende ska byggas.",
            "Mora",
        ),
        (
            "Detaljplanen är antagen",
            "Detaljplanen för kvarteret Hägern har antagits och vinner laga kraft i juni.",
            "Tanum",
        ),
    ],
)
def test_short_municipal_notices(title: str, body: str, home: str) -> None:
    article = run(title, body, home=home)
    assert "municipal" in article.kinds
    assert article.municipalities == [home]


def test_a_short_notice_about_a_private_business_is_not_municipal() -> None:
    article = run(
        "Ny butik öppnar", "En ny klädbutik öppnar vid torget i Mora på lördag.", home="Mora"
    )
    assert "municipal" not in article.kinds


@pytest.mark.parametrize(
    ("body", "name", "role", "change"),
    [
        (
            "Roko Kursar (L) avsäger sig sitt uppdrag som ledamot i nämnden.",
            "Roko Kursar",
            "ledamot i nämnden",
            "resigned",
        ),
        (
            "Eva-Lotta Härdig Eriksson (S) blir kommunalråd i Storfors.",
            "Eva-Lotta Härdig Eriksson",
            "kommunalråd",
            "appointed",
        ),
        (
            "Förvaltningens chef Claes Wiridén har gått in som tillförordnad chef.",
            "Claes Wiridén",
            "chef",
            "acting",
        ),
        (
            "* Grundskolechef: Kajsa Mellner-Daxberg. Hon börjar i januari.",
            "Kajsa Mellner-Daxberg",
            "grundskolechef",
            None,
        ),
    ],
)
def test_names_real_pages_give(body: str, name: str, role: str, change: str | None) -> None:
    article = run("Förändringar i ledningen", body)
    person = next(p for p in article.people if p.name == name)
    assert role in person.roles
    assert person.change == change


def test_a_surname_in_the_genitive_is_the_surname() -> None:
    article = run(
        "Förordnandet förlängs",
        "Kommunstyrelsen beslutade att tillförordnade kommundirektören Henrik Hendebys"
        " förordnande förlängs till mars.",
    )
    assert [p.name for p in article.people] == ["Henrik Hendeby"]


@pytest.mark.parametrize(
    "title",
    [
        "Förvaltning söker chef en gång till",
        "Vd sökes till bostadsbolaget",
        "Chefen i kommunen har sagt upp sig",
    ],
)
def test_headlines_about_a_post_without_a_named_title(title: str) -> None:
    assert "personnel" in run(title, "Mer information kommer senare i veckan.").kinds


@pytest.mark.parametrize(
    ("body", "names"),
    [
        (
            "Lars Holmberg (M) valdes som ordförande i kulturnämnden, med Siv Ekdahl (C) som"
            " förste vice ordförande och nuvarande ordföranden Mona Brandt (S) som andre vice"
            " ordförande.",
            ["Lars Holmberg", "Siv Ekdahl", "Mona Brandt"],
        ),
        (
            "Karin Dahl (KD) föreslogs som förste vice ordförande i tekniska nämnden och Olle"
            " Berg (S) som andre vice ordförande.",
            ["Karin Dahl", "Olle Berg"],
        ),
    ],
)
def test_others_elected_in_the_same_sentence(body: str, names: list[str]) -> None:
    """An election (or a proposal) told once for a whole presidium: each person named with a
    title after "som", joined by "med" or "och", is elected too."""
    article = run("Nytt presidium i nämnden", body)
    assert [change_of(article, name) for name in names] == ["appointed"] * len(names)


def test_a_title_in_another_sentence_is_not_an_election() -> None:
    article = run(
        "Ny ordförande i kulturnämnden",
        "Lars Holmberg (M) valdes in som ordförande i kulturnämnden. Siv Ekdahl (C), som är"
        " vice ordförande sedan tidigare, och Mona Brandt (S) som ledamot tycker att det blev"
        " ett bra val.",
    )
    assert change_of(article, "Lars Holmberg") == "appointed"
    assert change_of(article, "Siv Ekdahl") is None
    assert change_of(article, "Mona Brandt") is None


@pytest.mark.parametrize(
    ("title", "name", "change"),
    [
        ("Mats Holm ny kommundirektör i Salem", "Mats Holm", "appointed"),
        ("Eva Ek tillförordnad kommunchef i Askersund", "Eva Ek", "acting"),
    ],
)
def test_a_headline_without_a_verb(title: str, name: str, change: str) -> None:
    """A headline that is only a name and a new (or acting) title tells the change."""
    article = run(title, "Beslutet fattades av kommunstyrelsen på tisdagen.")
    assert change_of(article, name) == change


@pytest.mark.parametrize(
    ("body", "name", "change"),
    [
        (
            "Socialchefen Annika Berg gjorde sin sista arbetsdag i fredags.",
            "Annika Berg",
            "leaving",
        ),
        ("Rektorn Per Ek tvingades bort från sin tjänst i mars.", "Per Ek", "dismissed"),
        ("Kim Ahl avslutade sin anställning som skolchef i maj.", "Kim Ahl", "leaving"),
        ("Skolchefen Kim Ahl avslutar sitt uppdrag i maj.", "Kim Ahl", "leaving"),
        ("Tränaren Jonas Lind fick tacka för sig efter säsongen.", "Jonas Lind", "dismissed"),
        (
            "Ekonomichefen Lena Holm övergår till tjänsten som regiondirektör i maj.",
            "Lena Holm",
            "new_job",
        ),
    ],
)
def test_last_days_forced_exits_and_moves(body: str, name: str, change: str) -> None:
    assert change_of(run("Förändringar i ledningen", body), name) == change


@pytest.mark.parametrize(
    ("body", "name", "change"),
    [
        ("Även moderaten Ed Kahrs lämnar presidiet efter valet.", "Ed Kahrs", "leaving"),
        ("KD:s Ib Nåhls föreslogs som ordförande i kulturnämnden.", "Ib Nåhls", "appointed"),
        ("Centerns Ib Nåhls blir ny ordförande i kulturnämnden.", "Ib Nåhls", "appointed"),
    ],
)
def test_a_party_members_name_whatever_the_first_name(body: str, name: str, change: str) -> None:
    """A party member's word ("moderaten") or a party's genitive ("KD:s", "Centerns") before
    two capitalised words makes them a name, as a party tag after them does."""
    assert change_of(run("Nytt presidium", body), name) == change


@pytest.mark.parametrize(
    ("body", "name", "change"),
    [
        # the appointment is to the title after "till", not the one the clause gives
        (
            "Nämnden ska i morgon utse Lisa Ström, som i dag är biträdande skolchef, till"
            " tillförordnad skolchef.",
            "Lisa Ström",
            "acting",
        ),
        (
            "Tillförordnad miljöchef blir Omar Haddad, som i dag är enhetschef för tillsynen.",
            "Omar Haddad",
            "acting",
        ),
        # an acting title held before is background to the permanent one taken
        (
            "Britt Lund blir ny skolchef i kommunen. Britt har varit tf skolchef under våren.",
            "Britt Lund",
            "appointed",
        ),
        # no title taken, but an acting one held: the acting post goes on
        (
            "Den tillförordnade skolchefen Britt Lunds förordnande förlängs till sommaren.",
            "Britt Lund",
            "acting",
        ),
        ("Britt Lund tillförordnas som skolchef från den 1 mars.", "Britt Lund", "acting"),
        ("Konsulten Britt Lund är interimchef på förvaltningen.", "Britt Lund", "acting"),
        ("Britt Lund axlar rollen som skolchef från hösten.", "Britt Lund", "appointed"),
        (
            "Sedan dess har Britt Lund tillfälligt axlat rollen som skolchef.",
            "Britt Lund",
            "acting",
        ),
    ],
)
def test_acting_posts(body: str, name: str, change: str) -> None:
    assert change_of(run("Ledningen av förvaltningen", body), name) == change


def test_tillforordnande_is_acting() -> None:
    """A common slip for "tillförordnade" reads the same."""
    article = run(
        "Ledningen av förvaltningen",
        "Den tillförordnande skolchefen Britt Lunds förordnande förlängs till sommaren.",
    )
    (person,) = article.people
    assert (person.change, person.new_role) == ("acting", "tillförordnad skolchef")


@pytest.mark.parametrize(
    ("body", "name", "change"),
    [
        ("I våras avsade sig moderaten Kim Ahl sin plats i nämnden.", "Kim Ahl", "resigned"),
        ("I våras avsade sig Kim Ahl sin plats i nämnden.", "Kim Ahl", "resigned"),
        ("Ny ordinarie ledamot i nämnden blir Kim Ahl.", "Kim Ahl", "appointed"),
    ],
)
def test_council_seats(body: str, name: str, change: str) -> None:
    """A reflexive or a party member's word between the verb and its subject in V2 order,
    and "ordinarie" before a title."""
    assert change_of(run("Förändringar i fullmäktige", body), name) == change


def test_a_colon_between_title_and_name_is_no_organisation() -> None:
    article = run("Ny ledning", "Gymnasiechef: Kim Ahl. Hon har haft tjänsten i några år.")
    (person,) = article.people
    assert (person.roles, person.organisation) == (["gymnasiechef"], None)


@pytest.mark.parametrize(
    ("body", "name"),
    [
        ("Ersättare i nämnden blir Kim Ahl (C).", "Kim Ahl"),
        ("På mötet valdes en ny styrelse och ordförande i bolaget blev Kim Ahl (M).", "Kim Ahl"),
        ("Partiet har kommit in med nominering av Kim Ahl (M) som ledamot i nämnden.", "Kim Ahl"),
        ("Till vice ordförande i nämnden valdes Kim Ahl (L) på tisdagen.", "Kim Ahl"),
    ],
)
def test_a_title_given_to_a_name(body: str, name: str) -> None:
    """A title as the subject of "blir"/"blev" with the name after it, also in a clause
    after "och", and a party's nomination, are appointments."""
    assert change_of(run("Förändringar i nämnden", body), name) == "appointed"


def test_a_title_that_is_held_is_no_appointment() -> None:
    article = run("Om nämnden", "Ordförande i nämnden är Kim Ahl (M) sedan valet.")
    assert change_of(article, "Kim Ahl") is None


@pytest.mark.parametrize(
    ("body", "name", "roles"),
    [
        # a chair keeps the committee, as the member titles do
        ("Kim Ahl (S) är ordförande i socialnämnden.", "Kim Ahl", ["ordförande i socialnämnden"]),
        (
            "Den nya ordföranden för socialnämnden heter Kim Ahl (C).",
            "Kim Ahl",
            ["ordförande i socialnämnden"],
        ),
        # an acting title held keeps its "tillförordnad"
        (
            "I juni lämnar den tillförordnade socialchefen Kim Ahl sin anställning.",
            "Kim Ahl",
            ["tillförordnad socialchef"],
        ),
    ],
)
def test_titles_as_labelled(body: str, name: str, roles: list[str]) -> None:
    article = run("Förändringar i kommunen", body, home="Vimmerby")
    person = next(p for p in article.people if p.name == name)
    assert person.roles == roles
    assert person.organisation == "Vimmerby kommun"


def test_a_body_without_breaks_opens_with_its_lead() -> None:
    """Text extracted without its paragraph breaks still has a lead: its opening sentence
    (a change told there makes the story personnel news)."""
    body = "Vd:n sparkad och halva styrelsen har avgått. " + (
        "Bolaget har haft ett turbulent år med flera konflikter i ledningen. " * 8
    )
    doc = Doc("Bråk i bostadsbolaget", "", body)
    assert doc.text[doc.lead_start : doc.body_start].strip() == (
        "Vd:n sparkad och halva styrelsen har avgått."
    )
    assert "personnel" in run("Bråk i bostadsbolaget", body).kinds


@pytest.mark.parametrize(
    "body",
    [
        "Kim Ahl (M) lämnar rollen som kommunstyrelsens ordförande på eget initiativ.",
        "Rektorn på skolan, Kim Ahl, väljer nu att avsluta sin anställning efter terminen.",
        "Kommunchefen Kim Ahl har valt att lämna sin tjänst.",
    ],
)
def test_leaving_by_choice_is_resigning(body: str) -> None:
    article = run("Förändringar i kommunen", body, home="Vimmerby")
    (person,) = article.people
    assert person.change == "resigned"
    assert person.organisation != "eget"


@pytest.mark.parametrize(
    ("body", "change"),
    [
        ("Kim Ahl (MP) har hoppat av kommunfullmäktige efter tio år.", "resigned"),
        ("Kim Ahl hoppade av som gruppledare i fullmäktige i maj.", "resigned"),
        ("Kim Ahl hoppade av loppet efter tio kilometer.", None),  # a race is no post
    ],
)
def test_stepping_down_from_a_council(body: str, change: str | None) -> None:
    assert change_of(run("Politik", body), "Kim Ahl") == change


def test_a_coachs_change_is_no_personnel_news() -> None:
    """A club's coach is no post the archive follows, whatever the story says of them."""
    article = run("Tränaren lämnar klubben", "Tränaren Kim Ahl slutar efter säsongen.")
    assert "personnel" not in article.kinds


@pytest.mark.parametrize(
    ("body", "change"),
    [
        ("Till sommaren lämnar Kim Ahl sin tjänst som skolchef för att gå i pension.", "retired"),
        ("I maj lämnade Kim Ahl tjänsten som skolchef för att bli rektor i Mora.", "new_job"),
    ],
)
def test_a_purpose_clause_has_the_sentences_subject(body: str, change: str) -> None:
    assert change_of(run("Byte i skolan", body), "Kim Ahl") == change


@pytest.mark.parametrize(
    ("title", "body", "change"),
    [
        # a headline drops the article: the title without one is the subject too
        (
            "Rektor på Ekskolan säger upp sig",
            "Kim Ahl har varit rektor på Ekskolan i två år.",
            "resigned",
        ),
        # leaving a post says no more than that
        ("Kommunchef lämnar sitt uppdrag", "Kim Ahl har varit kommunchef i sju år.", "leaving"),
    ],
)
def test_headlines_without_articles(title: str, body: str, change: str) -> None:
    assert change_of(run(title, body), "Kim Ahl") == change


def test_a_demonstrative_is_no_organisation() -> None:
    article = run(
        "Ny regiondirektör",
        "Kim Ahl blir ny regiondirektör för den region som bildas vid årsskiftet.",
    )
    (person,) = article.people
    assert person.organisation != "den"
    assert article.kinds == ["personnel", "municipal"]


@pytest.mark.parametrize(
    "body",
    [
        "Tills en ny skolchef har rekryterats tar Kim Ahl över ansvaret för förvaltningen.",
        "I väntan på en ny skolchef tar Kim Ahl över ansvaret för förvaltningen.",
    ],
)
def test_holding_a_post_until_it_is_filled_is_acting(body: str) -> None:
    assert change_of(run("Ledningen av förvaltningen", body), "Kim Ahl") == "acting"


@pytest.mark.parametrize(
    ("body", "change"),
    [
        ("Kommundirektör Kim Ahl gör sin sista dag i kommunen den 30 september.", "leaving"),
        ("Förvaltningschefen Kim Ahl intar rollen som biträdande kommundirektör.", "appointed"),
        # a title and its owner between the verb and the name in V2 order
        ("I januari lämnade Kungälvs kulturchef Kim Ahl sitt uppdrag.", "leaving"),
    ],
)
def test_last_days_roles_taken_and_titles_before_a_v2_subject(body: str, change: str) -> None:
    assert change_of(run("Ledningen", body), "Kim Ahl") == change


def test_in_grunden_is_no_organisation() -> None:
    article = run("Ny direktör", "Kim Ahl, som är civilekonom i grunden, blir ny regiondirektör.")
    (person,) = article.people
    assert person.organisation != "grunden"


@pytest.mark.parametrize(
    ("title", "lead", "name", "change"),
    [
        (
            "Kommunalrådet lämnar",
            "Kommunalrådet Leif Ström (S) begär entledigande från alla sina uppdrag.",
            "Leif Ström",
            "resigned",
        ),
        (
            "Nämndens ordförande går",
            "Eva Sand har begärt att få lämna nämnden.",
            "Eva Sand",
            "resigned",
        ),
        (
            "Ekonomichef klar",
            "Valet föll på Sofia Ström, som i dag arbetar som controller i Hultsfred.",
            "Sofia Ström",
            "appointed",
        ),
        (
            "Kommundirektören provar annat",
            "Kommundirektören Stina Ek är tjänstledig under ett år från Vimmerby kommun.",
            "Stina Ek",
            "leaving",
        ),
        (
            "Skolchefen byter kommun",
            "Skolchefen Anna Ek går till motsvarande tjänst i Eksjö kommun efter sommaren.",
            "Anna Ek",
            "new_job",
        ),
        (
            "Biträdande kommundirektör",
            "Då träder Olle Sten, chef för fastighetskontoret, in som biträdande"
            " kommundirektör till dess att en ordinarie är på plats.",
            "Olle Sten",
            "acting",
        ),
        (
            "Ny ordförande",
            "Anna Berg träder in som ordförande i kulturnämnden.",
            "Anna Berg",
            "appointed",
        ),
        ("Nämnden", "Bo Ek (V) tar åter över ordförandeklubban i nämnden.", "Bo Ek", "appointed"),
        (
            "Kulturen får chef",
            "Tills vidare är tekniska förvaltningens chef Petra Holm tillförordnad chef på"
            " kulturförvaltningen.",
            "Petra Holm",
            "acting",
        ),
        (
            "Kulturchef börjar i maj",
            "Tibro kommuns nya kulturchef heter Ylva Sten och kommer från Skara.",
            "Ylva Sten",
            "appointed",
        ),
        (
            "Näringslivschefen slutar",
            "Näringslivschefen Ylva Sten lämnar kommunen. Ylva Sten kommer nu i stället att bli"
            " fabrikschef på ett bageri.",
            "Ylva Sten",
            "new_job",
        ),
        (
            "Kommunchefen slutar",
            "Kommunchefen Ylva Sten vill lämna sin post för att arbeta i bolagen.",
            "Ylva Sten",
            "resigned",
        ),
        (
            "Vd:n slutar",
            "Vd Ylva Sten har sagt upp sig och lämnar för vd-jobbet på Kalmar Energi.",
            "Ylva Sten",
            "new_job",
        ),
        (
            "Beslut i styrelsen",
            "Styrelsen har beslutat att vd:n Ylva Lundgrens anställning avslutas.",
            "Ylva Lundgren",
            "dismissed",
        ),
        (
            "Beslut i styrelsen",
            "Fullmäktige godkände Ylva Lundgrens (S) avsägelse från uppdraget som ordförande.",
            "Ylva Lundgren",
            "resigned",
        ),
        (
            "Beslut i styrelsen",
            "Valberedningens ordförande Ylva Sten (S) fick sitt uppdrag återkallat.",
            "Ylva Sten",
            "dismissed",
        ),
        (
            "Beslut i styrelsen",
            "Ylva Sten aviserade sin avgång från tjänsten.",
            "Ylva Sten",
            "resigned",
        ),
        (
            "Beslut i styrelsen",
            "Förbundsdirektören Mattias Ek väljer nu att kliva av sin chefstjänst.",
            "Mattias Ek",
            "resigned",
        ),
        (
            "Beslut i styrelsen",
            "Ordföranden Ylva Sten har inkommit med sin avsägelse från uppdraget.",
            "Ylva Sten",
            "resigned",
        ),
    ],
)
def test_requests_choices_leaves_new_heads_and_steps_in(
    title: str, lead: str, name: str, change: str
) -> None:
    assert change_of(run(title, "Beskedet kom på tisdagen.", lead=lead), name) == change


def test_a_leave_told_only_in_the_body_is_background() -> None:
    article = run(
        "Ny ledning för skolan",
        "Tomas Berg, som har varit rektor sedan 2019, är tjänstledig under våren.",
        lead="Malin Ek blir tillförordnad rektor på Tunaskolan.",
    )
    assert change_of(article, "Malin Ek") == "acting"
    assert change_of(article, "Tomas Berg") is None


def test_an_organisations_new_chef_and_a_head_replaced_in_the_headline() -> None:
    """A bare "chef" after an owner's genitive and "nya" is a title; a headline saying the
    employer replaces a head is personnel news without a named person."""
    article = run("Nytt ansikte på biblioteket", "Lena Holm är bibliotekets nya chef sedan maj.")
    assert change_of(article, "Lena Holm") == "appointed"
    assert "personnel" in run("Kommunen byter IT-chef", "Beskedet kom på tisdagen.").kinds


@pytest.mark.parametrize(
    ("lead", "name", "change", "role"),
    [
        ("Den nya förvaltningen ska ledas av Rut Falk.", "Rut Falk", "appointed", None),
        ("Enheten kommer att ledas av Rut Falk från maj.", "Rut Falk", "appointed", None),
        (
            "Den som får jobbet som ekonomichef är Rut Falk.",
            "Rut Falk",
            "appointed",
            "ekonomichef",
        ),
        (
            "Till ny miljöchef har nämnden utsett Rut Falk.",
            "Rut Falk",
            "appointed",
            "miljöchef",
        ),
        ("Rut Falk har fått uppdraget att leda enheten.", "Rut Falk", "appointed", None),
        ("Bolagets nya vd blir Rut Falk.", "Rut Falk", "appointed", "vd"),
        ("Kommunen och skolchefen Rut Falk går skilda vägar.", "Rut Falk", "leaving", None),
        ("Rektorn Rut Falk har blivit uppsagd.", "Rut Falk", "dismissed", None),
        (
            "Nämnden beslutade att skilja miljöchefen Rut Falk från tjänsten.",
            "Rut Falk",
            "dismissed",
            None,
        ),
    ],
)
def test_changes_told_through_the_post_or_the_employer(
    lead: str, name: str, change: str, role: str | None
) -> None:
    article = run("Förändring i ledningen", "Beskedet kom på tisdagen.", lead=lead)
    assert change_of(article, name) == change
    if role is not None:
        assert role in next(p.roles for p in article.people if p.name == name)


def test_a_task_is_no_post() -> None:
    article = run(
        "Utredning", "Beskedet kom.", lead="Rut Falk har fått uppdraget att utreda saken."
    )
    assert change_of(article, "Rut Falk") is None


def test_a_name_after_a_title_and_its_place_is_no_part_of_the_organisation() -> None:
    article = run("Kommunchefen slutar", "Kommunchefen i Skellefteå Ylva Sten slutar i maj.")
    (person,) = article.people
    assert (person.name, person.organisation) == ("Ylva Sten", "Skellefteå kommun")


@pytest.mark.parametrize(
    ("lead", "name", "change"),
    [
        ("Men Ylva Sten går in som tillförordnad under hösten.", "Ylva Sten", "acting"),
        ("Som förste vice ordförande valdes M:s Ylva Sten.", "Ylva Sten", "appointed"),
        ("Den som nu får titeln personalchef är Ylva Sten.", "Ylva Sten", "appointed"),
        ("Tillsvidare leds förvaltningen av Ylva Sten.", "Ylva Sten", "acting"),
        ("I nämnden blev Ylva Sten ordförande efter valet.", "Ylva Sten", "appointed"),
        # the relative "som" is no title first; a team's coach is no post; a genitive is no
        # subject in V2 order
        ("Ylva Sten, som valdes 2018, kommenterar beslutet.", "Ylva Sten", None),
        ("Tillsvidare leds laget av Ylva Sten.", "Ylva Sten", None),
        (
            "Med åren blev Ylva Stens arbetsliv som kriminalpolis inriktat på barn.",
            "Ylva Stens",
            None,
        ),
        (
            "Efter omröstningen fick Ylva Sten (S) förtroendet att leda fullmäktige.",
            "Ylva Sten",
            "appointed",
        ),
        ("Ylva Sten, som går i pension i juni, efterträds av Per Ek.", "Per Ek", "appointed"),
        ("Nu lämnar räddningschefen Ylva Sten för pension.", "Ylva Sten", "retired"),
    ],
)
def test_titles_first_acting_heads_and_elected_chairs(
    lead: str, name: str, change: str | None
) -> None:
    assert change_of(run("Förändring i nämnden", "Beskedet kom.", lead=lead), name) == change


@pytest.mark.parametrize(
    ("lead", "names", "change"),
    [
        ("Ylva Sten och Per Ek går i pension i sommar.", ["Ylva Sten", "Per Ek"], "retired"),
        (
            "Socialchefen Ylva Sten och skolchefen Per Ek lämnar kommunen.",
            ["Ylva Sten", "Per Ek"],
            "leaving",
        ),
        (
            "Ylva Sten, Per Ek och Eva Lund går i pension efter terminen.",
            ["Ylva Sten", "Per Ek", "Eva Lund"],
            "retired",
        ),
        (
            "I juni lämnar både socialchefen Ylva Sten och den biträdande socialchefen Per Ek"
            " sina anställningar.",
            ["Ylva Sten", "Per Ek"],
            "leaving",
        ),
        (
            "Ylva Sten, kulturchef i kommunen, och Per Ek, vd för bolaget, har lämnat sina"
            " tjänster.",
            ["Ylva Sten", "Per Ek"],
            "leaving",
        ),
    ],
)
def test_subjects_joined_by_och_share_the_change(lead: str, names: list[str], change: str) -> None:
    article = run("Förändringar i ledningen", "Beskedet kom.", lead=lead)
    assert [change_of(article, name) for name in names] == [change] * len(names)


def test_a_name_before_och_in_another_clause_is_no_subject() -> None:
    article = run(
        "Rektorn slutar", "Beskedet kom.", lead="Eleverna tackade Ylva Sten, och Per Ek slutar."
    )
    assert change_of(article, "Per Ek") == "leaving"
    assert change_of(article, "Ylva Sten") is None


def test_years_of_service_in_a_headline_are_no_birthday() -> None:
    """ "efter 40 år" in a headline is no "Anna Berg 60 år" notice: the story stays news."""
    article = run(
        "Förskolechef pensioneras efter 40 år",
        "Efter 40 år går förskolechefen Ylva Sten i pension.",
        home="Vaggeryd",
    )
    assert "personnel" in article.kinds
    assert run("Ylva Sten 60 år", "Förskolechefen Ylva Sten fyller år.").kinds == []


def test_an_organisation_after_a_title_is_no_person() -> None:
    """Two capitalised words after a title make a name even with an unknown first name, but
    not when the second is a landscape: "ordförande Destination Småland AB"."""
    article = run(
        "Ny vd",
        "– Det känns bra, säger Ylva Sten, ordförande Destination Småland AB, som tar över"
        " som tillförordnad vd.",
    )
    assert [p.name for p in article.people] == ["Ylva Sten"]


def test_a_second_verb_after_och_has_the_subject_of_the_first() -> None:
    """ "när Anna lämnar organisationen och blir ny näringslivschef": the verb after "och"
    is Anna's, not the sentence's first name's."""
    article = run(
        "Ny vd",
        "Beskedet kom.",
        lead="Per Ek blir tillförordnad vd när Ylva Sten lämnar bolaget och blir ny"
        " näringslivschef i Växjö kommun.",
    )
    assert change_of(article, "Ylva Sten") == "new_job"
    assert change_of(article, "Per Ek") == "acting"


def test_a_person_the_headline_names_with_a_change_makes_personnel_news() -> None:
    """The headline gives only the name and a verb the rules do not read ("hoppar av"), the
    body the change: the story is about it."""
    article = run(
        "Ylva Sten hoppar av",
        "Kritiken har pågått länge.\n\nNu väljer förbundsdirektören Ylva Sten att kliva av"
        " sin chefstjänst.",
        lead="Biträdande tar över förbundet.",
    )
    assert change_of(article, "Ylva Sten") == "resigned"
    assert "personnel" in article.kinds
    quoted = run("Ylva Sten om budgeten", "Kommunalrådet Ylva Sten kommenterar budgeten.")
    assert "personnel" not in quoted.kinds


@pytest.mark.parametrize(
    ("lead", "name", "change"),
    [
        ("Rektorn Rut Falk fick lämna posten efter en turbulent höst.", "Rut Falk", "dismissed"),
        ("Rektorn Rut Falk blev ombedd att sluta i höstas.", "Rut Falk", "dismissed"),
        ("Kommunalrådet Rut Falk avtackades i fullmäktige i går.", "Rut Falk", "leaving"),
        (
            "I dag var det sista dagen på jobbet för kommunalrådet Rut Falk (C).",
            "Rut Falk",
            "leaving",
        ),
        (
            "Miljöchefen Rut Falk har blivit erbjuden en tjänst som enhetschef i Solna.",
            "Rut Falk",
            "new_job",
        ),
        (
            "Miljöchefen Rut Falk har sagt upp sig för att gå till en anställning vid SKR.",
            "Rut Falk",
            "new_job",
        ),
        (
            "Kyrkoherde Rut Falk installerades som kontraktsprost i söndags.",
            "Rut Falk",
            "appointed",
        ),
    ],
)
def test_forced_exits_farewells_offers_and_installations(lead: str, name: str, change: str) -> None:
    article = run("Förändring i ledningen", "Beskedet kom på tisdagen.", lead=lead)
    assert change_of(article, name) == change
    assert "personnel" in article.kinds


@pytest.mark.parametrize(
    ("title", "body", "name", "change"),
    [
        (
            "Lämnar Östergötland för Halland",
            "Rut Falk har varit regiondirektör i Östergötland sedan 2017. Hon börjar i juni.",
            "Rut Falk",
            "new_job",
        ),
        (
            "Går i pension efter 40 år",
            "Rektorn Rut Falk har arbetat på skolan sedan 1985.",
            "Rut Falk",
            "retired",
        ),
        (
            "Hon får nytt chefsjobb i kommunen",
            "Enligt skollagen ska varje huvudman utse en skolchef. Upptäcker skolchefen brister"
            " ska chefen försöka åtgärda dem.\n\nNämnden beslutade i går att utse kommunens"
            " bildningschef Rut Falk till att också vara skolchef i Vadstena kommun.",
            "Rut Falk",
            "appointed",
        ),
    ],
)
def test_a_headline_without_its_subject_is_about_the_person_named_first(
    title: str, body: str, name: str, change: str
) -> None:
    article = run(title, body)
    assert change_of(article, name) == change
    assert "personnel" in article.kinds


def test_a_headline_without_its_subject_is_not_given_to_a_bystander() -> None:
    """Another person has the headline's change by name: the first-named one keeps none."""
    article = run(
        "Lämnar efter 20 år",
        "Kommunstyrelsens ordförande Per Ek (S) meddelar att kommunchefen Rut Falk lämnar"
        " sin tjänst.",
    )
    assert change_of(article, "Rut Falk") == "leaving"
    assert change_of(article, "Per Ek") is None


def test_a_headline_change_about_nobody_named_makes_personnel_news_of_that_change() -> None:
    """The headline "Skolans chefer slutar" names no one; the story's rector has that change."""
    article = run(
        "Skolans chefer slutar",
        "Skolinspektionen har riktat hård kritik mot skolan.\n\nNu säger skolans rektor"
        " Rut Falk att hon slutar. Den biträdande rektorn slutar också.",
    )
    assert change_of(article, "Rut Falk") == "resigned"
    assert "personnel" in article.kinds


def test_a_headline_change_about_nobody_named_needs_someone_with_that_change() -> None:
    """The company leaves town; the new chief is another change: no personnel news."""
    article = run(
        "Bolaget lämnar Hjo",
        "Tillverkningen flyttas till Polen.\n\nRut Falk tillträder som ny vd för bolaget.",
    )
    assert "personnel" not in article.kinds


@pytest.mark.parametrize(
    ("lead", "name", "change"),
    [
        (
            "Kommunchefen Rut Falk lämnar sitt uppdrag för en roll som kommunsekreterare i Avesta.",
            "Rut Falk",
            "new_job",
        ),
        (
            "Socialchefen Rut Falk kommer att sluta i Arjeplog för att ta över som socialchef i"
            " Älvsbyn.",
            "Rut Falk",
            "new_job",
        ),
        (
            "I november meddelade museichefen Rut Falk att han slutar som chef.",
            "Rut Falk",
            "resigned",
        ),
        ("Rut Falk säger att hon lämnar över en organisation i god ordning.", "Rut Falk", None),
    ],
)
def test_going_for_another_role_and_saying_one_goes(
    lead: str, name: str, change: str | None
) -> None:
    article = run("Förändring i ledningen", "Beskedet kom på tisdagen.", lead=lead)
    assert change_of(article, name) == change
