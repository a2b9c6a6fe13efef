"""Unit tests for crawler.enrich.kinds: personnel and municipal stories."""

from __future__ import annotations

from crawler.enrich import enrich
from crawler.enrich.kinds import is_municipal
from crawler.enrich.people import Doc
from indexer.article import Article


def kinds(title: str, lead: str = "", body: str = "", home: str = "Vimmerby") -> list[str]:
    article = Article(url="u", canonical_url="u", source="t", title=title, lead=lead, body=body)
    return enrich(article, home_municipality=home).kinds


BUDGET = (
    "Fullmäktige klubbade budgeten",
    "Kommunfullmäktige i Vimmerby antog på tisdagen budgeten för 2025.",
    "Skattesatsen ligger kvar. Nämnderna ska spara 28 miljoner kronor, och barn- och "
    "utbildningsnämnden får bära den största delen. Taxan för vatten och avlopp höjs.\n\n"
    "– Det är en ansvarsfull budget, säger kommunstyrelsens ordförande Mats Ljunggren (C).",
)


def test_municipal_story() -> None:
    assert kinds(*BUDGET) == ["municipal"]


def test_personnel_story_about_a_municipal_employee() -> None:
    got = kinds(
        "Kommunchefen säger upp sig",
        "Vimmerby kommuns kommunchef Johan Rydén har sagt upp sig.",
        "Han slutar i oktober. Kommunstyrelsen ska rekrytera en efterträdare.",
    )
    assert got == ["personnel", "municipal"]


def test_personnel_story_at_a_company_is_not_municipal() -> None:
    got = kinds(
        "Ny vd för Sundbergs Förpackningar",
        "Helena Ström blir ny vd för Sundbergs Förpackningar i Kalmar.",
        "Hon tar över efter Björn Wahlgren. Bolaget har 140 anställda.",
        home="Kalmar",
    )
    assert got == ["personnel"]


def test_passing_mention_of_a_change_is_not_personnel() -> None:
    title, lead, body = BUDGET
    body += (
        "\n\nBudgeten är den sista som ekonomichefen Ylva Hammar lägger fram. Hon går i pension "
        "vid årsskiftet."
    )
    got = kinds(title, lead, body)
    assert got == ["municipal"]


def test_neither() -> None:
    got = kinds(
        "Kammarkören fyllde kyrkan",
        "Över 500 personer kom för att lyssna.",
        "– Det var fantastiskt, säger körledaren Birgitta Sand.",
    )
    assert got == []


def test_portrait_is_neither_whatever_offices_once_held() -> None:
    got = kinds(
        "Gunnar Ekström 90 år – mannen som räddade trästaden",
        "Förre kommunalrådet Gunnar Ekström fyller 90 år.",
        "Han var kommunalråd i Eksjö. Som ung fullmäktigeledamot stred han mot rivningarna. "
        "Kommunen byggde skolor och äldreboenden. Han lämnade politiken 1992.",
        home="Eksjö",
    )
    assert got == []


def test_municipal_words_need_a_body() -> None:
    assert is_municipal(Doc(*BUDGET))
    assert not is_municipal(Doc("Skolan firar 100 år", "Eleverna sjöng.", "Skolan är gammal."))


def test_without_a_municipality_only_a_story_all_about_municipal_matters_is_municipal() -> None:
    def kinds(title: str, lead: str, body: str) -> list[str]:
        article = Article(
            url="u",
            canonical_url="u",
            source="t",
            title=title,
            lead=lead,
            body=body,
            authors=["TT"],
        )
        return enrich(article, home_municipality="Vimmerby").kinds

    # a storm story that mentions the municipalities in passing
    assert (
        kinds(
            "Stormen drar in över landet",
            "SMHI varnar för hårda vindar i hela Götaland under natten.",
            "Träd kan falla över vägar och tågtrafiken kan påverkas. Kommunerna uppmanar alla att"
            " hålla sig inomhus. Elbolagen har extra personal i beredskap.",
        )
        == []
    )
    # a national story about the municipalities' own business, no municipality named
    assert kinds(
        "Kommunerna höjer skatten",
        "Flera kommuner höjer kommunalskatten nästa år.",
        "Kommunfullmäktige i flera kommuner har beslutat om budget och skattesats. Nämnderna"
        " får mindre pengar till äldreomsorg och skola, och kommunstyrelserna varnar för"
        " underskott i socialtjänsten.",
    ) == ["municipal"]


def test_household_waste_is_a_municipal_service() -> None:
    """Sweden's household waste is the municipalities' by law: a recycling centre's opening
    hours are municipal news, as a water tariff is."""
    got = kinds(
        "Längre öppettider på återvinningscentralen",
        "Från mars har återvinningscentralen i Vimmerby öppet även på lördagar.",
        "Grovavfall, trädgårdsavfall och farligt avfall tas emot som vanligt.",
    )
    assert got == ["municipal"]
